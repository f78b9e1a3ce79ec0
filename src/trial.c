/* trial.c — one trial: the SM/MM training schedule of SPEC §4 with the
 * analysis of SPEC §5 at every record point.
 *
 * Schedule (all in terms of two counters, so a trial can stop after any step
 * and continue exactly): SM steps 0..n_sm_pre−1 come first; MM step k (0-based)
 * is preceded by SM steps up to n_sm_pre + (k+1)·n_sm_per_mm − 1. Every random
 * draw of SM step s comes from streams (seed, SM_BATCH, s), of MM step k from
 * (seed, MM_BATCH, k), of record point j from (seed, EVAL, j): the result is a
 * function of the configuration alone. */
#include "trial_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimod/gemm_pool.h"
#include "mimod/metrics.h"
#include "mimod/readout.h"

int64_t trial_sm_target(const trial *t, int64_t mm_step) {
    return (int64_t)t->cfg.n_sm_pre + (mm_step + 1) * (int64_t)t->cfg.n_sm_per_mm;
}

void trial_step_rngs(const trial *t, uint64_t stream, uint64_t index, step_rngs *s) {
    mimod_rng base;
    rng_init(&base, t->cfg.seed, stream, index);
    rng_split(&s->data, &base, 1);
    rng_split(&s->h0, &base, 2);
    rng_split(&s->xi, &base, 3);
    rng_split(&s->mine_noise, &base, 4);
    rng_split(&s->perm, &base, 5);
}

void trial_mm_layout_of(const mimod_config *c, mimod_layout *out) {
    memset(out, 0, sizeof *out);
    task_dims d;
    task_dims_of(c, &d);
    c->task->model->layout(c, &d, out);
}

/* ------------------------------------------------------------ the buffers */

static void own(trial_buffer *b, int *k, const char *name, void *slot, size_t bytes, unsigned flags) {
    void *p;
    memcpy(&p, slot, sizeof p);
    b[(*k)++] = (trial_buffer){name, slot, p, bytes, TRIAL_BUF_OWNED | flags};
}

static void saved(trial_buffer *b, int *k, const char *name, void *p, size_t bytes) {
    b[(*k)++] = (trial_buffer){name, NULL, p, bytes, TRIAL_BUF_SAVED};
}

