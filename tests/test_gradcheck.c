/* test_gradcheck.c — central-difference checks of every backward pass of the
 * main models: leaky RNN BPTT (both noise placements), GRU BPTT (both reset
 * variants, with T long enough to cross the backward's step chunks), the
 * readout (including the gradient handed upstream) and l2_penalty.
 *
 * The losses mimic how the trainer uses the models: a readout y of the
 * activity with a loss Σ c·y + ½ Σ q·y² (task-like), plus a direct term
 * Σ e·a + ½ Σ s·a² on the activity itself (MINE-like). Every element of every
 * parameter tensor is checked. Backward passes must *accumulate*, so every
 * gradient buffer starts from a non-zero pattern that is subtracted after.
 * Double build only: in float the differences are too coarse (exit 77). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/models.h"

#define EPS 1e-5
#define REL_TOL 1e-5
/* relative error = |analytic − numeric| / max(|analytic|, |numeric|, FLOOR):
 * FLOOR keeps gradients that are zero up to round-off from counting as
 * relative failures; it is far below the typical gradient size here (~1e-2). */
#define FLOOR 1e-6

typedef double (*loss_fn)(void *ctx);

/* Compare analytic[0..n) with central differences of f w.r.t. x[0..n). */
static void check_tensor(const char *what, real *x, const real *analytic, size_t n, loss_fn f,
                         void *ctx) {
    double max_rel = 0, max_abs_grad = 0;
    size_t worst = 0;
    for (size_t j = 0; j < n; j++) {
        real saved = x[j];
        x[j] = saved + EPS;
        double lp = f(ctx);
        x[j] = saved - EPS;
        double lm = f(ctx);
        x[j] = saved;
        double num = (lp - lm) / (2 * EPS), a = analytic[j];
        double rel = fabs(a - num) / fmax(fmax(fabs(a), fabs(num)), FLOOR);
        if (rel > max_rel) {
            max_rel = rel;
            worst = j;
        }
        max_abs_grad = fmax(max_abs_grad, fabs(a));
    }
    CHECK(max_rel < REL_TOL, "%s: max relative error %.3g at element %zu of %zu", what, max_rel,
          worst, n);
    /* a gradient that is zero everywhere would pass trivially */
    CHECK(max_abs_grad > 1e-3, "%s: gradient is not identically small (max %g)", what, max_abs_grad);
    printf("  %-34s %4zu elements, max rel err %.2e\n", what, n, max_rel);
}

/* grad buffer starts at pattern(j); the analytic gradient is grad − pattern */
static real pattern(size_t j) { return (real)(0.25 * ((double)(j % 7) - 3.0)); }
static void fill_pattern(real *g, size_t n) {
    for (size_t j = 0; j < n; j++) g[j] = pattern(j);
}
static void remove_pattern(real *g, size_t n) {
    for (size_t j = 0; j < n; j++) g[j] -= pattern(j);
}

/* L = Σ c·y + ½ Σ q·y² + Σ e·a + ½ Σ s·a²; fills d_y and d_a (if non-NULL) */
static double task_and_direct_loss(size_t M, int n_out, int N, const real *y, const real *a,
                                   const real *c, const real *q, const real *e, const real *s,
                                   real *d_y, real *d_a) {
    double L = 0;
    for (size_t j = 0; j < M * n_out; j++) {
        L += c[j] * y[j] + 0.5 * q[j] * y[j] * y[j];
        if (d_y) d_y[j] = c[j] + q[j] * y[j];
    }
    for (size_t j = 0; j < M * N; j++) {
        L += e[j] * a[j] + 0.5 * s[j] * a[j] * a[j];
        if (d_a) d_a[j] = e[j] + s[j] * a[j];
    }
    return L;
}

/* ---------------- leaky RNN ---------------- */
typedef struct {
    leaky_dims d;
    leaky_params p;
    int B, T;
    real *x, *h0, *xi, *h, *r, *y, *c, *q, *e, *s;
} leaky_case;

static double leaky_loss(void *ctx) {
    leaky_case *k = ctx;
    int N = k->d.n_units, n_out = k->d.n_out;
    size_t M = (size_t)k->T * k->B;
    leaky_forward(&k->p, &k->d, k->B, k->T, k->x, k->h0, k->xi, k->h, k->r);
    readout_forward(k->p.w_out, k->p.b_out, n_out, N, M, k->r, k->y);
    return task_and_direct_loss(M, n_out, N, k->y, k->r, k->c, k->q, k->e, k->s, NULL, NULL);
}

