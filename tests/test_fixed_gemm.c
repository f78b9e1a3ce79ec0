/* test_fixed_gemm.c — the statistics network's fixed-order products
 * (src/fixed_gemm.c, issue 28):
 *  - a case worked out by hand (bias, ReLU, leaky slope, φ', α·acc + C);
 *  - every element is one chain of fused multiply-adds (a case where fma and
 *    multiply-then-add round differently);
 *  - every vector kernel this CPU runs gives the portable kernel's bits, on
 *    shapes that exercise every row remainder, column tail, stride, split of
 *    A, init and epilogue; nothing outside C's m × n elements is written;
 *  - the portable kernel against a double-precision sum of the same terms;
 *  - the pool's split of rows between threads changes no bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/fixed_gemm.h"
#include "mimod/gemm_pool.h"
#include "mimod/rng.h"

static const char *const vector_kernels[] = {"avx512", "avx2"};

/* ---- a case by hand: A [2][3], B [3][2] */
static void by_hand(void) {
    const real a[6] = {1, 2, 3, -1, 0.5, 2};
    const real b[6] = {1, -1, 2, 0, -1, 1};
    /* A·B = [1+4−3, −1+0+3; −1+1−2, 1+0+2] = [2, 2; −2, 3] */
    real c[4];
    fixed_gemm_op op = {.m = 2, .n = 2, .k = 3, .k1 = 3, .a = a, .a_rs = 3, .a_ks = 1, .b = b,
                        .ldb = 2, .c = c, .ldc = 2, .init = FG_ZERO, .epi = FG_STORE};
    fixed_gemm(&op);
    CHECK(c[0] == 2 && c[1] == 2 && c[2] == -2 && c[3] == 3, "A·B = [2 2; -2 3]: %g %g %g %g",
          (double)c[0], (double)c[1], (double)c[2], (double)c[3]);
    /* + bias (−3, 1), leaky slope 0.25: z = [−1, 3; −5, 4] → [−0.25, 3; −1.25, 4] */
    const real bias[2] = {-3, 1};
    op.epi = FG_BIAS_ACT;
    op.bias = bias;
    op.slope = 0.25;
    fixed_gemm(&op);
    CHECK(c[0] == -0.25 && c[1] == 3 && c[2] == -1.25 && c[3] == 4, "φ(A·B + b): %g %g %g %g",
          (double)c[0], (double)c[1], (double)c[2], (double)c[3]);
    /* · φ'(G), G = [1, −1; 0, 2], slope 0 (ReLU): [2, 0; 0, 3] (G = 0 is not > 0) */
    const real g[4] = {1, -1, 0, 2};
    op.epi = FG_MUL_ACTGRAD;
    op.g = g;
    op.ldg = 2;
    op.slope = 0;
    fixed_gemm(&op);
    CHECK(c[0] == 2 && c[1] == 0 && c[2] == 0 && c[3] == 3, "A·B ⊙ φ'(G): %g %g %g %g",
          (double)c[0], (double)c[1], (double)c[2], (double)c[3]);
    /* C = [1, 1; 1, 1] + 0.5·A·B = [2, 2; 0, 2.5]; then FROM_C: C + A·B */
    for (int i = 0; i < 4; i++) c[i] = 1;
    op.epi = FG_AXPY;
    op.alpha = 0.5;
    fixed_gemm(&op);
    CHECK(c[0] == 2 && c[1] == 2 && c[2] == 0 && c[3] == 2.5, "C + α·A·B: %g %g %g %g",
          (double)c[0], (double)c[1], (double)c[2], (double)c[3]);
    op.epi = FG_STORE;
    op.init = FG_FROM_C;
    fixed_gemm(&op);
    CHECK(c[0] == 4 && c[1] == 4 && c[2] == -2 && c[3] == 5.5, "C + A·B: %g %g %g %g",
          (double)c[0], (double)c[1], (double)c[2], (double)c[3]);
    /* A split after column 1: the same product, and c2 gets a copy */
    real c2[4];
    fixed_gemm_op sp = {.m = 2, .n = 2, .k = 3, .k1 = 1, .a = a, .a_rs = 3, .a_ks = 1, .a2 = a + 1,
                        .a2_rs = 3, .b = b, .ldb = 2, .c = c, .ldc = 2, .c2 = c2,
                        .init = FG_ZERO, .epi = FG_STORE};
    fixed_gemm(&sp);
    CHECK(c[0] == 2 && c[1] == 2 && c[2] == -2 && c[3] == 3 && memcmp(c, c2, sizeof c) == 0,
          "A in two column blocks, and the copy into c2");
    /* Aᵀ: A(r, kk) = a[kk·2 + r] reads a as [3][2]: Aᵀ = [1 −1 2; 2 3 0.5]... */
    const real at[6] = {1, 2, -1, 3, 2, 0.5}; /* [3][2]: rows kk */
    fixed_gemm_op tn = {.m = 2, .n = 2, .k = 3, .k1 = 3, .a = at, .a_rs = 1, .a_ks = 2, .b = b,
                        .ldb = 2, .c = c, .ldc = 2, .init = FG_ZERO, .epi = FG_STORE};
    /* row 0 = (1, −1, 2)·B = [1−2−2, −1+0+2] = [−3, 1]; row 1 = (2, 3, 0.5)·B = [2+6−0.5, −2+0+0.5] */
    fixed_gemm(&tn);
    CHECK(c[0] == -3 && c[1] == 1 && c[2] == 7.5 && c[3] == -1.5, "Aᵀ·B: %g %g %g %g",
          (double)c[0], (double)c[1], (double)c[2], (double)c[3]);
}

