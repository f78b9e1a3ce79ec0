#!/bin/bash
# tools/compare_sweeps.py on two hand-made result files of the same grid, the
# points stored in different orders, whose final values differ by known
# amounts: seed 0 q_cor 0.10 -> 0.15, seed 1 0.20 -> 0.10 (B - A: +0.05,
# -0.10; mean -0.025, sd 0.1061), the no-MI condition unchanged; one point
# finished only in A and one not finished in B are listed or left out.
# Skipped (77) without /usr/bin/python3's h5py and numpy.
set -uo pipefail
src=$1
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
need_python h5py numpy
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$py" - "$tmp/a.h5" "$tmp/b.h5" <<'PY'
import sys, h5py, numpy as np
def write(path, seeds, lam, status, q_cor):
    with h5py.File(path, "w") as f:
        g = f.create_group("sep")
        g["coords/seed"] = np.array(seeds, dtype=np.uint64)
        g["coords/lambda_I"] = np.array(lam)
        g["status"] = np.array(status, dtype=np.int32)
        g["final/q_cor"] = np.array(q_cor)
        g["final/q_str"] = np.zeros(len(seeds))
# A: (0, 0.005) (1, 0.005) (0, 0) (1, 0) (2, 0.005)
write(sys.argv[1], [0, 1, 0, 1, 2], [0.005, 0.005, 0, 0, 0.005], [2, 2, 2, 2, 2],
      [0.10, 0.20, 0.01, 0.02, 0.30])
# B, another order: (1, 0) (0, 0.005) (1, 0.005) (0, 0) (2, 0.005) not finished
write(sys.argv[2], [1, 0, 1, 0, 2], [0, 0.005, 0.005, 0, 0.005], [2, 2, 2, 2, 1],
      [0.02, 0.15, 0.10, 0.01, 0.99])
PY
out=$("$py" "$src/tools/compare_sweeps.py" "$tmp/a.h5" "$tmp/b.h5" --task sep --format markdown 2>&1)
echo "$out"
check '[[ "$out" == *"4 points finished in both"* ]]' "four points matched by coordinates"
check '[[ "$out" == *"only in A: lambda_I=0.005 seed=2"* ]]' "the point unfinished in B is listed"
check '[[ "$out" == *"| lambda_I=0.005 seed=1 | 0.2 / 0.1 |"* ]]' "a point's A and B values, matched across orders"
check '[[ "$out" == *"| lambda_I=0.005 (2) | 0.15, 0.125, -0.025 ± 0.11 |"* ]]' \
      "per condition: means 0.15 and 0.125, difference -0.025 ± 0.11"
check '[[ "$out" == *"| lambda_I=0 (2) | 0.015, 0.015, +0 ± 0 |"* ]]' "an unchanged condition shows +0 ± 0"
"$py" "$src/tools/compare_sweeps.py" "$tmp/a.h5" "$tmp/b.h5" --task wm >/dev/null 2>"$tmp/err"
check '[ $? -ne 0 ] && grep -q "has no task .wm." "$tmp/err"' "a task not in the file is an error that says so"
report test_compare_sweeps
