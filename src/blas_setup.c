/* blas_setup.c — pick the fastest OpenBLAS kernel and the thread count. */
#include "mimod/blas.h"
#include "mimod/gemm_pool.h"

#include <cblas.h>
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* 1 if the CPU has every CPUID leaf-1 ECX bit of leaf1_ecx and leaf-7 EBX bit
 * of leaf7_ebx, and the OS saves every register state of xcr0 (read with
 * xgetbv, which OSXSAVE, leaf-1 ECX bit 27, says is there). */
static int cpu_has(unsigned leaf1_ecx, unsigned xcr0, unsigned leaf7_ebx) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    leaf1_ecx |= 1u << 27; /* OSXSAVE */
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & leaf1_ecx) != leaf1_ecx) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & xcr0) != xcr0) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & leaf7_ebx) == leaf7_ebx;
#else
    (void)leaf1_ecx, (void)xcr0, (void)leaf7_ebx;
    return 0;
#endif
}

/* AVX-512 F, DQ, BW, VL (leaf 7 EBX bits 16, 17, 30, 31) with the ZMM state
 * saved (XCR0 bits 1, 2, 5–7): what OpenBLAS's SkylakeX kernels need. */
static int cpu_has_avx512(void) {
    return cpu_has(0, 0xE6, (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31));
}

/* AVX2 (leaf 7 EBX bit 5) and FMA (leaf 1 ECX bit 12) with the YMM state saved
 * (XCR0 bits 1–2): what OpenBLAS's Haswell kernels need. */
static int cpu_has_avx2_fma(void) { return cpu_has(1u << 12, 0x6, 1u << 5); }

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
    /* OpenBLAS itself always runs on one thread: its threaded GEMM splits a
     * product by the thread count (and picks kernels by it), which changed a
     * trial's last bits with --threads. The threads go to mimod's own pool,
     * which runs tiles of C fixed by the shape (gemm.c, gemm_pool.h). */
    openblas_set_num_threads(1);
    mimod_err err = {0};
    if (mimod_pool_set_threads(threads > 0 ? threads : 1, &err))
        fprintf(stderr, "mimod: %s; carrying on with %d thread(s) (same results, slower)\n", err.msg,
                mimod_pool_threads());

    core = openblas_get_corename();
    blas_slow = avx512 && !core_is_avx512(core);
    if (forced && !fixed_from && (!core || strcasecmp(core, forced) != 0))
        /* OpenBLAS ignores a name it does not know (or a kernel this CPU
         * cannot run) and detects the CPU itself: say so, not "set by" */
        snprintf(blas_summary, sizeof blas_summary,
                 "%s (OpenBLAS's own choice: OPENBLAS_CORETYPE=%s in the environment names no "
                 "kernel it knows or can run here, so it was ignored; fix or unset it)",
                 core ? core : "?", forced);
    else if (fixed_from)
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
