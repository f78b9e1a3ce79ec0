/* mimod-bench — speed of the trial engine at the paper sizes, measured against
 * this machine's own single-thread SGEMM rate (SPEC §8). Not a test: run it
 * by hand (tools/bench.sh) on a quiet machine. tools/bench.sh runs the PyTorch
 * reference (tools/torch_ref.py) in the same run and reads the RESULT lines of
 * both: speed is only ever compared within one run on one machine (SPEC §8). */
#include <errno.h>
#include <cblas.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../trial_internal.h"
#include "mimod/blas.h"
#include "mimod/config.h"
#include "mimod/cost.h"
#include "mimod/gemm_pool.h"
#include "mimod/fixed_gemm.h"
#include "mimod/gru_step.h"
#include "mimod/tasks.h"

static const char *usage =
    "usage: mimod-bench [--task NAME|all] [--preset paper|quick|tiny|medium] [--sm-steps K]\n"
    "                   [--mm-steps K] [--warmup K] [--threads N] [--set KEY=VALUE]...\n"
    "       mimod-bench --version | --help\n"
    "\n"
    "For each task: seconds per SM step, split into the MM pass that makes the batch\n"
    "and the statistics-network update, and per MM step (median and min of the timed\n"
    "steps, after the warm-up steps); GFLOP/s of the update from docs/mine.md's model\n"
    "12·n·H² + 6·n·(d1+d2)·H; the best SGEMM rate of this machine on the matching shape\n"
    "measured in the same run and the ratio; peak resident memory; the OpenBLAS kernel\n"
    "in use; and a line starting with RESULT that tools/bench.sh pairs with the one of\n"
    "tools/torch_ref.py. Then the same number of SM steps as training runs them, one\n"
    "after the other (\"SM step in a run\"): from 2 threads the next step's batch is\n"
    "made on a second thread during the update (docs/threads.md), so this is what a\n"
    "trial's SM steps cost. With --threads N > 1 also: N threads running independent\n"
    "single-threaded SGEMMs of the layer's shape at once, against one thread, in the\n"
    "same run: what the machine gives N threads at that moment (on a shared VM it\n"
    "varies), the yardstick for the thread speed-up. Defaults: every task (wm, sep),\n"
    "paper preset, 3 SM and 2 MM steps after 1 warm-up SM step and 1 warm-up MM\n"
    "step, 1 thread.\n"
    "\n"
    "Bounds (issue 28): for the data pass, the update, the SM step and the MM step, the\n"
    "FLOP of the products each calls (cost.h: 2 per multiply-add, shape by shape),\n"
    "over the best SGEMM rate of this run (a 1024x1024x1024 product and every shape\n"
    "timed) and over the SGEMM rate at each product's own shape (the bound issue 28\n"
    "defines; the best rate is the stricter yardstick); the measured median\n"
    "(min) and the ratio measured/bound for both; and the CPU time of the process per\n"
    "part (at 1 thread the part's own: on a busy machine it is less inflated than the\n"
    "wall time, which the ratios use).\n";

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The operands of C[m][n] = A[m][k] · B[n][k]ᵀ, A and B filled with fixed
 * values in [-0.5, 0.5): what both SGEMM references multiply. */
typedef struct {
    int m, n, k;
    float *a, *b, *c;
} sgemm_operands;

static void sgemm_operands_free(sgemm_operands *o) {
    free(o->a);
    free(o->b);
    free(o->c);
    o->a = o->b = o->c = NULL;
}

/* 0 if out of memory (nothing left allocated). */
static int sgemm_operands_alloc(sgemm_operands *o, int m, int n, int k) {
    *o = (sgemm_operands){m, n, k, malloc(sizeof(float) * (size_t)m * k),
                          malloc(sizeof(float) * (size_t)n * k), malloc(sizeof(float) * (size_t)m * n)};
    if (!o->a || !o->b || !o->c) {
        sgemm_operands_free(o);
        return 0;
    }
    for (size_t i = 0; i < (size_t)m * k; i++) o->a[i] = (float)((i * 7919) % 1000) * 1e-3f - 0.5f;
    for (size_t i = 0; i < (size_t)n * k; i++) o->b[i] = (float)((i * 104729) % 1000) * 1e-3f - 0.5f;
    return 1;
}

