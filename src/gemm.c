/* gemm.c — the BLAS wrappers every product goes through (common.h): mm_gemm,
 * split into shape-fixed tiles run by the thread pool (gemm_pool.c) so that a
 * result never depends on the thread count (docs/threads.md), and mm_gemv.
 * Kept apart from common.c so that the pool can use common.c's errors without
 * the two files depending on each other. */
#define _POSIX_C_SOURCE 200809L
#include "mimod/common.h"
#include "mimod/gemm_pool.h"

#include <cblas.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One call of the library's single-threaded GEMM. */
static void gemm_call(int ta, int tb, int m, int n, int k, real alpha, const real *a, int lda,
                      const real *b, int ldb, real beta, real *c, int ldc) {
#ifdef MIMOD_DOUBLE
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
}

/* ---------------------------------------------------------- tiled GEMM
 *
 * Why tiles, and why these (issue 14). OpenBLAS's own threads split a product
 * by the thread count, and a split along K (or a different code path chosen
 * by thread count: the direct SGEMM kernel is skipped when more than one
 * thread is available) changes the last bits, so a trial's numbers depended
 * on --threads. Here OpenBLAS always runs single-threaded and mm_gemm splits
 * C itself into tiles along M and N only, never K: every element of C gets
 * the same K reduction as in one call of the whole product. The tiles depend
 * only on the shape (and on which operands are transposed, alpha and beta),
 * never on the thread count; the pool just hands them out. With one thread
 * the product is one call where that gives the same bits (below), and the
 * tiles in order elsewhere.
 *
 * Beyond "the same for every thread count" the tiles are chosen so that each
 * tile's bits equal the whole product's on the AVX-512 kernels, which keeps
 * results computed before this change valid (checked on every shape a
 * paper-size trial uses, and on odd shapes, by tests/test_gemm_tiles.c; on
 * other kernels one thread runs the tiles too, mm_gemm_one_call_equals_tiles):
 *  - tile offsets are multiples of MM_TILE_ALIGN (64) in both directions, a
 *    multiple of the AVX-512 kernels' register blocks (unroll ≤ 16), so an
 *    element sits at the same place in a register block, and gets the same
 *    micro-kernel code, in a tile as in the whole product;
 *  - every tile is at least MM_TILE_MIN_WORK multiply-adds, and a product is
 *    split only from twice that: OpenBLAS 0.3.21 runs small products through
 *    other kernels ("small matrix" kernels below 100³ multiply-adds, and for
 *    SGEMM NN with alpha 1 and beta 0 a direct kernel below 28·512² that
 *    does not block K the same way); a tile must never take a path the whole
 *    product did not. Smaller products run in one call, inline (no pool
 *    overhead).
 * The element-wise loops around the products stay serial: at paper size the
 * products are most of a step (docs/threads.md). */
enum { MM_TILE_ALIGN = 64, MM_MAX_TILES = 16, MM_MAX_TILES_LOOPED = 4 };

typedef struct {
    int ta, tb, k;
    real alpha, beta;
    const real *a, *b;
    real *c;
    int lda, ldb, ldc;
    int m, n;       /* the whole product */
    int tm, tn;     /* tiles along M and along N */
} gemm_job;

/* Start of tile i of `tiles` along a dimension of length len (i = tiles gives
 * len): a multiple of MM_TILE_ALIGN; the last tile takes the remainder. */
static int tile_start(int i, int tiles, int len) {
    if (i >= tiles) return len;
    const int blocks = len / MM_TILE_ALIGN;
    return (int)((long long)i * blocks / tiles) * MM_TILE_ALIGN;
}

/* Fewest multiply-adds in one tile, and in a product worth splitting (half of it). */
static double tile_min_work(int ta, int tb, real alpha, real beta) {
#ifndef MIMOD_DOUBLE
    if (!ta && !tb && alpha == 1 && beta == 0) return 28.0 * 512 * 512; /* sgemm_direct's bound */
#else
    (void)ta, (void)tb, (void)alpha, (void)beta;
#endif
    return 4.0 * 1024 * 1024; /* above the small-matrix kernels' 100³ */
}

