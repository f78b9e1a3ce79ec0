/* test_models.c — forward passes of the leaky RNN, the GRU and the readout on
 * cases checked by hand (expected values computed independently, in Python,
 * from the SPEC formulas), against a plain scalar reference over several steps
 * and sequences, and the statistics of the initialisers. Runs in float and
 * double builds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/gru_step.h"
#include "mimod/models.h"

/* float keeps ~7 digits; results below are O(1) */
#define TOL (sizeof(real) == 4 ? 2e-6 : 1e-12)

static double sigm(double v) { return 1.0 / (1.0 + exp(-v)); }

/* ---------- leaky RNN: one step, N = 2, by hand ---------- */
static void test_leaky_hand(void) {
    leaky_dims d = {.n_units = 2, .n_in = 1, .n_out = 1, .alpha = 0.5, .noise_inside = 0};
    mimod_layout l;
    leaky_layout(&d, 1.0, &l);
    real buf[16];
    leaky_params p;
    leaky_bind(&p, &l, buf);
    const real w_in[2] = {1, -1}, w_rec[4] = {0.5, -0.25, 0.1, 0.2}, b[2] = {0.1, -0.2};
    memcpy(p.w_in, w_in, sizeof w_in);
    memcpy(p.w_rec, w_rec, sizeof w_rec);
    memcpy(p.b, b, sizeof b);
    const real h0[2] = {0.3, -0.6}, x[1] = {1.0}, xi[2] = {0.05, -0.02};
    real h[2], r[2];

    leaky_forward(&p, &d, 1, 1, x, h0, xi, h, r);
    CHECK_CLOSE(h[0], 0.8899593489876523, TOL, 0, "leaky noise outside h0");
    CHECK_CLOSE(h[1], -0.9591393260772241, TOL, 0, "leaky noise outside h1");
    CHECK_CLOSE(r[0], tanh(0.8899593489876523), TOL, 0, "leaky r0 = tanh h0");
    CHECK_CLOSE(r[1], tanh(-0.9591393260772241), TOL, 0, "leaky r1 = tanh h1");

    d.noise_inside = 1; /* ξ now enters as α·ξ */
    leaky_forward(&p, &d, 1, 1, x, h0, xi, h, r);
    CHECK_CLOSE(h[0], 0.8649593489876523, TOL, 0, "leaky noise inside h0");
    CHECK_CLOSE(h[1], -0.9491393260772241, TOL, 0, "leaky noise inside h1");
}

/* r = tanh(h) to float/double precision over the whole range (the float
 * build uses its own tanh): with α = 0 and no noise, h_0 = h0 and r_0 = tanh(h0). */
static void test_leaky_tanh_accuracy(void) {
    enum { N = 403 };
    leaky_dims d = {.n_units = N, .n_in = 1, .n_out = 1, .alpha = 0.0};
    mimod_layout l;
    leaky_layout(&d, 1.0, &l);
    real *buf = calloc(l.n_params, sizeof(real));
    leaky_params p;
    leaky_bind(&p, &l, buf);
    real x[1] = {0}, h0[N], h[N], r[N];
    for (int i = 0; i < 200; i++) { /* ±10^-9 .. ±10^2 */
        h0[2 * i] = (real)pow(10.0, -9.0 + 11.0 * i / 199.0);
        h0[2 * i + 1] = -h0[2 * i];
    }
    h0[400] = 0;
    h0[401] = 1e4;
    h0[402] = -1e30;
    leaky_forward(&p, &d, 1, 1, x, h0, NULL, h, r);
    double worst = 0;
    for (int i = 0; i < N; i++) {
        double want = tanh((double)h[i]);
        worst = fmax(worst, fabs(r[i] - want) / fmax(fabs(want), 1e-300));
    }
    CHECK(worst < (sizeof(real) == 4 ? 2e-7 : 1e-15), "tanh relative error %g", worst);
    CHECK(r[400] == 0 && r[401] == 1 && r[402] == -1, "tanh(0), tanh(±large)");
    free(buf);
}

