#!/usr/bin/env bash
# thread-speedup.sh [THREADS...] — a trial's speed-up per thread count at
# paper size (issue 14, docs/threads.md): mimod-bench (paper preset, both
# tasks) at each thread count, REPS rounds with the thread counts alternated
# so that a change in the machine's load hits them alike; per task and thread
# count the best round's SM step, MM step and projected trial time, and the
# speed-up of the projected trial over 1 thread. Not a test: run it on an
# otherwise idle machine (here: through /work/sci/quiet.sh, one task per call).
#   BENCH=build/src/cli/mimod-bench TASKS="wm sep" REPS=2 tools/thread-speedup.sh 1 2
set -u
BENCH=${BENCH:-build/src/cli/mimod-bench}
TASKS=${TASKS:-wm sep}
REPS=${REPS:-2}
THREADS=("$@")
[ ${#THREADS[@]} -eq 0 ] && THREADS=(1 2)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq 1 "$REPS"); do
    for task in $TASKS; do
        for t in "${THREADS[@]}"; do
            "$BENCH" --task "$task" --threads "$t" >"$out" 2>&1 || { cat "$out"; exit 1; }
            sm=$(sed -n 's/.*SM step total: *\([0-9.]*\) s.*/\1/p' "$out")
            mm=$(sed -n 's/.*MM step: *\([0-9.]*\) s.*/\1/p' "$out")
            tr=$(sed -n 's/.*projected trial.*: \([0-9.]*\) h.*/\1/p' "$out")
            echo "round $r $task threads $t: SM step $sm s, MM step $mm s, trial $tr h"
            echo "$task $t $sm $mm $tr" >>"$out.all"
        done
    done
done
grep -m1 "OpenBLAS kernel" "$out" | sed 's/.*OpenBLAS kernel/OpenBLAS kernel:/'
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "best of $REPS rounds (task threads: SM step, MM step, projected trial, speed-up):"
sort -k1,1 -k2,2n -k5,5g "$out.all" | awk '
    !(($1 SUBSEP $2) in seen) { seen[$1 SUBSEP $2] = 1;
        if ($2 == 1) base[$1] = $5;
        printf "  %s %2d: %7.3f s %7.3f s %7.2f h  x%.2f\n", $1, $2, $3, $4, $5,
               (base[$1] > 0 ? base[$1] / $5 : 0) }'
rm -f "$out.all"