int trial_buffers(trial *t, trial_buffer *b) {
    int k = 0;
    trial_results *r = &t->res;
    const unsigned SV = TRIAL_BUF_SAVED;
    size_t nm = t->mm_layout.n_params, ns = t->sm_layout.n_params, R = (size_t)r->n_records;
    size_t N = (size_t)t->N, O = (size_t)t->n_out, I = (size_t)t->n_in, S = (size_t)t->cfg.n_mm_steps;
    int Bmax = t->B > t->B_eval ? t->B : t->B_eval;
    size_t TB = (size_t)t->T_total * Bmax, LB = (size_t)t->L * Bmax;

    /* saved, in the checkpoint file's order (format 1: do not reorder) */
    saved(b, &k, "mm_step", &t->mm_step, sizeof t->mm_step);
    saved(b, &k, "sm_step", &t->sm_step, sizeof t->sm_step);
    saved(b, &k, "finished", &t->finished, sizeof t->finished);
    saved(b, &k, "fail_step", &t->fail_step, sizeof t->fail_step);
    own(b, &k, "mm_params", &t->mm_params, nm * sizeof(real), SV);
    saved(b, &k, "mm_opt.step", &t->mm_opt.step, sizeof t->mm_opt.step);
    saved(b, &k, "mm_opt.m", t->mm_opt.m, t->mm_opt.m ? nm * sizeof(real) : 0);
    saved(b, &k, "mm_opt.v", t->mm_opt.v, t->mm_opt.v ? nm * sizeof(real) : 0);
    own(b, &k, "sm_params", &t->sm_params, ns * sizeof(real), SV);
    saved(b, &k, "sm_opt.step", &t->sm_opt.step, sizeof t->sm_opt.step);
    saved(b, &k, "sm_opt.m", t->sm_opt.m, t->sm_opt.m ? ns * sizeof(real) : 0);
    saved(b, &k, "sm_opt.v", t->sm_opt.v, t->sm_opt.v ? ns * sizeof(real) : 0);
    saved(b, &k, "res.n_done", &r->n_done, sizeof r->n_done);
    own(b, &k, "res.step", &r->step, R * sizeof(int64_t), SV);
    for (int q = 0; q < TC_COUNT; q++) own(b, &k, schema_quantities[q].name, &r->tc[q], R * sizeof(double), SV);
    own(b, &k, "res.r2", &r->r2, R * O * sizeof(double), SV);
    own(b, &k, "res.train_loss", &r->train_loss, S * sizeof(double), SV);
    own(b, &k, "res.train_mi", &r->train_mi, S * sizeof(double), SV);
    saved(b, &k, "res.wall_seconds", &r->wall_seconds, sizeof r->wall_seconds);
    /* the last record's analysis matrices (the final analysis starts from them) */
    own(b, &k, "corr_c", &t->corr_c, N * N * sizeof(double), SV);
    own(b, &k, "corr_a", &t->corr_a, N * N * sizeof(double), SV);
    own(b, &k, "unit_out", &t->unit_out, N * O * sizeof(double), SV);

    /* work buffers, sized for max(B, B_eval) */
    own(b, &k, "mm_grad", &t->mm_grad, nm * sizeof(real), 0);
    own(b, &k, "sm_grad", &t->sm_grad, ns * sizeof(real), 0);
    own(b, &k, "x", &t->x, TB * I * sizeof(real), 0);
    own(b, &k, "target", &t->target, TB * O * sizeof(real), 0);
    own(b, &k, "h0", &t->h0, (size_t)Bmax * N * sizeof(real), 0);
    own(b, &k, "h", &t->h, TB * N * sizeof(real), 0);
    if (t->task->work_bytes)
        own(b, &k, "task_work", &t->task_work, t->task->work_bytes(&t->cfg), 0);
    if (t->task->fixed_test_set) {
        size_t TE = (size_t)t->T_total * t->B_eval;
        own(b, &k, "test_x", &t->test_x, TE * I * sizeof(real), 0);
        own(b, &k, "test_target", &t->test_target, TE * O * sizeof(real), 0);
    }
    own(b, &k, "y", &t->y, LB * O * sizeof(real), 0);
    own(b, &k, "d_y", &t->d_y, LB * O * sizeof(real), 0);
    own(b, &k, "d_act", &t->d_act, LB * N * sizeof(real), 0);
    own(b, &k, "act_noisy", &t->act_noisy, LB * N * sizeof(real), 0);
    if (t->cfg.mi_pairing == MI_ONE_VS_REST)
        own(b, &k, "act_wide", &t->act_wide, LB * 2 * N * sizeof(real), 0);
    own(b, &k, "d_mx", &t->d_mx, LB * (size_t)t->sm_dims.dx * sizeof(real), 0);
    own(b, &k, "d_my", &t->d_my, LB * (size_t)t->sm_dims.dy * sizeof(real), 0);
    own(b, &k, "perm", &t->perm, LB * sizeof(uint32_t), 0);
    /* the prefetch's spare MINE inputs: never saved (a resumed trial makes
     * its batch again from (seed, step)); allocated at the first prefetch */
    const unsigned LZ = TRIAL_BUF_LAZY;
    own(b, &k, "act_noisy2", &t->act_noisy2, LB * N * sizeof(real), LZ);
    if (t->cfg.mi_pairing == MI_ONE_VS_REST)
        own(b, &k, "act_wide2", &t->act_wide2, LB * 2 * N * sizeof(real), LZ);
    own(b, &k, "perm2", &t->perm2, LB * sizeof(uint32_t), LZ);
    own(b, &k, "str_a", &t->str_a, N * N * sizeof(double), 0);
    own(b, &k, "groups", &t->groups, N * sizeof(int), 0);
    own(b, &k, "res.communities", &r->communities, N * sizeof(int), 0);
    own(b, &k, "res.corr", &r->corr, N * N * sizeof(double), 0);
    own(b, &k, "res.unit_out_corr", &r->unit_out_corr, N * O * sizeof(double), 0);
    return k;
}

void trial_free(trial *t) {
    if (!t) return;
    mimod_bg_free(t->bg); /* idle: every SM step waits for its prefetch */
    trial_buffer b[TRIAL_MAX_BUFFERS];
    int n = trial_buffers(t, b);
    for (int i = 0; i < n; i++)
        if (b[i].flags & TRIAL_BUF_OWNED) mimod_free(b[i].p);
    if (t->model) t->model->destroy(t->ms);
    optim_free(&t->mm_opt);
    optim_free(&t->sm_opt);
    mine_workspace_free(t->sm_ws);
    free(t);
}

/* Every owned buffer of the table not yet allocated, zeroed: the lazy ones
 * only if `lazy`, the others only if not. 1 if one could not be had. */
static int allocate_buffers(trial *t, int lazy) {
    trial_buffer b[TRIAL_MAX_BUFFERS];
    int n = trial_buffers(t, b), fail = 0;
    for (int i = 0; i < n; i++) {
        if (!(b[i].flags & TRIAL_BUF_OWNED) || b[i].p) continue;
        if (!(b[i].flags & TRIAL_BUF_LAZY) != !lazy) continue;
        void *p = mimod_calloc(b[i].bytes, 1);
        if (!p) fail = 1;
        memcpy(b[i].slot, &p, sizeof p);
    }
    return fail;
}

/* --------------------------------------------------------------- creation */

