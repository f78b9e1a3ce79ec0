#!/bin/bash
# Speed report for docs/performance.md (run by hand on a quiet machine; never in CI):
#  1. mimod-bench at the paper sizes of both tasks, one thread;
#  2. sweep throughput with 1 and 2 workers on the same 8 small trials.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
build/src/cli/mimod-bench --task both --preset paper
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cat > "$W/scale.yaml" <<'YAML'
output: scale.h5
preset: tiny
tasks: [wm]
overrides: {n_mm_steps: 40000, record_every: 10000}
grid:
  seed: {from: 0, to: 7}
YAML
for workers in 1 2; do
    t0=$(date +%s.%N)
    mpirun --oversubscribe -n $((workers + 1)) build/src/io/mimod-sweep "$W/scale.yaml" \
        --new-output "$W/scale$workers.h5" >/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v w=$workers 'BEGIN{printf "sweep of 8 trials, %d worker(s): %.1f s\n", w, b-a}'
done
