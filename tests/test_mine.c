/* test_mine.c — the MINE statistics network and the Donsker–Varadhan estimate.
 *
 *  1. Gradient checks (double build only): dÎ/dθ for every tensor, dÎ/dx and
 *     dÎ/dy (including the permuted half, scattered back by π), both variants,
 *     with chunks small enough that several chunks and a growing running max
 *     are exercised, with x and y apart or side by side in their rows;
 *     central differences, relative error < 1e-5.
 *  2. Î equals a direct computation without chunking, for several chunk sizes.
 *  3. Argument and divergence errors.
 *  4. Estimation: train T with Adam on correlated Gaussians (x, y ∈ R^5,
 *     per-coordinate correlation ρ, true MI = −(5/2)·ln(1−ρ²)) and check the
 *     estimate on a large fresh sample. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/mine.h"
#include "mimod/optim.h"

/* ------------------------------------------------------------- helpers */

static mine_dims dims_wm(int dx, int dy, int H) {
    mine_dims d = {.dx = dx, .dy = dy, .hidden = H, .act = MINE_RELU, .leaky_slope = 0.0,
                   .out_bias = 1};
    return d;
}

static mine_dims dims_sep(int dx, int dy, int H) {
    mine_dims d = {.dx = dx, .dy = dy, .hidden = H, .act = MINE_LEAKY_RELU, .leaky_slope = 0.25,
                   .out_bias = 0};
    return d;
}

/* Every parameter, biases included, uniform in [−a, a], so units are neither
 * all active nor all dead. */
static void random_params(real *buf, size_t n, mimod_rng *rng, double a) {
    for (size_t i = 0; i < n; i++) buf[i] = (real)(a * (2.0 * rng_uniform(rng) - 1.0));
}

static double act_d(double z, const mine_dims *d) {
    return z > 0 ? z : (d->act == MINE_LEAKY_RELU ? d->leaky_slope * z : 0.0);
}

/* T(x, y) computed directly, in double, one sample at a time. */
static double naive_T(const mine_params *p, const mine_dims *d, const real *x, const real *y) {
    const int H = d->hidden;
    double h1[256], t = 0.0;
    for (int h = 0; h < H; h++) {
        double z = p->b1[h];
        for (int k = 0; k < d->dx; k++) z += (double)p->wx[h * d->dx + k] * x[k];
        for (int k = 0; k < d->dy; k++) z += (double)p->wy[h * d->dy + k] * y[k];
        h1[h] = act_d(z, d);
    }
    for (int h = 0; h < H; h++) {
        double z = p->b2[h];
        for (int k = 0; k < H; k++) z += (double)p->w2[h * H + k] * h1[k];
        t += (double)p->w3[h] * act_d(z, d);
    }
    if (d->out_bias) t += p->b3[0];
    return t;
}

/* Î = mean T(x_i, y_i) − log mean exp T(x_i, y_π(i)), straight from the definition. */
static double naive_mi(const mine_params *p, const mine_dims *d, size_t n, const real *x, int ldx,
                       const real *y, int ldy, const uint32_t *perm) {
    double sj = 0.0, se = 0.0;
    for (size_t i = 0; i < n; i++) {
        sj += naive_T(p, d, x + i * ldx, y + i * ldy);
        se += exp(naive_T(p, d, x + i * ldx, y + (size_t)perm[i] * ldy));
    }
    return sj / (double)n - log(se / (double)n);
}

/* ------------------------------------------------- 1. gradient checks */

#define GC_N 37
#define GC_CHUNK 8
#define GC_DX 3
#define GC_DY 4
#define GC_H 5
#define GC_LD (GC_DX + GC_DY + 2) /* x and y are column ranges of one matrix */

#ifdef MIMOD_DOUBLE
/* |analytic − numeric| ≤ 1e-5 · max(|analytic|, |numeric|, 1e-5): a relative
 * error below 1e-5, with an absolute floor of 1e-10 for the near-zero
 * elements where central differences only see rounding noise. max_rel gets
 * the largest such error. */
static int grad_ok(double a, double num, double *max_rel) {
    double diff = fabs(a - num), mag = fmax(fmax(fabs(a), fabs(num)), 1e-5);
    if (diff / mag > *max_rel) *max_rel = diff / mag;
    return diff <= 1e-5 * mag;
}