int trial_create(const mimod_config *c, trial **out, mimod_err *err) {
    *out = NULL;
    int rc = config_validate(c, err);
    if (rc) return rc;
    trial *t = calloc(1, sizeof *t);
    if (!t) return mimod_errf(err, MIMOD_ENOMEM, "trial_create: out of memory");
    t->cfg = *c;
    t->task = c->task;
    t->model = c->task->model;
    task_dims_of(c, &t->d);
    t->N = t->d.N;
    t->K = c->n_groups;
    t->gsize = c->n_units / c->n_groups;
    t->n_in = t->d.n_in;
    t->n_out = t->d.n_out;
    t->B = t->d.B;
    t->B_eval = t->d.B_eval;
    t->L = t->d.L;
    t->T_trans = t->d.T_trans;
    t->T_total = t->d.T;
    int Bmax = t->d.B_max;
    t->n_samples_max = (size_t)t->L * (size_t)Bmax;
    t->fail_step = -1;
    t->res.n_records = config_n_records(c);

    /* shapes: the main model and the statistics network */
    trial_mm_layout_of(c, &t->mm_layout);
    /* the networks of the MI objective (docs/mine.md): pairs (a, b), a < b, in
     * order (0,1), (0,2), …, (K−2,K−1); or each group against the others */
    int ovr = c->mi_pairing == MI_ONE_VS_REST;
    t->n_nets = 0;
    for (int a = 0; a < t->K; a++) {
        if (ovr) {
            t->net_x[t->n_nets] = a;
            t->net_y[t->n_nets++] = -1;
            continue;
        }
        for (int b2 = a + 1; b2 < t->K; b2++) {
            t->net_x[t->n_nets] = a;
            t->net_y[t->n_nets++] = b2;
        }
    }
    t->sm_dims = (mine_dims){t->gsize, ovr ? t->N - t->gsize : t->gsize, c->sm_hidden,
                             (mine_act)c->sm_act, c->sm_leaky_slope, c->sm_out_bias};
    mine_layout(&t->sm_dims, &t->sm_layout1);
    t->sm_layout = t->sm_layout1;
    for (int p = 1; p < t->n_nets; p++)
        for (int i = 0; i < t->sm_layout1.n_tensors; i++) {
            const mimod_tensor *x = &t->sm_layout1.t[i];
            layout_add(&t->sm_layout, x->name, x->rows, x->cols, x->l2_factor);
        }
    t->data_index = -1;
    if (allocate_buffers(t, 0)) goto oom;
    t->ms = t->model->create(c, &t->d);
    if (!t->ms) goto oom;

    /* main model */
    mimod_rng rng;
    rng_init(&rng, c->seed, RNG_STREAM_MM_INIT, 0);
    t->model->bind(t->ms, &t->mm_layout, t->mm_params);
    t->model->init(t->ms, &rng);
    rc = optim_init(&t->mm_opt, &c->mm_opt, t->mm_layout.n_params, err);
    if (rc) goto fail;

    /* statistics network */
    for (int p = 0; p < t->n_nets; p++) {
        size_t off = (size_t)p * t->sm_layout1.n_params;
        mine_bind(&t->sm_p[p], &t->sm_dims, &t->sm_layout1, t->sm_params + off);
        mine_bind(&t->sm_g[p], &t->sm_dims, &t->sm_layout1, t->sm_grad + off);
        /* network p's own stream; network 0's is the one of the K = 2 trial */
        rng_init(&rng, c->seed, RNG_STREAM_SM_INIT, (uint64_t)p);
        mine_init(&t->sm_p[p], &t->sm_dims, &rng);
    }
    rc = optim_init(&t->sm_opt, &c->sm_opt, t->sm_layout.n_params, err);
    if (rc) goto fail;
    rc = mine_workspace_create(&t->sm_dims, t->n_samples_max, c->sm_chunk, &t->sm_ws, err);
    if (rc) goto fail;

    /* results: NaN until computed */
    trial_results *r = &t->res;
    for (int i = 0; i < t->N; i++) t->groups[i] = i / t->gsize; /* K = 2: g1, g2 (SPEC §1) */
    for (int q = 0; q < TC_COUNT; q++)
        for (int j = 0; j < r->n_records; j++) r->tc[q][j] = NAN;
    for (size_t j = 0; j < (size_t)r->n_records * t->n_out; j++) r->r2[j] = NAN;
    for (int j = 0; j < c->n_mm_steps; j++) r->train_loss[j] = r->train_mi[j] = NAN;
    r->i_n = NAN;

    if (t->task->fixed_test_set) {
        /* the fixed test batch (SEP: SPEC §3), drawn once from its own stream */
        mimod_rng trng;
        rng_init(&trng, c->seed, RNG_STREAM_TEST_SET, 0);
        task_batch tb = {t->B_eval, t->test_x, t->test_target, t->h0, t->h};
        t->task->generate(&t->cfg, t->task_work, &tb, &trng);
    }
    *out = t;
    return MIMOD_OK;
oom:
    rc = mimod_errf(err, MIMOD_ENOMEM,
                    "trial_create: out of memory (N=%d, batch=%d, learned steps=%d, sm_hidden=%d)",
                    t->N, Bmax, t->L, c->sm_hidden);
fail:
    trial_free(t);
    return rc;
}