/* ---- one chain of fused multiply-adds: (1+ε)(1−ε) = 1 − ε², exact in an fma */
static void fused(void) {
#ifdef MIMOD_DOUBLE
    const real eps = (real)ldexp(1.0, -27);
#else
    const real eps = (real)ldexp(1.0, -12);
#endif
    const real a[1] = {1 + eps}, b[1] = {1 - eps};
    real c[1] = {-1};
    fixed_gemm_op op = {.m = 1, .n = 1, .k = 1, .k1 = 1, .a = a, .a_rs = 1, .a_ks = 1, .b = b,
                        .ldb = 1, .c = c, .ldc = 1, .init = FG_FROM_C, .epi = FG_STORE};
    CHECK(fixed_gemm_using("scalar", &op) == 0 && c[0] == -eps * eps,
          "fma(1+ε, 1−ε, −1) = −ε² (portable kernel): got %g", (double)c[0]);
    /* the same through every vector kernel, in a column of 17 (the masked tail) */
    real bb[17], cc[17];
    for (int j = 0; j < 17; j++) bb[j] = b[0];
    op.n = 17;
    op.b = bb;
    op.ldb = 17;
    op.c = cc;
    op.ldc = 17;
    for (size_t i = 0; i < sizeof vector_kernels / sizeof *vector_kernels; i++) {
        for (int j = 0; j < 17; j++) cc[j] = -1;
        if (fixed_gemm_using(vector_kernels[i], &op) != 0) continue;
        int ok = 1;
        for (int j = 0; j < 17; j++) ok &= cc[j] == -eps * eps;
        CHECK(ok, "%s kernel fuses the multiply-add", vector_kernels[i]);
    }
}

/* ---- random shapes: every kernel = the portable one, bit for bit */

static real *rnd(mimod_rng *r, size_t n) {
    real *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = (real)(2 * rng_uniform(r) - 1);
    return p;
}

enum { GUARD = 3 }; /* extra rows and columns of C that must stay untouched */
static const real guard_value = (real)12345.5;

/* One op on random operands, by the portable kernel and by each vector
 * kernel; C has GUARD more columns (ldc) and rows than the product. */
