"""mimod_results — a mimod result file (docs/hdf5-layout.md) as pandas DataFrames.

    import sys; sys.path.insert(0, "python")        # this directory (or PYTHONPATH)
    import mimod_results as mr
    pts = mr.points("paper_wm.h5")                  # one row per grid point: axes, status, progress
    fin = mr.finals("paper_wm.h5")                  # finished points with every final quantity
    tc = mr.timecourse("paper_wm.h5", quantities=["q_cor"])  # long: point, record, quantity, value
    by = mr.condition_columns(tc)                   # the axes but seed: a condition per value
    tc.groupby(by + ["mm_step"], dropna=False).value.agg(["mean", "std", "count"])

The frames are the tables of `mimod-summary FILE --trials` (`finals(all_points=True)`)
and `--timecourse`, with the same columns and the file's values; `tests/test_mimod_results.sh`
checks that they agree.

A file that a sweep (or `mimod-train`, as `<output>.writing`) is writing can be read at any time:
the file is opened without HDF5's file lock (h5py ≥ 3.5, `locking=False`), and a point's
status and `records_done` are read before its rows, so every row a frame holds is one the
finished file will hold too (docs/hdf5-layout.md, "Reading a file that is being written"):
`timecourse` gives the records a point has written (`record < records_done`), `finals` the
final values of finished points only (status is written last).

Needs h5py, NumPy and pandas (Debian 12: python3-h5py python3-pandas; tools/setup-debian.sh).
"""

import h5py
import numpy as np
import pandas as pd

__all__ = ["points", "finals", "timecourse", "condition_columns", "by_condition", "condition_label", "tasks",
           "QUANTITIES", "TIMECOURSE_QUANTITIES", "UNITS", "STATUS"]

# The result schema (include/mimod/schema.h, src/schema.c), in its order.
QUANTITIES = ("task_loss", "reg_loss", "mi", "accuracy", "r2_mean", "q_cor", "q_str", "d_cor",
              "d_out", "d_in", "i_n")
TIMECOURSE_QUANTITIES = QUANTITIES[:-1]          # i_n is computed at the end only
UNITS = {
    "task_loss": "MSE on the evaluation batch",
    "reg_loss": "½Σw² (without λ_reg)",
    "mi": "Î, nats",
    "accuracy": "fraction of correct signs",
    "r2_mean": "mean R² over the outputs",
    "q_cor": "modularity of the correlation network",
    "q_str": "modularity of the structural network",
    "d_cor": "output-correlation differentiation index",
    "d_out": "output-weight differentiation index",
    "d_in": "input-weight differentiation index",
    "i_n": "normalised MI of the CNM K-partition vs the K groups",
}
_ONLY = {"accuracy": "wm", "d_in": "wm", "r2_mean": "sep"}  # quantities of one task only
STATUS = ("pending", "running", "done", "failed")           # status codes 0..3
_TASKS = ("wm", "sep")


def _text(value):
    """An HDF5 string attribute or element as str (fixed-length ones come as bytes)."""
    if isinstance(value, (bytes, np.bytes_)):
        value = bytes(value).split(b"\0", 1)[0].decode("utf-8", "replace")
    return str(value)


def _in_task(q, task):
    return _ONLY.get(q, task) == task


def _open(path):
    # no file lock: a writer's lock would refuse us, ours would refuse a sweep resuming
    return h5py.File(path, "r", locking=False)


def tasks(path):
    """The task groups of the file, in file order ("wm", "sep")."""
    with _open(path) as f:
        return [t for t in _TASKS if t in f]


def _selected(f, task):
    if task is None:
        names = [t for t in _TASKS if t in f]
    else:
        names = [task] if isinstance(task, str) else list(task)
    for t in names:
        if t not in _TASKS:
            raise ValueError(f"unknown task {t!r} (wm or sep)")
        if t not in f:
            raise KeyError(f"{f.filename} has no /{t} group")
    if not names:
        raise KeyError(f"{f.filename} has no /wm or /sep group")
    return names


class _Task:
    """One task group's points: read status and records_done first, then the rest."""

    def __init__(self, f, task):
        g = f[task]
        self.g, self.task = g, task
        self.P, self.R = int(g.attrs["n_points"]), int(g.attrs["n_records"])
        self.n_out = int(g.attrs["n_out"])
        self.status = g["status"][:].astype(np.int32)            # before any row
        if "records_done" in g:
            self.done = np.clip(g["records_done"][:].astype(np.int64), 0, self.R)
        else:  # files made before records_done: the leading finite task_loss rows
            tl = g["timecourse/task_loss"][:]
            finite = np.isfinite(tl)
            self.done = np.where(finite.all(axis=1), self.R, np.argmin(finite, axis=1))
        if "axes" in g.attrs:
            self.axes = [a.strip() for a in _text(g.attrs["axes"]).split(",") if a.strip()]
        else:
            self.axes = list(g["coords"].keys())
        self.record_step = g["record_step"][:].astype(np.int64)

    def points(self):
        g, P = self.g, self.P
        cols = {"task": self.task, "point": np.arange(P)}
        for a in self.axes:
            cols[a] = g["coords/" + a][:]
        cols["status"] = [STATUS[s] if 0 <= s < 4 else "?" for s in self.status]
        cols["records_done"] = self.done
        step = pd.array([self.record_step[d - 1] if d > 0 else None for d in self.done], dtype="Int64")
        cols["mm_step"] = step
        wall = g["wall_seconds"][:] if "wall_seconds" in g else np.full(P, np.nan)
        cols["wall_seconds"] = np.where(self.status == 0, np.nan, wall)
        fs = g["fail_step"][:] if "fail_step" in g else np.full(P, -1)
        cols["fail_step"] = pd.array([s if s >= 0 else None for s in fs], dtype="Int64")
        cols["fail_reason"] = [_text(r) for r in g["fail_reason"][:]] if "fail_reason" in g else [""] * P
        # files made before blas_kernel or build lack them: unrecorded, as empty strings
        for name in ("blas_kernel", "build"):
            cols[name] = [_text(r) for r in g[name][:]] if name in g else [""] * P
        return pd.DataFrame(cols)