/* ---------------------------------------------------------------- batches */

/* A batch of B sequences in the trial's buffers. */
static task_batch batch_of(const trial *t, int B) {
    return (task_batch){B, t->x, t->target, t->h0, t->h};
}

int trial_make_batch(trial *t, const step_rngs *s, int B, int random_h0, int keep_cache,
                     mimod_err *err) {
    (void)err;
    int N = t->N;
    if (random_h0) {
        mimod_rng rng = s->h0;
        rng_fill_normal(&rng, t->h0, (size_t)B * N, 0.0, 1.0);
    } else {
        memset(t->h0, 0, (size_t)B * N * sizeof(real));
    }
    task_batch b = batch_of(t, B);
    t->task->generate(&t->cfg, t->task_work, &b, &s->data);
    t->model->forward(t->ms, &b, &s->xi, keep_cache);
    return MIMOD_OK;
}

/* Activity of the learned segment: [L][B][N] rows (the task's model says which). */
static const real *learned_activity(const trial *t, int B) {
    task_batch b = batch_of(t, B);
    return t->model->activity(t->ms, &b);
}

static const real *learned_target(const trial *t, int B) {
    return t->target + (size_t)t->T_trans * B * t->n_out;
}

/* MINE input: activity + N(0, σ²) noise per element, and a fresh permutation
 * (noise before shuffling, SPEC §7), into act_noisy, act_wide (one_vs_rest
 * only, else NULL) and perm — the trial's set or the prefetch's spare one.
 * All networks see the same noisy samples and the same permutation, each its
 * own columns of them. */
static void mine_inputs_into(const trial *t, const step_rngs *s, const real *act, size_t n,
                             real *act_noisy, real *act_wide, uint32_t *perm) {
    mimod_rng rng = s->mine_noise;
    size_t total = n * t->N;
    double sd = t->cfg.sm_noise_std;
    rng_add_normal(&rng, act_noisy, act, total, sd);
    rng = s->perm;
    rng_permutation(&rng, perm, n);
    if (act_wide) {
        size_t N = (size_t)t->N;
        for (size_t i = 0; i < n; i++) {
            memcpy(act_wide + i * 2 * N, act_noisy + i * N, N * sizeof(real));
            memcpy(act_wide + i * 2 * N + N, act_noisy + i * N, N * sizeof(real));
        }
    }
}

/* The same into the trial's set, which then holds no prefetched SM batch. */
static void mine_inputs(trial *t, const step_rngs *s, const real *act, size_t n) {
    t->data_index = -1;
    mine_inputs_into(t, s, act, n, t->act_noisy, t->act_wide, t->perm);
}

/* Î of network p on the first n noisy samples: its x and y are column ranges
 * of act_noisy (a pair of groups) or of act_wide (a group and the rest). */
static int run_mine_net(trial *t, int p, size_t n, double *mi, mine_params *grad, real scale,
                        int want_dx, mimod_err *err) {
    int N = t->N, g = t->gsize;
    const real *x, *y;
    int ld;
    if (t->net_y[p] >= 0) {
        ld = N;
        x = t->act_noisy + (size_t)t->net_x[p] * g;
        y = t->act_noisy + (size_t)t->net_y[p] * g;
    } else {
        ld = 2 * N;
        x = t->act_wide + (size_t)t->net_x[p] * g;
        y = t->act_wide + (size_t)(t->net_x[p] + 1) * g;
    }
    return mine_estimate(&t->sm_p[p], &t->sm_dims, t->sm_ws, n, x, ld, y, ld, t->perm, mi, grad,
                         scale, want_dx ? t->d_mx : NULL, want_dx ? t->d_my : NULL, err);
}

/* d_act += network p's d_mx, d_my, each column to its unit. */
static void scatter_mine_grad(trial *t, int p, size_t n) {
    int N = t->N, g = t->gsize, dy = t->sm_dims.dy;
    int x0 = t->net_x[p] * g;
    int y0 = t->net_y[p] >= 0 ? t->net_y[p] * g : (t->net_x[p] + 1) * g;
    for (size_t i = 0; i < n; i++) {
        real *da = t->d_act + i * N;
        const real *gx = t->d_mx + i * g, *gy = t->d_my + i * dy;
        for (int j = 0; j < g; j++) da[x0 + j] += gx[j];
        for (int j = 0; j < dy; j++) da[(y0 + j) % N] += gy[j];
    }
}

/* Î summed over the networks (K = 2 pairs: the one network's value). grad:
 * each network's gradient into its own slice of sm_grad (sm_g[p]). */
