#!/usr/bin/python3
"""k_groups_figure.py — the correlation matrix of K-group trials (issues 16, 27).

For one result file of a K-group sweep (sweeps/k_groups_wm*.yaml,
sweeps/k_targets_*.yaml): the mean over the finished trials of |final/corr|
(diagonal left out) without MI (lambda_I = 0) and with MI, side by side, with
the K group boundaries drawn, and the same for the trial of median final q_cor
in each condition.

    /usr/bin/python3 tools/k_groups_figure.py RESULTS.h5 OUT.png [--task wm] [--groups K]
                                              [--unit-out OUT2.png]

--groups K     the trials of K groups, for a file whose grid has an n_groups axis
               (without it the file must hold one K)
--unit-out P   also draw, for every finished MI trial of that K, its final
               |corr(unit, output)| (final/unit_out_corr: units down, the task's
               outputs across, group and target boundaries dashed): which group
               carries which target, trial by trial (a mean over trials would mix
               the trials' different assignments of targets to groups)

Needs h5py, numpy and matplotlib (Debian: python3-h5py python3-matplotlib;
the /usr/bin/python3 of this machine has them). K comes from coords/n_groups
or the n_groups line of config_yaml (2 when absent), as in mimod-summary; the
targets from n_out (WM: one output per bit, SEP: three per source).
"""
import argparse
import re
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def config_value(g, key):
    text = g.attrs.get("config_yaml", b"")
    text = text.decode() if isinstance(text, bytes) else str(text)
    m = re.search(r"^%s:\s*(\S+)" % key, text, re.M)
    return m.group(1) if m else None


def groups_of(g):
    k = config_value(g, "n_groups")
    base = int(k) if k else 2
    if "coords/n_groups" in g:
        return np.asarray(g["coords/n_groups"][:], dtype=int)
    return np.full(g.attrs["n_points"], base, dtype=int)


def lambda_i_of(g):
    if "coords/lambda_I" in g:
        return np.asarray(g["coords/lambda_I"][:], dtype=float)
    v = config_value(g, "lambda_I")
    return np.full(g.attrs["n_points"], float(v) if v else np.nan)


def targets_of(task, n_out):
    """(number of targets, outputs per target, output names)"""
    if task == "sep":
        names = ["%s%s" % ("LRC"[k // 3] if k // 3 < 3 else "?", "xyz"[k % 3]) for k in range(n_out)]
        return n_out // 3, 3, names
    return n_out, 1, ["bit %d" % (k + 1) for k in range(n_out)]


def seeds_of(g):
    if "coords/seed" in g:
        return np.asarray(g["coords/seed"][:])
    return np.arange(g.attrs["n_points"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("out")
    ap.add_argument("--task", default="wm")
    ap.add_argument("--groups", type=int, default=None)
    ap.add_argument("--unit-out", default=None)
    a = ap.parse_args()
    with h5py.File(a.results, "r") as f:
        g = f[a.task]
        done = g["status"][:] == 2
        K = groups_of(g)
        li = lambda_i_of(g)
        seeds = seeds_of(g)
        corr = np.abs(g["final/corr"][:])
        unit_out = np.abs(g["final/unit_out_corr"][:])
        qcor = g["final/q_cor"][:]
        i_n = g["final/i_n"][:]
        n_out = int(g.attrs["n_out"])
    if a.groups is not None:
        done &= K == a.groups
        if not done.any():
            sys.exit("k_groups_figure: no finished trial of %d groups (the file has K = %s)" %
                     (a.groups, sorted(set(K))))
    N = corr.shape[1]
    ks = sorted(set(K[done]))
    if len(ks) != 1:
        sys.exit("k_groups_figure: one K per file, or --groups K (found %s)" % ks)
    k = ks[0]
    n_targets, per_target, out_names = targets_of(a.task, n_out)
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
    what = "" if n_targets == 2 else ", %d targets" % n_targets
    fig.suptitle("%s%s, N = %d units in K = %d groups: |correlation| of the unit states at the end "
                 "of training (diagonal blank)" % (a.task.upper(), what, N, k), fontsize=11)
    fig.savefig(a.out, dpi=90)
    print(a.out)

    if a.unit_out:
        idx = np.flatnonzero(done & (li > 0))
        if idx.size == 0:
            sys.exit("k_groups_figure: no finished MI trial of %d groups for --unit-out" % k)
        cols = min(idx.size, 6)
        rows = (idx.size + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(1.2 + 0.32 * n_out * cols + 0.6 * cols,
                                                      0.5 + 0.11 * N * rows + 0.9 * rows),
                                 squeeze=False, constrained_layout=True)
        for i, p in enumerate(idx):
            ax = axes[i // cols, i % cols]
            im = ax.imshow(unit_out[p], vmin=0, vmax=1, cmap="Blues", aspect="auto",
                           interpolation="nearest")
            for b in range(1, k):
                ax.axhline(b * N / k - 0.5, color="grey", lw=0.8, ls="--")
            for b in range(1, n_targets):
                ax.axvline(b * per_target - 0.5, color="grey", lw=0.8, ls="--")
            ax.set_title("seed %d\nQ_cor %.2f, I_n %.2f" % (seeds[p], qcor[p], i_n[p]), fontsize=9)
            ax.set_xticks(range(n_out))
            ax.set_xticklabels(out_names, rotation=90, fontsize=7)
            ax.set_yticks([(b + 0.5) * N / k - 0.5 for b in range(k)])
            ax.set_yticklabels(["g%d" % (b + 1) for b in range(k)], fontsize=8)
        for j in range(idx.size, rows * cols):
            axes[j // cols, j % cols].axis("off")
        fig.colorbar(im, ax=axes, shrink=0.6, label="|corr(unit, output)|")
        fig.suptitle("%s%s, K = %d groups, MI trials: |corr| of each unit with each output at the "
                     "end of training" % (a.task.upper(), what, k), fontsize=10)
        fig.savefig(a.unit_out, dpi=90)
        print(a.unit_out)


if __name__ == "__main__":
    main()
