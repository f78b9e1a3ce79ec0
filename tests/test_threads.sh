#!/usr/bin/env bash
# test_threads.sh MIMOD_TRAIN — a trial's numbers do not depend on its thread
# count (issue 14): a short quick WM and a short quick SEP trial with
# --threads 1, 2, 3 and 8 (more threads than most test machines' cores) give
# the same data in every dataset (h5diff; only wall_seconds, a clock reading,
# may differ). The quick sizes make mm_gemm split the statistics network's
# products into tiles (2048×128×128 and 128×128×1024 at WM, 4096×64×64 at
# SEP), so the pool really runs them on several threads. A trial stopped
# by SIGUSR1 at 2 threads and resumed from its checkpoint at 3 threads gives
# the same data too (the thread count is not part of a checkpoint).
set -u
TRAIN=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/test_threads.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1

same_data() { h5diff -q --exclude-path /wall_seconds "$1" "$2" /$3 /$3 >/dev/null 2>&1; }

for task in wm sep; do
    args=(--set preset=quick --set task=$task --set n_mm_steps=6 --set record_every=2 -q)
    for t in 1 2 3 8; do
        "$TRAIN" "${args[@]}" --threads $t -o $task-$t.h5 >/dev/null 2>$task-$t.err
        check '[ $? -eq 0 ] && [ -f $task-$t.h5 ]' "$task --threads $t failed: $(head -3 $task-$t.err)"
    done
    for t in 2 3 8; do
        check "same_data $task-1.h5 $task-$t.h5 $task" "$task: --threads $t gives other data than --threads 1"
    done
done

# Stop at 2 threads, resume at 3: the SEP trial is long enough (its MM steps
# are the slowest) for the signal to land while it trains.
args=(--set preset=quick --set task=sep --set n_mm_steps=6 --set record_every=2 -q)
"$TRAIN" "${args[@]}" --threads 2 --checkpoint ck.bin -o res.h5 >/dev/null 2>res.err &
pid=$!
sleep 4
kill -USR1 $pid 2>/dev/null
wait $pid
rc=$?
"$TRAIN" "${args[@]}" --threads 3 --checkpoint ck.bin -o res.h5 >/dev/null 2>>res.err
check '[ $? -eq 0 ]' "resuming at 3 threads failed (first run exit $rc): $(head -3 res.err)"
check "same_data sep-1.h5 res.h5 sep" "stopped at 2 threads (exit $rc) and resumed at 3: other data than one run"

report test_threads