/* scalar reference of SPEC §2 in double, for several steps and sequences */
static void leaky_reference(const leaky_params *p, const leaky_dims *d, int B, int T,
                            const real *x, const real *h0, const real *xi, double *h) {
    int N = d->n_units, K = d->n_in;
    double *prev = malloc(sizeof(double) * N);
    for (int b = 0; b < B; b++) {
        for (int i = 0; i < N; i++) prev[i] = h0[b * N + i];
        for (int t = 0; t < T; t++) {
            double *cur = h + ((size_t)t * B + b) * N;
            for (int i = 0; i < N; i++) {
                double pre = p->b[i];
                for (int j = 0; j < N; j++) pre += p->w_rec[i * N + j] * tanh(prev[j]);
                for (int k = 0; k < K; k++) pre += p->w_in[i * K + k] * x[((size_t)t * B + b) * K + k];
                double noise = xi ? xi[((size_t)t * B + b) * N + i] : 0.0;
                if (d->noise_inside)
                    cur[i] = (1 - d->alpha) * prev[i] + d->alpha * (pre + noise);
                else
                    cur[i] = (1 - d->alpha) * prev[i] + d->alpha * pre + noise;
            }
            for (int i = 0; i < N; i++) prev[i] = cur[i];
        }
    }
    free(prev);
}

static void test_leaky_reference(void) {
    enum { N = 5, K = 3, B = 4, T = 9 };
    for (int inside = 0; inside < 2; inside++) {
        leaky_dims d = {.n_units = N, .n_in = K, .n_out = 2, .alpha = 0.2, .noise_inside = inside};
        mimod_layout l;
        leaky_layout(&d, 1.0, &l);
        real *buf = calloc(l.n_params, sizeof(real));
        leaky_params p;
        leaky_bind(&p, &l, buf);
        mimod_rng rng;
        rng_init(&rng, 7, RNG_STREAM_TEST, 1);
        leaky_init(&p, &d, 1.5, &rng);
        rng_fill_normal(&rng, p.b, N, 0, 0.3);
        real x[T * B * K], h0[B * N], xi[T * B * N], h[T * B * N], r[T * B * N];
        double ref[T * B * N];
        rng_fill_normal(&rng, x, T * B * K, 0, 1);
        rng_fill_normal(&rng, h0, B * N, 0, 1);
        rng_fill_normal(&rng, xi, T * B * N, 0, 0.1);
        leaky_forward(&p, &d, B, T, x, h0, xi, h, r);
        leaky_reference(&p, &d, B, T, x, h0, xi, ref);
        double max_err = 0;
        for (int j = 0; j < T * B * N; j++) {
            max_err = fmax(max_err, fabs(h[j] - ref[j]));
            max_err = fmax(max_err, fabs(r[j] - tanh(ref[j])));
        }
        CHECK(max_err < 20 * TOL, "leaky vs reference (noise inside %d): max err %g", inside, max_err);

        /* no noise: deterministic, and NULL is the same as zeros */
        real h2[T * B * N], r2[T * B * N], zeros[T * B * N];
        memset(zeros, 0, sizeof zeros);
        leaky_forward(&p, &d, B, T, x, h0, NULL, h, r);
        leaky_forward(&p, &d, B, T, x, h0, NULL, h2, r2);
        CHECK(memcmp(h, h2, sizeof h) == 0 && memcmp(r, r2, sizeof r) == 0, "no-noise repeat");
        leaky_forward(&p, &d, B, T, x, h0, zeros, h2, r2);
        CHECK(memcmp(h, h2, sizeof h) == 0, "xi NULL == xi zero");
        free(buf);
    }
}

/* ---------- GRU: one step, N = 2, by hand ---------- */
static void gru_set_hand(gru_params *p) {
    const real w_x[6] = {0.5, -0.4, -0.3, 0.2, 0.8, -0.7};
    const real u[12] = {0.4, 0.1, -0.2, 0.3, 0.7, -0.5, 0.6, 0.2, -0.6, 0.9, 0.3, 0.5};
    const real b[6] = {0.1, 0.0, -0.1, 0.2, 0.2, -0.1};
    memcpy(p->w_x, w_x, sizeof w_x);
    memcpy(p->u, u, sizeof u);
    memcpy(p->b, b, sizeof b);
}