static real *rnd(mimod_rng *rng, size_t n, double sd) {
    real *v = malloc(n * sizeof(real));
    rng_fill_normal(rng, v, n, 0, sd);
    return v;
}

/* last_step_only: the loss sees only the final step, so every parameter
 * gradient has to travel back through the recurrence */
static void gradcheck_leaky(int noise_inside, int last_step_only) {
    enum { N = 6, K = 3, NOUT = 2, B = 3, T = 7 };
    leaky_case k = {.d = {.n_units = N, .n_in = K, .n_out = NOUT, .alpha = 0.2,
                          .noise_inside = noise_inside},
                    .B = B, .T = T};
    mimod_layout l;
    leaky_layout(&k.d, 1.0, &l);
    real *params = malloc(l.n_params * sizeof(real)), *grad = malloc(l.n_params * sizeof(real));
    leaky_bind(&k.p, &l, params);
    mimod_rng rng;
    rng_init(&rng, 42, RNG_STREAM_TEST, 100 + 2 * noise_inside + last_step_only);
    leaky_init(&k.p, &k.d, 1.5, &rng);
    rng_fill_normal(&rng, k.p.b, N, 0, 0.3); /* non-zero biases so they matter */
    rng_fill_normal(&rng, k.p.b_out, NOUT, 0, 0.3);
    size_t M = (size_t)T * B;
    k.x = rnd(&rng, M * K, 1.0);
    k.h0 = rnd(&rng, (size_t)B * N, 1.0);
    k.xi = rnd(&rng, M * N, 0.3);
    k.c = rnd(&rng, M * NOUT, 1.0);
    k.q = rnd(&rng, M * NOUT, 1.0);
    k.e = rnd(&rng, M * N, 1.0);
    k.s = rnd(&rng, M * N, 1.0);
    if (last_step_only) {
        size_t before = (size_t)(T - 1) * B;
        memset(k.c, 0, before * NOUT * sizeof(real));
        memset(k.q, 0, before * NOUT * sizeof(real));
        memset(k.e, 0, before * N * sizeof(real));
        memset(k.s, 0, before * N * sizeof(real));
    }
    k.h = malloc(M * N * sizeof(real));
    k.r = malloc(M * N * sizeof(real));
    k.y = malloc(M * NOUT * sizeof(real));
    real *d_y = malloc(M * NOUT * sizeof(real)), *d_r = malloc(M * N * sizeof(real));
    real *scratch = malloc(leaky_scratch_size(&k.d, B, T) * sizeof(real));

    /* analytic: forward, loss gradients, readout backward into d_r, BPTT */
    leaky_forward(&k.p, &k.d, B, T, k.x, k.h0, k.xi, k.h, k.r);
    readout_forward(k.p.w_out, k.p.b_out, NOUT, N, M, k.r, k.y);
    task_and_direct_loss(M, NOUT, N, k.y, k.r, k.c, k.q, k.e, k.s, d_y, d_r);
    fill_pattern(grad, l.n_params);
    leaky_params g;
    leaky_bind(&g, &l, grad);
    readout_backward(k.p.w_out, NOUT, N, M, k.r, d_y, g.w_out, g.b_out, d_r);
    leaky_backward(&k.p, &g, &k.d, B, T, k.x, k.h0, k.h, k.r, d_r, scratch);
    remove_pattern(grad, l.n_params);

    printf("leaky RNN, noise %s%s:\n", noise_inside ? "inside" : "outside",
           last_step_only ? ", loss on the last step only" : "");
    char what[64];
    for (int i = 0; i < l.n_tensors; i++) {
        snprintf(what, sizeof what, "leaky %s", l.t[i].name);
        check_tensor(what, params + l.t[i].offset, grad + l.t[i].offset, tensor_size(&l.t[i]),
                     leaky_loss, &k);
    }
    free(params), free(grad), free(k.x), free(k.h0), free(k.xi), free(k.c), free(k.q);
    free(k.e), free(k.s), free(k.h), free(k.r), free(k.y), free(d_y), free(d_r), free(scratch);
}

/* ---------------- GRU ---------------- */
typedef struct {
    gru_dims d;
    gru_params p;
    int B, T;
    real *x, *h0, *h, *y, *c, *q, *e, *s, *cache, *scratch;
} gru_case;

static double gru_loss(void *ctx) {
    gru_case *k = ctx;
    int N = k->d.n_units, n_out = k->d.n_out;
    size_t M = (size_t)k->T * k->B;
    gru_forward(&k->p, &k->d, k->B, k->T, k->x, k->h0, k->h, NULL, k->scratch);
    readout_forward(k->p.w_out, k->p.b_out, n_out, N, M, k->h, k->y);
    return task_and_direct_loss(M, n_out, N, k->y, k->h, k->c, k->q, k->e, k->s, NULL, NULL);
}

