#!/usr/bin/env bash
# test_kill9.sh MIMOD_SWEEP SOURCE_ROOT — "nothing finished is lost and resumed
# work equals uninterrupted work": kill -9 the whole `mpirun` (its process
# group) at random moments of a sweep — while the file is created, during
# trials, between trials, after the last one — then rerun the same command until
# it exits 0. The final file must equal an uninterrupted run's, dataset by
# dataset (wall_seconds aside). Random moments come from a seeded generator and
# are printed, so a failure can be replayed with KILL_SEED.
set -u
SWEEP=$(realpath "$1")
ROOT=$(realpath "$2")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
mpi_env
workdir test_kill9   # KEEP=1 keeps the logs
cp "$ROOT/tests/data/kill_sweep.yaml" sweep.yaml
RANDOM=${KILL_SEED:-20261125}

# the uninterrupted reference, timed
t0=$(date +%s.%N)
mpirun --oversubscribe -n 3 "$SWEEP" sweep.yaml --new-output ref.h5 >ref.log 2>&1
rc=$?
t1=$(date +%s.%N)
[ $rc -eq 0 ] && ok || bad "reference run exit $rc: $(tail -3 ref.log)"
span_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%d", (b-a)*1000}')
echo "reference run: ${span_ms} ms"

for round in 1 2 3; do
    out=k$round.h5
    # rounds 2 and 3 with rank 0's heartbeat (workers' progress messages) every
    # 20 ms: the file must still equal the reference, made without it
    HB=()
    [ $round -gt 1 ] && HB=(--heartbeat 0.02)
    kills=0
    tries=0
    while :; do
        tries=$((tries + 1))
        if [ $tries -gt 40 ]; then bad "round $round: not done after 40 runs"; break; fi
        # kill the first few runs at a random moment in [0, 0.6·span], then let one finish
        if [ $kills -lt 4 ]; then
            # round 1 starts with kills while the file is being created
            if [ $round -eq 1 ] && [ $kills -lt 2 ]; then
                delay_ms=$(( 50 + RANDOM % 300 ))
            else
                delay_ms=$(( RANDOM % (span_ms * 6 / 10 + 1) ))
            fi
            setsid mpirun --oversubscribe -n 3 "$SWEEP" sweep.yaml --new-output $out "${HB[@]}" >>run$round.log 2>&1 &
            pid=$!
            sleep "$(awk -v m=$delay_ms 'BEGIN{printf "%.3f", m/1000}')"
            if kill -0 $pid 2>/dev/null; then
                kill -9 -- -$pid 2>/dev/null
                wait $pid 2>/dev/null
                # as a scheduler would: the next run starts once every process of this one is gone
                for _ in $(seq 1 100); do pgrep -g $pid >/dev/null || break; sleep 0.05; done
                kills=$((kills + 1))
                echo "round $round: kill -9 at ${delay_ms} ms"
                continue
            fi
            wait $pid
            rc=$?
        else
            mpirun --oversubscribe -n 3 "$SWEEP" sweep.yaml --new-output $out "${HB[@]}" >>run$round.log 2>&1
            rc=$?
        fi
        if [ $rc -eq 0 ]; then break; fi
        if [ $rc -ne 3 ]; then
            bad "round $round: a rerun after kill -9 exited $rc: $(grep -iE 'fail|error|diverg' run$round.log | tail -6)"
            break
        fi
    done
    if same_data ref.h5 $out; then ok; else bad "round $round ($kills kills): data differ from the uninterrupted run"; fi
    echo "round $round: $kills kill(s), $tries run(s)"
done
# The heartbeat itself, in a run that is not cut short: rounds 2 and 3 may end
# with a rerun that has almost nothing left to do and finishes before its first
# block, so whether their logs hold one depends on where the kills fell. A whole
# run (as long as the reference) with a block every 20 ms must print blocks and
# give the reference's data. (The blocks' point lines are checked by test_live.)
mpirun --oversubscribe -n 3 "$SWEEP" sweep.yaml --new-output hb.h5 --heartbeat 0.02 >hb.log 2>&1
rc=$?
check '[ $rc -eq 0 ]' "the uninterrupted run with a heartbeat exited $rc: $(tail -3 hb.log)"
check 'grep -q "mimod-sweep: heartbeat at " hb.log' "no heartbeat block in an uninterrupted run with --heartbeat 0.02"
check 'same_data ref.h5 hb.h5' "with the heartbeat the data differ from the run without it"
report test_kill9
