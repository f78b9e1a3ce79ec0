#!/usr/bin/env bash
# test_simd_clones.sh PROBE PROBE_BASELINE — the same tiny trials, run by the
# engine as shipped (its element-wise loops take this CPU's widest SIMD clone)
# and by an engine built without clones (SSE2 baseline), must give the same
# bytes. Fails if, say, FMA contraction crept into the wide clones. Reports
# itself skipped (exit 77) on a CPU without a wider clone than the baseline.
set -u
probe=$1
baseline=$2
W=$(mktemp -d "${TMPDIR:-/tmp}/test_simd_clones.XXXXXX")
trap 'rm -rf "$W"' EXIT
export OPENBLAS_NUM_THREADS=1
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
clone=default
case " $flags " in *" avx2 "*" fma "*|*" fma "*" avx2 "*) clone=x86-64-v3 ;; esac
case " $flags " in *" avx512f "*) [ "$clone" = x86-64-v3 ] && clone=x86-64-v4 ;; esac
if [ "$clone" = default ]; then
    # the shipped engine would run the baseline loops too: comparing them with
    # themselves proves nothing
    echo "test_simd_clones: this CPU has no AVX2+FMA or AVX-512 clone to compare with the baseline; skipped"
    exit 77
fi
echo "test_simd_clones: this CPU should run the $clone clones"
"$probe" "$W/clones.bin" >"$W/clones.log" 2>&1 || { cat "$W/clones.log"; echo "test_simd_clones: 0 passed, 1 failed"; exit 1; }
"$baseline" "$W/base.bin" >"$W/base.log" 2>&1 || { cat "$W/base.log"; echo "test_simd_clones: 0 passed, 1 failed"; exit 1; }
size=$(stat -c %s "$W/clones.bin")
if [ "$size" -gt 0 ] && cmp "$W/clones.bin" "$W/base.bin"; then
    echo "test_simd_clones: $size bytes identical; 1 passed, 0 failed"
    exit 0
fi
echo "FAIL: the $clone clones and the baseline build give different results" >&2
echo "test_simd_clones: 0 passed, 1 failed"
exit 1
