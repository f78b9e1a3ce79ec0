#!/bin/bash
# tools/calibration.py on a real result file: a tiny sweep (seconds), then the
# tables and the figure. Checks the table's rows against the file itself (the
# number of finished trials per condition and the record steps asked for), so a
# tool that prints nothing or the wrong rows fails. Skipped (77) where Debian's
# python3-h5py / python3-matplotlib are missing (tools/setup-debian.sh installs them).
set -uo pipefail
sweep_bin=$1; src=$2
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
need_python h5py numpy matplotlib
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$sweep_bin" "$src/sweeps/tiny.yaml" --new-output "$tmp/tiny.h5" >"$tmp/sweep.log" 2>&1
check '[ $? -eq 0 ]' "tiny sweep ran"
"$py" "$src/tools/calibration.py" "$tmp/tiny.h5" --steps 3,6 --figures "$tmp/fig" >"$tmp/out.md" 2>"$tmp/err"
check '[ $? -eq 0 ]' "calibration.py exits 0 ($(head -c 300 "$tmp/err"))"
cat "$tmp/out.md"
# tiny.yaml: 2 seeds x lambda_I {0, x} per task; record steps 0, 3, 6
check 'grep -q "^## WM" "$tmp/out.md" && grep -q "^## SEP" "$tmp/out.md"' "both tasks reported"
check '[ "$(grep -c "^| lambda_I=0, .* | 2 | [36] |" "$tmp/out.md")" -eq 4 ]' "no-MI rows: 2 trials at steps 3 and 6, both tasks"
check '[ "$(grep -c "^| lambda_I=0\.[0-9]*, .* | 2 | [36] |" "$tmp/out.md")" -eq 4 ]' "MI rows: 2 trials at steps 3 and 6, both tasks"
# the q_cor mean at step 6 of the WM no-MI condition equals the file's own value
want=$("$py" - "$tmp/tiny.h5" <<'PY'
import sys, h5py, numpy as np
g = h5py.File(sys.argv[1], "r")["wm"]
lam = g["coords/lambda_I"][...]
v = g["timecourse/q_cor"][...][lam == 0, -1]
print("%.3f ± %.3f" % (v.mean(), v.std(ddof=1)))
PY
)
check 'grep "^| lambda_I=0, " "$tmp/out.md" | grep "| 6 |" | head -n 1 | grep -qF -- "$want"' "WM no-MI q_cor at step 6 is $want"
check '[ -s "$tmp/fig/calibration_wm.png" ] && [ -s "$tmp/fig/calibration_sep.png" ]' "figures written"
report test_calibration_tool