static void gradcheck_gru(int reset_after, int T) {
    enum { N = 5, K = 3, NOUT = 2, B = 3 };
    gru_case k = {.d = {.n_units = N, .n_in = K, .n_out = NOUT, .reset_after = reset_after},
                  .B = B, .T = T};
    mimod_layout l;
    gru_layout(&k.d, 0.1, &l);
    real *params = malloc(l.n_params * sizeof(real)), *grad = malloc(l.n_params * sizeof(real));
    gru_bind(&k.p, &l, params);
    mimod_rng rng;
    rng_init(&rng, 42, RNG_STREAM_TEST, 200 + 2 * reset_after + (T > 1));
    gru_init(&k.p, &k.d, &rng);
    /* larger recurrent weights than the orthogonal init, and non-zero biases,
     * so every term of the gates matters */
    rng_fill_normal(&rng, k.p.u, (size_t)3 * N * N, 0, 0.7);
    rng_fill_normal(&rng, k.p.b, (size_t)3 * N, 0, 0.4);
    rng_fill_normal(&rng, k.p.b_out, NOUT, 0, 0.3);
    size_t M = (size_t)T * B;
    k.x = rnd(&rng, M * K, 1.0);
    k.h0 = rnd(&rng, (size_t)B * N, 0.5);
    k.c = rnd(&rng, M * NOUT, 1.0);
    k.q = rnd(&rng, M * NOUT, 1.0);
    k.e = rnd(&rng, M * N, 1.0);
    k.s = rnd(&rng, M * N, 1.0);
    k.h = malloc(M * N * sizeof(real));
    k.y = malloc(M * NOUT * sizeof(real));
    k.cache = malloc(gru_cache_size(&k.d, B, T) * sizeof(real));
    k.scratch = malloc(gru_scratch_size(&k.d, B) * sizeof(real));
    real *d_y = malloc(M * NOUT * sizeof(real)), *d_h = malloc(M * N * sizeof(real));

    gru_forward(&k.p, &k.d, B, T, k.x, k.h0, k.h, k.cache, k.scratch);
    readout_forward(k.p.w_out, k.p.b_out, NOUT, N, M, k.h, k.y);
    task_and_direct_loss(M, NOUT, N, k.y, k.h, k.c, k.q, k.e, k.s, d_y, d_h);
    fill_pattern(grad, l.n_params);
    gru_params g;
    gru_bind(&g, &l, grad);
    readout_backward(k.p.w_out, NOUT, N, M, k.h, d_y, g.w_out, g.b_out, d_h);
    gru_backward(&k.p, &g, &k.d, B, T, k.x, k.h0, k.h, k.cache, d_h, k.scratch);
    remove_pattern(grad, l.n_params);

    printf("GRU, reset %s, T = %d:\n", reset_after ? "after" : "before", T);
    char what[64];
    for (int i = 0; i < l.n_tensors; i++) {
        snprintf(what, sizeof what, "gru %s", l.t[i].name);
        check_tensor(what, params + l.t[i].offset, grad + l.t[i].offset, tensor_size(&l.t[i]),
                     gru_loss, &k);
    }
    free(params), free(grad), free(k.x), free(k.h0), free(k.c), free(k.q), free(k.e), free(k.s);
    free(k.h), free(k.y), free(k.cache), free(k.scratch), free(d_y), free(d_h);
}

/* ---------------- readout alone, including d_a ---------------- */
typedef struct {
    real *w, *bo, *a, *y, *c, *q, *e, *s;
    int n_out, N;
    size_t M;
} readout_case;

static double readout_loss(void *ctx) {
    readout_case *k = ctx;
    readout_forward(k->w, k->bo, k->n_out, k->N, k->M, k->a, k->y);
    return task_and_direct_loss(k->M, k->n_out, k->N, k->y, k->a, k->c, k->q, k->e, k->s, NULL,
                                NULL);
}

