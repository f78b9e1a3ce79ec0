#!/usr/bin/env bash
# test_slurm.sh MIMOD_SWEEP SOURCE_ROOT — a real SLURM (munge, slurmctld,
# slurmd on localhost, started by tools/slurm-local.sh and stopped at the end):
# submit jobs/paper_wm.sbatch on a small sweep and, once its first trial is
# done and others are mid-way, send the batch shell the USR1 that SLURM's
# --signal=B:USR1@N sends before a time limit (scancel --batch --signal=USR1
# delivers the same signal to the same process). The job must checkpoint, exit
# 3, requeue itself, and the requeued job must finish the sweep; the file must
# equal an uninterrupted run's, dataset by dataset. Then jobs/sweep.sbatch on
# sweeps/tiny.yaml as from an install (mimod-sweep on PATH, the sweep found
# where mimod-sweep finds it): the job's name, its log and the --set.
# The signal is sent on an event in the log, not at a time, so the test does not
# depend on how fast this machine trains (a time-limit version of this test
# broke when the engine became 4x faster and the sweep ended before the signal).
set -u
SWEEP=$(realpath "$1")
ROOT=$(realpath "$2")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OPENBLAS_NUM_THREADS=1
W=$(mktemp -d "${TMPDIR:-/tmp}/test_slurm.XXXXXX")
export MIMOD_SLURM_DIR=$W/slurm
cleanup() {
    [ -n "${SLURM_CONF:-}" ] && scancel --quiet -u root 2>/dev/null
    "$ROOT/tools/slurm-local.sh" stop >/dev/null 2>&1
    rm -rf "$W"
}
trap cleanup EXIT
# KEEP=1 keeps the work directory (logs) for a post-mortem
[ -n "${KEEP:-}" ] && trap "\"$ROOT/tools/slurm-local.sh\" stop" EXIT
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"

if ! "$ROOT/tools/slurm-local.sh" start; then
    echo "test_slurm: could not start a local SLURM" >&2
    echo "test_slurm: 0 passed, 1 failed"
    exit 1
fi
export SLURM_CONF=$MIMOD_SLURM_DIR/slurm.conf

mkdir -p "$W/run" && cd "$W/run" || exit 1
cp "$ROOT/tests/data/slurm_sweep.yaml" sweep.yaml

# uninterrupted reference, same rank count
mpirun --oversubscribe -n 3 "$SWEEP" sweep.yaml --new-output ref.h5 >ref.log 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "reference run exit $rc: $(tail -3 ref.log)"

# --time only bounds a hung job; the interruption is sent below
jobid=$(sbatch --parsable --ntasks=3 --time=10 --signal=B:USR1@60 --output="$W/run/job.log" \
    --export=ALL,SWEEP_BIN="$SWEEP",SWEEP_FILE=sweep.yaml,SWEEP_ARGS="--new-output slurm.h5" \
    "$ROOT/jobs/paper_wm.sbatch")
[ -n "$jobid" ] && ok || bad "sbatch failed"
echo "submitted job $jobid"

# wait (at most 9 minutes: a loaded machine may need several requeues) for the job to finish for good
# interrupt the first run as soon as one trial is done (others are then running)
signalled=
for _ in $(seq 1 600); do
    grep -q '^\[1/' job.log 2>/dev/null && { scancel --batch --signal=USR1 "$jobid" && signalled=1; break; }
    sleep 0.2
done
[ -n "$signalled" ] && ok || bad "the first run never reported a finished trial (or scancel failed)"

