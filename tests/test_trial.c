/* test_trial.c — the whole trial: the MM loss gradient (task + L2 + λ_I·Î
 * through MINE and the permutation, double build), the schedule, determinism,
 * exact resume from a checkpoint, and divergence detection. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/trial_internal.h"
#include "check.h"
#include "mimod/config.h"

static mimod_config tiny(mimod_task_kind task) {
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

static void determinism_and_resume(mimod_task_kind task, const char *what) {
    mimod_config c = tiny(task);
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
        int applies = !((task == TASK_WM && q == TC_R2_MEAN) ||
                        (task == TASK_SEP && (q == TC_ACCURACY || q == TC_D_IN)));
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
    mimod_config c = tiny(TASK_WM);
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

int main(void) {
    if (sizeof(real) == sizeof(double)) {
        gradcheck_mm(tiny(TASK_WM), "wm");
        mimod_config c = tiny(TASK_WM);
        c.noise_inside = 1;
        gradcheck_mm(c, "wm noise-inside");
        gradcheck_mm(tiny(TASK_SEP), "sep");
        c = tiny(TASK_SEP);
        c.gru_reset_after = 1;
        gradcheck_mm(c, "sep reset-after");
    } else {
        printf("MM loss gradient checks need the double build (skipped here)\n");
    }
    determinism_and_resume(TASK_WM, "wm");
    determinism_and_resume(TASK_SEP, "sep");
    divergence();
    return check_report("test_trial");
}
