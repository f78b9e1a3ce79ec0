/* test_blas.c — the OpenBLAS kernel in use computes the products mimod asks of
 * it. Some sites pin OPENBLAS_CORETYPE because old OpenBLAS builds have given
 * wrong results on new CPUs, and mimod may switch the kernel itself
 * (blas_setup.c); this test checks whichever kernel the environment selects
 * (run it with OPENBLAS_CORETYPE set or unset to check a given one).
 *
 * mm_gemm in all four transpose combinations, with α, β ∉ {0, 1} and leading
 * dimensions larger than the rows, on the shapes the engine uses (MINE at WM
 * and SEP size, per-step GRU products, K = 1 and K = 0) and on odd sizes that
 * leave remainders in every blocking; mm_gemv both ways. Reference: the same
 * sums in long double, elementwise tolerance scaled by Σ|a||b| (so it holds for
 * any summation order). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/blas.h"
#include "mimod/common.h"
#include "mimod/rng.h"

#ifdef MIMOD_DOUBLE
#define EPS 2.3e-16
#else
#define EPS 1.2e-7
#endif

static real *rnd(mimod_rng *rng, size_t n) {
    real *v = malloc(n * sizeof(real));
    for (size_t i = 0; i < n; i++) v[i] = (real)(2.0 * rng_uniform(rng) - 1.0);
    return v;
}

/* element (i, j) of op(A) where A is stored row-major with leading dim lda */
static real at(const real *a, int lda, int trans, int i, int j) {
    return trans ? a[(size_t)j * lda + i] : a[(size_t)i * lda + j];
}

static void check_gemm(mimod_rng *rng, int ta, int tb, int m, int n, int k) {
    const int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
    const size_t a_rows = (size_t)(ta ? k : m), b_rows = (size_t)(tb ? n : k);
    real *a = rnd(rng, a_rows * lda + 1), *b = rnd(rng, b_rows * ldb + 1);
    real *c = rnd(rng, (size_t)m * ldc + 1);
    real *c0 = malloc(((size_t)m * ldc + 1) * sizeof(real));
    memcpy(c0, c, ((size_t)m * ldc + 1) * sizeof(real));
    const real alpha = (real)0.75, beta = (real)-0.5;
    mm_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    int bad = 0, pad_bad = 0;
    double worst = 0;
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            long double s = 0, mag = 0;
            for (int l = 0; l < k; l++) {
                long double p = (long double)at(a, lda, ta, i, l) * at(b, ldb, tb, l, j);
                s += p;
                mag += p < 0 ? -p : p;
            }
            long double ref = alpha * s + beta * (long double)c0[(size_t)i * ldc + j];
            long double tol = 4 * EPS * (alpha * mag + 0.5L * (c0[(size_t)i * ldc + j] < 0 ? -c0[(size_t)i * ldc + j] : c0[(size_t)i * ldc + j])) * (k + 2) + 1e-30L;
            double err = (double)((c[(size_t)i * ldc + j] - ref) < 0 ? ref - c[(size_t)i * ldc + j] : c[(size_t)i * ldc + j] - ref);
            if (err / (double)tol > worst) worst = err / (double)tol;
            if (err > tol) bad++;
        }
        /* the columns between n and ldc are not C's: they must be untouched */
        for (int j = n; j < ldc && (size_t)i * ldc + j < (size_t)m * ldc; j++)
            if (c[(size_t)i * ldc + j] != c0[(size_t)i * ldc + j]) pad_bad++;
    }
    CHECK(bad == 0, "gemm %c%c m=%d n=%d k=%d (%s): %d of %d elements off (worst %.2g of tol)",
          ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, mimod_blas_corename(), bad, m * n, worst);
    CHECK(pad_bad == 0, "gemm %c%c m=%d n=%d k=%d wrote %d elements outside C", ta ? 'T' : 'N',
          tb ? 'T' : 'N', m, n, k, pad_bad);
    free(a);
    free(b);
    free(c);
    free(c0);
}

static void check_gemv(mimod_rng *rng, int ta, int m, int n) {
    const int lda = n + 3;
    real *a = rnd(rng, (size_t)m * lda), *x = rnd(rng, (size_t)(ta ? m : n));
    const int ny = ta ? n : m;
    real *y = rnd(rng, (size_t)ny), *y0 = malloc((size_t)ny * sizeof(real));
    memcpy(y0, y, (size_t)ny * sizeof(real));
    mm_gemv(ta, m, n, (real)1.25, a, lda, x, (real)0.5, y);
    int bad = 0;
    for (int i = 0; i < ny; i++) {
        long double s = 0, mag = 0;
        int len = ta ? m : n;
        for (int l = 0; l < len; l++) {
            long double p = ta ? (long double)a[(size_t)l * lda + i] * x[l]
                               : (long double)a[(size_t)i * lda + l] * x[l];
            s += p;
            mag += p < 0 ? -p : p;
        }
        long double ref = 1.25L * s + 0.5L * y0[i];
        long double tol = 4 * EPS * (1.25L * mag + 1) * (len + 2);
        long double e = y[i] - ref;
        if ((e < 0 ? -e : e) > tol) bad++;
    }
    CHECK(bad == 0, "gemv %c m=%d n=%d (%s): %d of %d elements off", ta ? 'T' : 'N', m, n,
          mimod_blas_corename(), bad, ny);
    free(a);
    free(x);
    free(y);
    free(y0);
}

int main(int argc, char **argv) {
    mimod_blas_setup(argc, argv, 1);
    printf("OpenBLAS kernel %s\n", mimod_blas_summary());
    mimod_rng rng;
    rng_init(&rng, 5, RNG_STREAM_TEST, 40);
    /* (m, n, k) as the engine uses them, and odd sizes */
    static const int shapes[][3] = {
        {300, 512, 512},  {512, 512, 20},  {512, 128, 700},  {512, 20, 512},  /* MINE, WM  */
        {2100, 100, 100}, {2560, 100, 50}, {100, 100, 2560}, {100, 50, 2560},  /* MINE, SEP */
        {50, 300, 100},   {20, 40, 40},    {40, 40, 20},                      /* per step  */
        {1, 1, 1},        {7, 13, 1},      {33, 17, 65},     {129, 31, 257},  /* odd       */
        {3, 5, 0},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                check_gemm(&rng, ta, tb, shapes[s][0], shapes[s][1], shapes[s][2]);
    static const int vshapes[][2] = {{1024, 512}, {5120, 100}, {1, 1}, {37, 53}};
    for (size_t s = 0; s < sizeof vshapes / sizeof *vshapes; s++)
        for (int ta = 0; ta < 2; ta++) check_gemv(&rng, ta, vshapes[s][0], vshapes[s][1]);
    return check_report("test_blas");
}
