#!/usr/bin/python3
"""k_groups_figure.py — the correlation matrix of K-group trials (issue 16).

For one result file of a K-group sweep (sweeps/k_groups_wm*.yaml): the
mean over the finished trials of |final/corr| (diagonal left out) without MI
(lambda_I = 0) and with MI, side by side, with the K group boundaries drawn,
and the same for the trial of median final q_cor in each condition.

    /usr/bin/python3 tools/k_groups_figure.py RESULTS.h5 OUT.png [--task wm]

Needs h5py, numpy and matplotlib (Debian: python3-h5py python3-matplotlib;
the /usr/bin/python3 of this machine has them). K comes from coords/n_groups
or the n_groups line of config_yaml (2 when absent), as in mimod-summary.
"""
import argparse
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def groups_of(g):
    text = g.attrs.get("config_yaml", b"")
    text = text.decode() if isinstance(text, bytes) else str(text)
    m = re.search(r"^n_groups:\s*(\d+)", text, re.M)
    base = int(m.group(1)) if m else 2
    if "coords/n_groups" in g:
        return np.asarray(g["coords/n_groups"][:], dtype=int)
    return np.full(g.attrs["n_points"], base, dtype=int)


def lambda_i_of(g):
    if "coords/lambda_I" in g:
        return np.asarray(g["coords/lambda_I"][:], dtype=float)
    text = g.attrs.get("config_yaml", b"")
    text = text.decode() if isinstance(text, bytes) else str(text)
    m = re.search(r"^lambda_I:\s*(\S+)", text, re.M)
    return np.full(g.attrs["n_points"], float(m.group(1)) if m else np.nan)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("out")
    ap.add_argument("--task", default="wm")
    a = ap.parse_args()
    with h5py.File(a.results, "r") as f:
        g = f[a.task]
        done = g["status"][:] == 2
        K = groups_of(g)
        li = lambda_i_of(g)
        corr = np.abs(g["final/corr"][:])
        qcor = g["final/q_cor"][:]
        i_n = g["final/i_n"][:]
    N = corr.shape[1]
    ks = sorted(set(K[done]))
    if len(ks) != 1:
        sys.exit("k_groups_figure: one K per file please (found %s)" % ks)
    k = ks[0]
    conds = [("no MI (lambda_I = 0)", done & (li == 0)), ("MI (lambda_I > 0)", done & (li > 0))]
    fig, axes = plt.subplots(2, 2, figsize=(10, 9.2), constrained_layout=True)
    for col, (name, sel) in enumerate(conds):
        idx = np.flatnonzero(sel)
        if idx.size == 0:
            continue
        mean = corr[idx].mean(axis=0)
        med = idx[np.argsort(qcor[idx])[(idx.size - 1) // 2]]
        for row, (m, title) in enumerate([
                (mean, "%s: mean |corr| over %d trials" % (name, idx.size)),
                (corr[med], "%s: median-Q_cor trial (point %d)\nQ_cor %.3f, I_n %.3f" %
                 (name, med, qcor[med], i_n[med]))]):
            m = m.copy()
            np.fill_diagonal(m, np.nan)
            ax = axes[row, col]
            im = ax.imshow(m, vmin=0, vmax=max(0.5, np.nanmax(m)), cmap="Blues",
                           interpolation="nearest")
            for b in range(1, k):
                ax.axhline(b * N / k - 0.5, color="grey", lw=0.8, ls="--")
                ax.axvline(b * N / k - 0.5, color="grey", lw=0.8, ls="--")
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("unit j")
            ax.set_ylabel("unit i")
            fig.colorbar(im, ax=ax, shrink=0.8, label="|corr|")
    fig.suptitle("%s, N = %d units in K = %d groups: |correlation| of the unit states at the end "
                 "of training (diagonal blank)" % (a.task.upper(), N, k), fontsize=11)
    fig.savefig(a.out, dpi=90)
    print(a.out)


if __name__ == "__main__":
    main()
