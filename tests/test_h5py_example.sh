#!/usr/bin/env bash
# test_h5py_example.sh MIMOD_SWEEP MIMOD_TRAIN SOURCE_ROOT — the h5py example of
# docs/hdf5-layout.md ("Loading a result file with h5py"), taken from the
# document as it stands, runs on a tiny sweep's file and on a mimod-train file
# and prints what the files hold. Skipped (77) when /usr/bin/python3 has no h5py
# (Debian: apt-get install python3-h5py).
set -u
SWEEP=$(realpath "$1")
TRAIN=$(realpath "$2")
ROOT=$(realpath "$3")
PY=/usr/bin/python3
if ! "$PY" -c 'import h5py, numpy' 2>/dev/null; then
    echo "SKIP: $PY has no h5py (apt-get install python3-h5py)"
    exit 77
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
W=$(mktemp -d "${TMPDIR:-/tmp}/test_h5py_example.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

# the code block after the marker comment, up to its closing fence
awk '/<!-- test_h5py_example/ {m = 1; next}
     m == 1 && /^```python/ {m = 2; next}
     m == 2 && /^```/ {exit}
     m == 2 {print}' "$ROOT/docs/hdf5-layout.md" >example.py
n=$(grep -cv '^\s*$' example.py)
check '[ "$n" -ge 5 ] && [ "$n" -le 16 ]' "the example has $n lines (expected about a dozen)"

"$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output tiny.h5 >sweep.log 2>&1
check '[ $? -eq 0 ]' "tiny sweep: $(tail -3 sweep.log)"
"$PY" example.py >out.txt 2>err.txt          # default path: tiny.h5
rc=$?
check '[ $rc -eq 0 ]' "the example on tiny.h5: exit $rc: $(cat err.txt)"
check 'grep -q "^wm done 4 of 4" out.txt && grep -q "^sep done 4 of 4" out.txt' \
    "the example's counts: $(cat out.txt)"
# per condition, never all conditions together (issue 26): tiny.yaml has λ_I 0 and 0.1 (WM),
# 0 and 0.005 (SEP), 2 seeds each
check 'grep -q "^wm {.lambda_I.: 0.0} 2 trials | Q_cor by MM step \[" out.txt &&
       grep -q "^wm {.lambda_I.: 0.1} 2 trials" out.txt && grep -q "^sep {.lambda_I.: 0.005} 2 trials" out.txt &&
       [ "$(grep -c " trials | Q_cor by MM step" out.txt)" -eq 4 ]' \
    "the example's conditions: $(cat out.txt)"
check '! grep -qi "nan" out.txt' "NaN in the example's output of a finished file: $(cat out.txt)"

"$TRAIN" --set preset=tiny -q -o trial.h5 >train.log 2>&1
check '[ $? -eq 0 ]' "mimod-train: $(cat train.log)"
"$PY" example.py trial.h5 >out2.txt 2>err2.txt
rc=$?
check '[ $rc -eq 0 ] && grep -q "^wm done 1 of 1" out2.txt && grep -q " 1 trials | Q_cor" out2.txt' \
    "the example on a mimod-train file: exit $rc: $(cat out2.txt err2.txt)"

cat out.txt
report test_h5py_example
