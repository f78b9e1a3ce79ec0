/* test_trial.c — the whole trial: the MM loss gradient (task + L2 + λ_I·Î
 * through MINE and the permutation, double build), the schedule, determinism,
 * exact resume from a checkpoint, and divergence detection; for K groups and
 * for K task targets (wm_bits, sep_sources). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/trial_internal.h"
#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/config.h"
#include "mimod/metrics.h"

static mimod_config tiny(const mimod_task *task) {
    mimod_config c;
    mimod_err err = {0};
    if (config_preset(&c, "tiny", task, &err)) {
        fprintf(stderr, "preset: %s\n", err.msg);
        exit(1);
    }
    return c;
}

/* Central differences of the full MM loss vs trial_mm_loss's gradient. */
static void gradcheck_mm(mimod_config c, const char *what) {
    mimod_err err = {0};
    trial *t = NULL;
    c.lambda_I = 0.7; /* make every term count */
    /* The WM transient runs without gradient (SPEC §2): its end state is a
     * constant for BPTT but not for finite differences, so check without it. */
    c.transient = 0;
    c.lambda_reg = 0.05;
    if (trial_create(&c, &t, &err)) {
        CHECK(0, "%s: trial_create: %s", what, err.msg);
        return;
    }
    /* train the SM a little so Î and its input gradients are not trivial */
    for (int i = 0; i < 3; i++) {
        mimod_rng r;
        rng_init(&r, 99, RNG_STREAM_TEST, (uint64_t)i);
        for (size_t k = 0; k < t->sm_layout.n_params; k++) t->sm_params[k] += (real)(0.05 * rng_normal(&r));
    }
    size_t n = t->mm_layout.n_params;
    real *g = calloc(n, sizeof(real));
    double loss0;
    int rc = trial_mm_loss(t, 3, g, &loss0, NULL, NULL, NULL, &err);
    CHECK(rc == 0, "%s: mm loss: %s", what, err.msg);
    /* Small step: the statistics network's (leaky) ReLU has kinks, and a
     * central difference that straddles one is off by O(h); at 1e-7 none of
     * the pre-activations of these tiny batches lies that close to zero. */
    const double h = getenv("GC_H") ? atof(getenv("GC_H")) : 1e-7;
    for (int ti = 0; ti < t->mm_layout.n_tensors; ti++) {
        const mimod_tensor *T = &t->mm_layout.t[ti];
        double num2 = 0, diff2 = 0, worst = 0;
        size_t sz = tensor_size(T);
        for (size_t k = 0; k < sz; k++) {
            real *p = t->mm_params + T->offset + k;
            real keep = *p;
            double lp = NAN, lm = NAN;
            *p = keep + (real)h;
            int rp = trial_mm_loss(t, 3, NULL, &lp, NULL, NULL, NULL, &err);
            *p = keep - (real)h;
            int rm = trial_mm_loss(t, 3, NULL, &lm, NULL, NULL, NULL, &err);
            *p = keep;
            if (rp || rm) {
                CHECK(0, "%s: tensor %s[%zu]: perturbed loss: %s", what, T->name, k, err.msg);
                break;
            }
            double fd = (lp - lm) / (2 * h), an = g[T->offset + k];
            num2 += (fd + an) * (fd + an) / 4;
            diff2 += (fd - an) * (fd - an);
            double e = fabs(fd - an) / fmax(fabs(fd) + fabs(an), 1e-7);
            if (e > worst) worst = e;
        }
        /* a zero gradient on both sides would pass any relative test */
        CHECK(sqrt(num2) > 1e-10, "%s: tensor %s: gradient is zero (nothing checked)", what, T->name);
        double rel = sqrt(diff2) / fmax(sqrt(num2), 1e-12);
        CHECK(rel < 1e-5, "%s: tensor %s: relative error %.3g (worst element %.3g)", what, T->name,
              rel, worst);
        printf("  %s %-6s rel err %.2e\n", what, T->name, rel);
    }
    free(g);
    trial_free(t);
}

