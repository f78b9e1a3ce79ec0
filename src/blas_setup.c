/* blas_setup.c — pick the fastest OpenBLAS kernel and the thread count. */
#include "mimod/blas.h"

#include <cblas.h>
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CPUID leaf 7: AVX-512 F (ebx bit 16), DQ (17), BW (30), VL (31); and the OS
 * must save the ZMM state (XCR0 bits 5–7), which OSXSAVE + xgetbv tells. */
static int cpu_has_avx512(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0; /* OSXSAVE */
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    unsigned need = (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31);
    return (b & need) == need;
#else
    return 0;
#endif
}

void mimod_blas_setup(int argc, char **argv, int threads) {
    (void)argc;
    const char *core = openblas_get_corename();
    if (!getenv("OPENBLAS_CORETYPE") && !getenv("MIMOD_NO_BLAS_FIX") && core &&
        (strcasecmp(core, "haswell") == 0 || strcasecmp(core, "zen") == 0) && cpu_has_avx512()) {
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
        setenv("MIMOD_BLAS_FIXED", core, 1);
        execv("/proc/self/exe", argv);
        /* exec failed: carry on with the library's own choice */
        unsetenv("OPENBLAS_CORETYPE");
    }
    openblas_set_num_threads(threads > 0 ? threads : 1);
}

const char *mimod_blas_corename(void) { return openblas_get_corename(); }
int mimod_blas_overridden(void) { return getenv("MIMOD_BLAS_FIXED") != NULL; }