/* gap: columns between x and y in the shared rows. With gap 0 they are side by
 * side, as in a trial, and mine_estimate takes its one-GEMM dW1 path. */
static void gradcheck_variant(const mine_dims *d, int gap, const char *name) {
    mimod_rng rng;
    rng_init(&rng, 7, RNG_STREAM_TEST, (d->act == MINE_RELU ? 1 : 3) + (gap ? 0 : 25));
    mimod_layout l;
    mine_layout(d, &l);
    real *theta = calloc(l.n_params, sizeof(real));
    real *grad = calloc(l.n_params, sizeof(real));
    real *data = calloc((size_t)GC_N * GC_LD, sizeof(real));
    real *d_x = calloc((size_t)GC_N * GC_DX, sizeof(real));
    real *d_y = calloc((size_t)GC_N * GC_DY, sizeof(real));
    uint32_t perm[GC_N];
    mine_params p, g;
    mine_bind(&p, d, &l, theta);
    mine_bind(&g, d, &l, grad);
    random_params(theta, l.n_params, &rng, 0.8);
    /* Rows grow in magnitude with the index so the marginal T's running max
     * keeps moving across chunks (checked below). */
    for (int i = 0; i < GC_N; i++)
        for (int k = 0; k < GC_LD; k++)
            data[i * GC_LD + k] = (real)((1.0 + 0.08 * i) * rng_normal(&rng));
    rng_permutation(&rng, perm, GC_N);
    real *x = data, *y = data + GC_DX + gap;

    /* The running max over chunks must grow after the first chunk at least once,
     * or the rescaling path would go untested. */
    int grows = 0;
    double run = -INFINITY;
    for (int c0 = 0; c0 < GC_N; c0 += GC_CHUNK) {
        double cm = -INFINITY;
        for (int i = c0; i < c0 + GC_CHUNK && i < GC_N; i++)
            cm = fmax(cm, naive_T(&p, d, x + i * GC_LD, y + perm[i] * GC_LD));
        if (c0 > 0 && cm > run) grows++;
        run = fmax(run, cm);
    }
    CHECK(grows >= 1, "%s: running max never grows after chunk 0", name);

    mine_workspace *ws;
    mimod_err err = {0};
    CHECK(mine_workspace_create(d, GC_N, GC_CHUNK, &ws, &err) == MIMOD_OK, "%s", err.msg);

    /* Analytic, accumulated on top of prefilled buffers with a scale. */
    const real scale = (real)0.7, pre_g = (real)0.3, pre_x = (real)0.1, pre_y = (real)-0.2;
    for (size_t i = 0; i < l.n_params; i++) grad[i] = pre_g;
    for (int i = 0; i < GC_N * GC_DX; i++) d_x[i] = pre_x;
    for (int i = 0; i < GC_N * GC_DY; i++) d_y[i] = pre_y;
    double mi;
    int rc = mine_estimate(&p, d, ws, GC_N, x, GC_LD, y, GC_LD, perm, &mi, &g, scale, d_x, d_y, &err);
    CHECK(rc == MIMOD_OK, "%s: %s", name, err.msg);
    CHECK_CLOSE(mi, naive_mi(&p, d, GC_N, x, GC_LD, y, GC_LD, perm), 1e-12, 1e-12, "gc: Î vs naive");

    const double h = 1e-5;
    for (int ti = 0; ti < l.n_tensors; ti++) {
        const mimod_tensor *t = &l.t[ti];
        int bad = 0;
        double max_rel = 0.0;
        for (size_t j = 0; j < tensor_size(t); j++) {
            real *w = theta + t->offset + j;
            real keep = *w;
            double fp, fm;
            *w = keep + h;
            mine_estimate(&p, d, ws, GC_N, x, GC_LD, y, GC_LD, perm, &fp, NULL, 0, NULL, NULL, &err);
            *w = keep - h;
            mine_estimate(&p, d, ws, GC_N, x, GC_LD, y, GC_LD, perm, &fm, NULL, 0, NULL, NULL, &err);
            *w = keep;
            double num = (fp - fm) / (2 * h);
            double an = (grad[t->offset + j] - pre_g) / scale;
            if (!grad_ok(an, num, &max_rel)) bad++;
        }
        CHECK(bad == 0, "%s: dÎ/d%s: %d elements off, max rel err %.3g", name, t->name, bad, max_rel);
        printf("  %s dÎ/d%-2s max rel err %.2e\n", name, t->name, max_rel);
    }
    /* inputs: x_i enters joint row i and marginal row i; y_j enters joint row j
     * and marginal row π⁻¹(j). */
    for (int which = 0; which < 2; which++) {
        int dim = which == 0 ? GC_DX : GC_DY, bad = 0;
        real *base = which == 0 ? x : y, *an_buf = which == 0 ? d_x : d_y;
        real pre = which == 0 ? pre_x : pre_y;
        double max_rel = 0.0;
        for (int i = 0; i < GC_N; i++)
            for (int k = 0; k < dim; k++) {
                real *v = base + i * GC_LD + k, keep = *v;
                double fp, fm;
                *v = keep + h;
                mine_estimate(&p, d, ws, GC_N, x, GC_LD, y, GC_LD, perm, &fp, NULL, 0, NULL, NULL,
                              &err);
                *v = keep - h;
                mine_estimate(&p, d, ws, GC_N, x, GC_LD, y, GC_LD, perm, &fm, NULL, 0, NULL, NULL,
                              &err);
                *v = keep;
                double num = (fp - fm) / (2 * h);
                double an = (an_buf[i * dim + k] - pre) / scale;
                if (!grad_ok(an, num, &max_rel)) bad++;
            }
        CHECK(bad == 0, "%s: dÎ/d%s: %d elements off, max rel err %.3g", name,
              which == 0 ? "x" : "y", bad, max_rel);
        printf("  %s dÎ/d%s  max rel err %.2e\n", name, which == 0 ? "x" : "y", max_rel);
    }

    /* Input gradients alone (no parameter gradient) give the same values. */
    memset(d_x, 0, sizeof(real) * GC_N * GC_DX);
    real *d_y2 = calloc((size_t)GC_N * GC_DY, sizeof(real));
    rc = mine_estimate(&p, d, ws, GC_N, x, GC_LD, y, GC_LD, perm, &mi, NULL, 1, NULL, d_y2, &err);
    CHECK(rc == MIMOD_OK, "%s", err.msg);
    double maxdiff = 0.0;
    for (int i = 0; i < GC_N * GC_DY; i++)
        maxdiff = fmax(maxdiff, fabs(d_y2[i] - (d_y[i] - pre_y) / scale));
    CHECK(maxdiff < 1e-12, "%s: d_y alone differs by %g", name, maxdiff);

    free(d_y2);
    mine_workspace_free(ws);
    free(theta);
    free(grad);
    free(data);
    free(d_x);
    free(d_y);
}

