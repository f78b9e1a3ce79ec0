#!/usr/bin/python3
"""claim_trend.py — where a claim that fails at a preset's length would hold.

For one condition of a result file (its lambda_I and lambda_reg) and one
recorded quantity, fits the mean time course over seeds (or the worst
trial's, --stat min|max, for a claim on every trial), from --from-step to the
end, by

  log model:    y = a + b·log2(step)   (b: growth per doubling of MM steps)
  power model:  y = c·step^k           (only where every mean value is > 0)

and solves each for the MM step at which the curve reaches --target (the
paper's value), rising or falling towards it. The log model grows more slowly than the power model, so the
two bracket a guess; neither is a measurement. An interval for the log model
comes from resampling the trials (bootstrap over seeds, fixed random seed):
the 10th and 90th percentiles of the solved step. "never" means the fitted
trend moves away from the target.

A trial of k MM steps equals the first k steps of a longer one with the same
configuration (docs/reproduction.md §1), so the time course is the quantity
against training length. Used for docs/reproduction.md §4.

  tools/claim_trend.py FILE.h5 --task sep --lambda-I 0.005 --lambda-reg 0.002 \
      --quantity d_out --target 0.173 [--from-step 500] [--format markdown]
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calibration import read_task  # noqa: E402  (sets HDF5_USE_FILE_LOCKING)
import numpy as np  # noqa: E402


def solve_line(x, y, target, to_step, last_step):
    """Fit y = a + b·x; (b, the step to_step(x) at which the line reaches
    target from the side of the last value), the step inf if the line moves
    away from it. A step before the run's end means the fitted line is
    already there while the last value is not (it lies off the trend)."""
    b, a = np.polyfit(x, y, 1)
    if target == y[-1]:
        return b, last_step
    up = target > y[-1]
    if (b <= 0) if up else (b >= 0):
        return b, math.inf
    return b, to_step((target - a) / b)


def solve_log(steps, y, target):
    """The log model y = a + b·log2(step): (b, step reaching target)."""
    return solve_line(np.log2(steps), y, target,
                      lambda e: 2.0 ** e if e < 1000 else math.inf, float(steps[-1]))


def solve_power(steps, y, target):
    """The power model log y = log c + k·log step: (k, step reaching target),
    or (None, None) where a value is ≤ 0."""
    if np.any(y <= 0) or target <= 0:
        return None, None
    return solve_line(np.log(steps), np.log(y), math.log(target),
                      lambda e: math.exp(e) if e < 700 else math.inf, float(steps[-1]))


def percentile(values, q):
    """q-th percentile (nearest rank) of values that may be inf."""
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(math.ceil(q / 100.0 * len(v))) - 1))]


def fmt_step(s, last=None):
    if last is not None and s is not None and s <= last:
        return "%d (fit past it before the end)" % round(s)
    if s is None:
        return "—"
    if not math.isfinite(s):
        return "never"
    if s >= 1e6:
        return "%.1e" % s
    return "%d" % round(s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--task", required=True, help="the task group: wm, sep, …")
    ap.add_argument("--lambda-I", type=float, required=True, dest="lam_i")
    ap.add_argument("--lambda-reg", type=float, default=None, dest="lam_reg",
                    help="the condition's lambda_reg when it is a grid axis")
    ap.add_argument("--quantity", required=True, help="a timecourse/ dataset, e.g. d_out, r2_mean")
    ap.add_argument("--target", type=float, required=True, help="the paper's value")
    ap.add_argument("--from-step", type=int, default=-1,
                    help="first MM step of the fit (default: half the last recorded step)")
    ap.add_argument("--stat", choices=["mean", "min", "max"], default="mean",
                    help="over the trials: the mean, or the worst trial for a claim on every "
                         "trial (min: 'every trial above', max: 'every trial below')")
    ap.add_argument("--bootstrap", type=int, default=2000)
    ap.add_argument("--format", choices=["text", "markdown"], default="text")
    a = ap.parse_args()

    d = read_task(a.file, a.task)
    if d is None:
        sys.exit("claim_trend.py: %s has no task %s" % (a.file, a.task))
    if a.quantity not in d["tc"]:
        sys.exit("claim_trend.py: %s/%s has no timecourse/%s" % (a.file, a.task, a.quantity))
    sel = np.ones(len(d["done"]), bool)
    for name, want in (("lambda_I", a.lam_i), ("lambda_reg", a.lam_reg)):
        if want is None:
            continue
        if name in d["coords"]:
            sel &= np.isclose(d["coords"][name].astype(float), want)
        elif not math.isclose(float(d["base"].get(name, "nan")), want):
            sel[:] = False
    tc = d["tc"][a.quantity][sel]
    n = tc.shape[0]
    if n == 0:
        sys.exit("claim_trend.py: no finished trial with lambda_I=%g%s in %s" %
                 (a.lam_i, "" if a.lam_reg is None else " lambda_reg=%g" % a.lam_reg, a.file))
    steps = d["steps"].astype(float)
    first = a.from_step if a.from_step >= 0 else steps[-1] / 2
    keep = (steps >= first) & (steps > 0) & np.all(np.isfinite(tc), axis=0)
    if keep.sum() < 3:
        sys.exit("claim_trend.py: fewer than 3 record steps from MM step %g" % first)
    st, tck = steps[keep], tc[:, keep]
    stat = {"mean": np.mean, "min": np.min, "max": np.max}[a.stat]
    curve = stat(tck, axis=0)
    b, s_log = solve_log(st, curve, a.target)
    k, s_pow = solve_power(st, curve, a.target)
    rng = np.random.default_rng(12345)
    boot = []
    for _ in range(a.bootstrap if n > 1 else 0):
        m = stat(tck[rng.integers(0, n, n)], axis=0)
        boot.append(solve_log(st, m, a.target)[1])
    lo = hi = None
    if boot:
        lo, hi = percentile(boot, 10), percentile(boot, 90)
    cond = "lambda_I=%g" % a.lam_i + ("" if a.lam_reg is None else ", lambda_reg=%g" % a.lam_reg)
    row = dict(q=a.quantity if a.stat == "mean" else "%s (%s over trials)" % (a.quantity, a.stat),
               cond=cond, n=n, first=int(st[0]), last=int(st[-1]),
               end=("%.4g ± %.2g" % (tck[:, -1].mean(), tck[:, -1].std(ddof=1) if n > 1 else 0))
               if a.stat == "mean" else "%.4g" % curve[-1],
               b="%+.3g" % b, target="%g" % a.target, s_log=fmt_step(s_log, st[-1]),
               ci="—" if lo is None else "%s–%s" % (fmt_step(lo), fmt_step(hi)),
               k="—" if k is None else "%.3g" % k, s_pow=fmt_step(s_pow, st[-1]))
    if a.format == "markdown":
        print("| quantity | condition | n | fit on MM steps | at the end | growth per doubling | "
              "target | log model: reached at | 10–90 % | power exponent | power model: reached at |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print("| {q} | {cond} | {n} | {first}–{last} | {end} | {b} | {target} | {s_log} | {ci} | "
              "{k} | {s_pow} |".format(**row))
    else:
        print("{q}, {cond}: n = {n}, fit on MM steps {first}–{last}; at the end {end}; "
              "growth per doubling {b}; target {target}: log model at MM step {s_log} "
              "(10–90 %: {ci}), power model (exponent {k}) at {s_pow}".format(**row))


if __name__ == "__main__":
    main()
