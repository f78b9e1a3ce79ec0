/* gru_step.c — the products of one GRU step, x_t·W_xᵀ + a·Uᵀ for 50 rows
 * (SEP's batch), as one register-blocked kernel (issue 13).
 *
 * Why not OpenBLAS: a SEP trial makes ~40 000 batches of 10 000 sequential
 * steps, and each step's recurrent products are [50][100]·[100][200] and
 * [50][100]·[100][100]. On products this small OpenBLAS re-packs both
 * operands on every call (about a third of their time) and runs the 50 rows
 * in blocks tuned for large M; the input products (K = 3) were separate calls
 * again. Here U and W_x are packed once per pass (transposed, columns padded
 * to GRU_STEP_PAD), the input terms start the same chain as the recurrent
 * ones, and each block of RB rows × 32 columns stays in registers for the
 * whole K loop.
 *
 * Determinism: every output element is one chain of fused multiply-adds,
 * from 0, over the input terms and then over k = 0 … N−1, in that order, in
 * every kernel (AVX-512, AVX2 and the portable one, which calls fmaf: exact
 * rounding, so the same bits). The blocking only decides which elements are
 * computed together, never the order of one element's terms, so the result
 * does not depend on the CPU's vector width (tests/test_simd_clones.sh). */
#include "mimod/gru_step.h"

#include <math.h>
#include <string.h>

/* Which vector kernels this build contains: with SIMD clones (the default
 * build) both, chosen at run time; a build without them
 * (-DMIMOD_NO_SIMD_CLONES, e.g. -march=x86-64-v3) only what its -march
 * allows, so that it holds no instruction its target lacks. */
#if defined(__x86_64__) && !defined(MIMOD_DOUBLE)
#include <immintrin.h>
#if !defined(MIMOD_NO_SIMD_CLONES) || (defined(__AVX512F__) && defined(__FMA__))
#define GRU_STEP_AVX512 1
#endif
#if !defined(MIMOD_NO_SIMD_CLONES) || (defined(__AVX2__) && defined(__FMA__))
#define GRU_STEP_AVX2 1
#endif
#endif

void gru_step_pack(real *wt, const real *w, int row0, int cols, int k) {
    const int ld = gru_step_padded(cols);
    for (int kk = 0; kk < k; kk++) {
        real *dst = wt + (size_t)kk * ld;
        for (int j = 0; j < cols; j++) dst[j] = w[(size_t)(row0 + j) * k + kk];
        for (int j = cols; j < ld; j++) dst[j] = 0;
    }
}

#ifdef MIMOD_DOUBLE
#define mm_fma fma
#else
#define mm_fma fmaf
#endif

/* The reference kernel: plain loops, fma() per term. */
static void product_portable(int B, int n_in, int N, int ld, const real *x, const real *wt,
                             const real *a, const real *ut, real *out) {
    for (int b = 0; b < B; b++) {
        real *o = out + (size_t)b * ld;
        for (int j = 0; j < ld; j++) o[j] = 0;
        for (int k = 0; k < n_in; k++) {
            const real xv = x[(size_t)b * n_in + k], *w = wt + (size_t)k * ld;
            for (int j = 0; j < ld; j++) o[j] = mm_fma(xv, w[j], o[j]);
        }
        for (int k = 0; k < N; k++) {
            const real av = a[(size_t)b * N + k], *u = ut + (size_t)k * ld;
            for (int j = 0; j < ld; j++) o[j] = mm_fma(av, u[j], o[j]);
        }
    }
}

#if defined(GRU_STEP_AVX512) || defined(GRU_STEP_AVX2)
/* Rows per register block: 5 divides SEP's batch of 50. With two vectors of
 * columns per row that is 10 accumulators, enough independent chains to hide
 * the FMA latency, and few enough for AVX2's 16 registers. */
enum { RB = 5 };
#endif

#ifdef GRU_STEP_AVX512

/* AVX-512: blocks of rb rows × 32 columns (two vectors), then a last block
 * of 16 columns when ld is an odd multiple of 16. rb is a constant after
 * inlining, so the accumulator arrays live in registers. */
__attribute__((target("avx512f,fma"), always_inline)) static inline void
rows_avx512(int rb, int n_in, int N, int ld, const float *x, const float *wt, const float *a,
            const float *ut, float *out) {
    int j = 0;
    for (; j + 32 <= ld; j += 32) {
        __m512 c0[RB], c1[RB];
        for (int r = 0; r < rb; r++) c0[r] = c1[r] = _mm512_setzero_ps();
        for (int k = 0; k < n_in; k++) {
            const __m512 w0 = _mm512_loadu_ps(wt + (size_t)k * ld + j);
            const __m512 w1 = _mm512_loadu_ps(wt + (size_t)k * ld + j + 16);
            for (int r = 0; r < rb; r++) {
                const __m512 v = _mm512_set1_ps(x[(size_t)r * n_in + k]);
                c0[r] = _mm512_fmadd_ps(v, w0, c0[r]);
                c1[r] = _mm512_fmadd_ps(v, w1, c1[r]);
            }
        }
        for (int k = 0; k < N; k++) {
            const __m512 u0 = _mm512_loadu_ps(ut + (size_t)k * ld + j);
            const __m512 u1 = _mm512_loadu_ps(ut + (size_t)k * ld + j + 16);
            for (int r = 0; r < rb; r++) {
                const __m512 v = _mm512_set1_ps(a[(size_t)r * N + k]);
                c0[r] = _mm512_fmadd_ps(v, u0, c0[r]);
                c1[r] = _mm512_fmadd_ps(v, u1, c1[r]);
            }
        }
        for (int r = 0; r < rb; r++) {
            _mm512_storeu_ps(out + (size_t)r * ld + j, c0[r]);
            _mm512_storeu_ps(out + (size_t)r * ld + j + 16, c1[r]);
        }
    }
    if (j < ld) { /* ld is a multiple of 16: one vector left */
        __m512 c0[RB];
        for (int r = 0; r < rb; r++) c0[r] = _mm512_setzero_ps();
        for (int k = 0; k < n_in; k++) {
            const __m512 w0 = _mm512_loadu_ps(wt + (size_t)k * ld + j);
            for (int r = 0; r < rb; r++)
                c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(x[(size_t)r * n_in + k]), w0, c0[r]);
        }
        for (int k = 0; k < N; k++) {
            const __m512 u0 = _mm512_loadu_ps(ut + (size_t)k * ld + j);
            for (int r = 0; r < rb; r++)
                c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[(size_t)r * N + k]), u0, c0[r]);
        }
        for (int r = 0; r < rb; r++) _mm512_storeu_ps(out + (size_t)r * ld + j, c0[r]);
    }
}

