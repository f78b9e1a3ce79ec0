#!/usr/bin/python3
"""calibration.py — how each claim's quantity grows with the training budget.

Reads one or more mimod result files (docs/hdf5-layout.md) and, per task and
condition (lambda_I, lambda_reg and every other axis but seed), prints the mean
± sd over seeds of the recorded quantities at chosen MM steps, and draws one
figure per task: each quantity against MM step, one colour per condition, the
mean as a thick line and each trial as a thin one.

A trial of k MM steps equals the first k steps of a longer trial with the same
configuration (learning rates are constant and every random draw is keyed by
step), so one long run gives the whole "quantity against training length"
curve. I_n exists only at the end of a trial and is reported as final.

Used for docs/reproduction.md. Needs Debian's python3-h5py, python3-numpy and
python3-matplotlib (tools/setup-debian.sh installs them).

  tools/calibration.py FILE.h5 [FILE.h5 ...] [--steps 200,400,1000]
                       [--figures DIR] [--label NAME]
"""
import argparse
import os
import sys

# A running sweep holds its file open; reading it then needs HDF5's advisory
# lock off (the data read may lag the writer, never the reverse).
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")
import h5py  # noqa: E402
import numpy as np  # noqa: E402

# The quantities with a time course: these first, in this order; then any
# other the file has (timecourse/<name> of one row per point), so a quantity
# added to the schema shows without editing this list.
QUANTITIES = ["task_loss", "accuracy", "r2_mean", "mi", "q_cor", "q_str", "d_cor", "d_in", "d_out"]
NOT_SHOWN = {"reg_loss", "r2"}
DONE = 2


def timecourses(g):
    """Names of the task group's time courses, in QUANTITIES' order, then the rest."""
    names = [q for q, d in g["timecourse"].items() if d.ndim == 2 and q not in NOT_SHOWN]
    return [q for q in QUANTITIES if q in names] + sorted(q for q in names if q not in QUANTITIES)


def read_task(path, task):
    """Finished points of one task group: coords, record steps, time courses, finals."""
    with h5py.File(path, "r") as f:
        if task not in f:
            return None
        g = f[task]
        status = g["status"][...]
        done = np.flatnonzero(status == DONE)
        coords = {}
        if "coords" in g:
            for name in g["coords"]:
                coords[name] = g["coords"][name][...][done]
        steps = g["record_step"][...]
        tc = {}
        names = timecourses(g) if "timecourse" in g else []
        for q in names:
            tc[q] = g["timecourse/" + q][...][done, :]
        final = {}
        for q in names + ["i_n"]:
            key = "final/" + q
            if key in g:
                final[q] = g[key][...][done]
        cfg = g.attrs.get("config_yaml", b"")
        if isinstance(cfg, bytes):
            cfg = cfg.decode()
        base = {}
        for line in str(cfg).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                base[k.strip()] = v.strip()
    return dict(path=path, done=done, coords=coords, steps=steps, tc=tc, final=final, base=base)


def conditions(d):
    """Groups of point indices (into d['done']) that differ only in seed."""
    axes = sorted(k for k in d["coords"] if k != "seed")
    groups = {}
    for i in range(len(d["done"])):
        key = tuple((a, float(d["coords"][a][i])) for a in axes)
        groups.setdefault(key, []).append(i)
    return groups


def label_of(key, d):
    parts = ["%s=%g" % (a, v) for a, v in key]
    lam_i = dict(key).get("lambda_I", float(d["base"].get("lambda_I", "nan")))
    lam_r = dict(key).get("lambda_reg", float(d["base"].get("lambda_reg", "nan")))
    if "lambda_I" not in dict(key):
        parts.append("lambda_I=%g" % lam_i)
    if "lambda_reg" not in dict(key):
        parts.append("lambda_reg=%g" % lam_r)
    return ", ".join(parts)


def fmt(x):
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return "—"
    if len(x) == 1:
        return "%.3f" % x[0]
    return "%.3f ± %.3f" % (x.mean(), x.std(ddof=1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--steps", default="", help="MM steps to tabulate (default: 5 evenly spaced)")
    ap.add_argument("--figures", default="", help="directory for calibration_<task>.png")
    ap.add_argument("--label", default="", help="prefix of the figure names")
    args = ap.parse_args()

    # every task group of the files (the built-in tasks first, as mimod-summary prints them)
    tasks = ["wm", "sep"]
    for path in args.files:
        with h5py.File(path, "r") as f:
            tasks += [k for k in f.keys() if isinstance(f[k], h5py.Group) and k not in tasks]
    for task in tasks:
        sets = []
        for path in args.files:
            d = read_task(path, task)
            if d is not None and len(d["done"]):
                sets.append(d)
        if not sets:
            continue
        print("## %s\n" % task.upper())
        curves = []
        for d in sets:
            steps = d["steps"]
            if args.steps:
                want = [int(s) for s in args.steps.split(",")]
            else:
                want = list(np.linspace(0, steps[-1], 6).round().astype(int))[1:]
            idx = [int(np.argmin(np.abs(steps - s))) for s in want]
            qs = [q for q in d["tc"] if np.isfinite(d["tc"][q]).any()]
            print("%s (%d finished trials)\n" % (os.path.basename(d["path"]), len(d["done"])))
            print("| condition | n | MM step | " + " | ".join(qs) + " | i_n (final) |")
            print("|---" * (len(qs) + 4) + "|")
            for key, pts in sorted(conditions(d).items()):
                lab = label_of(key, d)
                for j, r in enumerate(idx):
                    row = [fmt(d["tc"][q][pts, r]) for q in qs]
                    fin = fmt(d["final"]["i_n"][pts]) if (j == len(idx) - 1 and "i_n" in d["final"]) else ""
                    print("| %s | %d | %d | %s | %s |" % (lab, len(pts), steps[r], " | ".join(row), fin))
                curves.append((os.path.basename(d["path"]) + ": " + lab, steps, {q: d["tc"][q][pts] for q in qs}))
            print()
        if args.figures:
            draw(curves, task, args.figures, args.label)


def draw(curves, task, outdir, label):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    qs = []
    for c in curves:  # in the tables' order, every curve's quantities once
        qs += [q for q in c[2] if q not in qs]
    ncol = 3
    nrow = (len(qs) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.0 * nrow), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, q in enumerate(qs):
        ax = axes[k // ncol][k % ncol]
        for c, (lab, steps, tc) in enumerate(curves):
            if q not in tc:
                continue
            col = colours[c % len(colours)]
            for row in tc[q]:
                ax.plot(steps, row, color=col, lw=0.5, alpha=0.35)
            ax.plot(steps, np.nanmean(tc[q], axis=0), color=col, lw=2, label=lab)
        if q == "r2_mean":
            ax.set_ylim(0, 1)  # the first record (untrained, R² ≈ −6) would flatten the rest
        ax.set_title(q)
        ax.set_xlabel("MM step")
        ax.grid(alpha=0.3)
    for k in range(len(qs), nrow * ncol):
        axes[k // ncol][k % ncol].axis("off")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=1, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.04 + 0.025 * len(curves), 1, 1))
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, "%scalibration_%s.png" % (label + "_" if label else "", task))
    fig.savefig(out, dpi=90)
    print("figure: %s\n" % out)


if __name__ == "__main__":
    sys.exit(main())