static void test_gru_hand(void) {
    static const double z_want[2] = {0.6813537337890255, 0.34978145142617295};
    static const double r_want[2] = {0.5374298453437496, 0.6502185485738271};
    static const double cand_want[2][2] = {{0.5403801347776385, -0.6907711703573058},
                                           {0.5684949533748174, -0.6818219520878117}};
    static const double h_want[2][2] = {{0.5275131556016481, -0.5017063620004654},
                                        {0.546669292227637, -0.4985760914450321}};
    for (int after = 0; after < 2; after++) {
        gru_dims d = {.n_units = 2, .n_in = 1, .n_out = 1, .reset_after = after};
        mimod_layout l;
        gru_layout(&d, 0.1, &l);
        real buf[32];
        gru_params p;
        gru_bind(&p, &l, buf);
        gru_set_hand(&p);
        const real h0[2] = {0.5, -0.4}, x[1] = {1.0};
        real h[2], h_nc[2], cache[6];
        real *scratch = malloc(gru_scratch_size(&d, 1) * sizeof(real));
        CHECK(gru_cache_size(&d, 1, 1) == 6, "cache size");
        gru_forward(&p, &d, 1, 1, x, h0, h, cache, scratch);
        for (int i = 0; i < 2; i++) {
            CHECK_CLOSE(cache[i], z_want[i], TOL, 0, "gru z");
            CHECK_CLOSE(cache[2 + i], r_want[i], TOL, 0, "gru r");
            CHECK_CLOSE(cache[4 + i], cand_want[after][i], TOL, 0, "gru candidate");
            CHECK_CLOSE(h[i], h_want[after][i], TOL, 0, after ? "gru h (reset after)" : "gru h (reset before)");
        }
        gru_forward(&p, &d, 1, 1, x, h0, h_nc, NULL, scratch);
        CHECK(memcmp(h, h_nc, sizeof h) == 0, "gru without cache gives the same h");
        free(scratch);
    }
}

/* σ and tanh of the GRU to float/double precision: with w_x = 0 and u = 0 the
 * cache holds z = σ(b_z), r = σ(b_r), h̃ = tanh(b_h) (both reset variants). */
static void test_gru_gate_accuracy(void) {
    enum { N = 401 };
    for (int after = 0; after < 2; after++) {
        gru_dims d = {.n_units = N, .n_in = 1, .n_out = 1, .reset_after = after};
        mimod_layout l;
        gru_layout(&d, 0.1, &l);
        real *buf = calloc(l.n_params, sizeof(real));
        gru_params p;
        gru_bind(&p, &l, buf);
        for (int i = 0; i < N; i++) {
            p.b[i] = (real)(-80.0 + 160.0 * i / (N - 1));          /* σ over ±80 */
            p.b[N + i] = (real)(i % 2 ? 1 : -1) * (real)pow(10.0, -9.0 + 10.0 * i / (N - 1));
            p.b[2 * N + i] = (real)(i % 2 ? 1 : -1) * (real)pow(10.0, -9.0 + 11.0 * i / (N - 1));
        }
        real x[1] = {0}, h0[N], h[N], cache[3 * N];
        memset(h0, 0, sizeof h0);
        real *scratch = malloc(gru_scratch_size(&d, 1) * sizeof(real));
        gru_forward(&p, &d, 1, 1, x, h0, h, cache, scratch);
        double err_z = 0, err_r = 0, err_h = 0;
        for (int i = 0; i < N; i++) {
            double z = sigm(p.b[i]), r = sigm(p.b[N + i]), c = tanh((double)p.b[2 * N + i]);
            err_z = fmax(err_z, fabs(cache[i] - z) / z);
            err_r = fmax(err_r, fabs(cache[N + i] - r) / r);
            err_h = fmax(err_h, fabs(cache[2 * N + i] - c) / fabs(c));
        }
        double tol = sizeof(real) == 4 ? 3e-7 : 1e-15;
        CHECK(err_z < tol, "sigmoid over ±80: relative error %g (reset after %d)", err_z, after);
        CHECK(err_r < tol, "sigmoid near 0: relative error %g (reset after %d)", err_r, after);
        CHECK(err_h < tol, "tanh: relative error %g (reset after %d)", err_h, after);
        free(scratch);
        free(buf);
    }
}

