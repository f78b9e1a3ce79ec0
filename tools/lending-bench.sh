#!/usr/bin/env bash
# lending-bench.sh — the elastic tail measured (issue 14, docs/threads.md):
# one trial alone on one worker (mpirun -n 2) against 3 equal trials (seeds
# 0, 1, 2 of the same configuration) on 2 workers (mpirun -n 3), with idle
# cores lent (default) and, if NOLEND=1, also without. Prints the wall times
# and their ratio; without lending the ratio is ~2 (two waves), with it the
# third trial gets the idle worker's core. Not a test: run it on an otherwise
# idle machine of at least 2 cores (here through /work/sci/quiet.sh).
#   SWEEP=build/src/cli/mimod-sweep TASK=wm SETS="n_mm_steps: 2" tools/lending-bench.sh
set -u
SWEEP=$(realpath "${SWEEP:-build/src/cli/mimod-sweep}")
TASK=${TASK:-wm}
PRESET=${PRESET:-paper}
# the trial's length: a few steps of the paper size by default
SETS=${SETS:-"n_sm_pre: 10
  n_sm_per_mm: 10
  n_mm_steps: 2
  record_every: 1"}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN="mpirun --oversubscribe --bind-to none"
W=$(mktemp -d "${TMPDIR:-/tmp}/lending-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
mk() { # mk NAME SEEDS
    printf 'output: %s.h5\npreset: %s\ntasks: [%s]\noverrides:\n  %s\ngrid:\n  seed: %s\n' \
        "$1" "$PRESET" "$TASK" "$SETS" "$2" >"$1.yaml"
}
mk one "[0]"
mk three "[0, 1, 2]"
run() { # run NAME NP [ARGS]: prints seconds
    local name=$1 np=$2 t0 t1
    shift 2
    rm -rf "$name.h5" "$name.h5.ckpt" logs-$name
    mkdir -p logs-$name
    t0=$(date +%s.%N)
    $MPIRUN -n "$np" "$SWEEP" "$name.yaml" --log-dir logs-$name "$@" >"$name.out" 2>&1 ||
        { echo "mpirun -n $np $name failed:" >&2; tail -5 "$name.out" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
# awk, not bc: Debian 12 does not install bc by default
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f\n", a / b }'; }
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "trial: $TASK, preset $PRESET, $(echo "$SETS" | tr -s ' \n' ' ')"
t1=$(run one 2)
printf 'one trial, 1 worker:                   %7.1f s\n' "$t1"
t3=$(run three 3)
printf '3 trials, 2 workers, lending on:       %7.1f s  ratio %.3f\n' "$t3" "$(div "$t3" "$t1")"
grep -h "idle: lends\|pool:" logs-three/rank-*.log | sed 's/^/  log: /'
if [ "${NOLEND:-0}" = 1 ]; then
    t3n=$(run three 3 --no-lend)
    printf '3 trials, 2 workers, --no-lend:        %7.1f s  ratio %.3f\n' "$t3n" "$(div "$t3n" "$t1")"
fi