static void sgemm_once(const sgemm_operands *o) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, o->m, o->n, o->k, 1.0f, o->a, o->k, o->b,
                o->k, 0.0f, o->c, o->n);
}

/* Best single-precision GEMM rate on C[m][n] = A[m][k] · B[n][k]ᵀ over at
 * least `reps` products and `seconds` (0 if out of memory). */
static double sgemm_rate_best_of(int m, int n, int k, int reps, double seconds) {
    sgemm_operands o;
    if (!sgemm_operands_alloc(&o, m, n, k)) return 0;
    double best = 0, start = mimod_now();
    for (int rep = 0; rep < reps || mimod_now() - start < seconds; rep++) {
        double t0 = mimod_now();
        sgemm_once(&o);
        double dt = mimod_now() - t0, rate = 2.0 * m * n * k / dt / 1e9;
        if (rate > best) best = rate;
    }
    sgemm_operands_free(&o);
    return best;
}

/* Best-of-10 (0 if out of memory). */
static double sgemm_rate(int m, int n, int k) { return sgemm_rate_best_of(m, n, k, 10, 0); }

/* The same for y[m] = A[m][k]·x (SGEMV), the products with one column (MINE's
 * output layer): SGEMM with n = 1 does not take the GEMV path and runs them
 * several times slower than they run. */
static double sgemv_rate_best_of(int m, int k, int reps, double seconds) {
    sgemm_operands o; /* a [m][k], b [1][k] as x, c [m] as y */
    if (!sgemm_operands_alloc(&o, m, 1, k)) return 0;
    double best = 0, start = mimod_now();
    for (int rep = 0; rep < reps || mimod_now() - start < seconds; rep++) {
        double t0 = mimod_now();
        cblas_sgemv(CblasRowMajor, CblasNoTrans, m, k, 1.0f, o.a, k, o.b, 1, 0.0f, o.c, 1);
        double dt = mimod_now() - t0, rate = 2.0 * m * k / dt / 1e9;
        if (rate > best) best = rate;
    }
    sgemm_operands_free(&o);
    return best;
}

/* What this machine gives `threads` threads at once: each runs `reps`
 * independent single-threaded SGEMMs C[m][n] = A[m][k] · B[n][k]ᵀ on its own
 * matrices, all started together; the aggregate GFLOP/s over the slowest
 * thread's time. Against the same measured with one thread it tells how much
 * of a second core a split product can hope for right now: on a shared VM the
 * answer has ranged from 1.84× to 0.97× within minutes (docs/threads.md), and
 * a thread speed-up of the trial only means something beside it. */
typedef struct {
    int m, n, k, reps;
    atomic_int *go; /* 0: wait, 1: run, -1: give up (a thread could not start) */
    double secs;
    int ok;
} sgemm_job;

static void *sgemm_thread(void *p) {
    sgemm_job *j = p;
    sgemm_operands o;
    j->ok = sgemm_operands_alloc(&o, j->m, j->n, j->k);
    if (j->ok) sgemm_once(&o); /* untimed: first touch of c, the library's buffers */
    int go;
    while ((go = atomic_load(j->go)) == 0) sched_yield();
    if (go < 0) j->ok = 0;
    double t0 = mimod_now();
    for (int r = 0; j->ok && r < j->reps; r++) sgemm_once(&o);
    j->secs = mimod_now() - t0;
    sgemm_operands_free(&o);
    return NULL;
}

/* Aggregate GFLOP/s of `threads` threads (see sgemm_job), 0 if they could
 * not all be started. Each runs about 1e10 FLOP (at least 20 products). */
static double sgemm_rate_together(int m, int n, int k, int threads) {
    enum { MAX_T = 64 };
    if (threads < 1 || threads > MAX_T) return 0;
    double per = 2.0 * m * n * k;
    int reps = per * 20 >= 1e10 ? 20 : (1e10 / per > 10000 ? 10000 : (int)(1e10 / per));
    atomic_int go = 0;
    pthread_t th[MAX_T];
    sgemm_job job[MAX_T];
    int started = 0;
    for (; started < threads; started++) {
        job[started] = (sgemm_job){m, n, k, reps, &go, 0, 0};
        if (pthread_create(&th[started], NULL, sgemm_thread, &job[started])) break;
    }
    atomic_store(&go, started == threads ? 1 : -1);
    double slowest = 0;
    int ok = started == threads;
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        if (job[i].secs > slowest) slowest = job[i].secs;
        ok &= job[i].ok;
    }
    return ok && slowest > 0 ? per * (double)reps * threads / slowest / 1e9 : 0;
}