/* The tiles of a product: *tm along M times *tn along N (1 × 1: one call).
 * A function of the shape, transposes, alpha and beta only. */
void mm_gemm_tiles(int ta, int tb, int m, int n, int k, real alpha, real beta, int *tm, int *tn) {
    *tm = *tn = 1;
#ifdef MIMOD_DOUBLE
    /* The double build (the gradient checks) never splits: OpenBLAS's
     * SkylakeX DGEMM gives other bits for some elements of the last columns
     * in a 64-row tile than in the whole product (odd shapes in
     * test_gemm_tiles; with 192-row tiles too, at 50000×300×3), so its tiles
     * would not equal one call and --threads would change its results. */
    (void)ta, (void)tb, (void)m, (void)n, (void)k, (void)alpha, (void)beta;
    return;
#endif
    const double min_work = tile_min_work(ta, tb, alpha, beta);
    const double work = (double)m * (double)n * (double)k;
    if (work < 2 * min_work) return;
    const int bm = m / MM_TILE_ALIGN, bn = n / MM_TILE_ALIGN;
    if (bm < 2 && bn < 2) return;
    /* Where one thread runs the tiles too (mm_gemm_one_call_equals_tiles), few
     * of them: a loop of 2–4 row tiles costs no more than one call. */
    const int most = mm_gemm_one_call_equals_tiles() ? MM_MAX_TILES : MM_MAX_TILES_LOOPED;
    int max_t = work / min_work < most ? (int)(work / min_work) : most;
    /* Split M (rows of C) only, unless it has fewer than two aligned blocks:
     * OpenBLAS packs op(B) per call, which a split along M repeats, but a
     * split along N cuts the panel it streams op(A) through; measured on
     * 512×512×512 (NT, one thread, SkylakeX): 2×1 or 4×1 tiles cost no more
     * than one call, 8×1 +10 %, 1×3 +40 %, 8×3 +70 %. */
    int a = 1, b = 1;
    if (bm >= 2) a = bm < max_t ? bm : max_t;
    else b = bn < max_t ? bn : max_t;
    /* The smallest tile (first rows × first columns) must still be worth it. */
    for (;;) {
        double rows = a > 1 ? (double)tile_start(1, a, m) : m;
        double cols = b > 1 ? (double)tile_start(1, b, n) : n;
        if (rows * cols * k >= min_work || (a == 1 && b == 1)) break;
        if (a >= b) a--;
        else b--;
    }
    *tm = a;
    *tn = b;
}

static void gemm_tile(void *p, int t) {
    const gemm_job *j = p;
    const int ti = t / j->tn, tj = t % j->tn;
    const int i0 = tile_start(ti, j->tm, j->m), i1 = tile_start(ti + 1, j->tm, j->m);
    const int j0 = tile_start(tj, j->tn, j->n), j1 = tile_start(tj + 1, j->tn, j->n);
    /* rows i0… of op(A): row i0 of A, or column i0 of the stored Aᵀ */
    const real *a = j->ta ? j->a + i0 : j->a + (size_t)i0 * j->lda;
    /* columns j0… of op(B) */
    const real *b = j->tb ? j->b + (size_t)j0 * j->ldb : j->b + j0;
    gemm_call(j->ta, j->tb, i1 - i0, j1 - j0, j->k, j->alpha, a, j->lda, b, j->ldb, j->beta,
              j->c + (size_t)i0 * j->ldc + j0, j->ldc);
}

/* MIMOD_GEMM_PROFILE=1 in the environment: at exit, stderr gets the seconds
 * spent in products mm_gemm splits into tiles (the part of a trial more
 * threads speed up), in the other products, and since the first product. A
 * measuring aid for docs/threads.md (Amdahl's parallel fraction); read once,
 * by the first call. The prefetch's data thread (trial.c) calls mm_gemm while
 * the main thread does, hence the once and the lock (profiling runs only). */