static int run_mine(trial *t, size_t n, double *mi, int with_grad, real scale, mimod_err *err) {
    double sum = 0.0;
    for (int p = 0; p < t->n_nets; p++) {
        double m;
        int rc = run_mine_net(t, p, n, &m, with_grad ? &t->sm_g[p] : NULL, scale, 0, err);
        if (rc) return rc;
        sum = p == 0 ? m : sum + m;
    }
    *mi = sum;
    return MIMOD_OK;
}

/* Mean squared error over (rows ≥ skip·B, outputs); fills d_y = dL/dy if d_y. */
static double task_mse(const trial *t, int B, const real *y, const real *target, real *d_y) {
    size_t K = t->n_out, skip = (size_t)t->cfg.loss_skip * B, M = (size_t)t->L * B;
    double count = (double)(M - skip) * K, sum = 0.0;
    if (d_y) memset(d_y, 0, M * K * sizeof(real));
    for (size_t i = skip * K; i < M * K; i++) {
        double e = (double)y[i] - (double)target[i];
        sum += e * e;
        if (d_y) d_y[i] = (real)(2.0 * e / count);
    }
    return sum / count;
}

/* ---------------------------------------------------------------- steps */

/* The data pass of SM step `index`: its batch through the main model with
 * the current weights, then the MINE inputs into the given set. Writes x,
 * target, h0, h, the task's work and the model's buffers, reads only the main
 * model's weights: what the statistics network's update does not touch, so
 * the data thread can run this during an update (sm_step). */
static int sm_data(trial *t, int64_t index, real *act_noisy, real *act_wide, uint32_t *perm,
                   mimod_err *err) {
    step_rngs s;
    trial_step_rngs(t, RNG_STREAM_SM_BATCH, (uint64_t)index, &s);
    int rc = trial_make_batch(t, &s, t->B, 0, 0, err); /* h0 = 0 for SM steps (SPEC §2) */
    if (rc) return rc;
    mine_inputs_into(t, &s, learned_activity(t, t->B), (size_t)t->L * t->B, act_noisy, act_wide,
                     perm);
    return MIMOD_OK;
}

int trial_sm_make_data(trial *t, int64_t index, mimod_err *err) {
    t->data_index = -1;
    return sm_data(t, index, t->act_noisy, t->act_wide, t->perm, err);
}

int trial_sm_objective(trial *t, double *mi, int with_grad, real scale, mimod_err *err) {
    if (with_grad) memset(t->sm_grad, 0, t->sm_layout.n_params * sizeof(real));
    return run_mine(t, (size_t)t->L * t->B, mi, with_grad, scale, err);
}

int trial_sm_update(trial *t, double *mi, mimod_err *err) {
    /* maximise Î: the optimiser minimises, so accumulate −dÎ/dθ */
    int rc = trial_sm_objective(t, mi, 1, (real)-1.0, err);
    if (rc) return rc;
    optim_step(&t->sm_opt, &t->sm_layout, t->sm_params, t->sm_grad);
    return MIMOD_OK;
}

/* ------------------------------------------------------------- prefetch
 *
 * Issue 13. The batch of SM step s+1 depends only on the main model's weights
 * and on s+1 (every draw is keyed by (seed, stream, step)), and only MM steps
 * change those weights. So while SM step s updates the statistics network,
 * the data thread (t->bg) can make step s+1's batch — if s+1 follows s with
 * no MM step and no record in between (sm_step's `may_prefetch`). It writes
 * the spare MINE inputs and the batch buffers (x, h, …), which the update
 * does not read; sm_step waits for it before returning, so nothing else (a
 * record, an MM step, a checkpoint, the pool's resizing in should_stop, an
 * error return, trial_free) ever runs while it does. Its products go through
 * mm_gemm: the pool serves one caller at a time and a second one runs its
 * tiles itself, in order (gemm_pool.h), with the same bits. The numbers are
 * therefore those of the serial steps, for every thread count. */

static int prefetch_job(void *arg) {
    trial *t = arg;
    int rc = sm_data(t, t->pf_job.index, t->act_noisy2, t->act_wide2, t->perm2, &t->pf_job.err);
    /* done: the rest of the update may use every thread (WM's data pass is a
     * few % of its update; holding the thread until the update ends would
     * cost WM most of its 2-thread speed) */
    mimod_pool_reserve(0);
    return rc;
}

/* Start making SM step `index`'s batch on the data thread. Not MIMOD_OK: not
 * started (the spare set or the thread could not be had); the step then
 * makes its batch itself, as with one thread. */
static int prefetch_start(trial *t, int64_t index) {
    if (allocate_buffers(t, 1)) return MIMOD_ENOMEM; /* a no-op once they exist */
    t->pf_job.index = index;
    t->pf_job.err = (mimod_err){0};
    /* the data thread is one of the --threads: the update gets the others */
    mimod_pool_reserve(1);
    int rc = mimod_bg_start(&t->bg, prefetch_job, t, &t->pf_job.err);
    if (rc) mimod_pool_reserve(0);
    return rc;
}