static long peak_rss_mb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

static double minimum(const double *v, int n) {
    double m = v[0];
    for (int i = 1; i < n; i++) m = v[i] < m ? v[i] : m;
    return m;
}

/* CPU seconds of the whole process (every thread): at 1 thread the time the
 * step itself ran, which on a machine shared with other jobs is less
 * inflated than its wall time. */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* `warmup` untimed calls of step(t), then n timed ones, their seconds into
 * out (wall) and cpu (the process's CPU time, if not NULL). 1 (said why,
 * naming the step "<what> i<after>") if one failed. */
static int time_steps(trial *t, int (*step)(trial *, mimod_err *), int warmup, int n, double *out,
                      double *cpu, const char *tname, const char *what, const char *after) {
    mimod_err err = {0};
    for (int i = 0; i < warmup + n; i++) {
        double t0 = mimod_now(), c0 = cpu_now();
        if (step(t, &err)) {
            fprintf(stderr, "mimod-bench: [%s] %s %d%s: %s\n", tname, what, i, after, err.msg);
            return 1;
        }
        if (i < warmup) continue;
        out[i - warmup] = mimod_now() - t0;
        if (cpu) cpu[i - warmup] = cpu_now() - c0;
    }
    return 0;
}

/* The SGEMM rates of this run at the shapes of a step's products (issue 28),
 * each shape timed once: the best of at least 10 products and 0.1 s — on a
 * machine shared with other jobs ten products of a few µs can all be
 * interrupted, and the best is what the bound needs. A dimension above
 * SHAPE_CAP is timed at SHAPE_CAP: a tall product's rate no longer changes
 * there, and its operands stay a few tens of MB (the readout's [n][N] would
 * be 200 MB at SEP's n). C = A·Bᵀ whatever the product's own transposes;
 * shapes with n = 1 (GEMVs) are timed as SGEMV. */
enum { SHAPE_CAP = 40000, MAX_SHAPES = 64 };
typedef struct {
    int n;
    struct {
        int m, n, k;
        double rate;
    } s[MAX_SHAPES];
} rate_table;

static int capped(int d) { return d < SHAPE_CAP ? d : SHAPE_CAP; }

/* GFLOP/s at the term's shape (0 if it could not be measured). */
static double rate_at(rate_table *rt, const cost_term *term) {
    const int m = capped(term->m), n = capped(term->n), k = capped(term->k);
    for (int i = 0; i < rt->n; i++)
        if (rt->s[i].m == m && rt->s[i].n == n && rt->s[i].k == k) return rt->s[i].rate;
    double r = n == 1 ? sgemv_rate_best_of(m, k, 10, 0.1) : sgemm_rate_best_of(m, n, k, 10, 0.1);
    if (rt->n < MAX_SHAPES) {
        rt->s[rt->n].m = m;
        rt->s[rt->n].n = n;
        rt->s[rt->n].k = k;
        rt->s[rt->n++].rate = r;
    }
    return r;
}

/* A part's bound at the rates of its products' shapes: Σ FLOP_i / rate_i
 * (NaN if a rate could not be measured or the part has no terms). */
static double bound_at_shapes(rate_table *rt, const cost_terms *ts) {
    double s = 0;
    for (int i = 0; i < ts->n; i++) {
        double r = rate_at(rt, &ts->t[i]);
        if (!(r > 0)) return NAN;
        s += ts->t[i].flops / (r * 1e9);
    }
    return ts->n ? s : NAN;
}

static double rate_max(const rate_table *rt, double r) {
    for (int i = 0; i < rt->n; i++) r = rt->s[i].rate > r ? rt->s[i].rate : r;
    return r;
}

/* printf's widths count bytes; the products' names have UTF-8 symbols
 * (ᵀ, ⊙, h̃): pad to `width` characters instead — lead bytes, less the
 * combining marks U+0300–U+036F (lead bytes 0xCC, 0xCD; the tilde of h̃). */
static void print_padded(const char *text, int width) {
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        chars += (*p & 0xC0) != 0x80 && *p != 0xCC && *p != 0xCD;
    printf("%s%*s", text, width > chars ? width - chars : 0, "");
}