static void gru_reference(const gru_params *p, const gru_dims *d, int B, int T, const real *x,
                          const real *h0, double *h) {
    int N = d->n_units, K = d->n_in;
    double *prev = malloc(sizeof(double) * N), *z = malloc(sizeof(double) * N),
           *r = malloc(sizeof(double) * N);
    for (int b = 0; b < B; b++) {
        for (int i = 0; i < N; i++) prev[i] = h0[b * N + i];
        for (int t = 0; t < T; t++) {
            const real *xt = x + ((size_t)t * B + b) * K;
            double *cur = h + ((size_t)t * B + b) * N;
            for (int i = 0; i < N; i++) {
                double az = p->b[i], ar = p->b[N + i];
                for (int k = 0; k < K; k++) {
                    az += p->w_x[i * K + k] * xt[k];
                    ar += p->w_x[(N + i) * K + k] * xt[k];
                }
                for (int j = 0; j < N; j++) {
                    az += p->u[i * N + j] * prev[j];
                    ar += p->u[(N + i) * N + j] * prev[j];
                }
                z[i] = sigm(az);
                r[i] = sigm(ar);
            }
            for (int i = 0; i < N; i++) {
                double ah = p->b[2 * N + i], rec = 0;
                for (int k = 0; k < K; k++) ah += p->w_x[(2 * N + i) * K + k] * xt[k];
                for (int j = 0; j < N; j++)
                    rec += p->u[(2 * N + i) * N + j] * (d->reset_after ? prev[j] : r[j] * prev[j]);
                ah += d->reset_after ? r[i] * rec : rec;
                cur[i] = (1 - z[i]) * prev[i] + z[i] * tanh(ah);
            }
            for (int i = 0; i < N; i++) prev[i] = cur[i];
        }
    }
    free(prev);
    free(z);
    free(r);
}

static void test_gru_reference(void) {
    enum { N = 6, K = 3, B = 4, T = 11 };
    for (int after = 0; after < 2; after++) {
        gru_dims d = {.n_units = N, .n_in = K, .n_out = 6, .reset_after = after};
        mimod_layout l;
        gru_layout(&d, 0.1, &l);
        real *buf = calloc(l.n_params, sizeof(real));
        gru_params p;
        gru_bind(&p, &l, buf);
        mimod_rng rng;
        rng_init(&rng, 11, RNG_STREAM_TEST, 2);
        gru_init(&p, &d, &rng);
        rng_fill_normal(&rng, p.u, 3 * N * N, 0, 0.6);
        rng_fill_normal(&rng, p.b, 3 * N, 0, 0.3);
        real x[T * B * K], h0[B * N], h[T * B * N], h2[T * B * N];
        double ref[T * B * N];
        real *cache = malloc(gru_cache_size(&d, B, T) * sizeof(real));
        real *scratch = malloc(gru_scratch_size(&d, B) * sizeof(real));
        rng_fill_normal(&rng, x, T * B * K, 0, 1);
        rng_fill_normal(&rng, h0, B * N, 0, 0.5);
        gru_forward(&p, &d, B, T, x, h0, h, cache, scratch);
        gru_reference(&p, &d, B, T, x, h0, ref);
        double max_err = 0;
        for (int j = 0; j < T * B * N; j++) max_err = fmax(max_err, fabs(h[j] - ref[j]));
        CHECK(max_err < 20 * TOL, "gru vs reference (reset after %d): max err %g", after, max_err);
        gru_forward(&p, &d, B, T, x, h0, h2, NULL, scratch);
        CHECK(memcmp(h, h2, sizeof h) == 0, "gru with and without cache agree");
        free(cache);
        free(scratch);
        free(buf);
    }
}