static int compare_kernels(mimod_rng *r, int m, int n, int k, int k1, int transposed_a, int init,
                           int epi, int with_c2, real slope, int *vector_runs) {
    const int lda = (transposed_a ? m : k1) + 2, lda2 = (k - k1) + 1, ldb = n + 5;
    const int ldc = n + GUARD, rows = m + GUARD;
    real *a = rnd(r, (size_t)(transposed_a ? (k1 > 0 ? k1 : 1) : m) * lda + 1);
    real *a2 = rnd(r, (size_t)m * lda2 + 1);
    real *b = rnd(r, (size_t)(k > 0 ? k : 1) * ldb);
    real *bias = rnd(r, (size_t)n), *g = rnd(r, (size_t)m * ldc);
    real *c0 = rnd(r, (size_t)rows * ldc);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < ldc; j++)
            if (i >= m || j >= n) c0[(size_t)i * ldc + j] = guard_value;
    real *ref = malloc((size_t)rows * ldc * sizeof *ref), *got = malloc((size_t)rows * ldc * sizeof *got);
    real *ref2 = malloc((size_t)rows * ldc * sizeof *ref2), *got2 = malloc((size_t)rows * ldc * sizeof *got2);
    memcpy(ref, c0, (size_t)rows * ldc * sizeof *ref);
    memcpy(ref2, c0, (size_t)rows * ldc * sizeof *ref2);
    fixed_gemm_op op = {.m = m, .n = n, .k = k, .k1 = k1, .a = a,
                        .a_rs = transposed_a ? 1 : lda, .a_ks = transposed_a ? lda : 1,
                        .a2 = k1 < k ? a2 : NULL, .a2_rs = lda2, .b = b, .ldb = ldb, .c = ref,
                        .ldc = ldc, .c2 = with_c2 ? ref2 : NULL, .init = (fg_init)init,
                        .epi = (fg_epilogue)epi, .alpha = (real)0.375, .bias = bias, .g = g,
                        .ldg = ldc, .slope = slope};
    int ok = fixed_gemm_using("scalar", &op) == 0;
    /* the portable kernel against a double sum of the same terms */
    double worst = 0;
    for (int i = 0; i < m && ok; i++)
        for (int j = 0; j < n; j++) {
            double s = init == FG_FROM_C ? c0[(size_t)i * ldc + j] : 0, mag = fabs(s);
            for (int kk = 0; kk < k; kk++) {
                double av = kk < k1 ? a[transposed_a ? (size_t)kk * lda + i : (size_t)i * lda + kk]
                                    : a2[(size_t)i * lda2 + (kk - k1)];
                s += av * b[(size_t)kk * ldb + j];
                mag += fabs(av * b[(size_t)kk * ldb + j]);
            }
            double want = s;
            if (epi == FG_BIAS_ACT) {
                want = s + bias[j];
                mag += fabs((double)bias[j]);
                if (!(want > 0)) want *= slope;
            } else if (epi == FG_MUL_ACTGRAD) {
                if (!(g[(size_t)i * ldc + j] > 0)) want *= slope;
            } else if (epi == FG_AXPY) {
                want = c0[(size_t)i * ldc + j] + 0.375 * s;
                mag = mag * 0.375 + fabs((double)c0[(size_t)i * ldc + j]);
            }
            double err = fabs((double)ref[(size_t)i * ldc + j] - want) / ((k + 2) * mag + 1e-30);
            if (err > worst) worst = err;
        }
#ifdef MIMOD_DOUBLE
    const double unit = 0x1p-52;
#else
    const double unit = 0x1p-23;
