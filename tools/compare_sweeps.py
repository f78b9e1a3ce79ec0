#!/usr/bin/python3
"""compare_sweeps.py A.h5 B.h5 [--task NAME] [--format text|markdown]

The same grid run twice (say by two builds of mimod, after a change that alters
the numbers): for every grid point finished in both files, the final values of
A and of B side by side, and per condition (points that differ only in seed)
the mean of A, the mean of B and the mean and sd of the per-seed differences
B - A. Points are matched by their coordinates (seed, lambda_I, ...), not by
row, so the two files may hold their points in any order; points finished in
only one file are listed, not compared.

Both files must hold the task run with the same configuration (its
config_yaml: preset, steps, rates...; run-control keys such as
checkpoint_minutes aside): files of different configurations are refused,
naming the keys that differ, unless --allow-different-config is given (then
the differences head the output). Files are opened without HDF5's file lock
(h5py's locking=False, docs/hdf5-layout.md), so a file a sweep is writing can
be compared (its finished points); a missing, empty, non-HDF5 or damaged file
is an error that says which.

Whether the conclusions are the same is for the claim checker
(mimod-summary B.h5 --claims sweeps/paper_claims.yaml); this shows how far
each trial moved. Needs h5py and numpy (python3-h5py, python3-numpy).
"""
import argparse
import os
import sys

import h5py
import numpy as np

# The columns: these first, in this order; then any other quantity the file has
# (a final/<name> of one value per point that the task records: not all NaN),
# so a quantity added to the schema shows without editing this list.
ORDER = ["q_cor", "q_str", "i_n", "d_cor", "d_out", "accuracy", "r2_mean", "d_in", "mi", "task_loss"]
NOT_SHOWN = {"reg_loss"}


def quantities(g, status):
    """The task's quantities in the file: one final value per point, not all NaN
    over its finished points (a quantity the task does not record is NaN)."""
    done = status == 2
    qs = [q for q, d in g["final"].items()
          if d.ndim == 1 and q not in NOT_SHOWN and np.isfinite(d[()][done]).any()]
    return [q for q in ORDER if q in qs] + sorted(q for q in qs if q not in ORDER)


# Keys that change no result (src/checkpoint.c), and keys added later whose
# value here is what files without them meant (trial.h, "legacy defaults").
RUN_CONTROL = {"checkpoint_minutes"}
LEGACY_DEFAULTS = {"n_groups": "2", "mi_pairing": "pairs"}


def fail(msg):
    sys.exit(f"compare_sweeps: {msg}")


def open_result(path):
    """The file opened read-only without HDF5's lock; a clean error if it cannot be."""
    if not os.path.exists(path):
        fail(f"{path}: no such file")
    if os.path.isdir(path):
        fail(f"{path}: is a directory, not a result file")
    if os.path.getsize(path) == 0:
        fail(f"{path}: the file is empty (0 bytes)")
    if not h5py.is_hdf5(path):
        fail(f"{path}: not an HDF5 file")
    try:
        return h5py.File(path, "r", locking=False)
    except (OSError, ValueError) as e:
        fail(f"{path}: HDF5 cannot open it ({e}): truncated or damaged?")


def config_of(g):
    """{key: value} of a task group's config_yaml (one 'key: value' per line), or None."""
    text = g.attrs.get("config_yaml")
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode()
    cfg = {}
    for line in str(text).splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith((" ", "#")) and key not in RUN_CONTROL:
            cfg[key.strip()] = value.strip()
    for key, value in LEGACY_DEFAULTS.items():
        cfg.setdefault(key, value)
    return cfg


def points(path, task):
    """({coordinates: {quantity: final value}} of the finished points of task,
    the task's configuration or None)."""
    with open_result(path) as f:
        if task not in f:
            fail(f"{path} has no task '{task}'")
        g = f[task]
        try:
            names = sorted(g["coords"].keys())
            coords = [g["coords"][n][()] for n in names]
            status = g["status"][()]
            final = {q: g["final"][q][()] for q in quantities(g, status)}
        except (KeyError, OSError) as e:
            fail(f"{path}: /{task} is not a complete mimod task group ({e})")
        cfg = config_of(g)
    out = {}
    for i in range(len(status)):
        if status[i] != 2:  # 2 = done (docs/hdf5-layout.md)
            continue
        key = tuple((n, float(c[i])) for n, c in zip(names, coords))
        out[key] = {q: float(v[i]) for q, v in final.items()}
    return out, cfg


def config_differences(ca, cb):
    """'key: a in A, b in B' for every key whose value differs (None: unknown)."""
    if ca is None or cb is None:
        return None
    diff = []
    for key in sorted(set(ca) | set(cb)):
        va, vb = ca.get(key, "(absent)"), cb.get(key, "(absent)")
        if va != vb:
            diff.append(f"{key}: {va} in A, {vb} in B")
    return diff


def label(key, skip=()):
    return " ".join(f"{n}={v:g}" for n, v in key if n not in skip)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--task", default="sep", help="the task group to compare (default sep)")
    ap.add_argument("--format", default="text", choices=["text", "markdown"])
    ap.add_argument("--allow-different-config", action="store_true",
                    help="compare even when the two runs' configurations differ")
    args = ap.parse_args()
    (pa, ca), (pb, cb) = points(args.a, args.task), points(args.b, args.task)
    diff = config_differences(ca, cb)
    if diff and not args.allow_different_config:
        fail(f"{args.a} and {args.b} ran task {args.task} with different configurations "
             f"({'; '.join(diff)}): their values are not the same trials'; compare runs of one "
             "configuration, or pass --allow-different-config")
    both = sorted(set(pa) & set(pb))
    qs = [q for q in (list(pa[both[0]]) if both else []) if q in pb[both[0]]]
    only = sorted(set(pa) ^ set(pb))
    md = args.format == "markdown"

    def row(cells):
        return "| " + " | ".join(cells) + " |" if md else "  ".join(f"{c:>14}" for c in cells)

    print(f"A = {args.a}, B = {args.b}, task {args.task}: {len(both)} points finished in both")
    if diff:
        print(f"WARNING: the configurations differ: {'; '.join(diff)}")
    elif diff is None:
        print("warning: a file has no config_yaml: the configurations could not be compared")
    for key in only:
        print(f"only in {'A' if key in pa else 'B'}: {label(key)}")
    print()
    print(row(["point"] + [f"{q} A / B" for q in qs]))
    if md:
        print("|" + "---|" * (len(qs) + 1))
    for key in both:
        print(row([label(key)] + [f"{pa[key][q]:.4g} / {pb[key][q]:.4g}" for q in qs]))

    conditions = {}
    for key in both:
        conditions.setdefault(tuple(kv for kv in key if kv[0] != "seed"), []).append(key)
    print()
    print(row(["condition (n)"] + [f"{q}: A, B, B-A" for q in qs]))
    if md:
        print("|" + "---|" * (len(qs) + 1))
    for cond, keys in sorted(conditions.items()):
        cells = [f"{label(cond)} ({len(keys)})"]
        for q in qs:
            a = np.array([pa[k][q] for k in keys])
            b = np.array([pb[k][q] for k in keys])
            d = b - a
            sd = f" ± {d.std(ddof=1):.2g}" if len(d) > 1 else ""
            cells.append(f"{a.mean():.4g}, {b.mean():.4g}, {d.mean():+.2g}{sd}")
        print(row(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
