#!/usr/bin/env bash
# test_sweep_mpi.sh MIMOD_SWEEP SOURCE_ROOT — mimod-sweep end to end:
#  1. sweeps/tiny.yaml with 1 rank (no mpirun), mpirun -n 2 and -n 3: every
#     dataset of every grid point equal across the three files (h5diff; only
#     wall_seconds and root attributes such as created/n_ranks may differ);
#  2. rerunning a finished sweep trains nothing and leaves the data as it was;
#  3. an existing output of another sweep is refused, saying what differs;
#  4. definition errors exit 1 with file:line:column before any training;
#  5. a diverging point is marked failed (status 3) and the sweep exits 2;
#  6. SIGUSR1 stops a running sweep (exit 3); rerunning resumes from the
#     trials' checkpoints and gives the same data as an uninterrupted run.
set -u
SWEEP=$(realpath "$1")
ROOT=$(realpath "$2")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN="mpirun --oversubscribe"
W=$(mktemp -d "${TMPDIR:-/tmp}/test_sweep_mpi.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

# equal data in every task group, wall_seconds aside
same_data() {
    local a=$1 b=$2 g
    for g in wm sep; do
        h5diff -q --exclude-path /wall_seconds "$a" "$b" /$g /$g >/dev/null 2>&1 || return 1
    done
}
# every point of every group has status 2
all_done() {
    local v
    v=$(h5dump -d /wm/status -d /sep/status "$1" | sed -n '/DATA {/,/}/p' |
        grep -o '([0-9]*): [0-9, ]*' | sed 's/([0-9]*)://' | tr -d ' ,\n')
    [ -n "$v" ] && [ -z "$(printf '%s' "$v" | tr -d 2)" ]
}

# ---- 1. 1, 2 and 3 ranks give the same file contents
"$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output r1.h5 >out1.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "1 rank: exit status (see below)"
$MPIRUN -n 2 "$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output r2.h5 >out2.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "2 ranks: exit status"
$MPIRUN -n 3 "$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output r3.h5 >out3.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "3 ranks: exit status"
check 'all_done r1.h5 && all_done r2.h5 && all_done r3.h5' "every point has status 2"
check 'same_data r1.h5 r2.h5' "1 rank vs 2 ranks: data differ"
check 'same_data r1.h5 r3.h5' "1 rank vs 3 ranks: data differ"
check 'grep -q "8/8 done" out3.txt' "progress lines"
check 'grep -q "rank 0 (scheduler) used" out3.txt' "rank 0 CPU report"
check '[ ! -e r3.h5.ckpt ]' "checkpoint directory removed after a complete sweep"
# the comparison can fail: another sweep's data differ
check '! all_done /dev/null 2>/dev/null' "all_done of nothing"

# ---- 2. a finished sweep reruns nothing
cp r1.h5 r1_before.h5
"$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output r1.h5 >rerun.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "rerun of a finished sweep: exit 0"
check 'grep -q "8 done before, 0 to run" rerun.txt' "rerun trains nothing: $(head -1 rerun.txt)"
check '! grep -q "loss" rerun.txt' "rerun printed trial results"
check 'h5diff -q r1_before.h5 r1.h5 /wm /wm >/dev/null && h5diff -q r1_before.h5 r1.h5 /sep /sep >/dev/null' \
    "rerun changed the data (wall_seconds included)"

# ---- 3. another sweep on an existing output is refused
sed 's/lambda_I: \[0, 0.1\]/lambda_I: [0, 0.2]/' "$ROOT/sweeps/tiny.yaml" >other.yaml
check '! cmp -s other.yaml "$ROOT/sweeps/tiny.yaml"' "other.yaml is another sweep"
"$SWEEP" other.yaml --new-output r1.h5 >other.txt 2>&1
rc=$?
check '[ $rc -eq 1 ]' "another sweep on an existing file: exit 1"
check 'grep -q "another sweep" other.txt && grep -q "lambda_I" other.txt' \
    "refusal says what differs: $(cat other.txt)"
"$SWEEP" other.yaml --new-output other.h5 >/dev/null 2>&1
rc=$?
check '[ $rc -eq 0 ]' "--new-output starts a new file"
check '! same_data r1.h5 other.h5' "the comparison sees another sweep's data"

# ---- 4. definition errors: exit 1, file:line:column, nothing written
err_case() { # name yaml-text expected-position expected-words
    printf '%b' "$2" >"$1.yaml"
    local t0=$SECONDS
    "$SWEEP" "$1.yaml" >"$1.txt" 2>&1
    local rc=$?
    if [ $rc -eq 1 ]; then ok; else bad "$1: exit $rc, expected 1"; fi
    if grep -qF "$1.yaml:$3" "$1.txt"; then ok; else bad "$1: no position $3 in: $(cat "$1.txt")"; fi
    if grep -qiF "$4" "$1.txt"; then ok; else bad "$1: no '$4' in: $(cat "$1.txt")"; fi
    if [ ! -e never.h5 ]; then ok; else bad "$1: output written"; fi
}
H='output: never.h5\npreset: tiny\ntasks: [wm]\n'
err_case typo "${H}grid:\n  seed: [0]\n  lamda_I: [0, 0.1]\n" "6:3" "did you mean 'lambda_I'"
err_case wrongtype "${H}grid:\n  seed: [0]\n  lambda_I: [0, x]\n" "6:17" "lambda_I"
err_case emptygrid "${H}grid: {}\n" "4:7" "empty"
err_case emptyaxis "${H}grid:\n  seed: []\n" "5:9" "empty"
err_case dupaxis "${H}grid:\n  seed: [0]\n  seed: [1]\n" "6:3" "duplicate axis"
err_case shapeaxis "${H}grid:\n  n_mm_steps: [4, 8]\n" "5:3" "shape"
printf 'output: no_such_dir/x.h5\npreset: tiny\ntasks: [wm]\ngrid: {seed: [0]}\n' >unwritable.yaml
"$SWEEP" unwritable.yaml >unwritable.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "no_such_dir" unwritable.txt' "unwritable output: $(cat unwritable.txt)"
check '! grep -q "done" unwritable.txt' "unwritable output detected before training"
$MPIRUN -n 2 "$SWEEP" typo.yaml >typo2.txt 2>&1
rc=$?
check '[ $rc -ne 0 ] && grep -q "typo.yaml:6:3" typo2.txt' "errors under mpirun: $(cat typo2.txt)"

# ---- 5. a diverging point fails, the sweep goes on and exits 2
printf 'output: div.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: [0]\n  mm_lr: [0.002, 1e300]\noverrides: {sm_lr: 1e300}\n' >div.yaml
"$SWEEP" div.yaml >div.txt 2>&1
rc=$?
check '[ $rc -eq 2 ]' "diverging point: exit $rc, expected 2: $(cat div.txt)"
check 'h5dump -d /wm/status div.h5 | grep -q "3, 3"' "diverged points have status 3"
check 'grep -q FAILED div.txt' "progress line says FAILED"

# ---- 6. interrupt with SIGUSR1, then resume from checkpoints
printf 'output: int.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 600, record_every: 50}\ngrid:\n  seed: [0, 1]\n' >int.yaml
"$SWEEP" int.yaml --new-output ref.h5 >/dev/null 2>&1
rc=$?
check '[ $rc -eq 0 ]' "reference run"
$MPIRUN -n 3 "$SWEEP" int.yaml >int1.txt 2>&1 &
pid=$!
# signal once both trials are running (status 1 in the file), not during start-up
for i in $(seq 100); do
    h5dump -d /wm/status int.h5 2>/dev/null | grep -q '(0): 1, 1' && break
    sleep 0.1
done
sleep 0.3
kill -USR1 $pid
wait $pid
rc=$?
if [ $rc -eq 3 ]; then
    ok
    check 'grep -q "stopped, will resume" int1.txt' "stop reported"
    check 'ls int.h5.ckpt/*.ckpt >/dev/null 2>&1' "checkpoints kept for the resume"
else
    echo "note: the sweep ended (exit $rc) before SIGUSR1 arrived; resume not exercised" >&2
fi
$MPIRUN -n 3 "$SWEEP" int.yaml >int2.txt 2>&1
rc=$?
check '[ $rc -eq 0 ]' "resume: exit 0: $(cat int2.txt)"
for g in wm; do
    check "h5diff -q --exclude-path /wall_seconds ref.h5 int.h5 /$g /$g >/dev/null" \
        "interrupted + resumed differs from an uninterrupted run"
done

if [ $fail -ne 0 ]; then
    for f in out1.txt out2.txt out3.txt; do echo "== $f" >&2; cat "$f" >&2; done
fi
echo "test_sweep_mpi: $pass passed, $fail failed"
[ $fail -eq 0 ]