__attribute__((target("avx512f,fma"))) static void
product_avx512(int B, int n_in, int N, int ld, const float *x, const float *wt, const float *a,
               const float *ut, float *out) {
    int b = 0;
    for (; b + RB <= B; b += RB)
        rows_avx512(RB, n_in, N, ld, x + (size_t)b * n_in, wt, a + (size_t)b * N, ut,
                    out + (size_t)b * ld);
    for (; b < B; b++)
        rows_avx512(1, n_in, N, ld, x + (size_t)b * n_in, wt, a + (size_t)b * N, ut,
                    out + (size_t)b * ld);
}

#endif

#ifdef GRU_STEP_AVX2
/* AVX2: blocks of rb rows × 16 columns (two vectors); ld is a multiple of 16. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
rows_avx2(int rb, int n_in, int N, int ld, const float *x, const float *wt, const float *a,
          const float *ut, float *out) {
    for (int j = 0; j < ld; j += 16) {
        __m256 c0[RB], c1[RB];
        for (int r = 0; r < rb; r++) c0[r] = c1[r] = _mm256_setzero_ps();
        for (int k = 0; k < n_in; k++) {
            const __m256 w0 = _mm256_loadu_ps(wt + (size_t)k * ld + j);
            const __m256 w1 = _mm256_loadu_ps(wt + (size_t)k * ld + j + 8);
            for (int r = 0; r < rb; r++) {
                const __m256 v = _mm256_set1_ps(x[(size_t)r * n_in + k]);
                c0[r] = _mm256_fmadd_ps(v, w0, c0[r]);
                c1[r] = _mm256_fmadd_ps(v, w1, c1[r]);
            }
        }
        for (int k = 0; k < N; k++) {
            const __m256 u0 = _mm256_loadu_ps(ut + (size_t)k * ld + j);
            const __m256 u1 = _mm256_loadu_ps(ut + (size_t)k * ld + j + 8);
            for (int r = 0; r < rb; r++) {
                const __m256 v = _mm256_set1_ps(a[(size_t)r * N + k]);
                c0[r] = _mm256_fmadd_ps(v, u0, c0[r]);
                c1[r] = _mm256_fmadd_ps(v, u1, c1[r]);
            }
        }
        for (int r = 0; r < rb; r++) {
            _mm256_storeu_ps(out + (size_t)r * ld + j, c0[r]);
            _mm256_storeu_ps(out + (size_t)r * ld + j + 8, c1[r]);
        }
    }
}

__attribute__((target("avx2,fma"))) static void
product_avx2(int B, int n_in, int N, int ld, const float *x, const float *wt, const float *a,
             const float *ut, float *out) {
    int b = 0;
    for (; b + RB <= B; b += RB)
        rows_avx2(RB, n_in, N, ld, x + (size_t)b * n_in, wt, a + (size_t)b * N, ut,
                  out + (size_t)b * ld);
    for (; b < B; b++)
        rows_avx2(1, n_in, N, ld, x + (size_t)b * n_in, wt, a + (size_t)b * N, ut,
                  out + (size_t)b * ld);
}
#endif

typedef void product_fn(int B, int n_in, int N, int ld, const real *x, const real *wt,
                        const real *a, const real *ut, real *out);

/* The widest kernel this build contains and this CPU runs. */
static product_fn *pick(const char **name) {
#ifdef GRU_STEP_AVX512
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")) {
        *name = "avx512";
        return product_avx512;
    }
#endif
#ifdef GRU_STEP_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        *name = "avx2";
        return product_avx2;
    }
#endif
    *name = "scalar";
    return product_portable;
}

void gru_step_product(int B, int n_in, int N, int cols, const real *x, const real *wt,
                      const real *a, const real *ut, real *out) {
    const char *name;
    pick(&name)(B, n_in, N, gru_step_padded(cols), x, wt, a, ut, out);
}

const char *gru_step_kernel(void) {
    const char *name;
    pick(&name);
    return name;
}

int gru_step_product_using(const char *kernel, int B, int n_in, int N, int cols, const real *x,
                           const real *wt, const real *a, const real *ut, real *out) {
    product_fn *f = NULL;
    if (strcmp(kernel, "scalar") == 0) f = product_portable;
#ifdef GRU_STEP_AVX512
    __builtin_cpu_init();
    if (strcmp(kernel, "avx512") == 0 && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("fma"))
        f = product_avx512;
#endif
#ifdef GRU_STEP_AVX2
    __builtin_cpu_init();
    if (strcmp(kernel, "avx2") == 0 && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma"))
        f = product_avx2;
#endif
    if (!f) return -1;
    f(B, n_in, N, gru_step_padded(cols), x, wt, a, ut, out);
    return 0;
}
