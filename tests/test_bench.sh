#!/bin/bash
# mimod-bench at the tiny sizes, one step of each kind: its RESULT line keeps
# the keys tools/bench.sh reads (and tools/torch_ref.py's line pairs with),
# and carries each part's FLOP (SEP tiny's, worked out in tests/test_cost.c),
# bound and ratio to it (issue 28) as finite positive numbers; tools/bench.sh's
# bounds table reads them. Its timings are not checked (the bench is never a
# timed test).
set -uo pipefail
bench=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
export OPENBLAS_NUM_THREADS=1

"$bench" --task sep --preset tiny --sm-steps 1 --mm-steps 1 --warmup 0 >"$tmp/out" 2>&1
rc=$?
check '[ $rc -eq 0 ]' "exit 0 ($(tail -c 300 "$tmp/out"))"
line=$(grep '^RESULT impl=mimod' "$tmp/out")
check '[ -n "$line" ] && echo "$line" | grep -q " task=sep "' "a RESULT line for sep"
val() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
for key in sm_data_min sm_data_med sm_upd_min sm_upd_med sm_min sm_med mm_min mm_med sgemm_best \
           sm_run_min sm_run_med sgemm_peak sm_data_bound sm_upd_bound sm_bound mm_bound \
           sm_data_bound_shapes sm_upd_bound_shapes sm_bound_shapes mm_bound_shapes sm_data_ratio \
           sm_upd_ratio sm_ratio mm_ratio sm_data_ratio_shapes sm_upd_ratio_shapes sm_ratio_shapes \
           mm_ratio_shapes sm_data_cpu_med sm_upd_cpu_med sm_cpu_med mm_cpu_med; do
    v=$(val $key)
    check 'awk -v v="$v" "BEGIN{exit !(v + 0 > 0 && v + 0 < 1e9)}"' "$key positive and finite ('$v')"
done
check '[ "$(val n_sm_trial)" = 17 ] && [ "$(val n_mm_trial)" = 6 ]' "trial steps: $(val n_sm_trial) SM, $(val n_mm_trial) MM"
# SEP tiny's counts (tests/test_cost.c): data pass 475 200, update 3 686 400, MM step 4 262 400
check '[ "$(val sm_data_flops)" = 475200 ] && [ "$(val sm_upd_flops)" = 3.6864e+06 ] && [ "$(val mm_flops)" = 4.2624e+06 ]' \
    "FLOP: data $(val sm_data_flops), update $(val sm_upd_flops), MM $(val mm_flops)"
# bound = FLOP / best rate; ratio = median / bound
check 'awk -v f="$(val mm_flops)" -v p="$(val sgemm_peak)" -v b="$(val mm_bound)" -v m="$(val mm_med)" -v r="$(val mm_ratio)" \
    "BEGIN{exit !(b > 0.999 * f / (p * 1e9) && b < 1.001 * f / (p * 1e9) && r > 0.999 * m / b && r < 1.001 * m / b)}"' \
    "mm_bound = mm_flops / sgemm_peak, mm_ratio = mm_med / mm_bound ($line)"
check 'grep -q "Bounds (issue 28)" "$tmp/out" && grep -q "MM step    GRU dU_h" "$tmp/out"' "the bounds table and the products"

# tools/bench.sh's bounds table from that line (the awk program of bench.sh, run on it)
prog=$(sed -n "/^    grep -h '\^RESULT' \"\$W\/mimod_\$task.txt\" | awk -v task=\"\$task\" '$/,/^        }'$/p" "$src/tools/bench.sh" |
       sed "1d;\$s/'\$//")
check '[ -n "$prog" ]' "tools/bench.sh has its bounds table"
echo "$line" | awk -v task=sep "$prog" >"$tmp/table" 2>&1
check 'grep -q "^\[sep\] bounds (issue 28)" "$tmp/table" && grep -q "^  MM step " "$tmp/table" && ! grep -qi "nan\|inf" "$tmp/table"' \
    "tools/bench.sh's table: $(cat "$tmp/table")"
report test_bench