/* Wait for the data thread; on success its set becomes the trial's. A failed
 * pass is dropped: the step makes its batch again itself and reports the
 * error there, at the step where one thread would have met it. */
static void prefetch_finish(trial *t) {
    int rc = mimod_bg_wait(t->bg);
    mimod_pool_reserve(0);
    if (rc != MIMOD_OK) return;
    real *p = t->act_noisy;
    t->act_noisy = t->act_noisy2;
    t->act_noisy2 = p;
    p = t->act_wide;
    t->act_wide = t->act_wide2;
    t->act_wide2 = p;
    uint32_t *q = t->perm;
    t->perm = t->perm2;
    t->perm2 = q;
    t->data_index = t->pf_job.index;
}

/* One SM step: its batch (unless the previous step prefetched it), then the
 * update; with may_prefetch and a pool of ≥ 2 threads the next step's batch
 * is made meanwhile. */
static int sm_step(trial *t, int may_prefetch, mimod_err *err) {
    double mi;
    const int64_t s = t->sm_step;
    int rc = MIMOD_OK;
    if (t->data_index != s) rc = sm_data(t, s, t->act_noisy, t->act_wide, t->perm, err);
    t->data_index = -1;
    int pf = !rc && may_prefetch && mimod_pool_threads() >= 2 && prefetch_start(t, s + 1) == MIMOD_OK;
    if (!rc) rc = trial_sm_update(t, &mi, err);
    if (pf) prefetch_finish(t);
    if (rc == MIMOD_EDIVERGED)
        return mimod_err_prefix(err, "SM step %lld (MM step %lld)", (long long)t->sm_step,
                                (long long)t->mm_step);
    if (rc) return rc;
    if (!isfinite(mi) || !all_finite(t->sm_params, t->sm_layout.n_params))
        return mimod_errf(err, MIMOD_EDIVERGED, "statistics network diverged at SM step %lld (Î = %g)",
                          (long long)t->sm_step, mi);
    t->sm_step++;
    return MIMOD_OK;
}

int trial_mm_loss(trial *t, uint64_t index, real *grad, double *loss_out, double *task_out,
                  double *reg_out, double *mi_out, mimod_err *err) {
    const mimod_config *c = &t->cfg;
    step_rngs s;
    trial_step_rngs(t, RNG_STREAM_MM_BATCH, index, &s);
    int B = t->B, N = t->N;
    int rc = trial_make_batch(t, &s, B, t->task->random_h0, grad != NULL, err);
    if (rc) return rc;
    size_t n = (size_t)t->L * B;
    const real *act = learned_activity(t, B);
    const mimod_layout *ml = &t->mm_layout;
    const size_t w_out = ml->t[layout_find(ml, "w_out")].offset;
    const size_t b_out = ml->t[layout_find(ml, "b_out")].offset;
    readout_forward(t->mm_params + w_out, t->mm_params + b_out, t->n_out, N, n, act, t->y);
    double task = task_mse(t, B, t->y, learned_target(t, B), grad ? t->d_y : NULL);
    if (grad) memset(grad, 0, t->mm_layout.n_params * sizeof(real));
    double reg = l2_penalty(&t->mm_layout, t->mm_params, grad, (real)c->lambda_reg);

    /* Î with the SM frozen; its gradient reaches the MM only when λ_I > 0 */
    mine_inputs(t, &s, act, n);
    int want_dx = grad != NULL && c->lambda_I > 0.0;
    if (grad) memset(t->d_act, 0, n * N * sizeof(real));
    double mi = 0.0;
    for (int p = 0; p < t->n_nets; p++) {
        if (want_dx) {
            memset(t->d_mx, 0, n * (size_t)t->sm_dims.dx * sizeof(real));
            memset(t->d_my, 0, n * (size_t)t->sm_dims.dy * sizeof(real));
        }
        double m;
        rc = run_mine_net(t, p, n, &m, NULL, (real)c->lambda_I, want_dx, err);
        if (rc) return rc;
        mi = p == 0 ? m : mi + m;
        if (want_dx) scatter_mine_grad(t, p, n);
    }

    if (grad) {
        /* every model's readout is the tensors w_out, b_out */
        readout_backward(t->mm_params + w_out, t->n_out, N, n, act, t->d_y, grad + w_out,
                         grad + b_out, t->d_act);
        task_batch b = batch_of(t, B);
        t->model->backward(t->ms, &b, ml, t->d_act, grad);
    }
    if (task_out) *task_out = task;
    if (reg_out) *reg_out = reg;
    if (mi_out) *mi_out = mi;
    if (loss_out) *loss_out = task + c->lambda_reg * reg + c->lambda_I * mi;
    return MIMOD_OK;
}