#endif /* MIMOD_DOUBLE */

/* ------------------------------------------ 2. Î equals the naive value */

static void test_matches_naive(const mine_dims *d, const char *name) {
    const size_t n = 301;
    mimod_rng rng;
    rng_init(&rng, 11, RNG_STREAM_TEST, 10 + (uint64_t)d->act);
    mimod_layout l;
    mine_layout(d, &l);
    real *theta = calloc(l.n_params, sizeof(real));
    real *x = calloc(n * d->dx, sizeof(real)), *y = calloc(n * d->dy, sizeof(real));
    uint32_t *perm = calloc(n, sizeof(uint32_t));
    mine_params p;
    mine_bind(&p, d, &l, theta);
    random_params(theta, l.n_params, &rng, 0.5);
    rng_fill_normal(&rng, x, n * d->dx, 0.0, 1.0);
    rng_fill_normal(&rng, y, n * d->dy, 0.0, 1.0);
    rng_permutation(&rng, perm, n);
    double ref = naive_mi(&p, d, n, x, d->dx, y, d->dy, perm);
    const int chunks[] = {1, 7, 64, 301, 0};
    for (int ci = 0; ci < 5; ci++) {
        mine_workspace *ws;
        mimod_err err = {0};
        double mi = NAN;
        CHECK(mine_workspace_create(d, n + 5, chunks[ci], &ws, &err) == MIMOD_OK, "%s", err.msg);
        int rc = mine_estimate(&p, d, ws, n, x, d->dx, y, d->dy, perm, &mi, NULL, 1, NULL, NULL, &err);
        CHECK(rc == MIMOD_OK, "%s", err.msg);
#ifdef MIMOD_DOUBLE
        CHECK_CLOSE(mi, ref, 1e-11, 1e-11, name);
#else
        CHECK_CLOSE(mi, ref, 1e-4, 1e-4, name);
#endif
        mine_workspace_free(ws);
    }
    free(theta);
    free(x);
    free(y);
    free(perm);
}