/* ---------- GRU step kernel: every kernel this CPU runs, bit for bit ----------
 * The step products (gru_step.c) must give the same bits whichever vector
 * kernel runs: each against the portable one on shapes that use the row
 * blocks and the single-row tail (B = 12 = 2·5 + 2), a 32-column block and
 * the 16-column tail (cols 37 → 48) and padding (cols 74 → 80), plus the
 * portable one against a double-precision sum of the same terms. */
static void test_gru_step_kernels(void) {
    enum { B = 12, NIN = 3, N = 37 };
    mimod_rng rng;
    rng_init(&rng, 13, RNG_STREAM_TEST, 3);
    real w[2 * N * NIN], u[2 * N * N], x[B * NIN], a[B * N];
    rng_fill_normal(&rng, w, 2 * N * NIN, 0, 1);
    rng_fill_normal(&rng, u, 2 * N * N, 0, 0.3);
    rng_fill_normal(&rng, x, B * NIN, 0, 1);
    rng_fill_normal(&rng, a, B * N, 0, 1);
    static const char *const kernels[] = {"avx512", "avx2"};
    for (int cols = N; cols <= 2 * N; cols += N) {
        const int ld = gru_step_padded(cols);
        CHECK(ld % GRU_STEP_PAD == 0 && ld >= cols && ld < cols + GRU_STEP_PAD, "padding %d", ld);
        real *wt = malloc((size_t)NIN * ld * sizeof(real)), *ut = malloc((size_t)N * ld * sizeof(real));
        real *ref = malloc((size_t)B * ld * sizeof(real)), *got = malloc((size_t)B * ld * sizeof(real));
        gru_step_pack(wt, w, 0, cols, NIN);
        gru_step_pack(ut, u, 0, cols, N);
        CHECK(wt[ld + 1] == w[1 * NIN + 1] && ut[2 * ld + 3] == u[3 * N + 2], "pack transposes");
        CHECK(ut[ld - 1] == 0 || ld == cols, "pad columns are zero");
        CHECK(gru_step_product_using("scalar", B, NIN, N, cols, x, wt, a, ut, ref) == 0,
              "portable kernel runs");
        double max_err = 0;
        for (int b = 0; b < B; b++)
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < NIN; k++) s += (double)x[b * NIN + k] * w[j * NIN + k];
                for (int k = 0; k < N; k++) s += (double)a[b * N + k] * u[j * N + k];
                max_err = fmax(max_err, fabs(s - ref[(size_t)b * ld + j]));
            }
        CHECK(max_err < 20 * TOL, "step product vs double sum (cols %d): max err %g", cols, max_err);
        int ran = 0;
        for (int k = 0; k < 2; k++) {
            memset(got, 0xff, (size_t)B * ld * sizeof(real));
            if (gru_step_product_using(kernels[k], B, NIN, N, cols, x, wt, a, ut, got) != 0) continue;
            ran++;
            CHECK(memcmp(got, ref, (size_t)B * ld * sizeof(real)) == 0,
                  "%s step kernel gives the portable kernel's bits (cols %d)", kernels[k], cols);
        }
        if (cols == N) printf("gru step kernels: %d vector kernel(s) compared; in use: %s\n", ran,
                              gru_step_kernel());
        free(wt);
        free(ut);
        free(ref);
        free(got);
    }
    real dummy = 0;
    CHECK(gru_step_product_using("none", 1, 1, 1, 1, &dummy, &dummy, &dummy, &dummy, &dummy) == -1,
          "unknown kernel refused");
}

