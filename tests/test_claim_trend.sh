#!/bin/bash
# tools/claim_trend.py on hand-made result files whose time courses follow a
# known law, so the MM step at which each reaches its target is known exactly:
#   log law   y = 0.02·log2(step) − 0.1 (+ ±0.01 per seed, cancelling in the
#             mean): 0.173 is reached at 2^13.65 = 12 854.6
#   power law y = 0.001·step^0.5: 0.1 at step 10 000
#   falling   y = 1 − 0.05·log2(step): a rising target is "never" reached
#   min over trials: trial 2 lags by 0.1, so it reaches 0.173 at 2^18.65 = 411 348.0
# Skipped (77) without /usr/bin/python3's h5py and numpy.
set -uo pipefail
src=$1
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
need_python h5py numpy
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$py" - "$tmp/law.h5" <<'PY'
import sys, h5py, numpy as np
steps = np.arange(0, 1001, 25)
s = np.maximum(steps, 1).astype(float)
with h5py.File(sys.argv[1], "w") as f:
    g = f.create_group("sep")
    g.attrs["config_yaml"] = "task: sep\nlambda_I: 0.005\nlambda_reg: 0.002\n"
    g["status"] = np.array([2, 2, 2, 0])                 # the 4th point not done: ignored
    g["coords/seed"] = np.array([0, 1, 2, 3])
    g["coords/lambda_I"] = np.array([0.005, 0.005, 0.005, 0.005])
    g["record_step"] = steps
    off = np.array([0.01, -0.01, 0.0, 5.0])[:, None]
    g["timecourse/d_out"] = 0.02 * np.log2(s)[None, :] - 0.1 + off
    g["timecourse/q_str"] = np.repeat((0.001 * s ** 0.5)[None, :], 4, 0)
    g["timecourse/r2_mean"] = np.repeat((1 - 0.05 * np.log2(s))[None, :], 4, 0)
    lag = np.array([0.0, 0.0, 0.1, 0.0])[:, None]
    g["timecourse/d_in"] = 0.02 * np.log2(s)[None, :] - 0.1 - lag
PY
# the step the log model printed, within 0.1 % of the exact one
near() { local got; got=$(sed -n 's/.*log model at MM step \([0-9]*\) .*/\1/p' <<<"$1");
         [ -n "$got" ] && awk -v g="$got" -v w="$2" 'BEGIN { exit !(g > w * 0.999 && g < w * 1.001) }'; }
run() { "$py" "$src/tools/claim_trend.py" "$tmp/law.h5" --task sep --lambda-I 0.005 "$@" 2>"$tmp/err"; }

out=$(run --quantity d_out --target 0.173 --from-step 100)
echo "$out"
check '[[ "$out" == *"n = 3,"* ]]' "only the 3 finished trials are used: $out"
check '[[ "$out" == *"growth per doubling +0.02"* ]]' "log law: growth 0.02 per doubling"
check 'near "$out" 12854.6' "log law reaches 0.173 at 12 855"

out=$(run --quantity q_str --target 0.1 --format markdown)
echo "$out"
check '[[ "$out" == *"| 0.5 | 10000 |"* ]]' "power law: exponent 0.5, reaches 0.1 at 10 000"

out=$(run --quantity r2_mean --target 0.99)
echo "$out"
check '[[ "$out" == *"log model at MM step never"* ]]' "a falling curve never reaches a higher target"

out=$(run --quantity d_in --target 0.173 --stat min)
echo "$out"
check 'near "$out" 411348.0' "min over trials: the lagging trial, at 411 348"

run --quantity d_out --target 0.173 --lambda-reg 0 >/dev/null
check '[ $? -ne 0 ] && grep -q "no finished trial" "$tmp/err"' "a condition not in the file is an error that says so"
run --quantity nothing --target 1 >/dev/null
check '[ $? -ne 0 ] && grep -q "no timecourse/nothing" "$tmp/err"' "an unknown quantity is an error that says so"
report test_claim_trend