state=
# state and restarts from one snapshot of the job
job_now() {
    local info
    info=$(scontrol show job "$jobid" 2>/dev/null)
    state=$(grep -o 'JobState=[A-Z_]*' <<<"$info" | cut -d= -f2)
    restarts=$(grep -o 'Restarts=[0-9]*' <<<"$info" | cut -d= -f2)
}
for _ in $(seq 1 540); do
    sleep 1
    job_now
    case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)
        # The job script runs `scontrol requeue` and then exits 3: SLURM may
        # record the exit (FAILED) a moment before it processes the requeue,
        # which then sends the job back to PENDING. Only a state that is still
        # final a few seconds later, with no new restart, is the end.
        seen=$state seen_restarts=${restarts:-0}
        sleep 3
        job_now
        [ "$state" = "$seen" ] && [ "${restarts:-0}" = "$seen_restarts" ] && break
        ;;
    esac
    # SLURM holds a requeued job for ~2 minutes before it may start again;
    # release it now so the test does not wait (the requeue itself is the job's).
    if [ "$state" = PENDING ] && [ "${restarts:-0}" -ge 1 ] && [ "${released:-0}" != "$restarts" ]; then
        scontrol update JobId="$jobid" StartTime=now >/dev/null 2>&1 && released=$restarts
    fi
done
echo "job $jobid: state $state after ${restarts:-0} restart(s)"
cat job.log | sed 's/^/  job.log: /' | tail -25
[ "$state" = COMPLETED ] && ok || bad "job ended in state '$state'"
[ "${restarts:-0}" -ge 1 ] && ok || bad "the job was never requeued (the sweep ended within the first run?)"
grep -q "exited with status 3" job.log && ok || bad "the first run did not exit 3 (interrupted)"
grep -q "requeueing" job.log && ok || bad "the job script did not requeue itself"
if h5diff -q --exclude-path /wall_seconds ref.h5 slurm.h5 /wm /wm >/dev/null 2>&1; then ok
else bad "the requeued sweep's data differ from the uninterrupted run's"; fi

# jobs/sweep.sbatch on its own: any sweep file as the first argument, options
# after it; the job renamed after the sweep, its log <sweep>-<jobid>.log. As
# from an install: mimod-sweep found on PATH (no SWEEP_BIN, no build/ here) and
# the relative sweeps/tiny.yaml, not in this directory, is the file mimod-sweep
# reads (the source tree's for this uninstalled build)
gid=$(sbatch --parsable --ntasks=2 --time=5 --export=ALL,PATH="$(dirname "$SWEEP"):$PATH" \
    "$ROOT/jobs/sweep.sbatch" sweeps/tiny.yaml --set n_mm_steps=12)
[ -n "$gid" ] && ok || bad "sbatch jobs/sweep.sbatch failed"
gstate=
for _ in $(seq 1 240); do
    sleep 1
    ginfo=$(scontrol show job "$gid" 2>/dev/null)
    gstate=$(grep -o 'JobState=[A-Z_]*' <<<"$ginfo" | cut -d= -f2)
    case "$gstate" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
done
[ "$gstate" = COMPLETED ] && ok || bad "sweep.sbatch job ended in state '$gstate': $(cat mimod-sweep-"$gid".log tiny-"$gid".log 2>&1 | tail -5)"
grep -qE 'JobName=mimod-tiny( |$)' <<<"$ginfo" && ok || bad "sweep.sbatch job not named mimod-tiny: $(grep -o 'JobName=[^ ]*' <<<"$ginfo")"
grep -q "sweeps/tiny.yaml is not in .*: using .*/sweeps/tiny.yaml" "mimod-sweep-$gid.log" 2>/dev/null && ok \
    || bad "sweep.sbatch did not find sweeps/tiny.yaml from another directory: $(head -3 "mimod-sweep-$gid.log" 2>&1)"
grep -q "the log is tiny-$gid.log" "mimod-sweep-$gid.log" 2>/dev/null && ok || bad "no pointer to the sweep's log in mimod-sweep-$gid.log"
grep -q "(mimod-sweep: mimod .* (git .*)" "tiny-$gid.log" 2>/dev/null && ok || bad "tiny-$gid.log lacks mimod-sweep's version (the program on PATH): $(head -3 "tiny-$gid.log" 2>&1)"
grep -q "exited with status 0" "tiny-$gid.log" 2>/dev/null && ok || bad "tiny-$gid.log lacks the sweep's end: $(tail -3 "tiny-$gid.log" 2>&1)"
h5dump -a sweep_yaml tiny.h5 2>/dev/null | grep -q -- '# --set n_mm_steps=12' && ok \
    || bad "the options after the sweep file did not reach mimod-sweep (no --set in tiny.h5's sweep_yaml)"
report test_slurm