/* ---------- readout, by hand ---------- */
static void test_readout(void) {
    const real w[6] = {1, 2, -1, 0.5, 0, 3}, bo[2] = {0.1, -0.2};
    const real a[6] = {1, 0, 2, -1, 1, 0.5}; /* 2 rows of 3 units */
    real y[4];
    readout_forward(w, bo, 2, 3, 2, a, y);
    /* row 0: 1+0-2+0.1 = -0.9; 0.5+0+6-0.2 = 6.3; row 1: -1+2-0.5+0.1 = 0.6; -0.5+0+1.5-0.2 = 0.8 */
    CHECK_CLOSE(y[0], -0.9, TOL, 0, "y00");
    CHECK_CLOSE(y[1], 6.3, 4 * TOL, 0, "y01");
    CHECK_CLOSE(y[2], 0.6, TOL, 0, "y10");
    CHECK_CLOSE(y[3], 0.8, TOL, 0, "y11");

    const real dy[4] = {1, 0, 2, -1};
    real gw[6] = {0}, gb[2] = {10, 20}, da[6] = {1, 1, 1, 1, 1, 1};
    readout_backward(w, 2, 3, 2, a, dy, gw, gb, da);
    /* gw = dyᵀ a: [1·a0 + 2·a1 ; 0·a0 − 1·a1] */
    const real gw_want[6] = {1 - 2, 0 + 2, 2 + 1, 1, -1, -0.5};
    for (int j = 0; j < 6; j++) CHECK_CLOSE(gw[j], gw_want[j], TOL, 0, "grad w_out");
    CHECK_CLOSE(gb[0], 13, TOL, 0, "grad b_out accumulates");
    CHECK_CLOSE(gb[1], 19, TOL, 0, "grad b_out accumulates");
    /* da = 1 + dy W: row 0 = 1·w0 + 0·w1; row 1 = 2·w0 − w1 */
    const real da_want[6] = {2, 3, 0, 1 + 2 - 0.5, 1 + 4, 1 - 2 - 3};
    for (int j = 0; j < 6; j++) CHECK_CLOSE(da[j], da_want[j], TOL, 0, "d_a accumulates");
}

/* ---------- layouts ---------- */
static void test_layouts(void) {
    leaky_dims ld = {.n_units = 40, .n_in = 4, .n_out = 2, .alpha = 0.1};
    mimod_layout l;
    leaky_layout(&ld, 1.0, &l);
    CHECK(l.n_tensors == 5, "leaky tensors");
    CHECK(l.n_params == 40 * 4 + 40 * 40 + 40 + 2 * 40 + 2, "leaky n_params %zu", l.n_params);
    const char *names[5] = {"w_in", "w_rec", "b", "w_out", "b_out"};
    const double factors[5] = {1, 1, 0, 1, 0};
    for (int i = 0; i < 5; i++) {
        CHECK(strcmp(l.t[i].name, names[i]) == 0, "leaky name %d", i);
        CHECK(l.t[i].l2_factor == factors[i], "leaky l2 factor %d", i);
    }
    CHECK(l.t[1].rows == 40 && l.t[1].cols == 40 && l.t[0].cols == 4, "leaky shapes");
    leaky_layout(&ld, 1.0, &l); /* calling twice must not append */
    CHECK(l.n_tensors == 5, "layout restarts");

    gru_dims gd = {.n_units = 100, .n_in = 3, .n_out = 6};
    gru_layout(&gd, 0.1, &l);
    const char *gnames[5] = {"w_x", "u", "b", "w_out", "b_out"};
    const double gfactors[5] = {1, 1, 0, 0.1, 0};
    for (int i = 0; i < 5; i++) {
        CHECK(strcmp(l.t[i].name, gnames[i]) == 0, "gru name %d", i);
        CHECK(l.t[i].l2_factor == gfactors[i], "gru l2 factor %d", i);
    }
    CHECK(l.n_params == 300 * 3 + 300 * 100 + 300 + 600 + 6, "gru n_params %zu", l.n_params);
    CHECK(gru_cache_size(&gd, 50, 10000) == (size_t)3 * 10000 * 50 * 100, "gru cache 3 tensors");
    CHECK(leaky_scratch_size(&ld, 20, 2000) == (size_t)2002 * 20 * 40, "leaky scratch");
}

