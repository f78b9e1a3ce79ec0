#!/usr/bin/env bash
# test_mimod_results.sh MIMOD_SWEEP MIMOD_SUMMARY SOURCE_ROOT — python/mimod_results.py
# (result files as pandas DataFrames, issue 26):
#  - on a finished tiny sweep (both tasks) its frames equal `mimod-summary --trials` and
#    `--timecourse` column for column and value for value, and the datasets read with h5py;
#  - on a file a sweep is writing (one rank: the serial writer, which holds HDF5's lock),
#    read over and over: every row is an uninterrupted run's, bit for bit, and a written
#    record; finals only of finished points; running points seen part-way; the sweep
#    unaffected (exit 0, its file equal to the reference's);
#  - the pandas example of docs/hdf5-layout.md, taken from the document, runs and draws
#    Q_cor mean ± sd per condition.
# Skipped (77) without /usr/bin/python3's h5py, pandas and matplotlib (tools/setup-debian.sh).
set -u
SWEEP=$(realpath "$1")
SUMMARY=$(realpath "$2")
ROOT=$(realpath "$3")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
need_python h5py numpy pandas matplotlib
CHECK="$ROOT/tests/mimod_results_check.py"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
W=$(mktemp -d "${TMPDIR:-/tmp}/test_mimod_results.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1

# 1. a finished file: the module's frames are mimod-summary's tables and the datasets
"$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output tiny.h5 >tiny.log 2>&1
check '[ $? -eq 0 ]' "tiny sweep: $(tail -3 tiny.log)"
"$py" "$CHECK" same "$SUMMARY" tiny.h5 >same.txt 2>&1
check '[ $? -eq 0 ]' "frames vs tables on a finished file: $(cat same.txt)"

# 2. a file being written: 30 records per point, a reference run first
cat >live.yaml <<'YAML'
output: live.h5
preset: tiny
tasks: [wm, sep]
overrides: {n_mm_steps: 1200, record_every: 40}
grid:
  seed: {from: 0, to: 1}
  lambda_I: [0, 0.1]
task_grid:
  sep:
    lambda_I: [0, 0.005]
YAML
"$SWEEP" live.yaml --new-output ref.h5 >ref.log 2>&1
check '[ $? -eq 0 ]' "reference sweep: $(tail -3 ref.log)"
( "$SWEEP" live.yaml --new-output live.h5 >live.log 2>&1; echo $? >live.rc ) &
writer=$!
"$py" "$CHECK" watch "$SUMMARY" live.h5 ref.h5 live.rc >watch.txt 2>&1
rc=$?
wait "$writer"
check '[ $rc -eq 0 ]' "reading the file being written: $(cat watch.txt)"
check '[ "$(cat live.rc)" = 0 ]' "the sweep that was read: exit $(cat live.rc): $(tail -3 live.log)"
for g in /wm /sep; do
    h5diff -q --exclude-path /wall_seconds ref.h5 live.h5 $g $g >/dev/null 2>&1
    check '[ $? -eq 0 ]' "the file that was read differs from the reference in $g"
done

# 3. the docs' pandas example, as it stands, on the tiny sweep's file
awk '/<!-- test_mimod_results/ {m = 1; next}
     m == 1 && /^```python/ {m = 2; next}
     m == 2 && /^```/ {exit}
     m == 2 {print}' "$ROOT/docs/hdf5-layout.md" >example.py
check '[ -s example.py ]' "no pandas example after '<!-- test_mimod_results' in docs/hdf5-layout.md"
PYTHONPATH="$ROOT/python" MPLBACKEND=Agg "$py" example.py tiny.h5 >example.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "the docs' pandas example: exit $rc: $(cat example.txt)"
check 'grep -q "^lambda_I=0: 2 seeds" example.txt && grep -q "^lambda_I=0.1: 2 seeds" example.txt' \
    "the example's conditions: $(cat example.txt)"
check '[ "$(head -c 4 q_cor.png | tail -c 3)" = PNG ]' "the example drew no q_cor.png"

# 4. the README's snippet, as it stands (its paper_wm.h5 here the tiny sweep's file)
awk '/^```python/ {m = 1; b = ""; next}
     m == 1 && /^```/ {if (b ~ /mimod_results/) {printf "%s", b; exit} m = 0; next}
     m == 1 {b = b $0 "\n"}' "$ROOT/README.md" >readme.py
check 'grep -q "import mimod_results" readme.py' "no mimod_results snippet in README.md"
mkdir -p readme && ln -sf "$ROOT/python" readme/python && ln -sf "$W/tiny.h5" readme/paper_wm.h5
(cd readme && "$py" ../readme.py) >readme.txt 2>&1
check '[ $? -eq 0 ]' "the README's snippet: $(cat readme.txt)"

cat same.txt watch.txt example.txt
report test_mimod_results