/* One part's row of the bounds table. */
static void print_bound(const char *part, double flops, double best, double at_shapes, double med,
                        double min, double cpu_med) {
    double b = flops / (best * 1e9);
    printf("    %-22s %8.3f %9.4g s %9.4g s %9.4g s (%.4g) %7.2fx %7.2fx %9.4g s %7.2fx\n", part,
           flops / 1e9, b, at_shapes, med, min, med / b, med / at_shapes, cpu_med, cpu_med / b);
}

/* Its products, one line each: shape, FLOP, SGEMM rate there, time at that rate. */
static void print_terms(const char *part, rate_table *rt, const cost_terms *ts) {
    for (int i = 0; i < ts->n; i++) {
        const cost_term *x = &ts->t[i];
        double r = rate_at(rt, x);
        char shape[64];
        snprintf(shape, sizeof shape, "%dx%dx%d", x->m, x->n, x->k);
        printf("    %-10s ", part);
        print_padded(x->what, 44);
        printf(" %-16s %8.3f %7.1f %9.4g s\n", shape, x->flops / 1e9, r,
               r > 0 ? x->flops / (r * 1e9) : NAN);
    }
}

static int bench_task(const mimod_task *task, const char *preset, int n_sm, int n_mm, int warmup,
                      int threads, int n_sets, char **sets) {
    mimod_err err = {0};
    mimod_config c;
    const char *tname = task->name;
    char task_set[32], preset_set[64];
    snprintf(task_set, sizeof task_set, "task=%s", tname);
    snprintf(preset_set, sizeof preset_set, "preset=%s", preset);
    char **all = calloc((size_t)n_sets + 2, sizeof *all);
    all[0] = task_set;
    all[1] = preset_set;
    for (int i = 0; i < n_sets; i++) all[i + 2] = sets[i];
    int rc = config_load_with_overrides(&c, NULL, n_sets + 2, all, &err);
    free(all);
    if (rc) {
        fprintf(stderr, "mimod-bench: %s\n", err.msg);
        return 1;
    }
    trial *t = NULL;
    if (trial_create(&c, &t, &err)) {
        fprintf(stderr, "mimod-bench: %s\n", err.msg);
        return 1;
    }
    size_t n = (size_t)t->L * t->B;
    int H = c.sm_hidden;
    double flops = cost_sm_update_flops(&c);
    double *data_s = calloc((size_t)n_sm, sizeof(double)), *upd_s = calloc((size_t)n_sm, sizeof(double));
    double *sm_s = calloc((size_t)n_sm, sizeof(double)), *mm_s = calloc((size_t)n_mm, sizeof(double));
    double *run_s = calloc((size_t)n_sm, sizeof(double));
    /* the process's CPU seconds of the same steps */
    double *data_cpu = calloc((size_t)n_sm, sizeof(double)), *upd_cpu = calloc((size_t)n_sm, sizeof(double));
    double *sm_cpu = calloc((size_t)n_sm, sizeof(double)), *mm_cpu = calloc((size_t)n_mm, sizeof(double));
    printf("[%s, preset %s] N=%d B=%d L=%d: n=%zu samples, H=%d\n", tname, preset, t->N, t->B, t->L,
           n, H);
    fflush(stdout);
    /* The warm-up steps first touch the trial's buffers (page faults) and let
     * the SM optimiser's moments become non-zero; they are not timed. */
    for (int i = 0; i < warmup + n_sm; i++) {
        double t0 = mimod_now(), c0 = cpu_now(), mi = 0;
        rc = trial_sm_make_data(t, i, &err);
        double t1 = mimod_now(), c1 = cpu_now();
        if (!rc) rc = trial_sm_update(t, &mi, &err);
        double t2 = mimod_now(), c2 = cpu_now();
        if (rc) {
            fprintf(stderr, "mimod-bench: [%s] SM step %d: %s\n", tname, i, err.msg);
            trial_free(t);
            return 1;
        }
        if (i < warmup) continue;
        data_s[i - warmup] = t1 - t0;
        upd_s[i - warmup] = t2 - t1;
        sm_s[i - warmup] = t2 - t0;
        data_cpu[i - warmup] = c1 - c0;
        upd_cpu[i - warmup] = c2 - c1;
        sm_cpu[i - warmup] = c2 - c0;
    }
    /* SM steps as a run of training steps makes them (trial_do_sm_step: the
     * next step's batch prefetched from 2 threads on); the warm-up step also
     * makes the first batch itself. */
    if (time_steps(t, trial_do_sm_step, warmup, n_sm, run_s, NULL, tname, "SM step", " in a run") ||
        time_steps(t, trial_do_mm_step, warmup, n_mm, mm_s, mm_cpu, tname, "MM step", "")) {
        trial_free(t);
        return 1;
    }
    /* before the SGEMM reference, whose own matrices would inflate it */
    long trial_rss = peak_rss_mb();
    double min_data = minimum(data_s, n_sm), min_upd = minimum(upd_s, n_sm);
    double min_sm = minimum(sm_s, n_sm), min_mm = minimum(mm_s, n_mm);
    double med_data = median(data_s, n_sm), med_upd = median(upd_s, n_sm);
    double med_sm = median(sm_s, n_sm), med_mm = median(mm_s, n_mm);
    double min_run = minimum(run_s, n_sm), med_run = median(run_s, n_sm);
    int chunk = mine_workspace_chunk(t->sm_ws);
    double ref_layer = sgemm_rate(2 * chunk, H, H);
    double ref_big = sgemm_rate((int)(n < 40000 ? n : 40000), H, H);
    double ref = ref_layer > ref_big ? ref_layer : ref_big;
    double gf = flops / med_upd / 1e9;
    printf("  SM update (T fwd+bwd+optimiser): %8.3f s (min %.3f)  %7.1f GFLOP/s  (model %.3g FLOP)\n",
           med_upd, min_upd, gf, flops);
    printf("  SGEMM reference %dx%dx%d: %.1f GFLOP/s, %dx%dx%d: %.1f GFLOP/s -> ratio %.0f %%\n",
           2 * chunk, H, H, ref_layer, (int)(n < 40000 ? n : 40000), H, H, ref_big, 100.0 * gf / ref);
    if (threads > 1) {
        /* the same shape, 1 thread then `threads` at once, same run */
        double one = sgemm_rate_together(2 * chunk, H, H, 1);
        double all = sgemm_rate_together(2 * chunk, H, H, threads);
        if (one > 0 && all > 0)
            printf("  SGEMM %dx%dx%d on %d threads at once (independent products): %.1f GFLOP/s, "
               "%.2fx one thread's %.1f (what the machine gives %d threads now)\n",
               2 * chunk, H, H, threads, all, all / one, one, threads);
        else
            printf("  SGEMM on %d threads at once: not measured (could not start the threads)\n",
                   threads);
    }
    printf("  SM data (MM pass making the batch): %8.3f s (min %.3f, %.0f %% of the SM step)\n", med_data,
           min_data, 100.0 * med_data / (med_data + med_upd));
    printf("  SM step total: %8.3f s (min %.3f)   MM step: %8.3f s (min %.3f)\n", med_sm, min_sm, med_mm,
           min_mm);
    long long n_sm_trial = c.n_sm_pre + (long long)c.n_mm_steps * c.n_sm_per_mm;
    double per_trial = (double)n_sm_trial * med_sm + c.n_mm_steps * med_mm;
    printf("  projected trial (%lld SM + %d MM steps, without records): %.2f h\n", n_sm_trial,
           c.n_mm_steps, per_trial / 3600);
    printf("  SM step in a run (next batch %s): %8.3f s (min %.3f) -> projected trial %.2f h\n",
           mimod_pool_threads() >= 2 ? "prefetched on a second thread" : "made serially, 1 thread",
           med_run, min_run, ((double)n_sm_trial * med_run + c.n_mm_steps * med_mm) / 3600);
    printf("  peak resident memory of the trial (process peak before the SGEMM reference): %ld MB\n",
           trial_rss);

    /* Bounds (issue 28): each part's FLOP (cost.h) at this run's SGEMM rates.
     * "best": the best rate measured in this run — a 1024³ product, the
     * references above, every product's shape — what the machine's SGEMM
     * can do; "at shapes": Σ FLOP / rate at the product's own shape, what
     * OpenBLAS would do on these products (the GRU step's, m = B, are
     * mimod's own kernel, not OpenBLAS). The ratios use the wall-time median. */
    cost_terms data_t, upd_t, mm_t, sm_t;
    const double f_data = cost_sm_data_flops(&c, &data_t), f_upd = cost_sm_update_gemm_flops(&c, &upd_t);
    const double f_mm = cost_mm_step_flops(&c, &mm_t), f_sm = f_data + f_upd;
    sm_t = data_t;
    for (int i = 0; i < upd_t.n && sm_t.n < COST_MAX_TERMS; i++) sm_t.t[sm_t.n++] = upd_t.t[i];
    rate_table rt = {0};
    const double ref_square = sgemm_rate_best_of(1024, 1024, 1024, 10, 0.1);
    const double b_data_s = bound_at_shapes(&rt, &data_t), b_upd_s = bound_at_shapes(&rt, &upd_t);
    const double b_sm_s = bound_at_shapes(&rt, &sm_t), b_mm_s = bound_at_shapes(&rt, &mm_t);
    double best = rate_max(&rt, ref_square > ref ? ref_square : ref);
    const double med_data_cpu = median(data_cpu, n_sm), med_upd_cpu = median(upd_cpu, n_sm);
    const double med_sm_cpu = median(sm_cpu, n_sm), med_mm_cpu = median(mm_cpu, n_mm);
    printf("  Bounds (issue 28): FLOP of the products each part calls (cost.h, 2 per multiply-add;\n"
           "  element-wise work not counted) over the best SGEMM rate of this run, %.1f GFLOP/s\n"
           "  (1024x1024x1024: %.1f), and over the SGEMM rate at each product's shape (below);\n"
           "  ratio = measured wall-time median / bound; cpu = the process's CPU time, median:\n",
           best, ref_square);
    printf("    %-22s %8s %11s %11s %21s %8s %8s %11s %8s\n", "part", "GFLOP", "bound@best",
           "bound@shape", "measured med (min)", "r@best", "r@shape", "cpu med", "cpu/b@best");
    print_bound("SM data pass", f_data, best, b_data_s, med_data, min_data, med_data_cpu);
    print_bound("SM update", f_upd, best, b_upd_s, med_upd, min_upd, med_upd_cpu);
    print_bound("SM step (data+update)", f_sm, best, b_sm_s, med_sm, min_sm, med_sm_cpu);
    print_bound("MM step", f_mm, best, b_mm_s, med_mm, min_mm, med_mm_cpu);
    printf("  the products (one call's shape m x n x k, GFLOP in the part, SGEMM GFLOP/s at that\n"
           "  shape in this run, seconds at that rate; dimensions over %d timed at %d):\n",
           SHAPE_CAP, SHAPE_CAP);
    printf("    %-10s %-44s %-16s %8s %7s %11s\n", "part", "product", "shape", "GFLOP", "GFLOP/s",
           "at rate");
    print_terms("SM data", &rt, &data_t);
    print_terms("SM update", &rt, &upd_t);
    print_terms("MM step", &rt, &mm_t);
    printf("RESULT impl=mimod task=%s kernel=%s threads=%d sm_data_min=%.6g sm_data_med=%.6g "
           "sm_upd_min=%.6g sm_upd_med=%.6g sm_min=%.6g sm_med=%.6g mm_min=%.6g mm_med=%.6g "
           "n_sm_trial=%lld n_mm_trial=%d sgemm_best=%.4g sm_run_min=%.6g sm_run_med=%.6g "
           "sgemm_peak=%.4g sm_data_flops=%.6g sm_upd_flops=%.6g mm_flops=%.6g "
           "sm_data_bound=%.6g sm_upd_bound=%.6g sm_bound=%.6g mm_bound=%.6g "
           "sm_data_bound_shapes=%.6g sm_upd_bound_shapes=%.6g sm_bound_shapes=%.6g "
           "mm_bound_shapes=%.6g sm_data_ratio=%.4g sm_upd_ratio=%.4g sm_ratio=%.4g mm_ratio=%.4g "
           "sm_data_ratio_shapes=%.4g sm_upd_ratio_shapes=%.4g sm_ratio_shapes=%.4g "
           "mm_ratio_shapes=%.4g sm_data_cpu_med=%.6g sm_upd_cpu_med=%.6g sm_cpu_med=%.6g "
           "mm_cpu_med=%.6g\n",
           tname, openblas_get_corename(), threads, min_data, med_data, min_upd, med_upd, min_sm,
           med_sm, min_mm, med_mm, n_sm_trial, c.n_mm_steps, ref, min_run, med_run, best, f_data,
           f_upd, f_mm, f_data / (best * 1e9), f_upd / (best * 1e9), f_sm / (best * 1e9),
           f_mm / (best * 1e9), b_data_s, b_upd_s, b_sm_s, b_mm_s, med_data * best * 1e9 / f_data,
           med_upd * best * 1e9 / f_upd, med_sm * best * 1e9 / f_sm, med_mm * best * 1e9 / f_mm,
           med_data / b_data_s, med_upd / b_upd_s, med_sm / b_sm_s, med_mm / b_mm_s, med_data_cpu,
           med_upd_cpu, med_sm_cpu, med_mm_cpu);
    fflush(stdout);
    free(data_s);
    free(upd_s);
    free(sm_s);
    free(mm_s);
    free(run_s);
    free(data_cpu);
    free(upd_cpu);
    free(sm_cpu);
    free(mm_cpu);
    trial_free(t);
    return 0;
}