/* ---------- initialisers ---------- */
static void check_glorot(const real *w, size_t n, int fan_in, int fan_out, const char *what) {
    double lim = sqrt(6.0 / (fan_in + fan_out)), s = 0, s2 = 0, mx = 0;
    int inside = 1;
    for (size_t i = 0; i < n; i++) {
        inside &= fabs(w[i]) <= lim;
        mx = fmax(mx, fabs(w[i]));
        s += w[i];
        s2 += (double)w[i] * w[i];
    }
    double mean = s / n, var = s2 / n, var_want = lim * lim / 3;
    CHECK(inside, "%s: all within ±%g", what, lim);
    CHECK(mx > 0.98 * lim, "%s: fills the range (max %g of %g)", what, mx, lim);
    /* standard errors: mean lim/√(3n), variance ≈ 0.9·var/√n; allow ~5 of them */
    CHECK(fabs(mean) < 5 * lim / sqrt(3.0 * n), "%s: mean %g", what, mean);
    CHECK(fabs(var / var_want - 1) < 5 * 0.9 / sqrt((double)n), "%s: var %g want %g", what, var, var_want);
}

static void check_orthonormal_rows(const real *w, int rows, int cols, const char *what) {
    double err = 0;
    for (int a = 0; a < rows; a++)
        for (int b = 0; b < rows; b++) {
            double dot = 0;
            for (int j = 0; j < cols; j++) dot += (double)w[a * cols + j] * w[b * cols + j];
            err = fmax(err, fabs(dot - (a == b)));
        }
    CHECK(err < 1e-5, "%s: rows orthonormal, max |WWᵀ - I| = %g", what, err);
}

static void check_orthonormal_cols(const real *w, int rows, int cols, const char *what) {
    double err = 0;
    for (int a = 0; a < cols; a++)
        for (int b = 0; b < cols; b++) {
            double dot = 0;
            for (int i = 0; i < rows; i++) dot += (double)w[i * cols + a] * w[i * cols + b];
            err = fmax(err, fabs(dot - (a == b)));
        }
    CHECK(err < 1e-5, "%s: columns orthonormal, max |WᵀW - I| = %g", what, err);
}

/* The result must be the Q of A = QR with R's diagonal positive, A the Gaussian
 * drawn row-major as [long][short]: rebuild A and check R = QᵀA is upper
 * triangular with a positive diagonal. */
static void check_qr_of_gaussian(const real *w, int rows, int cols, uint64_t index) {
    int transposed = rows < cols, nl = transposed ? cols : rows, ns = transposed ? rows : cols;
    mimod_rng rng;
    rng_init(&rng, 3, RNG_STREAM_TEST, index);
    double *A = malloc(sizeof(double) * nl * ns);
    for (int j = 0; j < nl * ns; j++) A[j] = rng_normal(&rng);
    double lower = 0, min_diag = INFINITY;
    for (int a = 0; a < ns; a++)
        for (int c = 0; c < ns; c++) {
            double rac = 0; /* R[a][c] = Σ_j Q[j][a] A[j][c] */
            for (int j = 0; j < nl; j++) {
                double q = transposed ? w[a * cols + j] : w[j * cols + a];
                rac += q * A[j * ns + c];
            }
            if (a > c) lower = fmax(lower, fabs(rac));
            if (a == c) min_diag = fmin(min_diag, rac);
        }
    CHECK(lower < 1e-4, "%dx%d: R = QᵀA upper triangular (max below diag %g)", rows, cols, lower);
    CHECK(min_diag > 0, "%dx%d: diag R positive (min %g)", rows, cols, min_diag);
    free(A);
}

