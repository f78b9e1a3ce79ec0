/* blas_setup.c — pick the fastest OpenBLAS kernel and the thread count. */
#include "mimod/blas.h"

#include <cblas.h>
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* AVX2 and FMA (CPUID 7 ebx bit 5, CPUID 1 ecx bit 12) with the YMM state
 * saved by the OS (XCR0 bits 1–2): what OpenBLAS's Haswell kernels need. */
static int cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 12))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 5)) != 0;
#else
    return 0;
#endif
}

/* Kernel sets older than AVX2 that OpenBLAS 0.3.21 falls back to on a CPU it
 * does not know (a new Intel model such as family 6 model 207 is detected as
 * "Prescott", SSE3 only, several times slower than the CPU allows). */
static int core_is_pre_avx2(const char *core) {
    static const char *const names[] = {"prescott", "core2", "penryn", "dunnington", "nehalem",
                                        "atom", "sandybridge", "katmai", "coppermine", "northwood",
                                        "banias", "opteron", "opteron_sse3", "barcelona", "bobcat",
                                        "bulldozer", "piledriver", "steamroller", "excavator"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (core && strcasecmp(core, names[i]) == 0) return 1;
    return 0;
}

/* OpenBLAS 0.3.21's kernel sets that use AVX-512. */
static int core_is_avx512(const char *core) {
    static const char *const names[] = {"skylakex", "cooperlake", "sapphirerapids"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (core && strcasecmp(core, names[i]) == 0) return 1;
    return 0;
}

static char blas_summary[512];
static int blas_slow;

void mimod_blas_setup(int argc, char **argv, int threads) {
    (void)argc;
    const char *core = openblas_get_corename();
    const char *forced = getenv("OPENBLAS_CORETYPE");
    const char *fixed_from = getenv("MIMOD_BLAS_FIXED"); /* set by our own re-exec */
    const int avx512 = cpu_has_avx512();
    /* The kernel this CPU can run that OpenBLAS did not pick by itself:
     * SkylakeX on AVX-512 cores detected as Haswell/Zen (SPEC §8) or as an
     * older generic set; Haswell on AVX2+FMA cores detected as an older set. */
    const char *better = NULL;
    if (core && avx512 && (strcasecmp(core, "haswell") == 0 || strcasecmp(core, "zen") == 0 ||
                           core_is_pre_avx2(core)))
        better = "SkylakeX";
    else if (core && !avx512 && cpu_has_avx2_fma() && core_is_pre_avx2(core))
        better = "Haswell";
    if (!forced && !getenv("MIMOD_NO_BLAS_FIX") && better) {
        setenv("OPENBLAS_CORETYPE", better, 1);
        setenv("MIMOD_BLAS_FIXED", core, 1);
        execv("/proc/self/exe", argv);
        /* exec failed: carry on with the library's own choice */
        unsetenv("OPENBLAS_CORETYPE");
        unsetenv("MIMOD_BLAS_FIXED");
        forced = fixed_from = NULL;
    }
    openblas_set_num_threads(threads > 0 ? threads : 1);

    core = openblas_get_corename();
    blas_slow = avx512 && !core_is_avx512(core);
    if (fixed_from)
        snprintf(blas_summary, sizeof blas_summary,
                 "%s (selected by mimod: OpenBLAS detected %s, a slower kernel set than this CPU "
                 "can run)", core, fixed_from);
    else if (forced && blas_slow)
        /* An explicit OPENBLAS_CORETYPE is a user's or a site's decision (some
         * sites pin it because old OpenBLAS builds misbehave on new CPUs): keep
         * it, but say what it costs. */
        snprintf(blas_summary, sizeof blas_summary,
                 "%s (forced by OPENBLAS_CORETYPE=%s in the environment; this CPU has AVX-512, "
                 "for which OpenBLAS has kernels about twice as fast: unset OPENBLAS_CORETYPE "
                 "to let mimod choose)", core, forced);
    else if (forced)
        snprintf(blas_summary, sizeof blas_summary, "%s (set by OPENBLAS_CORETYPE=%s)", core, forced);
    else
        snprintf(blas_summary, sizeof blas_summary, "%s (detected by OpenBLAS)", core);
}

const char *mimod_blas_corename(void) { return openblas_get_corename(); }
const char *mimod_blas_summary(void) { return blas_summary; }
int mimod_blas_slow(void) { return blas_slow; }