static void gradcheck_readout(void) {
    enum { N = 4, NOUT = 3, M = 5 };
    mimod_rng rng;
    rng_init(&rng, 42, RNG_STREAM_TEST, 300);
    readout_case k = {.n_out = NOUT, .N = N, .M = M};
    k.w = rnd(&rng, NOUT * N, 1.0);
    k.bo = rnd(&rng, NOUT, 1.0);
    k.a = rnd(&rng, M * N, 1.0);
    k.c = rnd(&rng, M * NOUT, 1.0);
    k.q = rnd(&rng, M * NOUT, 1.0);
    /* no direct term on a: d_a must come from the readout alone */
    k.e = calloc(M * N, sizeof(real));
    k.s = calloc(M * N, sizeof(real));
    k.y = malloc(M * NOUT * sizeof(real));
    real d_y[M * NOUT], gw[NOUT * N], gb[NOUT], da[M * N];
    readout_forward(k.w, k.bo, NOUT, N, M, k.a, k.y);
    task_and_direct_loss(M, NOUT, N, k.y, k.a, k.c, k.q, k.e, k.s, d_y, NULL);
    fill_pattern(gw, NOUT * N);
    fill_pattern(gb, NOUT);
    fill_pattern(da, M * N);
    readout_backward(k.w, NOUT, N, M, k.a, d_y, gw, gb, da);
    remove_pattern(gw, NOUT * N);
    remove_pattern(gb, NOUT);
    remove_pattern(da, M * N);
    printf("readout:\n");
    check_tensor("readout w_out", k.w, gw, NOUT * N, readout_loss, &k);
    check_tensor("readout b_out", k.bo, gb, NOUT, readout_loss, &k);
    check_tensor("readout d_a (upstream)", k.a, da, M * N, readout_loss, &k);
    free(k.w), free(k.bo), free(k.a), free(k.c), free(k.q), free(k.e), free(k.s), free(k.y);
}

/* ---------------- l2_penalty (params.h) ---------------- */
typedef struct {
    const mimod_layout *l;
    real *params;
    double scale;
} l2_case;

static double l2_loss(void *ctx) {
    l2_case *k = ctx;
    return k->scale * l2_penalty(k->l, k->params, NULL, 0);
}

static void gradcheck_l2(void) {
    /* by hand: a = (1, 2) factor 1, b = (5) factor 0, c = (3, 4) factor 0.1
     * → 1·½·5 + 0 + 0.1·½·25 = 3.75 */
    mimod_layout small = {0};
    layout_add(&small, "a", 2, 1, 1.0);
    layout_add(&small, "b", 1, 1, 0.0);
    layout_add(&small, "c", 1, 2, 0.1);
    real v[5] = {1, 2, 5, 3, 4}, gv[5] = {0};
    CHECK_CLOSE(l2_penalty(&small, v, gv, 2.0), 3.75, 1e-12, 0, "l2 by hand");
    const real gv_want[5] = {2, 4, 0, 0.6, 0.8}; /* scale·factor·w */
    for (int j = 0; j < 5; j++) CHECK_CLOSE(gv[j], gv_want[j], 1e-12, 0, "l2 grad by hand");

    gru_dims d = {.n_units = 4, .n_in = 3, .n_out = 6};
    mimod_layout l;
    gru_layout(&d, 0.1, &l);
    real *params = malloc(l.n_params * sizeof(real)), *grad = malloc(l.n_params * sizeof(real));
    mimod_rng rng;
    rng_init(&rng, 42, RNG_STREAM_TEST, 400);
    rng_fill_normal(&rng, params, l.n_params, 0, 1);
    l2_case k = {.l = &l, .params = params, .scale = 0.3};
    fill_pattern(grad, l.n_params);
    l2_penalty(&l, params, grad, (real)k.scale);
    remove_pattern(grad, l.n_params);
    printf("l2_penalty on the GRU layout:\n");
    for (int i = 0; i < l.n_tensors; i++) {
        const mimod_tensor *t = &l.t[i];
        char what[64];
        snprintf(what, sizeof what, "l2 %s", t->name);
        if (t->l2_factor == 0) { /* biases: no penalty, gradient untouched */
            int untouched = 1;
            for (size_t j = 0; j < tensor_size(t); j++) untouched &= grad[t->offset + j] == 0;
            CHECK(untouched, "%s: no gradient for a tensor without L2", what);
            continue;
        }
        check_tensor(what, params + t->offset, grad + t->offset, tensor_size(t), l2_loss, &k);
    }
    free(params), free(grad);
}

int main(void) {
    if (sizeof(real) == 4) {
        printf("test_gradcheck: float build, skipped (needs -Dscalar=double)\n");
        return 77;
    }
    gradcheck_leaky(0, 0);
    gradcheck_leaky(1, 0);
    gradcheck_leaky(0, 1);
    gradcheck_gru(0, 37); /* 37 steps: a partial and a full 32-step chunk */
    gradcheck_gru(1, 37);
    gradcheck_gru(0, 1);
    gradcheck_gru(1, 1);
    gradcheck_readout();
    gradcheck_l2();
    return check_report("test_gradcheck");
}