static int mm_step(trial *t, mimod_err *err) {
    double loss, task, mi;
    int rc = trial_mm_loss(t, (uint64_t)t->mm_step, t->mm_grad, &loss, &task, NULL, &mi, err);
    if (rc) return rc;
    optim_step(&t->mm_opt, &t->mm_layout, t->mm_params, t->mm_grad);
    if (!isfinite(loss) || !all_finite(t->mm_params, t->mm_layout.n_params))
        return mimod_errf(err, MIMOD_EDIVERGED, "main model diverged at MM step %lld (loss = %g)",
                          (long long)t->mm_step, loss);
    t->res.train_loss[t->mm_step] = task;
    t->res.train_mi[t->mm_step] = mi;
    t->mm_step++;
    return MIMOD_OK;
}

int trial_do_sm_step(trial *t, mimod_err *err) { return sm_step(t, 1, err); }
int trial_do_mm_step(trial *t, mimod_err *err) {
    if (t->mm_step >= t->cfg.n_mm_steps) t->mm_step = 0; /* benchmark loops */
    return mm_step(t, err);
}

/* ---------------------------------------------------------------- analysis */

/* Evaluation at record point j: a fresh batch (or the task's fixed test
 * batch) with the current weights; fills res.tc[*][j] and the final
 * matrices. The task's part (task_record) gives its own quantities and the
 * unit correlations; the rest is every task's. */
static int record(trial *t, int j, mimod_err *err) {
    const mimod_config *c = &t->cfg;
    const mimod_task *task = t->task;
    int B = t->B_eval, N = t->N, K = t->n_out;
    step_rngs s;
    trial_step_rngs(t, RNG_STREAM_EVAL, (uint64_t)j, &s);
    int rc;
    task_batch b = batch_of(t, B);
    if (task->fixed_test_set) {
        memset(t->h0, 0, (size_t)B * N * sizeof(real));
        b.x = t->test_x;
        b.target = t->test_target;
        t->model->forward(t->ms, &b, &s.xi, 0);
    } else {
        rc = trial_make_batch(t, &s, B, task->random_h0, 0, err);
        if (rc) return rc;
    }
    size_t n = (size_t)t->L * B;
    const real *act = t->model->activity(t->ms, &b);
    const real *states = t->h + (size_t)t->T_trans * B * N;
    const real *target = b.target + (size_t)t->T_trans * B * K;
    const mimod_tensor *wo = &t->mm_layout.t[layout_find(&t->mm_layout, "w_out")];
    const mimod_tensor *bo = &t->mm_layout.t[layout_find(&t->mm_layout, "b_out")];
    const real *w_out = t->mm_params + wo->offset;
    readout_forward(w_out, t->mm_params + bo->offset, K, N, n, act, t->y);

    trial_results *r = &t->res;
    r->step[j] = t->mm_step;
    r->tc[TC_TASK_LOSS][j] = task_mse(t, B, t->y, target, NULL);
    r->tc[TC_REG_LOSS][j] = l2_penalty(&t->mm_layout, t->mm_params, NULL, 0);
    mine_inputs(t, &s, act, n);
    double mi;
    rc = run_mine(t, n, &mi, 0, 0, err);
    if (rc) return rc;
    r->tc[TC_MI][j] = mi;

    /* the task's part: its quantities, the unit correlations */
    const int *groups = t->groups;
    const mimod_layout *ml = &t->mm_layout;
    const real *w_in = t->mm_params + ml->t[layout_find(ml, t->model->input_tensor)].offset;
    task_record tr = {.cfg = c, .d = &t->d, .w_in = w_in, .B = B, .states = states, .y = t->y,
                      .target = target, .dcor_with = c->dcor_use_targets ? target : t->y,
                      .groups = groups, .K = t->K, .r2 = r->r2 + (size_t)j * K,
                      .corr_c = t->corr_c, .corr_a = t->corr_a, .unit_out = t->unit_out};
    task->record(&tr);
    for (int q = 0; q < TC_COUNT; q++)
        if (task->quantities & SCHEMA_BIT(q)) r->tc[q][j] = tr.tc[q];

    /* every task's: modularity of the fixed groups, D indices */
    r->tc[TC_Q_COR][j] = modularity_q(t->corr_a, N, groups);
    const mimod_tensor *ws = &ml->t[layout_find(ml, t->model->structural_tensor)];
    const real *w_rec = t->mm_params + ws->offset + (size_t)t->model->structural_block * N * N;
    sym_abs_matrix(w_rec, N, N, t->str_a);
    r->tc[TC_Q_STR][j] = modularity_q(t->str_a, N, groups);
    /* each target's outputs are consecutive; two targets in two groups keep
     * the paper's formula as written (D_K equals it to rounding) */
    const int n_targets = task->n_targets(K), k_per_target = K / n_targets;
    if (t->K == 2 && n_targets == 2) {
        r->tc[TC_D_COR][j] = d_cor_index(t->unit_out, N, k_per_target, groups);
        r->tc[TC_D_OUT][j] = d_out_index(w_out, k_per_target, N, groups);
    } else {
        r->tc[TC_D_COR][j] = d_cor_index_k(t->unit_out, N, n_targets, k_per_target, groups, t->K);
        r->tc[TC_D_OUT][j] = d_out_index_k(w_out, n_targets, k_per_target, N, groups, t->K);
    }
    r->n_done = j + 1;
    return MIMOD_OK;
}

