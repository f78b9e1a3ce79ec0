/* test_gemm_tiles.c — mm_gemm's tiles (issue 14) give bit for bit what one
 * single-threaded call of the library gives for the whole product, with the
 * pool at 1, 2, 3 and 8 threads (more threads than this machine's cores).
 *
 * Two sets of shapes:
 *  - every product a paper-size WM and SEP trial makes that mm_gemm splits
 *    (logged from real trials: shapes, transposes, alpha, beta, leading
 *    dimensions), so results computed before the tiles existed stay valid;
 *  - odd shapes (sizes not multiples of the tile alignment, of the kernels'
 *    register blocks or of their cache blocks in K), all four transpose
 *    combinations, alpha and beta ∉ {0, 1}, leading dimensions larger than
 *    the rows.
 * Each product runs with C starting from the same random values (beta ≠ 0
 * reads them). Every case must be split (else it tests nothing; checked).
 * The kernel is the one mimod_blas_setup picks, as in a trial (meson also
 * runs this test as test_gemm_tiles_haswell, with the AVX2 kernel). On the
 * kernels whose tiles were found equal to one call
 * (mm_gemm_one_call_equals_tiles: the AVX-512 sets) every thread count must
 * give one call's bits; on the others (Haswell, where they differ) every
 * thread count must give the one-thread result, and the test says how many
 * products' tiles differ from one call. The double build never splits
 * (gemm.c): there only the pool and that are checked.
 *
 * Issue 13: the same with one thread reserved (mimod_pool_reserve, as trial.c
 * does while its data thread prefetches), and two threads calling the pool at
 * once (the main thread's update and the data thread's batch): each product
 * equal to one call, each job's tasks run exactly once, no deadlock. */
#include <pthread.h>
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/blas.h"
#include "mimod/common.h"
#include "mimod/gemm_pool.h"
#include "mimod/rng.h"

typedef struct {
    int ta, tb, m, n, k;
    double alpha, beta;
    int lda, ldb, ldc; /* 0: the tightest */
} gcase;

static real *rnd(mimod_rng *rng, size_t n) {
    real *v = malloc(n * sizeof(real));
    for (size_t i = 0; i < n; i++) v[i] = (real)(2.0 * rng_uniform(rng) - 1.0);
    return v;
}

static void whole(const gcase *g, const real *a, int lda, const real *b, int ldb, real *c, int ldc) {
#ifdef MIMOD_DOUBLE
    cblas_dgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans, g->tb ? CblasTrans : CblasNoTrans,
                g->m, g->n, g->k, g->alpha, a, lda, b, ldb, g->beta, c, ldc);
#else
    cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans, g->tb ? CblasTrans : CblasNoTrans,
                g->m, g->n, g->k, (real)g->alpha, a, lda, b, ldb, (real)g->beta, c, ldc);
#endif
}

/* Products whose tiles were compared with one call, and how many differed
 * (kernels on which one thread runs the tiles only). */
static int n_cases, n_cases_differ;

static void run_case(const gcase *g, mimod_rng *rng) {
    /* stored A: [m][k], or [k][m] when transposed; likewise B */
    const int ar = g->ta ? g->k : g->m, ac = g->ta ? g->m : g->k;
    const int br = g->tb ? g->n : g->k, bc = g->tb ? g->k : g->n;
    const int lda = g->lda ? g->lda : ac, ldb = g->ldb ? g->ldb : bc, ldc = g->ldc ? g->ldc : g->n;
    real *a = rnd(rng, (size_t)ar * lda), *b = rnd(rng, (size_t)br * ldb);
    real *c0 = rnd(rng, (size_t)g->m * ldc);
    real *ref = malloc((size_t)g->m * ldc * sizeof(real)), *c = malloc((size_t)g->m * ldc * sizeof(real));
    memcpy(ref, c0, (size_t)g->m * ldc * sizeof(real));
    whole(g, a, lda, b, ldb, ref, ldc);

    int tm, tn;
    mm_gemm_tiles(g->ta, g->tb, g->m, g->n, g->k, (real)g->alpha, (real)g->beta, &tm, &tn);
    CHECK(tm * tn > 1, "%d×%d×%d (ta %d tb %d) is not split: tests nothing", g->m, g->n, g->k, g->ta,
          g->tb);
    /* Where one call is not taken for the tiles, the reference is mm_gemm at
     * one thread (the tiles in order); count the products whose tiles differ
     * from one call, which is why (the header). */
    if (!mm_gemm_one_call_equals_tiles()) {
        mimod_err err = {0};
        CHECK(mimod_pool_set_threads(1, &err) == MIMOD_OK, "%s", err.msg);
        memcpy(c, c0, (size_t)g->m * ldc * sizeof(real));
        mm_gemm(g->ta, g->tb, g->m, g->n, g->k, (real)g->alpha, a, lda, b, ldb, (real)g->beta, c, ldc);
        n_cases++;
        n_cases_differ += memcmp(c, ref, (size_t)g->m * ldc * sizeof(real)) != 0;
        memcpy(ref, c, (size_t)g->m * ldc * sizeof(real));
    }
    /* pool sizes, and threads reserved (for trial.c's data thread) */
    static const int threads[] = {1, 2, 3, 8, 2, 3}, reserved[] = {0, 0, 0, 0, 1, 1};
    for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
        mimod_err err = {0};
        CHECK(mimod_pool_set_threads(threads[t], &err) == MIMOD_OK, "%s", err.msg);
        mimod_pool_reserve(reserved[t]);
        memcpy(c, c0, (size_t)g->m * ldc * sizeof(real));
        mm_gemm(g->ta, g->tb, g->m, g->n, g->k, (real)g->alpha, a, lda, b, ldb, (real)g->beta, c, ldc);
        size_t bad = 0, first = 0;
        for (size_t i = 0; i < (size_t)g->m * ldc; i++)
            if (memcmp(&c[i], &ref[i], sizeof(real)) != 0 && bad++ == 0) first = i;
        CHECK(bad == 0,
              "%d×%d×%d ta %d tb %d alpha %g beta %g, %d×%d tiles, %d threads: %zu of %zu elements "
              "differ from the reference (first [%zu][%zu]: %.9g vs %.9g)",
              g->m, g->n, g->k, g->ta, g->tb, g->alpha, g->beta, tm, tn, threads[t], bad,
              (size_t)g->m * ldc, first / ldc, first % ldc, (double)c[first], (double)ref[first]);
        mimod_pool_reserve(0);
    }
    free(a), free(b), free(c0), free(ref), free(c);
}