#endif
    ok &= worst <= unit;
    int untouched = 1;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < ldc; j++)
            if (i >= m || j >= n)
                untouched &= ref[(size_t)i * ldc + j] == guard_value &&
                             ref2[(size_t)i * ldc + j] == guard_value;
    ok &= untouched;
    if (with_c2) ok &= memcmp(ref, ref2, (size_t)rows * ldc * sizeof *ref) == 0;
    for (size_t v = 0; v < sizeof vector_kernels / sizeof *vector_kernels; v++) {
        memcpy(got, c0, (size_t)rows * ldc * sizeof *got);
        memcpy(got2, c0, (size_t)rows * ldc * sizeof *got2);
        op.c = got;
        op.c2 = with_c2 ? got2 : NULL;
        if (fixed_gemm_using(vector_kernels[v], &op) != 0) continue;
        (*vector_runs)++;
        ok &= memcmp(got, ref, (size_t)rows * ldc * sizeof *got) == 0;
        if (with_c2) ok &= memcmp(got2, ref2, (size_t)rows * ldc * sizeof *got2) == 0;
    }
    if (!ok)
        fprintf(stderr, "  m %d n %d k %d k1 %d Aᵀ %d init %d epi %d c2 %d slope %g: worst %g ulp-units, "
                "untouched %d\n", m, n, k, k1, transposed_a, init, epi, with_c2, (double)slope,
                worst / unit, untouched);
    free(a), free(a2), free(b), free(bias), free(g), free(c0), free(ref), free(got), free(ref2), free(got2);
    return ok;
}

static void random_shapes(void) {
    mimod_rng r;
    rng_init(&r, 28, 0, 0);
    static const int ms[] = {1, 3, 4, 5, 6, 7, 9, 10, 13, 50}; /* every remainder of 6 rows */
    static const int ns[] = {1, 3, 8, 15, 16, 17, 33, 50, 64, 100, 129};
    static const int ks[] = {0, 1, 3, 50, 100};
    int cases = 0, passed = 0, vector_runs = 0;
    for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++)
        for (size_t ni = 0; ni < sizeof ns / sizeof *ns; ni++)
            for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
                const int m = ms[mi], n = ns[ni], k = ks[ki];
                /* cycle through the variants rather than all their products */
                const int v = cases;
                const int epi = v % 4, init = (v / 4) % 2, ta = (v / 8) % 2;
                const int k1 = (v / 16) % 2 && k > 1 && !ta ? k / 3 : k;
                const int c2 = (v / 32) % 2;
                const real slope = (v / 3) % 2 ? (real)0.2 : 0;
                cases++;
                passed += compare_kernels(&r, m, n, k, k1, ta, init, epi, c2, slope, &vector_runs);
            }
    CHECK(passed == cases, "%d of %d random cases: vector kernels = portable bit for bit, "
          "portable within k ulp of a double sum, nothing outside C written", passed, cases);
    printf("fixed_gemm: %d cases, %d vector-kernel runs; kernel in use: %s\n", cases, vector_runs,
           fixed_gemm_kernel());
}

/* ---- the pool's row split: 3 threads and 1 give the same bits */
static void thread_split(void) {
    mimod_rng r;
    rng_init(&r, 28, 1, 0);
    const int m = 1283, n = 100, k = 100; /* 12.8 M multiply-adds: split into tasks */
    real *a = rnd(&r, (size_t)m * k), *b = rnd(&r, (size_t)k * n), *bias = rnd(&r, (size_t)n);
    real *one = malloc((size_t)m * n * sizeof *one), *three = malloc((size_t)m * n * sizeof *three);
    fixed_gemm_op op = {.m = m, .n = n, .k = k, .k1 = k, .a = a, .a_rs = k, .a_ks = 1, .b = b,
                        .ldb = n, .c = one, .ldc = n, .init = FG_ZERO, .epi = FG_BIAS_ACT,
                        .bias = bias, .slope = 0};
    mimod_err err = {0};
    CHECK(mimod_pool_set_threads(1, &err) == MIMOD_OK, "1 thread: %s", err.msg);
    fixed_gemm(&op);
    CHECK(mimod_pool_set_threads(3, &err) == MIMOD_OK, "3 threads: %s", err.msg);
    op.c = three;
    fixed_gemm(&op);
    CHECK(memcmp(one, three, (size_t)m * n * sizeof *one) == 0, "3 threads give 1 thread's bits");
    mimod_pool_shutdown();
    free(a), free(b), free(bias), free(one), free(three);
}

int main(void) {
    by_hand();
    fused();
    random_shapes();
    thread_split();
    return check_report("test_fixed_gemm");
}
