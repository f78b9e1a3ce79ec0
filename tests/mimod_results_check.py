"""mimod_results_check.py — the checks of tests/test_mimod_results.sh (python/mimod_results.py).

  mimod_results_check.py same MIMOD_SUMMARY FILE
      the module's frames equal the tables of `mimod-summary FILE --trials` and
      `--timecourse` (columns, rows, every value exactly), and the datasets read with h5py
  mimod_results_check.py watch MIMOD_SUMMARY LIVE.h5 REF.h5 ENDED
      read LIVE.h5 over and over while a sweep writes it, until the file ENDED exists: every
      time-course row equals REF.h5's (an uninterrupted run of the same sweep) bit
      for bit and is a written record, finals only of finished points and equal to
      REF's; running points seen part-way; at the end the frames equal REF's.
Prints "FAIL: …" lines and exits 1 on a failure.
"""
import io
import os
import subprocess
import sys
import time

import h5py
import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import mimod_results as mr  # noqa: E402

failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        if failures <= 30:
            print("FAIL:", what, flush=True)


def same_values(a, b):
    """Equal element for element, NaN where the other is NaN (bit-exact otherwise)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def cli_table(summary, path, option):
    out = subprocess.run([summary, path, option], capture_output=True, text=True)
    check(out.returncode == 0, f"mimod-summary {path} {option}: exit {out.returncode}: {out.stderr}")
    # empty fields are NaN; text columns keep their empty strings
    # round_trip: pandas' default float parser may be off by an ulp
    return pd.read_csv(io.StringIO(out.stdout), keep_default_na=False, na_values=[""], float_precision="round_trip",
                       dtype={"fail_reason": str, "blas_kernel": str, "build": str, "status": str, "task": str,
                              "quantity": str})


def compare_frames(mod, cli, what):
    check(list(mod.columns) == list(cli.columns),
          f"{what}: columns {list(mod.columns)} vs mimod-summary's {list(cli.columns)}")
    check(len(mod) == len(cli), f"{what}: {len(mod)} rows vs mimod-summary's {len(cli)}")
    if list(mod.columns) != list(cli.columns) or len(mod) != len(cli):
        return
    for c in mod.columns:
        if mod[c].dtype == object or cli[c].dtype == object:
            a = mod[c].fillna("").astype(str).tolist()
            b = cli[c].fillna("").astype(str).tolist()
            check(a == b, f"{what}: column {c} differs: {a[:4]} vs {b[:4]}")
        elif c == "seed":
            check(mod[c].astype("uint64").tolist() == cli[c].astype("uint64").tolist(),
                  f"{what}: seeds differ")
        else:
            check(same_values(mod[c].astype(float), cli[c].astype(float)),
                  f"{what}: column {c} differs from mimod-summary's")


def against_datasets(path, fin, tc):
    """Every value of the frames is the dataset's (read here with h5py directly)."""
    with h5py.File(path, "r", locking=False) as f:
        for task in ("wm", "sep"):
            if task not in f:
                continue
            g = f[task]
            done = g["status"][:] == 2
            rows = fin[fin.task == task].sort_values("point")
            check(rows.point.tolist() == list(np.nonzero(done)[0]), f"{task}: finals of the finished points")
            for q in mr.QUANTITIES:
                want = g["final/" + q][:][done]
                if not mr._in_task(q, task):
                    want = np.full(want.shape, np.nan)
                check(same_values(rows[q], want), f"{task}: final/{q}")
            t = tc[tc.task == task]
            for q in mr.TIMECOURSE_QUANTITIES:
                s = t[t.quantity == q]
                if not mr._in_task(q, task):
                    check(len(s) == 0, f"{task}: rows of {q}, which the task has not got")
                    continue
                ds = g["timecourse/" + q][:]
                check(len(s) > 0 and same_values(s.value, ds[s.point.to_numpy(), s.record.to_numpy()]),
                      f"{task}: timecourse/{q}")
            step = g["record_step"][:]
            check(same_values(t.mm_step, step[t.record.to_numpy()]), f"{task}: mm_step = record_step")