static int run_full(const mimod_config *c, trial **out) {
    mimod_err err = {0};
    if (trial_create(c, out, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    int rc = trial_run(*out, NULL, &err);
    if (rc) fprintf(stderr, "trial_run: %s\n", err.msg);
    return rc;
}

static int same_results(const trial *a, const trial *b) {
    const trial_results *ra = &a->res, *rb = &b->res;
    if (ra->n_done != rb->n_done || ra->n_records != rb->n_records) return 0;
    if (memcmp(ra->step, rb->step, ra->n_records * sizeof(int64_t))) return 0;
    for (int q = 0; q < TC_COUNT; q++)
        if (memcmp(ra->tc[q], rb->tc[q], ra->n_records * sizeof(double))) return 0;
    if (memcmp(ra->r2, rb->r2, (size_t)ra->n_records * a->n_out * sizeof(double))) return 0;
    if (memcmp(ra->train_loss, rb->train_loss, a->cfg.n_mm_steps * sizeof(double))) return 0;
    if (memcmp(ra->train_mi, rb->train_mi, a->cfg.n_mm_steps * sizeof(double))) return 0;
    if (memcmp(ra->corr, rb->corr, (size_t)a->N * a->N * sizeof(double))) return 0;
    if (memcmp(ra->communities, rb->communities, a->N * sizeof(int))) return 0;
    if (memcmp(&ra->i_n, &rb->i_n, sizeof(double))) return 0;
    if (memcmp(a->mm_params, b->mm_params, a->mm_layout.n_params * sizeof(real))) return 0;
    if (memcmp(a->sm_params, b->sm_params, a->sm_layout.n_params * sizeof(real))) return 0;
    return 1;
}

typedef struct {
    int polls, stop_at;
    const char *path; /* checkpoint */
} stopper;
static int stop_after(void *u) {
    stopper *s = u;
    return ++s->polls >= s->stop_at;
}
static int save_to_path(void *u, const trial *t, mimod_err *err) {
    const stopper *s = u;
    return trial_save_checkpoint(t, s->path, err);
}

/* Rewrites a checkpoint's layout version (bytes 8-11) and its trailing
 * checksum (64-bit FNV-1a of every byte before it), as a mimod with another
 * layout would have written it; *was gets the old version. 0 on success. */
static int set_checkpoint_version(const char *path, uint32_t version, uint32_t *was) {
    FILE *f = fopen(path, "r+b");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    unsigned char *b = n > 20 ? malloc((size_t)n) : NULL;
    int rc = -1;
    if (b && fseek(f, 0, SEEK_SET) == 0 && fread(b, 1, (size_t)n, f) == (size_t)n) {
        if (was) memcpy(was, b + 8, 4);
        memcpy(b + 8, &version, 4);
        uint64_t h = 0xCBF29CE484222325ull;
        for (long i = 0; i < n - 8; i++) {
            h ^= b[i];
            h *= 0x100000001B3ull;
        }
        memcpy(b + n - 8, &h, 8);
        rc = fseek(f, 0, SEEK_SET) == 0 && fwrite(b, 1, (size_t)n, f) == (size_t)n ? 0 : -1;
    }
    free(b);
    fclose(f);
    return rc;
}

static void determinism_and_resume(mimod_config c, const char *what) {
    const mimod_task *task = c.task;
    trial *a = NULL, *b = NULL;
    CHECK(run_full(&c, &a) == 0, "%s: first run", what);
    CHECK(run_full(&c, &b) == 0, "%s: second run", what);
    if (!a || !b) return;
    CHECK(same_results(a, b), "%s: two runs of one config are byte-identical", what);
    CHECK(a->sm_step == c.n_sm_pre + (int64_t)c.n_mm_steps * c.n_sm_per_mm,
          "%s: SM steps %lld = pre + n_mm·n_sm", what, (long long)a->sm_step);
    CHECK(a->res.n_done == config_n_records(&c), "%s: all %d records filled", what, a->res.n_done);
    CHECK(a->res.step[a->res.n_done - 1] == c.n_mm_steps, "%s: last record at the end", what);
    for (int q = 0; q < TC_COUNT; q++) {
        int applies = task_records(task, q);
        int finite = 1;
        for (int j = 0; j < a->res.n_done; j++) finite &= isfinite(a->res.tc[q][j]) != 0;
        CHECK(!applies || finite, "%s: time course %s finite", what, schema_quantities[q].name);
    }

    /* a different seed gives a different trial */
    mimod_config c2 = c;
    c2.seed = c.seed + 1;
    trial *d = NULL;
    run_full(&c2, &d);
    CHECK(d && !same_results(a, d), "%s: another seed differs", what);
    trial_free(d);

    /* stop at several points, checkpoint, resume in a fresh trial: identical */
    char path[] = "/tmp/mimod-test-ckpt-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    int stops[] = {1, 4, 9, 17};
    for (size_t si = 0; si < sizeof stops / sizeof stops[0]; si++) {
        mimod_err err = {0};
        trial *x = NULL;
        unlink(path);
        trial_create(&c, &x, &err);
        stopper s = {0, stops[si], path};
        trial_hooks hk = {.user = &s, .should_stop = stop_after, .checkpoint = save_to_path};
        int rc = trial_run(x, &hk, &err);
        CHECK(rc == MIMOD_EINTR, "%s: stop after %d steps returns EINTR (rc %d)", what, stops[si], rc);
        trial_free(x);
        /* resume possibly several times */
        int rounds = 0;
        for (;;) {
            trial *y = NULL;
            trial_create(&c, &y, &err);
            rc = trial_load_checkpoint(y, path, &err);
            CHECK(rc == 0, "%s: load checkpoint: %s", what, err.msg);
            stopper s2 = {0, 7, path};
            trial_hooks hk2 = {.user = &s2, .should_stop = stop_after, .checkpoint = save_to_path};
            rc = trial_run(y, &hk2, &err);
            if (rc == MIMOD_OK) {
                CHECK(same_results(a, y), "%s: resumed after %d steps (+%d stops) equals uninterrupted",
                      what, stops[si], rounds);
                trial_free(y);
                break;
            }
            trial_free(y);
            if (rc != MIMOD_EINTR || ++rounds > 100) {
                CHECK(0, "%s: resume loop rc %d", what, rc);
                break;
            }
        }
    }
    /* a checkpoint does not load into another configuration */
    {
        mimod_err err = {0};
        trial *z = NULL;
        trial_create(&c2, &z, &err);
        CHECK(trial_load_checkpoint(z, path, &err) == MIMOD_EINVAL, "%s: checkpoint of another config refused", what);
        trial_free(z);
        /* a checkpoint of another layout (other saved blocks: another
         * version) is refused as such, not as corrupt; its own loads */
        uint32_t version = 0, other = trial_checkpoint_layout_version("mm_step sm_step a_new_metric ");
        CHECK(set_checkpoint_version(path, other, &version) == 0, "%s: rewrite the version", what);
        trial_create(&c, &z, &err);
        int rc = trial_load_checkpoint(z, path, &err);
        CHECK(rc == MIMOD_EINVAL && strstr(err.msg, "another layout") && !strstr(err.msg, "corrupt"),
              "%s: another layout refused as such: %s", what, err.msg);
        CHECK(set_checkpoint_version(path, version, NULL) == 0, "%s: restore the version", what);
        CHECK(trial_load_checkpoint(z, path, &err) == MIMOD_OK, "%s: its own layout loads: %s", what,
              err.msg);
        trial_free(z);
        /* a truncated checkpoint is refused */
        FILE *f = fopen(path, "r+b");
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fclose(f);
        CHECK(truncate(path, len / 2) == 0, "truncate");
        trial_create(&c, &z, &err);
        CHECK(trial_load_checkpoint(z, path, &err) != 0, "%s: truncated checkpoint refused", what);
        trial_free(z);
    }
    unlink(path);
    trial_free(a);
    trial_free(b);
}

static void divergence(void) {
    mimod_config c = tiny(&mimod_task_wm);
    mimod_err err = {0};
    CHECK(config_set(&c, "mm_lr", "1e300", "test", &err) == 0, "set lr: %s", err.msg);
    c.mm_opt.clipnorm = 0;
    trial *t = NULL;
    trial_create(&c, &t, &err);
    int rc = trial_run(t, NULL, &err);
    CHECK(rc == MIMOD_EDIVERGED, "huge learning rate diverges (rc %d: %s)", rc, err.msg);
    CHECK(trial_fail_step(t) >= 0 && strstr(err.msg, "step") != NULL, "failure says where: %s", err.msg);
    trial_free(t);
}

static mimod_config with_groups(mimod_config c, int K, int pairing) {
    c.n_groups = K;
    c.mi_pairing = pairing;
    return c;
}

/* K task targets (issue 27): K bits of WM or K sources of SEP, in K groups of
 * two units (N = 2K). */
static mimod_config with_targets(mimod_config c, int K, int groups) {
    if (c.task == &mimod_task_wm) c.wm_bits = K;
    else c.sep_sources = K;
    c.n_groups = groups;
    c.n_units = 2 * K;
    c.mi_pairing = MI_PAIRS;
    return c;
}

/* With K targets the trial's D indices are the T-target ones on its own
 * weights and correlations: D_in on the 2K input channels, D_out on the K
 * targets' output blocks, D_cor on final/unit_out_corr; in K groups and in
 * 2 groups (D_K there, not the paper's two-target formula). */
static void k_targets_analysis(mimod_config c, const char *what) {
    trial *t = NULL;
    if (run_full(&c, &t) != 0 || !t) {
        CHECK(0, "%s: trial failed", what);
        trial_free(t);
        return;
    }
    const int N = t->N, T = c.task->n_targets(t->n_out), kpt = t->n_out / T, j = t->res.n_done - 1;
    CHECK(T == (c.task == &mimod_task_wm ? c.wm_bits : c.sep_sources), "%s: %d targets", what, T);
    CHECK(t->n_in == (c.task == &mimod_task_wm ? 2 * T : 3) && t->n_out == T * kpt,
          "%s: %d inputs, %d outputs", what, t->n_in, t->n_out);
    const real *w_out = t->mm_params + t->mm_layout.t[layout_find(&t->mm_layout, "w_out")].offset;
    const double d_out = d_out_index_k(w_out, T, kpt, N, t->groups, t->K);
    const double d_cor = d_cor_index_k(t->res.unit_out_corr, N, T, kpt, t->groups, t->K);
    CHECK(t->res.tc[TC_D_OUT][j] == d_out && isfinite(d_out), "%s: D_out %g = D_K of W_out (%g)", what,
          t->res.tc[TC_D_OUT][j], d_out);
    CHECK(t->res.tc[TC_D_COR][j] == d_cor && isfinite(d_cor), "%s: D_cor %g = D_K of unit_out_corr (%g)",
          what, t->res.tc[TC_D_COR][j], d_cor);
    if (c.task == &mimod_task_wm) {
        const real *w_in = t->mm_params + t->mm_layout.t[layout_find(&t->mm_layout, "w_in")].offset;
        const double d_in = d_in_index_k(w_in, T, N, t->groups, t->K);
        CHECK(t->res.tc[TC_D_IN][j] == d_in && isfinite(d_in), "%s: D_in %g = D_K of W_in (%g)", what,
              t->res.tc[TC_D_IN][j], d_in);
    }
    trial_free(t);
}

/* Central differences of the summed SM objective Σ_p Î_p w.r.t. every
 * statistics network's parameters (one flat buffer) vs trial_sm_objective's
 * gradient: each network's gradient must land in its own slice. */
static void gradcheck_sm(mimod_config c, const char *what) {
    mimod_err err = {0};
    trial *t = NULL;
    if (trial_create(&c, &t, &err)) {
        CHECK(0, "%s: trial_create: %s", what, err.msg);
        return;
    }
    CHECK(trial_sm_make_data(t, 2, &err) == 0, "%s: SM batch: %s", what, err.msg);
    size_t n = t->sm_layout.n_params;
    double mi0;
    CHECK(trial_sm_objective(t, &mi0, 1, (real)1.0, &err) == 0, "%s: SM objective: %s", what, err.msg);
    real *g = malloc(n * sizeof(real));
    memcpy(g, t->sm_grad, n * sizeof(real));
    /* every network's tensors, sampled: a few elements of each */
    const double h = getenv("GC_SM_H") ? atof(getenv("GC_SM_H")) : 1e-7;
    for (int ti = 0; ti < t->sm_layout.n_tensors; ti++) {
        const mimod_tensor *T = &t->sm_layout.t[ti];
        size_t sz = tensor_size(T), stride = sz > 7 ? sz / 7 : 1;
        double num2 = 0, diff2 = 0, size2 = 0;
        for (size_t k = 0; k < sz; k += stride) {
            real *p = t->sm_params + T->offset + k, keep = *p;
            double lp, lm;
            *p = keep + (real)h;
            trial_sm_objective(t, &lp, 0, 0, &err);
            *p = keep - (real)h;
            trial_sm_objective(t, &lm, 0, 0, &err);
            *p = keep;
            double fd = (lp - lm) / (2 * h), an = g[T->offset + k];
            num2 += (fd + an) * (fd + an) / 4;
            diff2 += (fd - an) * (fd - an);
            size2 += fmax(fd * fd, an * an);
        }
        double rel = sqrt(diff2) / fmax(sqrt(num2), 1e-12);
        /* b3 and b2 can be all but gradient-free; only judge a live tensor:
         * one whose analytic or numeric gradient is above the rounding noise
         * of the differences (Î's last bits over 2h: ~1e-9 per element; a
         * dead b2 of the 3-source SEP net showed |fd| ≤ 2e-9 against an
         * analytic 1e-15, which the former test on the mean of the two,
         * > 1e-9, judged as an error of 2). A gradient missing on either
         * side still counts: the larger of the two decides.
         * 1e-4: Î sums exp terms of order 1 while these gradients are ~1e-4,
         * so at h = 1e-7 rounding alone gives ~1e-5 (a smaller h is worse, a
         * larger one straddles the (leaky) ReLU kinks); a gradient in the
         * wrong network's slice is off by O(1). */
        if (sqrt(size2) > 1e-7)
            CHECK(rel < 1e-4, "%s: SM tensor %d (%s): relative error %.3g", what, ti, T->name, rel);
    }
    printf("  %s: SM gradient of Σ Î over %d network(s) checked\n", what, t->n_nets);
    free(g);
    trial_free(t);
}

/* The networks and sizes of K groups. */
static void k_groups_layout(void) {
    mimod_err err = {0};
    trial *t = NULL;
    mimod_config c = with_groups(tiny(&mimod_task_wm), 4, MI_PAIRS); /* N = 8: groups of 2 */
    CHECK(trial_create(&c, &t, &err) == 0, "K=4: %s", err.msg);
    if (!t) return;
    static const int want_x[] = {0, 0, 0, 1, 1, 2}, want_y[] = {1, 2, 3, 2, 3, 3};
    CHECK(t->n_nets == 6 && t->gsize == 2 && t->sm_dims.dx == 2 && t->sm_dims.dy == 2,
          "K=4 pairs: 6 networks on 2+2 units (%d)", t->n_nets);
    for (int p = 0; p < 6 && p < t->n_nets; p++)
        CHECK(t->net_x[p] == want_x[p] && t->net_y[p] == want_y[p], "pair %d is (%d, %d)", p,
              t->net_x[p], t->net_y[p]);
    CHECK(t->sm_layout.n_params == 6 * t->sm_layout1.n_params, "6 networks in the flat buffer");
    for (int i = 0; i < 8; i++) CHECK(t->groups[i] == i / 2, "unit %d in group %d", i, t->groups[i]);
    /* network 0 has K = 2's initial stream, the others their own */
    trial *t2 = NULL;
    mimod_config c2 = tiny(&mimod_task_wm);
    c2.n_units = 4; /* K = 2 on 2+2 units: the same first-network shape */
    trial_create(&c2, &t2, &err);
    size_t n1 = t->sm_layout1.n_params;
    CHECK(t2 && t2->sm_layout.n_params == n1 && memcmp(t2->sm_params, t->sm_params, n1 * sizeof(real)) == 0,
          "network 0 starts as K = 2's network");
    CHECK(memcmp(t->sm_params, t->sm_params + n1, n1 * sizeof(real)) != 0,
          "network 1 starts from its own stream");
    trial_free(t2);
    trial_free(t);
    c = with_groups(tiny(&mimod_task_wm), 4, MI_ONE_VS_REST);
    trial_create(&c, &t, &err);
    CHECK(t && t->n_nets == 4 && t->sm_dims.dx == 2 && t->sm_dims.dy == 6 && t->act_wide,
          "K=4 one_vs_rest: 4 networks on 2+6 units");
    trial_free(t);
}

/* A checkpoint of K = 2 does not load into K = 4 (nor pairs into one_vs_rest). */
static void checkpoint_across_k(void) {
    mimod_err err = {0};
    char path[] = "/tmp/mimod-test-ckptk-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    mimod_config c = tiny(&mimod_task_wm);
    trial *a = NULL, *b = NULL, *d = NULL;
    trial_create(&c, &a, &err);
    CHECK(trial_save_checkpoint(a, path, &err) == 0, "save: %s", err.msg);
    mimod_config c4 = with_groups(c, 4, MI_PAIRS);
    trial_create(&c4, &b, &err);
    CHECK(trial_load_checkpoint(b, path, &err) == MIMOD_EINVAL, "K=2 checkpoint refused by K=4");
    mimod_config cr = with_groups(c, 2, MI_ONE_VS_REST);
    trial_create(&cr, &d, &err);
    CHECK(trial_load_checkpoint(d, path, &err) == MIMOD_EINVAL, "pairs checkpoint refused by one_vs_rest");
    trial_free(a);
    trial_free(b);
    trial_free(d);
    unlink(path);
}

/* K = 2 with pairs is the paper's one network on (g1, g2) exactly: Î of an SM
 * batch and its parameter gradient, and Î of an MM step, equal bit for bit a
 * direct mine_estimate on the two halves of the noisy activity (the call the
 * trial made before K groups existed). */
static void k2_is_one_network(const mimod_task *task, const char *what) {
    mimod_err err = {0};
    trial *t = NULL;
    mimod_config c = tiny(task);
    if (trial_create(&c, &t, &err)) {
        CHECK(0, "%s: %s", what, err.msg);
        return;
    }
    CHECK(t->n_nets == 1 && t->net_x[0] == 0 && t->net_y[0] == 1 && t->sm_dims.dx == t->N / 2 &&
              t->sm_layout.n_params == t->sm_layout1.n_params,
          "%s: one network on N/2 + N/2 units", what);
    size_t n = (size_t)t->L * t->B, np = t->sm_layout.n_params;
    CHECK(trial_sm_make_data(t, 5, &err) == 0, "%s: %s", what, err.msg);
    double mi_trial, mi_direct;
    trial_sm_objective(t, &mi_trial, 1, (real)-1.0, &err);
    real *g_trial = malloc(np * sizeof(real)), *g_direct = calloc(np, sizeof(real));
    memcpy(g_trial, t->sm_grad, np * sizeof(real));
    mine_params gd;
    mine_bind(&gd, &t->sm_dims, &t->sm_layout1, g_direct);
    mine_estimate(&t->sm_p[0], &t->sm_dims, t->sm_ws, n, t->act_noisy, t->N, t->act_noisy + t->N / 2,
                  t->N, t->perm, &mi_direct, &gd, (real)-1.0, NULL, NULL, &err);
    CHECK(memcmp(&mi_trial, &mi_direct, sizeof mi_trial) == 0 &&
              memcmp(g_trial, g_direct, np * sizeof(real)) == 0,
          "%s: SM Î and gradient bit-identical to the one-network call (%.17g vs %.17g)", what,
          mi_trial, mi_direct);
    double mi_mm;
    trial_mm_loss(t, 4, NULL, NULL, NULL, NULL, &mi_mm, &err); /* leaves this step's noisy inputs */
    mine_estimate(&t->sm_p[0], &t->sm_dims, t->sm_ws, n, t->act_noisy, t->N, t->act_noisy + t->N / 2,
                  t->N, t->perm, &mi_direct, NULL, 0, NULL, NULL, &err);
    CHECK(memcmp(&mi_mm, &mi_direct, sizeof mi_mm) == 0, "%s: MM-step Î bit-identical", what);
    free(g_trial);
    free(g_direct);
    trial_free(t);
}

/* SEP's analysis windows, as the authors' separation/utils.py: Q_cor's matrix
 * (and CNM's) per sequence over every step, D_cor's unit–output correlations
 * skipping the first loss_skip steps, R² over every step. Recomputed from the
 * final evaluation's states and outputs, which the trial leaves in its buffers. */
static void sep_analysis_windows(void) {
    mimod_config c = tiny(&mimod_task_sep);
    trial *t = NULL;
    CHECK(c.loss_skip > 0, "tiny SEP skips %d steps in its loss", c.loss_skip);
    if (run_full(&c, &t) != 0 || !t) {
        CHECK(0, "sep analysis windows: trial failed");
        trial_free(t);
        return;
    }
    int N = t->N, B = t->B_eval, L = t->L, K = t->n_out, j = t->res.n_done - 1;
    double *all = malloc(sizeof(double) * (size_t)N * N);
    double *skipped = malloc(sizeof(double) * (size_t)N * N);
    double *uo = malloc(sizeof(double) * (size_t)N * K), r2[16];
    corr_abs_per_sequence(t->h, L, B, N, 0, all);
    corr_abs_per_sequence(t->h, L, B, N, c.loss_skip, skipped);
    cross_corr_abs_per_sequence(t->h, t->y, L, B, N, K, c.loss_skip, uo);
    r2_per_output(t->y, t->test_target, (size_t)L * B, K, r2);
    CHECK(memcmp(all, t->res.corr, sizeof(double) * (size_t)N * N) == 0,
          "final/corr is over every step");
    CHECK(memcmp(skipped, t->res.corr, sizeof(double) * (size_t)N * N) != 0,
          "(skipping loss_skip steps would give another matrix: the check can fail)");
    CHECK(t->res.tc[TC_Q_COR][j] == modularity_q(all, N, t->groups), "Q_cor from that matrix");
    CHECK(memcmp(uo, t->res.unit_out_corr, sizeof(double) * (size_t)N * K) == 0,
          "unit_out_corr skips loss_skip steps");
    CHECK(memcmp(r2, t->res.r2 + (size_t)j * K, sizeof(double) * (size_t)K) == 0,
          "R² per output over every step");
    free(all);
    free(skipped);
    free(uo);
    trial_free(t);
}

int main(void) {
    if (sizeof(real) == sizeof(double)) {
        gradcheck_mm(tiny(&mimod_task_wm), "wm");
        mimod_config c = tiny(&mimod_task_wm);
        c.noise_inside = 1;
        gradcheck_mm(c, "wm noise-inside");
        gradcheck_mm(tiny(&mimod_task_sep), "sep");
        c = tiny(&mimod_task_sep);
        c.gru_reset_after = 1;
        gradcheck_mm(c, "sep reset-after");
        /* K groups: every network's dÎ/dx, dÎ/dy must land on its own units */
        gradcheck_mm(with_groups(tiny(&mimod_task_wm), 4, MI_PAIRS), "wm K=4 pairs");
        gradcheck_mm(with_groups(tiny(&mimod_task_wm), 4, MI_ONE_VS_REST), "wm K=4 one_vs_rest");
        gradcheck_mm(with_groups(tiny(&mimod_task_sep), 4, MI_ONE_VS_REST), "sep K=4 one_vs_rest");
        gradcheck_sm(tiny(&mimod_task_wm), "wm K=2");
        gradcheck_sm(with_groups(tiny(&mimod_task_wm), 4, MI_PAIRS), "wm K=4 pairs");
        gradcheck_sm(with_groups(tiny(&mimod_task_sep), 4, MI_ONE_VS_REST), "sep K=4 one_vs_rest");
        /* K targets (issue 27): 3 bits (6 inputs, 3 outputs) and 3 sources
         * (9 outputs), in 3 groups */
        gradcheck_mm(with_targets(tiny(&mimod_task_wm), 3, 3), "wm 3 bits K=3");
        gradcheck_mm(with_targets(tiny(&mimod_task_sep), 3, 3), "sep 3 sources K=3");
        gradcheck_mm(with_targets(tiny(&mimod_task_wm), 4, 4), "wm 4 bits K=4");
        gradcheck_sm(with_targets(tiny(&mimod_task_wm), 3, 3), "wm 3 bits K=3");
        gradcheck_sm(with_targets(tiny(&mimod_task_sep), 3, 3), "sep 3 sources K=3");
    } else {
        printf("MM loss gradient checks need the double build (skipped here)\n");
    }
    determinism_and_resume(tiny(&mimod_task_wm), "wm");
    determinism_and_resume(tiny(&mimod_task_sep), "sep");
    determinism_and_resume(with_groups(tiny(&mimod_task_wm), 4, MI_PAIRS), "wm K=4 pairs");
    determinism_and_resume(with_groups(tiny(&mimod_task_sep), 4, MI_ONE_VS_REST), "sep K=4 one_vs_rest");
    determinism_and_resume(with_targets(tiny(&mimod_task_wm), 3, 3), "wm 3 bits K=3");
    determinism_and_resume(with_targets(tiny(&mimod_task_sep), 3, 3), "sep 3 sources K=3");
    k_targets_analysis(with_targets(tiny(&mimod_task_wm), 3, 3), "wm 3 bits K=3");
    k_targets_analysis(with_targets(tiny(&mimod_task_wm), 4, 2), "wm 4 bits K=2");
    k_targets_analysis(with_targets(tiny(&mimod_task_sep), 3, 3), "sep 3 sources K=3");
    k_targets_analysis(with_targets(tiny(&mimod_task_sep), 3, 2), "sep 3 sources K=2");
    k_groups_layout();
    k2_is_one_network(&mimod_task_wm, "wm K=2");
    k2_is_one_network(&mimod_task_sep, "sep K=2");
    checkpoint_across_k();
    sep_analysis_windows();
    /* the version follows the layout: another list of blocks, another version */
    uint32_t v1 = trial_checkpoint_layout_version("mm_step sm_step ");
    uint32_t v2 = trial_checkpoint_layout_version("mm_step sm_step d_new ");
    CHECK(v1 != 1 && v2 != 1 && v1 != v2 && (v1 & 0x80000000u) && (v2 & 0x80000000u),
          "layout versions %u %u", v1, v2);
    divergence();
    return check_report("test_trial");
}