static int prof_on;
static pthread_once_t prof_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t prof_mu = PTHREAD_MUTEX_INITIALIZER;
static double prof_split, prof_whole, prof_t0;
static void prof_report(void) {
    fprintf(stderr, "mimod: mm_gemm profile: %.3f s in products split into tiles, %.3f s in "
            "other products, %.3f s since the first product\n", prof_split, prof_whole,
            mimod_now() - prof_t0);
}

static void prof_init(void) {
    const char *e = getenv("MIMOD_GEMM_PROFILE");
    prof_on = e && *e && strcmp(e, "0") != 0;
    if (prof_on) {
        prof_t0 = mimod_now();
        atexit(prof_report);
    }
}

static void gemm_run(int ta, int tb, int m, int n, int k, real alpha, const real *a, int lda,
                     const real *b, int ldb, real beta, real *c, int ldc, int tm, int tn);

void mm_gemm(int ta, int tb, int m, int n, int k, real alpha,
             const real *a, int lda, const real *b, int ldb,
             real beta, real *c, int ldc) {
    int tm, tn;
    mm_gemm_tiles(ta, tb, m, n, k, alpha, beta, &tm, &tn);
    pthread_once(&prof_once, prof_init);
    if (!prof_on) {
        gemm_run(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, tm, tn);
        return;
    }
    double t0 = mimod_now();
    gemm_run(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, tm, tn);
    double dt = mimod_now() - t0;
    pthread_mutex_lock(&prof_mu);
    *(tm * tn > 1 ? &prof_split : &prof_whole) += dt;
    pthread_mutex_unlock(&prof_mu);
}

/* The kernels on which every tile's bits were checked equal to one call of
 * the whole product (test_gemm_tiles, every shape a paper-size trial splits
 * and the odd ones): OpenBLAS 0.3.21's AVX-512 SGEMM sets. On any other
 * kernel the tiles are not assumed equal to one call, and were found not to
 * be on Haswell (the AVX2 set, also taken on Zen cores): a 64-row tile's last
 * 4 rows, and a column tile's last 8 columns at any alignment, differ from the
 * whole product in the last bits, so there one call at one thread and tiles
 * at two gave other results (test_threads and test_gemm_tiles failed with
 * OPENBLAS_CORETYPE=Haswell on an AMD EPYC, 2026-12-03). */
#ifndef MIMOD_DOUBLE
static int tiles_equal_one_call;
static pthread_once_t tiles_once = PTHREAD_ONCE_INIT;
static void tiles_init(void) {
    static const char *const checked[] = {"skylakex", "cooperlake"};
    const char *core = openblas_get_corename();
    for (size_t i = 0; i < sizeof checked / sizeof *checked; i++)
        if (core && strcasecmp(core, checked[i]) == 0) tiles_equal_one_call = 1;
}
#endif
int mm_gemm_one_call_equals_tiles(void) {
#ifdef MIMOD_DOUBLE
    return 1; /* nothing is split (mm_gemm_tiles) */
#else
    pthread_once(&tiles_once, tiles_init);
    return tiles_equal_one_call;
#endif
}

static void gemm_run(int ta, int tb, int m, int n, int k, real alpha, const real *a, int lda,
                     const real *b, int ldb, real beta, real *c, int ldc, int tm, int tn) {
    /* One thread (also what is left while trial.c's data thread holds the
     * other of two, mimod_pool_reserve): one call where its bits equal the
     * tiles' — a loop of tiles on one thread costs up to 70 % more. Elsewhere
     * the pool, which with no worker free runs the same tiles in order on
     * this thread, so that the bits never depend on the thread count,
     * whatever the kernel. test_threads compares whole trials at 1, 2, 3 and
     * 8 threads. */
    if (tm * tn == 1 || (mimod_pool_available() == 1 && mm_gemm_one_call_equals_tiles())) {
        gemm_call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    gemm_job j = {ta, tb, k, alpha, beta, a, b, c, lda, ldb, ldc, m, n, tm, tn};
    mimod_pool_run(tm * tn, gemm_tile, &j);
}

void mm_gemv(int ta, int m, int n, real alpha, const real *a, int lda,
             const real *x, real beta, real *y) {
#ifdef MIMOD_DOUBLE
    cblas_dgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
#else
    cblas_sgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1);
#endif
}
