#!/usr/bin/env bash
# test_sweep_mpi.sh MIMOD_SWEEP SOURCE_ROOT — mimod-sweep end to end:
#  1. sweeps/tiny.yaml with 1 rank (no mpirun), mpirun -n 2 and -n 3: every
#     dataset of every grid point equal across the three files (h5diff; only
#     wall_seconds and root attributes such as created/n_ranks may differ);
#  2. rerunning a finished sweep trains nothing and leaves the data as it was;
#     every point's blas_kernel names the rank's OpenBLAS kernel; a file made
#     before blas_kernel (deleted with h5py) rerun under mpirun -n 2 gets it,
#     empty, from every rank together, and nothing else changes;
#  3. an existing output of another sweep is refused, saying what differs;
#  4. definition errors exit 1 with file:line:column before any training;
#  5. a diverging point is marked failed (status 3) and the sweep exits 2;
#  6. SIGUSR1 stops a running sweep (exit 3); rerunning resumes from the
#     trials' checkpoints and gives the same data as an uninterrupted run;
#  7. a second run on a file in use is refused, naming pid and host; the lock
#     goes with the run; a lock of another host is a lease;
#  8. changing a run-control key (checkpoint_minutes) keeps the checkpoints;
#  9. SIGTERM/SIGINT/SIGUSR1 give exit 3; huge grids are refused at once and a
#     signal while parsing ends the program at once;
# 10. messages for bad options and inputs (issue 11).
set -u
SWEEP=$(realpath "$1")
ROOT=$(realpath "$2")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
mpi_env
MPIRUN="mpirun --oversubscribe"
workdir test_sweep_mpi
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
# the kernel each point was computed by (one machine: the kernel of every rank)
kernel=$(sed -n 's/^mimod-sweep: OpenBLAS kernel on rank 0: \([^ ]*\).*/\1/p' out3.txt)
kernel_rows() { h5dump -d /wm/blas_kernel -d /sep/blas_kernel "$1" 2>/dev/null | grep -o "\"$2\"" | wc -l; }
check '[ -n "$kernel" ] && [ "$(kernel_rows r3.h5 "$kernel")" -eq 8 ] && [ "$(kernel_rows r1.h5 "$kernel")" -eq 8 ]' \
    "blas_kernel of the 8 points is not '$kernel': $(h5dump -d /wm/blas_kernel r3.h5 2>&1 | grep -A2 DATA)"
if /usr/bin/python3 -c 'import h5py' 2>/dev/null; then
    cp r2.h5 old.h5
    /usr/bin/python3 - old.h5 <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    for g in ("wm", "sep"):
        del f[g + "/blas_kernel"]
PY
    check '! h5dump -d /wm/blas_kernel old.h5 >/dev/null 2>&1' "the old file still has blas_kernel"
    $MPIRUN -n 2 "$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output old.h5 >old.txt 2>&1
    rc=$?
    check '[ $rc -eq 0 ] && grep -q "8 done before, 0 to run" old.txt' \
        "a file without blas_kernel under mpirun -n 2: exit $rc: $(tail -3 old.txt)"
    check '[ "$(kernel_rows old.h5 "")" -eq 8 ]' \
        "the old file's blas_kernel is not there with 8 empty rows: $(h5dump -d /wm/blas_kernel old.h5 2>&1 | tail -4)"
    check 'h5diff -q --exclude-path /blas_kernel r2.h5 old.h5 /wm /wm >/dev/null && h5diff -q --exclude-path /blas_kernel r2.h5 old.h5 /sep /sep >/dev/null' \
        "adding blas_kernel to an old file changed its other data"
    # other_rows FILE DATASET VALUE: every wm row of DATASET says VALUE, and
    # point 0 is pending again (one point to train)
    other_rows() {
        /usr/bin/python3 - "$@" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    k = f["wm/" + sys.argv[2]]
    k[...] = np.array([sys.argv[3].encode()] * k.shape[0], dtype=k.dtype)
    f["wm/status"][0] = 0
PY
    }
    # finished points of another kernel: a run that trains more points warns
    cp r2.h5 okern.h5
    other_rows okern.h5 blas_kernel OtherKernel
    "$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output okern.h5 >okern.txt 2>&1
    rc=$?
    check "[ $rc -eq 0 ] && grep -q 'warning: 3 finished points of this file were computed by another OpenBLAS kernel (OtherKernel, …) than this run.s ($kernel)' okern.txt" \
        "finished points of another kernel: exit $rc: $(grep -i kernel okern.txt)"
    check '! grep -q "computed by another OpenBLAS kernel" rerun.txt out3.txt' \
        "a warning of another kernel where every point is this kernel's"
    # finished points of another build (their build rows): the same warning for builds
    cp r2.h5 obuild.h5
    other_rows obuild.h5 build 0123456789ab
    "$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output obuild.h5 >obuild.txt 2>&1
    rc=$?
    mine=$("$SWEEP" --version | sed -n 's/.*(git \([^)]*\)).*/\1/p')
    check "[ $rc -eq 0 ] && grep -q 'warning: 3 finished points of this file were computed by another build of mimod (0123456789ab, …) than this one ($mine)' obuild.txt" \
        "finished points of another build: exit $rc: $(grep -i build obuild.txt) (this build '$mine')"
    check '! grep -q "another build of mimod" rerun.txt out3.txt okern.txt' \
        "a warning of another build where every point is this build's"