/* Hand-checkable cases with H = 1 (ReLU, w2 = w3 = 1): constant T, T = relu(x)
 * and T = relu(y). */
static void test_hand_values(void) {
    mine_dims d = dims_wm(1, 1, 1);
    mimod_layout l;
    mine_layout(&d, &l);
    real theta[16] = {0};
    mine_params p;
    mine_bind(&p, &d, &l, theta);
    real x[4] = {1, 2, -1, 3}, y[4] = {5, -5, 0.5f, 2};
    uint32_t perm[4] = {2, 0, 3, 1};
    mine_workspace *ws;
    mimod_err err = {0};
    CHECK(mine_workspace_create(&d, 4, 3, &ws, &err) == MIMOD_OK, "%s", err.msg);
    double mi = NAN;
    p.b3[0] = 2.5;
    CHECK(mine_estimate(&p, &d, ws, 4, x, 1, y, 1, perm, &mi, NULL, 1, NULL, NULL, &err) == MIMOD_OK,
          "%s", err.msg);
    CHECK_CLOSE(mi, 0.0, 1e-6, 0, "constant T gives 0");
    p.wx[0] = 1;
    p.w2[0] = 1;
    p.w3[0] = 1;
    CHECK(mine_estimate(&p, &d, ws, 4, x, 1, y, 1, perm, &mi, NULL, 1, NULL, NULL, &err) == MIMOD_OK,
          "%s", err.msg);
    /* T = relu(x): joint and marginal rows both give relu(x_i) = {1,2,0,3}, so
     * Î = 1.5 − log((e + e² + 1 + e³)/4) (Jensen's gap, not 0). */
    CHECK_CLOSE(mi, 1.5 - log((exp(1.0) + exp(2.0) + 1.0 + exp(3.0)) / 4.0), 1e-5, 1e-5,
                "T = relu(x) by hand");
    /* T(x, y) = relu(y) (wx = 0, wy = 1): joint mean of relu(y) = (5+0+0.5+2)/4 = 1.875;
     * the marginal values are relu(y_π(i)) — the same multiset — so
     * Î = 1.875 − log((e^5 + e^0 + e^0.5 + e^2)/4). */
    p.wx[0] = 0;
    p.wy[0] = 1;
    p.b3[0] = 0;
    CHECK(mine_estimate(&p, &d, ws, 4, x, 1, y, 1, perm, &mi, NULL, 1, NULL, NULL, &err) == MIMOD_OK,
          "%s", err.msg);
    CHECK_CLOSE(mi, 1.875 - log((exp(5.0) + 1.0 + exp(0.5) + exp(2.0)) / 4.0), 1e-5, 1e-5,
                "T = relu(y) by hand");
    mine_workspace_free(ws);
}

/* ---------------------------------------------------------- 3. errors */

