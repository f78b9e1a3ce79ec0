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
/* c[r][v] += Σ_{k<K} src[r][k] · w[k][j + 16v], k in order, for rb rows and nv
 * vectors: the input terms (src x, w wt) and then the recurrent ones (a, ut). */
__attribute__((target("avx512f,fma"), always_inline)) static inline void
terms_avx512(int rb, int nv, int K, const float *src, const float *w, int ld, int j,
             __m512 c[RB][2]) {
    for (int k = 0; k < K; k++) {
        __m512 wv[2];
        for (int v = 0; v < nv; v++) wv[v] = _mm512_loadu_ps(w + (size_t)k * ld + j + 16 * v);
        for (int r = 0; r < rb; r++) {
            const __m512 s = _mm512_set1_ps(src[(size_t)r * K + k]);
            for (int v = 0; v < nv; v++) c[r][v] = _mm512_fmadd_ps(s, wv[v], c[r][v]);
        }
    }
}

/* One block: rb rows × nv vectors (16 columns each) from column j. rb and nv
 * are constants after inlining, so the accumulators live in registers. */
__attribute__((target("avx512f,fma"), always_inline)) static inline void
block_avx512(int rb, int nv, int n_in, int N, int ld, int j, const float *x, const float *wt,
             const float *a, const float *ut, float *out) {
    __m512 c[RB][2];
    for (int r = 0; r < rb; r++)
        for (int v = 0; v < nv; v++) c[r][v] = _mm512_setzero_ps();
    terms_avx512(rb, nv, n_in, x, wt, ld, j, c);
    terms_avx512(rb, nv, N, a, ut, ld, j, c);
    for (int r = 0; r < rb; r++)
        for (int v = 0; v < nv; v++) _mm512_storeu_ps(out + (size_t)r * ld + j + 16 * v, c[r][v]);
}

/* rb rows: blocks of 32 columns, then one of 16 when ld is an odd multiple of 16. */
__attribute__((target("avx512f,fma"), always_inline)) static inline void
rows_avx512(int rb, int n_in, int N, int ld, const float *x, const float *wt, const float *a,
            const float *ut, float *out) {
    int j = 0;
    for (; j + 32 <= ld; j += 32) block_avx512(rb, 2, n_in, N, ld, j, x, wt, a, ut, out);
    if (j < ld) block_avx512(rb, 1, n_in, N, ld, j, x, wt, a, ut, out);
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
/* AVX2, as terms_avx512 with vectors of 8 columns, two per block. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
terms_avx2(int rb, int K, const float *src, const float *w, int ld, int j, __m256 c[RB][2]) {
    for (int k = 0; k < K; k++) {
        const __m256 w0 = _mm256_loadu_ps(w + (size_t)k * ld + j);
        const __m256 w1 = _mm256_loadu_ps(w + (size_t)k * ld + j + 8);
        for (int r = 0; r < rb; r++) {
            const __m256 s = _mm256_set1_ps(src[(size_t)r * K + k]);
            c[r][0] = _mm256_fmadd_ps(s, w0, c[r][0]);
            c[r][1] = _mm256_fmadd_ps(s, w1, c[r][1]);
        }
    }
}

/* AVX2: blocks of rb rows × 16 columns; ld is a multiple of 16. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
rows_avx2(int rb, int n_in, int N, int ld, const float *x, const float *wt, const float *a,
          const float *ut, float *out) {
    for (int j = 0; j < ld; j += 16) {
        __m256 c[RB][2];
        for (int r = 0; r < rb; r++) c[r][0] = c[r][1] = _mm256_setzero_ps();
        terms_avx2(rb, n_in, x, wt, ld, j, c);
        terms_avx2(rb, N, a, ut, ld, j, c);
        for (int r = 0; r < rb; r++) {
            _mm256_storeu_ps(out + (size_t)r * ld + j, c[r][0]);
            _mm256_storeu_ps(out + (size_t)r * ld + j + 8, c[r][1]);
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


/* The kernels this build contains, widest first; the portable one (no CPU
 * test) last, so some kernel always runs. */
static const struct {
    const char *name;
    product_fn *fn;
    int (*cpu_runs)(void);
} kernels[] = {
#ifdef GRU_STEP_AVX512
    {"avx512", product_avx512, mimod_cpu_runs_avx512_fma},
#endif
#ifdef GRU_STEP_AVX2
    {"avx2", product_avx2, mimod_cpu_runs_avx2_fma},
#endif
    {"scalar", product_portable, NULL},
};
enum { N_KERNELS = sizeof kernels / sizeof kernels[0] };

static int kernel_runs(int i) { return !kernels[i].cpu_runs || kernels[i].cpu_runs(); }

/* The widest kernel this build contains and this CPU runs. */
static int pick(void) {
    int i = 0;
    while (!kernel_runs(i)) i++;
    return i;
}

void gru_step_product(int B, int n_in, int N, int cols, const real *x, const real *wt,
                      const real *a, const real *ut, real *out) {
    kernels[pick()].fn(B, n_in, N, gru_step_padded(cols), x, wt, a, ut, out);
}

const char *gru_step_kernel(void) { return kernels[pick()].name; }

int gru_step_product_using(const char *kernel, int B, int n_in, int N, int cols, const real *x,
                           const real *wt, const real *a, const real *ut, real *out) {
    for (int i = 0; i < N_KERNELS; i++)
        if (strcmp(kernel, kernels[i].name) == 0 && kernel_runs(i)) {
            kernels[i].fn(B, n_in, N, gru_step_padded(cols), x, wt, a, ut, out);
            return 0;
        }
    return -1;
}