/* End of training: keep the last record's matrices and run CNM → I_n. */
static int final_analysis(trial *t, mimod_err *err) {
    int N = t->N;
    trial_results *r = &t->res;
    memcpy(r->corr, t->corr_c, (size_t)N * N * sizeof(double));
    memcpy(r->unit_out_corr, t->unit_out, (size_t)N * t->n_out * sizeof(double));
    int rc = cnm_communities(t->corr_a, N, t->K, r->communities, err);
    if (rc) return mimod_err_prefix(err, "community detection");
    r->i_n = normalized_mutual_info(r->communities, t->groups, N);
    return MIMOD_OK;
}

/* ---------------------------------------------------------------- driver */

/* Whether a record is due when the SM step counter is sm_step (and the rest
 * as now). */
static int record_due_at(const trial *t, int64_t sm_step) {
    /* record j is due once mm_step reaches its step and it is not done yet */
    const trial_results *r = &t->res;
    int j = r->n_done;
    if (j >= r->n_records) return 0;
    int64_t want = (int64_t)j * t->cfg.record_every;
    if (want > t->cfg.n_mm_steps) want = t->cfg.n_mm_steps;
    return t->mm_step >= want && sm_step >= (j == 0 ? t->cfg.n_sm_pre : 0);
}

static int record_due(const trial *t) { return record_due_at(t, t->sm_step); }

int trial_run(trial *t, const trial_hooks *hooks, mimod_err *err) {
    static const trial_hooks none = {0};
    if (!hooks) hooks = &none;
    if (t->finished) return MIMOD_OK;
    if (t->fail_step >= 0)
        return mimod_errf(err, MIMOD_EDIVERGED, "trial already failed at MM step %lld",
                          (long long)t->fail_step);
    double ck_every = hooks->checkpoint_seconds > 0 ? hooks->checkpoint_seconds
                                                     : 60.0 * t->cfg.checkpoint_minutes;
    double start = mimod_now(), last_ck = start, wall0 = t->res.wall_seconds;
    int rc = MIMOD_OK;
    t->data_index = -1; /* the weights may have changed since (a checkpoint loaded) */
    const int64_t n_mm = t->cfg.n_mm_steps;
    for (;;) {
        if (record_due(t)) {
            int j = t->res.n_done;
            rc = record(t, j, err);
            if (rc) break;
            if (hooks->on_record) hooks->on_record(hooks->user, t, j);
            continue;
        }
        if (t->mm_step >= n_mm) break;
        /* SM steps until the count that must precede MM step mm_step, then that MM step */
        if (t->sm_step < trial_sm_target(t, t->mm_step)) {
            /* the next step's batch can be made now if the next step is an SM
             * step too: neither this MM step nor a record comes first */
            const int64_t next = t->sm_step + 1;
            rc = sm_step(t, next < trial_sm_target(t, t->mm_step) && !record_due_at(t, next), err);
        } else
            rc = mm_step(t, err);
        if (rc) break;
        t->res.wall_seconds = wall0 + (mimod_now() - start);
        int stop = hooks->should_stop && hooks->should_stop(hooks->user);
        if (hooks->checkpoint && (stop || mimod_now() - last_ck >= ck_every)) {
            rc = hooks->checkpoint(hooks->user, t, err);
            if (rc) break;
            last_ck = mimod_now();
        }
        if (stop) {
            rc = mimod_errf(err, MIMOD_EINTR, "stopped on request at MM step %lld, SM step %lld",
                            (long long)t->mm_step, (long long)t->sm_step);
            break;
        }
    }
    t->res.wall_seconds = wall0 + (mimod_now() - start);
    t->data_index = -1; /* a prefetched batch is not kept past the run (a stop drops it) */
    if (rc == MIMOD_EDIVERGED) t->fail_step = t->mm_step;
    if (rc) return rc;
    rc = final_analysis(t, err);
    if (rc) return rc;
    t->finished = 1;
    return MIMOD_OK;
}

const mimod_config *trial_config(const trial *t) { return &t->cfg; }
const trial_results *trial_get_results(const trial *t) { return &t->res; }
const mimod_layout *trial_mm_layout(const trial *t) { return &t->mm_layout; }
const real *trial_mm_params(const trial *t) { return t->mm_params; }
int64_t trial_mm_step(const trial *t) { return t->mm_step; }
int64_t trial_sm_step(const trial *t) { return t->sm_step; }
int trial_finished(const trial *t) { return t->finished; }
int64_t trial_fail_step(const trial *t) { return t->fail_step; }