/* The pool itself: many short jobs in a row, each with its own arguments on
 * the caller's stack (as mm_gemm's), every task run exactly once. A worker
 * that wakes late must never run an old job's function with a newer job's
 * task numbers (a real bug, found by test_threads at 8 threads on 2 cores;
 * the window is narrow, so this stress catches such a bug only sometimes). */
typedef struct {
    int job;
    int *hits;
} stress_arg;
static void stress_task(void *p, int t) {
    stress_arg *a = p;
    __atomic_fetch_add(&a->hits[t], a->job, __ATOMIC_RELAXED);
}
static void pool_stress(int threads) {
    mimod_err err = {0};
    CHECK(mimod_pool_set_threads(threads, &err) == MIMOD_OK, "%s", err.msg);
    int bad = 0;
    for (int job = 1; job <= 20000; job++) {
        int hits[24] = {0};
        stress_arg a = {job, hits};
        const int n = 2 + job % 23;
        mimod_pool_run(n, stress_task, &a);
        for (int t = 0; t < 24; t++) bad += hits[t] != (t < n ? job : 0);
    }
    CHECK(bad == 0, "%d threads: %d tasks run other than once by their own job", threads, bad);
}

/* Two callers at once: a second thread runs pool_stress-like jobs and split
 * products while this one does too; both must see every task of their own
 * jobs run once, and products equal to one call. */
typedef struct {
    int jobs, bad;
} duo_arg;
static int duo_jobs(duo_arg *d, int salt) {
    int bad = 0;
    for (int job = 1; job <= d->jobs; job++) {
        int hits[24] = {0};
        stress_arg a = {job + salt, hits};
        const int n = 2 + job % 23;
        mimod_pool_run(n, stress_task, &a);
        for (int t = 0; t < 24; t++) bad += hits[t] != (t < n ? job + salt : 0);
    }
    /* a split product (1037×333×77) against one call, a few times */
    mimod_rng rng;
    rng_init(&rng, 13, (uint64_t)salt, 0);
    const int m = 1037, n = 333, k = 77;
    real *a = rnd(&rng, (size_t)m * k), *b = rnd(&rng, (size_t)k * n);
    real *ref = calloc((size_t)m * n, sizeof(real)), *c = malloc((size_t)m * n * sizeof(real));
    gcase g = {0, 0, m, n, k, 1, 0, 0, 0, 0};
    if (mm_gemm_one_call_equals_tiles()) whole(&g, a, k, b, n, ref, n);
    else mm_gemm(0, 0, m, n, k, 1, a, k, b, n, 0, ref, n); /* the tiles, by the pool or in order */
    for (int rep = 0; rep < 50; rep++) {
        mm_gemm(0, 0, m, n, k, 1, a, k, b, n, 0, c, n);
        bad += memcmp(c, ref, (size_t)m * n * sizeof(real)) != 0;
    }
    free(a), free(b), free(ref), free(c);
    return bad;
}
static void *duo_main(void *p) {
    duo_arg *d = p;
    d->bad = duo_jobs(d, 1000000);
    return NULL;
}
static void pool_duo(int threads, int reserve) {
    mimod_err err = {0};
    CHECK(mimod_pool_set_threads(threads, &err) == MIMOD_OK, "%s", err.msg);
    mimod_pool_reserve(reserve);
    duo_arg other = {20000, 0}, mine = {20000, 0};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, duo_main, &other) == 0, "cannot start a second caller");
    int bad = duo_jobs(&mine, 0);
    pthread_join(th, NULL);
    mimod_pool_reserve(0);
    CHECK(bad == 0 && other.bad == 0,
          "%d threads (%d reserved), two callers: %d and %d tasks or products wrong", threads, reserve,
          bad, other.bad);
}