else
    echo "test_sweep_mpi: the file without blas_kernel skipped (/usr/bin/python3 lacks h5py)"
fi

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
check '! same_data r1.h5 other.h5 2>/dev/null' "the comparison sees another sweep's data"

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
err_case dupkey "${H}overrides: {mm_lr: 0.1, mm_lr: 0.2}\ngrid:\n  seed: [0]\n" "4:25" "appears twice"
err_case twodocs "${H}grid:\n  seed: [0]\n---\noutput: x.h5\n" "6:1" "second YAML document"
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
printf 'output: int.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 3000, record_every: 250}\ngrid:\n  seed: [0, 1]\n' >int.yaml
"$SWEEP" int.yaml --new-output ref.h5 >/dev/null 2>&1
rc=$?
check '[ $rc -eq 0 ]' "reference run"
# Run "mpirun -n 3 mimod-sweep YAML" (output to LOG) in the background, send
# it SIGUSR1 once `h5dump -d DATASET H5` matches ERE (or after 10 s) and SETTLE
# seconds more, and leave its exit status in rc.
usr1_sweep_when() { # YAML LOG H5 DATASET ERE SETTLE
    $MPIRUN -n 3 "$SWEEP" "$1" >"$2" 2>&1 &
    local spid=$!
    for i in $(seq 200); do
        h5dump -d "$4" "$3" 2>/dev/null | grep -Eq "$5" && break
        sleep 0.05
    done
    sleep "$6"
    kill -USR1 $spid
    wait $spid
    rc=$?
}
# signal once both trials are running (status 1 in the file), not during start-up
usr1_sweep_when int.yaml int1.txt int.h5 /wm/status '\(0\): 1, 1' 0.3
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

# ---- 6b. stopped, and its checkpoints lost: the rerun says which points start
# again from step 0, and the file still equals the uninterrupted run's
sed 's/output: int.h5/output: lost.h5/' int.yaml >lost.yaml
# signal once both trials have trained past their first record (records_done 2)
usr1_sweep_when lost.yaml lost1.txt lost.h5 /wm/records_done '\(0\): ([2-9]|1[0-9]), ([2-9]|1[0-9])' 0
if [ $rc -eq 3 ] && h5dump -d /wm/status lost.h5 | grep -q '(0): 0, 0'; then
    rm -rf lost.h5.ckpt
    $MPIRUN -n 3 "$SWEEP" lost.yaml >lost2.txt 2>&1
    rc=$?
    check '[ $rc -eq 0 ]' "rerun without checkpoints: exit $rc: $(cat lost2.txt)"
    check 'grep -q "notice: 2 points (wm point 0, …) had trained before, up to MM step [0-9]*, but have no checkpoint in lost.h5.ckpt: they start again from the start" lost2.txt' \
        "the lost checkpoints are said: $(grep -i notice lost2.txt)"
    check "h5diff -q --exclude-path /wall_seconds ref.h5 lost.h5 /wm /wm >/dev/null" \
        "restarted without checkpoints differs from an uninterrupted run"
    # and a plain resume (checkpoints present) says nothing of the kind
    check '! grep -q "notice:" int2.txt' "a resume from checkpoints gives no notice: $(grep notice int2.txt)"
else
    echo "note: the sweep ended (exit $rc) before both points were stopped mid-way; lost checkpoints not exercised" >&2
fi

# ---- 7. one run per file: a second run is refused naming the holder's pid and host
# (15 000 tiny MM steps, about 5 s a trial on a fast core: the holder must still
# be running when the second writer asks, and that one asks without waiting)
printf 'output: lk.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 15000, record_every: 500}\ngrid:\n  seed: [0, 1]\n' >lk.yaml
$MPIRUN -n 2 "$SWEEP" lk.yaml >lk1.txt 2>&1 &
pid=$!
for i in $(seq 100); do [ -s lk.h5.lock ] && [ -e lk.h5 ] && break; sleep 0.1; done
holder=$(sed -n 's/.*pid=\([0-9]*\) host=\([^ ]*\).*/pid \1 on host \2/p' lk.h5.lock)
MIMOD_LOCK_WAIT=0 "$SWEEP" lk.yaml --new-output lk.h5 >lk2.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && [ -n "$holder" ] && grep -q "in use by another run: mimod-sweep $holder" lk2.txt' \
    "second writer: exit $rc: $(cat lk2.txt) (lock: $(cat lk.h5.lock 2>/dev/null))"