/* An option's whole-number value in [lo, hi] into *out; 1 (said why) if it is not one. */
static int whole_number(const char *opt, const char *text, long lo, long hi, int *out) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "mimod-bench: %s: expected a whole number from %ld to %ld, got '%s'\n", opt,
                lo, hi, text);
        return 1;
    }
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv) {
    const char *task = "all", *preset = "paper";
    int n_sm = -1, n_mm = -1, warmup = 1, threads = 1, n_sets = 0;
    char **sets = calloc((size_t)argc, sizeof *sets);
    static const struct option opts[] = {{"task", required_argument, 0, 'k'},
                                         {"preset", required_argument, 0, 'p'},
                                         {"sm-steps", required_argument, 0, 's'},
                                         {"mm-steps", required_argument, 0, 'm'},
                                         {"warmup", required_argument, 0, 'w'},
                                         {"threads", required_argument, 0, 't'},
                                         {"set", required_argument, 0, 'S'},
                                         {"help", no_argument, 0, 'h'},
                                         {"version", no_argument, 0, 'V'},
                                         {0, 0, 0, 0}};
    int ch, bad = 0;
    while ((ch = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
        switch (ch) {
        case 'k': task = optarg; break;
        case 'p': preset = optarg; break;
        case 's': bad |= whole_number("--sm-steps", optarg, 1, 1000000, &n_sm); break;
        case 'm': bad |= whole_number("--mm-steps", optarg, 1, 1000000, &n_mm); break;
        case 'w': bad |= whole_number("--warmup", optarg, 0, 1000000, &warmup); break;
        /* the thread pool's limit (gemm_pool.h) */
        case 't': bad |= whole_number("--threads", optarg, 1, 4096, &threads); break;
        case 'S': sets[n_sets++] = optarg; break;
        case 'h': fputs(usage, stdout); free(sets); return 0;
        case 'V': mimod_print_version("mimod-bench"); free(sets); return 0;
        default: fputs(usage, stderr); free(sets); return 1;
        }
    }
    /* "both": the word before tasks were a table */
    const int every = !strcmp(task, "all") || !strcmp(task, "both");
    if (!every && !mimod_task_find(task)) {
        char names[256];
        mimod_task_names(names, sizeof names);
        fprintf(stderr, "mimod-bench: --task must be %s, or all\n", names);
        bad = 1;
    }
    if (bad) {
        free(sets);
        return 1;
    }
    mimod_blas_setup(argc, argv, threads);
    threads = mimod_pool_threads(); /* what it carries on with if the pool could not grow */
    /* the GRU step's products (gru_step.c) and the statistics network's
     * (fixed_gemm.c) run outside OpenBLAS */
    printf("mimod-bench %s (%s build), %d thread(s), OpenBLAS kernel %s, GRU step kernel %s, "
           "statistics network kernel %s\n", MIMOD_VERSION, MIMOD_REAL_NAME, threads,
           mimod_blas_summary(), gru_step_kernel(), fixed_gemm_kernel());
    int rc = 0;
    for (int i = 0; i < mimod_task_count(); i++) {
        const mimod_task *k = mimod_task_at(i);
        if (every || !strcmp(task, k->name))
            rc |= bench_task(k, preset, n_sm > 0 ? n_sm : 3, n_mm > 0 ? n_mm : 2, warmup, threads,
                             n_sets, sets);
    }
    free(sets);
    return rc;
}