int main(int argc, char **argv) {
    mimod_blas_setup(argc, argv, 1);
    printf("kernel: %s\n", mimod_blas_summary());
    mimod_rng rng;
    rng_init(&rng, 14, 0, 0);
    static const gcase paper[] = {
        /* WM (H = 512, chunk 256 and the last chunk 128/64) */
        {1, 0, 512, 512, 256, 1, 1, 512, 512, 512},
        {1, 0, 512, 512, 64, 1, 1, 512, 512, 512},
        {0, 1, 512, 512, 512, 1, 0, 512, 512, 512},
        {0, 0, 512, 512, 512, 1, 0, 512, 512, 512},
        {0, 1, 128, 512, 512, 1, 0, 512, 512, 512},
        {0, 0, 128, 512, 512, 1, 0, 512, 512, 512},
        /* SEP (H = 100, chunk 1280 and 800; GRU gradients in time blocks; metrics) */
        {0, 1, 2560, 100, 100, 1, 0, 100, 100, 100},
        {0, 0, 2560, 100, 100, 1, 0, 100, 100, 100},
        {1, 0, 200, 100, 1600, 1, 1, 300, 100, 100},
        {1, 0, 200, 100, 750, 1, 1, 300, 100, 100},
        {0, 1, 1600, 100, 100, 1, 0, 100, 100, 100},
        {0, 0, 1600, 100, 100, 1, 0, 100, 100, 100},
        {0, 1, 50000, 6, 100, 1, 1, 100, 100, 6},
        {0, 1, 50000, 300, 3, 1, 0, 3, 3, 300},
        {0, 0, 50000, 100, 6, 1, 1, 6, 100, 100},
    };
    static const gcase odd[] = {
        {0, 0, 1037, 333, 77, 1, 0, 0, 0, 0},
        {0, 0, 1037, 333, 77, 0.75, 0.5, 0, 0, 0},
        {0, 1, 1037, 333, 77, 0.75, 0.5, 90, 0, 341},
        {1, 0, 333, 1037, 77, -1.25, 1, 1040, 1100, 0},
        {1, 1, 519, 451, 300, 0.5, -0.25, 0, 310, 460},
        {0, 0, 130, 1999, 129, 1, 0, 0, 0, 2001},
        {1, 0, 65, 700, 1025, 1, 1, 0, 0, 0},
        {0, 1, 3001, 17, 257, 1, 0.5, 0, 0, 0},
        {0, 0, 200, 200, 600, 1, 0, 0, 0, 0},
    };
    pool_stress(3);
    pool_stress(8);
    pool_duo(2, 1);
    pool_duo(3, 1);
    pool_duo(8, 0);
#ifdef MIMOD_DOUBLE
    /* The double build never splits (gemm.c): one call per product, so the
     * thread count cannot matter; nothing more to compare. */
    {
        int tm, tn;
        mm_gemm_tiles(0, 0, 2560, 100, 100, 1, 0, &tm, &tn);
        CHECK(tm * tn == 1, "double build splits 2560×100×100 into %d×%d tiles", tm, tn);
        mimod_pool_shutdown();
        return check_report("test_gemm_tiles");
    }
#endif
    for (size_t i = 0; i < sizeof paper / sizeof *paper; i++) run_case(&paper[i], &rng);
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) run_case(&odd[i], &rng);
    if (mm_gemm_one_call_equals_tiles())
        printf("tiles equal one call on this kernel: one thread makes one call\n");
    else
        printf("tiles not assumed equal to one call on this kernel (they differ in %d of %d "
               "products): one thread runs the tiles\n", n_cases_differ, n_cases);
    /* The plan depends on the shape only: the same for any pool size. */
    int tm1, tn1, tm8, tn8;
    mimod_pool_set_threads(1, NULL);
    mm_gemm_tiles(0, 0, 1037, 333, 77, 1, 0, &tm1, &tn1);
    mimod_pool_set_threads(8, NULL);
    mm_gemm_tiles(0, 0, 1037, 333, 77, 1, 0, &tm8, &tn8);
    CHECK(tm1 == tm8 && tn1 == tn8, "tiles %d×%d at 1 thread, %d×%d at 8", tm1, tn1, tm8, tn8);
    /* Small products are one call, inline. */
    int tm, tn;
    mm_gemm_tiles(0, 1, 50, 300, 100, 1, 1, &tm, &tn);
    CHECK(tm * tn == 1, "a GRU step's product is split %d×%d", tm, tn);
    mimod_pool_shutdown();
    CHECK(mimod_pool_threads() == 1, "after shutdown the pool has %d threads", mimod_pool_threads());
    return check_report("test_gemm_tiles");
}