kill -USR1 $pid
wait $pid
rc=$?
check '[ $rc -eq 3 ] || [ $rc -eq 0 ]' "first writer after SIGUSR1: exit $rc"
check '[ ! -e lk.h5.lock ]' "the lock is removed when the run ends"
# ---- 8. a run-control key changed between runs keeps the checkpoints
sed 's/record_every: 500}/record_every: 500, checkpoint_minutes: 7}/' lk.yaml >lk_cm.yaml
"$SWEEP" lk_cm.yaml >lk3.txt 2>&1
rc=$?
check '[ $rc -eq 0 ] && ! grep -q "ignoring checkpoint" lk3.txt' \
    "checkpoint_minutes changed: checkpoints must still load: exit $rc: $(grep -i checkpoint lk3.txt)"
# a lock of another host: refused while its lease is renewed, taken over once it lapses
echo "mimod-sweep lock pid=1 host=elsewhere boot=x start=5 since=2026-01-01T00:00:00Z" >lk.h5.lock
( for i in 1 2 3 4 5 6 7 8; do sleep 0.5; touch lk.h5.lock; done ) &
MIMOD_LOCK_LEASE=2 "$SWEEP" lk.yaml >lk4.txt 2>&1
rc=$?
wait
check '[ $rc -eq 1 ] && grep -q "pid 1 on host elsewhere" lk4.txt' "live lease of another host: exit $rc: $(cat lk4.txt)"
MIMOD_LOCK_LEASE=2 "$SWEEP" lk.yaml >lk5.txt 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "taking over the lock" lk5.txt' "lapsed lease: exit $rc: $(cat lk5.txt)"

# ---- 9. exit status 3 for each stop signal (one process), before and during training
for sig in TERM INT USR1; do
    rm -rf sg.h5 sg.h5.*
    sed 's/lk.h5/sg.h5/' lk.yaml >sg.yaml
    "$SWEEP" sg.yaml >sg_$sig.txt 2>&1 &
    pid=$!
    # training has begun once the point count is printed (the stop handlers are in place)
    for i in $(seq 100); do grep -q "grid points" sg_$sig.txt && break; sleep 0.1; done
    sleep 0.3
    kill -$sig $pid
    wait $pid
    rc=$?
    check '[ $rc -eq 3 ]' "SIG$sig while training: exit $rc, expected 3: $(tail -2 sg_$sig.txt)"
done
# a 10^10-point grid is refused at once; a signal while parsing ends the program at once
printf 'output: x.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: {from: 0, to: 99999}\n  lambda_I: {from: 0, to: 99999}\n' >huge.yaml
t0=$(date +%s%N)
"$SWEEP" huge.yaml --dry-run >huge.txt 2>&1
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check '[ $rc -eq 1 ] && grep -q "huge.yaml:5:3: .*grid points" huge.txt && [ $ms -lt 5000 ]' \
    "huge grid: exit $rc after $ms ms: $(cat huge.txt)"
printf 'output: x.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: {from: 0, to: 100000}\n' >long.yaml
"$SWEEP" long.yaml --dry-run >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -INT $pid
t0=$(date +%s%N)
wait $pid
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check '[ $rc -eq 3 ] && [ $ms -lt 2000 ] || [ $rc -eq 0 ]' "SIGINT during the dry run: exit $rc after $ms ms"

# ---- 10. messages
"$SWEEP" lk.yaml --threads abc >m1.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "threads: expected a whole number.*abc" m1.txt' "--threads abc: $(cat m1.txt)"
"$SWEEP" lk.yaml --threads 0 >m2.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "threads: expected" m2.txt' "--threads 0: $(cat m2.txt)"
"$SWEEP" lk.yaml --gflops nan >m3.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "gflops: expected a positive number" m3.txt' "--gflops nan: $(cat m3.txt)"
"$SWEEP" "$W" >m4.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "it is a directory" m4.txt' "a directory: $(cat m4.txt)"
"$SWEEP" /dev/urandom >m5.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "character device" m5.txt' "/dev/urandom: $(cat m5.txt)"
printf 'task: wm\npreset: tiny\nseed: 3\n' >trial.yaml
"$SWEEP" trial.yaml >m6.txt 2>&1
rc=$?
check '[ $rc -eq 1 ] && grep -q "trial key, not a sweep key" m6.txt && ! grep -q "did you mean" m6.txt' \
    "a trial file: $(cat m6.txt)"
$MPIRUN -n 2 "$SWEEP" "$ROOT/sweeps/tiny.yaml" --new-output r2.h5 >m7.txt 2>&1
rc=$?
check '[ $rc -eq 0 ] && grep -q "rank 0 (scheduler) used" m7.txt && ! grep -q "% of a core" m7.txt' \
    "a finished rerun prints no share of a core: $(grep 'rank 0' m7.txt)"

if [ $fail -ne 0 ]; then
    for f in out1.txt out2.txt out3.txt; do echo "== $f" >&2; cat "$f" >&2; done
fi
report test_sweep_mpi