def _frame(path, task, build):
    with _open(path) as f:
        parts, axes = [], []
        for t in _selected(f, task):
            tk = _Task(f, t)
            axes += [a for a in tk.axes if a not in axes]
            parts.append(build(tk))
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    # the union of the tasks' axes stays in place, before status (as in --trials)
    lead = ["task", "point"] + axes
    df = df[lead + [c for c in df.columns if c not in lead]]
    df.attrs["axes"] = axes
    df.attrs["path"] = str(path)
    return df


def points(path, task=None):
    """One row per grid point: task, point, one column per grid axis, status ("pending",
    "running", "done", "failed"), records_done, mm_step (of the last record written),
    wall_seconds (training time so far), fail_step, fail_reason, blas_kernel (the OpenBLAS
    kernel(s) that computed the point) and build (the build(s) of mimod that did, as commits:
    both empty when unrecorded)."""
    return _frame(path, task, lambda tk: tk.points())


def finals(path, task=None, all_points=False):
    """The points' columns and every final quantity (QUANTITIES, then r2_0… per output when
    a SEP group is read). Only finished points (status "done"), unless all_points: then every
    point, NaN where a point has not finished (the table of `mimod-summary --trials`)."""
    def build(tk):
        df = tk.points()
        fin = tk.status == 2
        for q in QUANTITIES:
            have = "final/" + q in tk.g and _in_task(q, tk.task)
            df[q] = np.where(fin, tk.g["final/" + q][:], np.nan) if have else np.nan
        if tk.task == "sep":  # R² per output; NaN in the rows of a WM group read with it
            r2 = tk.g["final/r2"][:] if "final/r2" in tk.g else np.full((tk.P, tk.n_out), np.nan)
            for k in range(tk.n_out):
                df[f"r2_{k}"] = np.where(fin, r2[:, k], np.nan)
        return df if all_points else df[fin].reset_index(drop=True)

    return _frame(path, task, build)


def timecourse(path, task=None, quantities=None):
    """Long format, one row per point, record and quantity: task, point, the axes, status,
    record, mm_step, quantity, value — the records each running, finished or failed point has
    written (record < records_done; a pending point's rows belong to an interrupted run). The
    quantities are the task's time courses (TIMECOURSE_QUANTITIES it has, then r2_0… for SEP),
    or those named in `quantities`."""
    if quantities is not None:
        quantities = [quantities] if isinstance(quantities, str) else list(quantities)

    def build(tk):
        pts = tk.points()
        meta = ["task", "point"] + tk.axes + ["status"]
        started = tk.status != 0
        pp, rr = np.nonzero(started[:, None] & (np.arange(tk.R)[None, :] < tk.done[:, None]))
        names, values = [], []
        for q in TIMECOURSE_QUANTITIES:
            if _in_task(q, tk.task) and "timecourse/" + q in tk.g:
                names.append(q)
                values.append(tk.g["timecourse/" + q][:][pp, rr])
        if tk.task == "sep" and "timecourse/r2" in tk.g:
            r2 = tk.g["timecourse/r2"][:]
            for k in range(tk.n_out):
                names.append(f"r2_{k}")
                values.append(r2[pp, rr, k])
        keep = [i for i, n in enumerate(names) if quantities is None or n in quantities]
        names, values = [names[i] for i in keep], [values[i] for i in keep]
        nq = len(names)
        # rows ordered by point, record, then quantity in the schema's order (as --timecourse)
        base = pts.iloc[np.repeat(pp, nq)][meta].reset_index(drop=True)
        base["record"] = np.repeat(rr, nq)
        base["mm_step"] = np.repeat(tk.record_step[rr], nq)
        base["quantity"] = np.tile(np.array(names, dtype=object), len(pp))
        base["value"] = np.stack(values, axis=1).reshape(-1) if nq else np.empty(0)
        return base

    return _frame(path, task, build)


def condition_columns(df):
    """The columns that name a condition: every grid axis but seed (and the task when the
    frame holds both). Group by them with dropna=False: an axis of one task only is NaN in
    the other's rows."""
    cols = [a for a in df.attrs.get("axes", []) if a != "seed" and a in df.columns]
    if "task" in df.columns and df["task"].nunique() > 1:
        cols = ["task"] + cols
    return cols


def by_condition(df, columns=None):
    """(label, rows) for each condition of df: grouped by `columns` (default
    condition_columns(df)), in sorted order, NaN keys kept; label as condition_label."""
    columns = condition_columns(df) if columns is None else list(columns)
    if not columns:
        yield condition_label([], ()), df
        return
    key = columns if len(columns) > 1 else columns[0]  # one column: scalar keys in every pandas
    for k, rows in df.groupby(key, dropna=False, sort=True):
        yield condition_label(columns, k), rows


def condition_label(columns, key):
    """"lambda_I=0.1, lambda_reg=0" for a groupby key over `columns` (a value or a tuple)."""
    key = key if isinstance(key, tuple) else (key,)
    parts = [f"{c}={v:g}" if isinstance(v, (float, np.floating)) else f"{c}={v}"
             for c, v in zip(columns, key)]
    return ", ".join(parts) if parts else "all points"