static void test_errors(void) {
    mine_dims d = dims_sep(2, 2, 3);
    mimod_layout l;
    mine_layout(&d, &l);
    CHECK(l.n_tensors == 6 && layout_find(&l, "b3") < 0, "SEP variant has no b3");
    mine_dims dw = dims_wm(2, 2, 3);
    mimod_layout lw;
    mine_layout(&dw, &lw);
    CHECK(lw.n_tensors == 7 && lw.n_params == l.n_params + 1, "WM variant has b3");
    real theta[64];
    mine_params p;
    mine_bind(&p, &d, &l, theta);
    mimod_rng rng;
    rng_init(&rng, 3, RNG_STREAM_TEST, 20);
    random_params(theta, l.n_params, &rng, 0.5);
    real x[8] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}, y[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t perm[4] = {1, 0, 3, 2}, bad_perm[4] = {1, 0, 4, 2};
    mine_workspace *ws;
    mimod_err err = {0};
    double mi;
    CHECK(mine_workspace_create(&d, 4, 0, &ws, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(mine_estimate(&p, &d, ws, 5, x, 2, y, 2, perm, &mi, NULL, 1, NULL, NULL, &err) ==
              MIMOD_EINVAL, "n > n_max refused");
    CHECK(mine_estimate(&p, &d, ws, 4, x, 2, y, 2, bad_perm, &mi, NULL, 1, NULL, NULL, &err) ==
              MIMOD_EINVAL, "perm out of range refused");
    CHECK(mine_estimate(&p, &dw, ws, 4, x, 2, y, 2, perm, &mi, NULL, 1, NULL, NULL, &err) ==
              MIMOD_EINVAL, "dims differing from the workspace refused");
    p.w3[1] = (real)NAN;
    err.msg[0] = '\0';
    CHECK(mine_estimate(&p, &d, ws, 4, x, 2, y, 2, perm, &mi, NULL, 1, NULL, NULL, &err) ==
              MIMOD_EDIVERGED, "NaN weight reported as divergence");
    CHECK(strstr(err.msg, "not finite") != NULL, "message: %s", err.msg);
    mine_workspace_free(ws);
    mine_dims bad = d;
    bad.leaky_slope = -0.5;
    CHECK(mine_workspace_create(&bad, 4, 0, &ws, &err) == MIMOD_EINVAL, "negative slope refused");
}

/* Glorot limits: every first-layer weight within √(6/(dx+dy+H)), W2 within
 * √(6/2H), w3 within √(6/(H+1)), biases zero, and the spread close to uniform. */
static void test_init(void) {
    mine_dims d = dims_wm(20, 20, 512);
    mimod_layout l;
    mine_layout(&d, &l);
    real *theta = calloc(l.n_params, sizeof(real));
    mine_params p;
    mine_bind(&p, &d, &l, theta);
    for (size_t i = 0; i < l.n_params; i++) theta[i] = 9;
    mimod_rng rng;
    rng_init(&rng, 5, RNG_STREAM_TEST, 30);
    mine_init(&p, &d, &rng);
    double lim1 = sqrt(6.0 / 552), lim2 = sqrt(6.0 / 1024), lim3 = sqrt(6.0 / 513);
    double mx = 0, ss = 0;
    for (int i = 0; i < 512 * 20; i++) {
        mx = fmax(mx, fmax(fabs(p.wx[i]), fabs(p.wy[i])));
        ss += (double)p.wx[i] * p.wx[i];
    }
    CHECK(mx <= lim1 && mx > 0.99 * lim1, "first layer max |w| %g vs limit %g", mx, lim1);
    CHECK_CLOSE(sqrt(ss / (512 * 20)), lim1 / sqrt(3.0), 0, 0.03, "first layer sd");
    mx = 0;
    for (int i = 0; i < 512 * 512; i++) mx = fmax(mx, fabs(p.w2[i]));
    CHECK(mx <= lim2 && mx > 0.99 * lim2, "W2 max |w| %g vs limit %g", mx, lim2);
    mx = 0;
    for (int i = 0; i < 512; i++) mx = fmax(mx, fabs(p.w3[i]));
    CHECK(mx <= lim3 && mx > 0.9 * lim3, "w3 max |w| %g vs limit %g", mx, lim3);
    int zero = p.b3[0] == 0;
    for (int i = 0; i < 512; i++) zero &= p.b1[i] == 0 && p.b2[i] == 0;
    CHECK(zero, "biases zero");
    free(theta);
}

/* ------------------------------------------- 4. estimation on Gaussians */

#define G_DIM 5

/* x_k = a_k, y_k = ρ a_k + √(1−ρ²) b_k with a, b i.i.d. N(0,1). */
static void gaussian_pairs(mimod_rng *rng, double rho, size_t n, real *x, real *y) {
    const double s = sqrt(1.0 - rho * rho);
    for (size_t i = 0; i < n * G_DIM; i++) {
        double a = rng_normal(rng), b = rng_normal(rng);
        x[i] = (real)a;
        y[i] = (real)(rho * a + s * b);
    }
}

static double train_and_estimate(double rho, int steps, double *seconds) {
    const int n_train = 2048, H = 64;
    const size_t n_eval = 100000;
    mine_dims d = dims_wm(G_DIM, G_DIM, H);
    mimod_layout l;
    mine_layout(&d, &l);
    real *theta = calloc(l.n_params, sizeof(real)), *grad = calloc(l.n_params, sizeof(real));
    real *x = calloc(n_eval * G_DIM, sizeof(real)), *y = calloc(n_eval * G_DIM, sizeof(real));
    uint32_t *perm = calloc(n_eval, sizeof(uint32_t));
    mine_params p, g;
    mine_bind(&p, &d, &l, theta);
    mine_bind(&g, &d, &l, grad);
    mimod_rng rng;
    rng_init(&rng, 1234, RNG_STREAM_TEST, (uint64_t)(1000 * rho) + 40);
    mine_init(&p, &d, &rng);
    optimizer opt;
    opt_settings os = {.kind = OPT_ADAM, .lr = 3e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-7};
    mimod_err err = {0};
    mine_workspace *ws;
    double mi = NAN, t0 = mimod_now();
    if (optim_init(&opt, &os, l.n_params, &err) != MIMOD_OK ||
        mine_workspace_create(&d, n_eval, 0, &ws, &err) != MIMOD_OK) {
        CHECK(0, "setup: %s", err.msg);
        return NAN;
    }
    for (int s = 0; s < steps; s++) {
        gaussian_pairs(&rng, rho, n_train, x, y);
        rng_permutation(&rng, perm, n_train);
        memset(grad, 0, l.n_params * sizeof(real));
        /* maximise Î: the optimiser minimises, so accumulate −dÎ/dθ */
        int rc = mine_estimate(&p, &d, ws, n_train, x, G_DIM, y, G_DIM, perm, &mi, &g, -1, NULL,
                               NULL, &err);
        if (rc != MIMOD_OK) {
            CHECK(0, "training step %d: %s", s, err.msg);
            break;
        }
        optim_step(&opt, &l, theta, grad);
    }
    gaussian_pairs(&rng, rho, n_eval, x, y);
    rng_permutation(&rng, perm, n_eval);
    int rc = mine_estimate(&p, &d, ws, n_eval, x, G_DIM, y, G_DIM, perm, &mi, NULL, 1, NULL, NULL,
                           &err);
    CHECK(rc == MIMOD_OK, "evaluation: %s", err.msg);
    *seconds = mimod_now() - t0;
    optim_free(&opt);
    mine_workspace_free(ws);
    free(theta);
    free(grad);
    free(x);
    free(y);
    free(perm);
    return mi;
}

static void test_gaussian_estimates(void) {
    const double rhos[3] = {0.0, 0.5, 0.8};
    const int steps[3] = {200, 400, 800};
    for (int k = 0; k < 3; k++) {
        double truth = -0.5 * G_DIM * log(1.0 - rhos[k] * rhos[k]), sec = 0;
        double est = train_and_estimate(rhos[k], steps[k], &sec);
        printf("  Gaussian rho %.1f: MI estimate %.4f, truth %.4f (%d steps, %.1f s)\n", rhos[k], est,
               truth, steps[k], sec);
        if (rhos[k] == 0.0)
            CHECK(fabs(est) < 0.05, "independent data: estimate %g", est);
        else
            CHECK(fabs(est - truth) < 0.15 * truth, "rho %g: estimate %g vs truth %g", rhos[k], est,
                  truth);
    }
}

int main(void) {
#ifdef MIMOD_DOUBLE
    mine_dims dw = dims_wm(GC_DX, GC_DY, GC_H), ds = dims_sep(GC_DX, GC_DY, GC_H);
    gradcheck_variant(&dw, 1, "relu+b3");
    gradcheck_variant(&ds, 1, "leaky");
    gradcheck_variant(&dw, 0, "relu+b3, x|y adjacent");
    gradcheck_variant(&ds, 0, "leaky, x|y adjacent");
#else
    printf("  gradient checks skipped (float build; run the double build)\n");
#endif
    mine_dims nw = dims_wm(6, 4, 24), ns = dims_sep(6, 4, 24);
    test_matches_naive(&nw, "naive relu+b3");
    test_matches_naive(&ns, "naive leaky");
    test_hand_values();
    test_errors();
    test_init();
    test_gaussian_estimates();
    return check_report("test_mine");
}
