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
#
# From 2 threads on, the next SM step's batch is made on a data thread while
# the current step updates (issue 13), into a second set of MINE inputs; so
# the comparisons also check that prefetching changes nothing, for the two
# groups' pairs and for K = 3 groups one_vs_rest (act_wide; 42 units, a
# SEP trial), and that a stop, which drops a prefetched batch, and a resume
# give one run's data (its blas_kernel aside: "?+K", since the resumed
# trial's output is made anew and its checkpoint does not say its kernel).
set -u
TRAIN=$(realpath "$1")
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
workdir test_threads

# name, result group, configuration
names=(wm sep ovr)
declare -A group=([wm]=wm [sep]=sep [ovr]=sep)
declare -A extra=([wm]="--set task=wm" [sep]="--set task=sep"
                  [ovr]="--set task=sep --set n_groups=3 --set mi_pairing=one_vs_rest --set n_units=42")
args_of() { echo "--set preset=quick ${extra[$1]} --set n_mm_steps=6 --set record_every=2 -q"; }
declare -A secs2 # seconds of each configuration's whole run at 2 threads

for c in "${names[@]}"; do
    read -ra args <<<"$(args_of $c)"
    for t in 1 2 3 8; do
        [ $c = ovr ] && [ $t = 8 ] && continue
        t0=$(date +%s.%N)
        "$TRAIN" "${args[@]}" --threads $t -o $c-$t.h5 >/dev/null 2>$c-$t.err
        check '[ $? -eq 0 ] && [ -f $c-$t.h5 ]' "$c --threads $t failed: $(head -3 $c-$t.err)"
        [ $t = 2 ] && secs2[$c]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    done
    for t in 2 3 8; do
        [ $c = ovr ] && [ $t = 8 ] && continue
        check "same_data $c-1.h5 $c-$t.h5 ${group[$c]}" "$c: --threads $t gives other data than --threads 1"
    done
done

# Stop at 2 threads, resume at 3, with the signal sent mostly between two SM
# steps of a run, where a prefetched batch is dropped. When to send it: half
# the time the whole run took at 2 threads just above, so that it lands while
# the run trains on a fast or a loaded machine alike; if the run still ends
# first (exit 0), again at a quarter and an eighth.
for c in sep ovr; do
    read -ra args <<<"$(args_of $c)"
    rc=0
    for part in 2 4 8; do
        rm -f $c-ck.bin $c-res.h5
        "$TRAIN" "${args[@]}" --threads 2 --checkpoint $c-ck.bin -o $c-res.h5 >/dev/null 2>$c-res.err &
        pid=$!
        sleep "$(awk -v s="${secs2[$c]:-4}" -v p=$part 'BEGIN { printf "%.3f", s / p }')"
        kill -USR1 $pid 2>/dev/null
        wait $pid
        rc=$?
        [ $rc -ne 0 ] && break
    done
    "$TRAIN" "${args[@]}" --threads 3 --checkpoint $c-ck.bin -o $c-res.h5 >/dev/null 2>>$c-res.err
    check '[ $? -eq 0 ]' "$c: resuming at 3 threads failed (first run exit $rc): $(head -3 $c-res.err)"
    check "same_numbers $c-1.h5 $c-res.h5 ${group[$c]}" \
          "$c: stopped at 2 threads (exit $rc) and resumed at 3: other data than one run"
    k=$(kernel_row $c-1.h5 ${group[$c]})
    check '[ $rc -ne 3 ] || { [ -n "$k" ] && [ "$(kernel_row $c-res.h5 ${group[$c]})" = "?+$k" ]; }' \
          "$c: the resumed trial's blas_kernel '$(kernel_row $c-res.h5 ${group[$c]})', expected '?+$k'"
    check '[ $rc -eq 3 ]' "$c: the run to stop was not interrupted (exit $rc, 3 expected) in three tries"
done

report test_threads
