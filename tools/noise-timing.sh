#!/bin/bash
# noise-timing.sh [--isa native|avx2] [N [REPS]] — times rng_add_normal on
# N = 5e7 floats, best of REPS = 5, old (src/rng.c of $OLD, default e59d404, the
# last version before issue 28's noise rewrite) against this checkout's, in
# one process. --isa native: the SIMD clones as shipped (the loader picks this
# CPU's widest); --isa avx2: both built for x86-64-v3 without clones (the AVX2
# code path on an AVX-512 CPU). Not run by meson test.
set -euo pipefail
cd "$(dirname "$0")/.."
isa=native
[ "${1:-}" = --isa ] && { isa=$2; shift 2; }
old=${OLD:-e59d404}
case "$isa" in
native) arch= ;;
avx2) arch='-march=x86-64-v3 -DMIMOD_NO_SIMD_CLONES' ;;
*) echo "noise-timing.sh: --isa must be native or avx2" >&2; exit 2 ;;
esac
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; [ -n "${KEEP:-}" ] && trap - EXIT && echo "kept $W"
git show "$old:src/rng.c" >"$W/rng_old.c"
flags="-std=c17 -O3 -D_GNU_SOURCE -DMIMOD_VERSION=\"timing\" -ffp-contract=off -Iinclude $arch"
ren=""
for f in rng_init rng_split rng_u64 rng_uniform rng_normal rng_normal_from_bits rng_below \
         rng_permutation rng_fill_normal rng_add_normal; do ren="$ren -D$f=old_$f"; done
gcc $flags $ren -c "$W/rng_old.c" -o "$W/rng_old.o"
gcc $flags -c src/rng.c -o "$W/rng_new.o"
gcc $flags tools/noise_timing.c "$W/rng_old.o" "$W/rng_new.o" -o "$W/noise_timing" -lm -lpthread
echo "CPU: $(lscpu | awk -F': *' '/^Model name/ {print $2}'), isa $isa, old = $old:src/rng.c"
env -u OPENBLAS_CORETYPE "$W/noise_timing" "$@"