static void test_init(void) {
    mimod_rng rng;
    enum { NG = 20000 };
    real *w = malloc(sizeof(real) * NG);
    rng_init(&rng, 1, RNG_STREAM_TEST, 10);
    init_glorot_uniform(w, NG, 30, 70, &rng);
    check_glorot(w, NG, 30, 70, "glorot 30/70");
    free(w);

    /* semi-orthogonal: wide, tall, square; check against the QR it must be */
    static const int shapes[3][2] = {{5, 12}, {12, 5}, {7, 7}};
    for (int s = 0; s < 3; s++) {
        int rows = shapes[s][0], cols = shapes[s][1];
        real *q = malloc(sizeof(real) * rows * cols);
        rng_init(&rng, 3, RNG_STREAM_TEST, 20 + s);
        init_semi_orthogonal(q, rows, cols, &rng);
        if (rows <= cols) check_orthonormal_rows(q, rows, cols, "semi-orthogonal");
        if (rows >= cols) check_orthonormal_cols(q, rows, cols, "semi-orthogonal");
        check_qr_of_gaussian(q, rows, cols, 20 + s);
        free(q);
    }

    /* leaky_init: W_rec sd = scale/√N, Glorot W_in, W_out, zero biases */
    leaky_dims ld = {.n_units = 200, .n_in = 40, .n_out = 30, .alpha = 0.1};
    mimod_layout l;
    leaky_layout(&ld, 1.0, &l);
    real *buf = malloc(sizeof(real) * l.n_params);
    for (size_t j = 0; j < l.n_params; j++) buf[j] = 7; /* init must overwrite everything */
    leaky_params lp;
    leaky_bind(&lp, &l, buf);
    rng_init(&rng, 1, RNG_STREAM_MM_INIT, 0);
    leaky_init(&lp, &ld, 1.0, &rng);
    double s = 0, s2 = 0;
    size_t n = 200 * 200;
    for (size_t j = 0; j < n; j++) {
        s += lp.w_rec[j];
        s2 += (double)lp.w_rec[j] * lp.w_rec[j];
    }
    double sd = sqrt(s2 / n - (s / n) * (s / n)), sd_want = 1.0 / sqrt(200.0);
    CHECK(fabs(sd / sd_want - 1) < 5 / sqrt(2.0 * n), "W_rec sd %g want %g", sd, sd_want);
    CHECK(fabs(s / n) < 5 * sd_want / sqrt((double)n), "W_rec mean %g", s / n);
    check_glorot(lp.w_in, 200 * 40, 40, 200, "leaky W_in");
    check_glorot(lp.w_out, 30 * 200, 200, 30, "leaky W_out");
    int zero = 1;
    for (int i = 0; i < 200; i++) zero &= lp.b[i] == 0;
    for (int i = 0; i < 30; i++) zero &= lp.b_out[i] == 0;
    CHECK(zero, "leaky biases zero");
    leaky_init(&lp, &ld, 2.0, &rng); /* scale multiplies the sd */
    s2 = 0;
    for (size_t j = 0; j < n; j++) s2 += (double)lp.w_rec[j] * lp.w_rec[j];
    CHECK(fabs(sqrt(s2 / n) / (2 * sd_want) - 1) < 0.03, "W_rec scale 2: sd %g", sqrt(s2 / n));
    free(buf);

    /* gru_init: u [3N][N] has orthonormal columns (Keras' N×3N kernel has
     * orthonormal rows), Glorot w_x with fans (n_in, 3N), zero biases */
    gru_dims gd = {.n_units = 40, .n_in = 50, .n_out = 30};
    gru_layout(&gd, 0.1, &l);
    buf = malloc(sizeof(real) * l.n_params);
    for (size_t j = 0; j < l.n_params; j++) buf[j] = 7;
    gru_params gp;
    gru_bind(&gp, &l, buf);
    rng_init(&rng, 1, RNG_STREAM_MM_INIT, 0);
    gru_init(&gp, &gd, &rng);
    check_orthonormal_cols(gp.u, 120, 40, "gru u");
    check_glorot(gp.w_x, 120 * 50, 50, 120, "gru w_x");
    check_glorot(gp.w_out, 30 * 40, 40, 30, "gru w_out");
    zero = 1;
    for (int i = 0; i < 120; i++) zero &= gp.b[i] == 0;
    for (int i = 0; i < 30; i++) zero &= gp.b_out[i] == 0;
    CHECK(zero, "gru biases zero");
    /* a Haar-random orthonormal frame spreads its mass: no entry near ±1 */
    double umax = 0;
    for (int j = 0; j < 120 * 40; j++) umax = fmax(umax, fabs(gp.u[j]));
    CHECK(umax < 0.6, "gru u is not a permutation-like matrix (max |u| %g)", umax);
    free(buf);
}

int main(void) {
    test_leaky_hand();
    test_leaky_tanh_accuracy();
    test_leaky_reference();
    test_gru_hand();
    test_gru_gate_accuracy();
    test_gru_reference();
    test_gru_step_kernels();
    test_readout();
    test_layouts();
    test_init();
    return check_report("test_models");
}