def same(summary, path):
    fin_all = mr.finals(path, all_points=True)
    compare_frames(fin_all, cli_table(summary, path, "--trials"), "finals(all_points=True) vs --trials")
    tc = mr.timecourse(path)
    compare_frames(tc, cli_table(summary, path, "--timecourse"), "timecourse() vs --timecourse")
    pts = mr.points(path)
    check(list(pts.columns) == list(fin_all.columns[:len(pts.columns)]), "points: the leading columns of finals")
    fin = mr.finals(path)
    check((fin.status == "done").all() and len(fin) == (pts.status == "done").sum(), "finals: finished points")
    against_datasets(path, fin, tc)
    # one task, a few quantities, the condition columns
    tw = mr.timecourse(path, task="wm", quantities=["q_cor", "mi"])
    check(set(tw.quantity) == {"q_cor", "mi"} and set(tw.task) == {"wm"}, "timecourse(task, quantities)")
    check(mr.condition_columns(tw) == [a for a in tw.attrs["axes"] if a != "seed"], "condition_columns, one task")
    check(mr.condition_columns(tc)[0] == "task", "condition_columns of both tasks start with task")
    check(mr.condition_label(["lambda_I", "lambda_reg"], (0.1, 0.0)) == "lambda_I=0.1, lambda_reg=0",
          "condition_label")
    groups = [(label, len(rows)) for label, rows in mr.by_condition(tw)]
    check([g[0] for g in groups] == ["lambda_I=0", "lambda_I=0.1"] and sum(g[1] for g in groups) == len(tw),
          f"by_condition: {groups}")
    try:
        mr.points(path, task="xx")
        check(False, "an unknown task is refused")
    except ValueError:
        pass


KEY = ["task", "point", "record", "quantity"]


def watch(summary, live, ref, ended_flag):
    ref_tc = mr.timecourse(ref).set_index(KEY).value
    ref_fin = mr.finals(ref).set_index(["task", "point"])
    R = {t: int(h5py.File(ref, "r", locking=False)[t].attrs["n_records"]) for t in mr.tasks(ref)}
    snapshots = partial = cli_checked = 0
    while True:
        ended = os.path.exists(ended_flag)  # the writer has exited
        if os.path.exists(live):
            try:
                tc = mr.timecourse(live)
                fin = mr.finals(live)
            except (OSError, KeyError) as e:  # the file between .creating and complete
                check(snapshots == 0, f"reading {live} failed after a first good read: {e}")
                tc = None
            if tc is not None:
                snapshots += 1
                # every row is the uninterrupted run's, bit for bit
                idx = tc.set_index(KEY).index
                check(idx.isin(ref_tc.index).all(), f"rows the reference has not got: {tc[~idx.isin(ref_tc.index)].head()}")
                check(same_values(tc.value, ref_tc.reindex(idx).to_numpy()),
                      f"snapshot {snapshots}: time-course values differ from the reference")
                # a point's rows are whole records 0..k-1 (every quantity of each)
                for (task, point), s in tc.groupby(["task", "point"]):
                    recs = sorted(set(s.record))
                    check(recs == list(range(len(recs))), f"{task} point {point}: records {recs[:5]}…")
                    check(len(s) == len(recs) * s.quantity.nunique(), f"{task} point {point}: partial record")
                    st = s.status.iloc[0]
                    if st == "running" and 0 < len(recs) < R[task]:
                        partial += 1
                    if st == "done":
                        check(len(recs) == R[task], f"{task} point {point} done with {len(recs)} records")
                # finals: finished points only, the reference's values
                check((fin.status == "done").all(), "finals of unfinished points")
                rf = ref_fin.reindex(fin.set_index(["task", "point"]).index)
                for q in ("task_loss", "q_cor", "mi", "i_n"):
                    check(same_values(fin[q], rf[q]), f"final {q} differs from the reference")
                # the command line on the file being written: its rows are the reference's too
                if cli_checked < 3 and (tc.status == "running").any():
                    cli = cli_table(summary, live, "--timecourse")
                    ci = cli.set_index(KEY).index
                    check(ci.isin(ref_tc.index).all() and same_values(cli.value, ref_tc.reindex(ci).to_numpy()),
                          "mimod-summary --timecourse on the file being written differs from the reference")
                    cli_checked += 1
        if ended:
            break
        time.sleep(0.05)
    check(snapshots >= 5, f"only {snapshots} snapshots of the file being written")
    check(partial >= 1, "no running point seen part-way (0 < records < R)")
    check(cli_checked >= 1, "mimod-summary --timecourse never read the file while a point ran")
    # the finished file: the frames equal the reference's
    tc, rtc = mr.timecourse(live), mr.timecourse(ref)
    check(len(tc) == len(rtc) and same_values(tc.value, rtc.value), "the finished file's time courses")
    fin, rfin = mr.finals(live), mr.finals(ref)
    check(len(fin) == len(rfin) and same_values(fin.q_cor, rfin.q_cor), "the finished file's finals")
    print(f"watch: {snapshots} snapshots, running points seen part-way {partial} times, "
          f"mimod-summary --timecourse read {cli_checked} times during the run")


if __name__ == "__main__":
    if sys.argv[1] == "same":
        same(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "watch":
        watch(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit(f"unknown mode {sys.argv[1]}")
    print(f"{sys.argv[1]}: {failures} failures")
    sys.exit(1 if failures else 0)
