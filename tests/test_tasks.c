/* test_tasks.c — the data generators of SPEC §2 (WM) and §3 (SEP).
 *
 * WM: the targets are rebuilt from the generated inputs by the rules of
 * tasks.h (in integer tenths, so the reference has no rounding at all) and
 * compared; pulse statistics; sequence b does not depend on B.
 * WM with K = 2, 3, 4 bits (wm_bits), and 3 bits against a sequence worked
 * out by hand.
 * SEP: RK4 at the default step against a 10× finer RK4 over the horizon
 * where such a comparison means something (the systems are chaotic, see
 * docs/analysis.md), exact [0,1] ranges, x = sum of the targets, agreement
 * of sep_generate with sep_integrate, determinism, for K = 2 and 3 sources
 * (sep_sources); each source's time averages against its equations, their
 * time scales, a third source leaving the first two unchanged; and the time
 * of one paper-size batch (printed, not checked). */
#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* x [T][B][2K], y [T][B][K] for K bits */
#define WM_X(x, K, B, t, b, c) ((x)[((size_t)(t) * (B) + (b)) * 2 * (K) + (c)])
#define WM_Y(y, K, B, t, b, j) ((y)[((size_t)(t) * (B) + (b)) * (K) + (j)])

/* Reference target of each of K bits from known start flags start [T][2K],
 * ramp_step = 0.1, in integer tenths: level(t) = clamp(level(t−1) + s(t),
 * −10, 10). Checks the generated target against it; returns the number of
 * mismatches. */
static int wm_check_targets(const real *y, int K, int B, int T, int b, const unsigned char *start) {
    int bad = 0;
    for (int j = 0; j < K; j++) {
        int bit = -1, level = 0;
        for (int t = 0; t < T; t++) {
            if (start[t * 2 * K + 2 * j]) bit = 1; /* ON wins a tie */
            else if (start[t * 2 * K + 2 * j + 1]) bit = -1;
            level += bit;
            level = level > 10 ? 10 : (level < -10 ? -10 : level);
            const double got = WM_Y(y, K, B, t, b, j);
            /* 0 must be exactly 0 (sign accuracy counts y* = 0 as negative) */
            if (level == 0 ? got != 0.0 : fabs(got - level / 10.0) > 1e-6) {
                if (bad < 3)
                    fprintf(stderr, "  seq %d bit %d t %d: target %g, rule gives %g\n", b, j, t, got,
                            level / 10.0);
                bad++;
            }
        }
    }
    return bad;
}

static void test_wm_rules_single_step_pulses(int K) {
    /* With pulse_len = 1 every 1 in the input is a start, so the rule can be
     * checked exactly, ties included (pulse_prob high enough for many). */
    const wm_task task = {.pulse_prob = 0.05, .pulse_len = 1, .ramp_step = 0.1, .bits = K};
    const int B = 20, T = 2000, C = 2 * K;
    real *x = malloc(sizeof(real) * T * B * C), *y = malloc(sizeof(real) * T * B * K);
    unsigned char *start = malloc((size_t)T * C);
    mimod_rng rng;
    rng_init(&rng, 11, RNG_STREAM_TEST, 0);
    wm_generate(&task, B, T, &rng, x, y);
    int bad = 0, ties = 0, ramps = 0, ramp_bad = 0, zeros = 0;
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++)
            for (int c = 0; c < C; c++) start[t * C + c] = WM_X(x, K, B, t, b, c) == 1;
        bad += wm_check_targets(y, K, B, T, b, start);
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < K; j++) {
                zeros += WM_Y(y, K, B, t, b, j) == 0;
                if (start[t * C + 2 * j] && start[t * C + 2 * j + 1]) {
                    ties++;
                    /* ON wins: the target moves up (or stays at the +1 clip) */
                    double prev = t ? WM_Y(y, K, B, t - 1, b, j) : 0.0, cur = WM_Y(y, K, B, t, b, j);
                    if (!(cur > prev || (cur == 1 && prev == 1))) ramp_bad++;
                }
            }
            /* After an ON start of the last bit from the −1 clip with no start
             * of its pair in the next 19 steps, its target climbs −0.9, −0.8,
             * …, 1.0. */
            const int j = K - 1;
            if (t > 0 && start[t * C + 2 * j] && WM_Y(y, K, B, t - 1, b, j) == -1 && t + 21 < T) {
                int quiet = 1;
                for (int k = 1; k <= 20; k++)
                    quiet &= !start[(t + k) * C + 2 * j] && !start[(t + k) * C + 2 * j + 1];
                if (quiet) {
                    ramps++;
                    for (int k = 0; k < 20; k++)
                        if (fabs(WM_Y(y, K, B, t + k, b, j) - (-0.9 + 0.1 * k)) > 1e-6) ramp_bad++;
                    if (WM_Y(y, K, B, t + 19, b, j) != 1 || WM_Y(y, K, B, t + 20, b, j) != 1) ramp_bad++;
                }
            }
        }
    }
    CHECK(bad == 0, "K = %d: WM target follows the ON/OFF rule (pulse_len 1): %d mismatches", K, bad);
    CHECK(ties > 20, "K = %d: ties were exercised: %d", K, ties);
    CHECK(ramps > 5, "K = %d: full ramps were exercised: %d", K, ramps);
    CHECK(zeros > 100, "K = %d: targets crossing 0 were exercised: %d", K, zeros);
    CHECK(ramp_bad == 0, "K = %d: ramp −0.9 … 1 in 20 steps and ON wins ties: %d failures", K, ramp_bad);
    for (size_t i = 0; i < (size_t)T * B * K; i++)
        if (!(y[i] >= -1 && y[i] <= 1)) {
            CHECK(0, "target out of [−1, 1] at %zu: %g", i, y[i]);
            break;
        }
    free(x);
    free(y);
    free(start);
}

/* Three bits, 25 steps, worked out by hand. With pulse_len 1 every 1 in the
 * input is a start; the starts this seed draws are listed (step, channel),
 * channels [ON1, OFF1, ON2, OFF2, ON3, OFF3], and the targets below (in
 * tenths) were derived from that list on paper by the rule of task_wm.h:
 * bit j goes to +1 at an ON_j start (ON wins the tie at step 1), to −1 at an
 * OFF_j start, and the target moves 0.1 towards it per step from −0.1 at step
 * 0 (s(−1) = −1), clipped at ±1 (bit 1 reaches +1 at step 13, bit 3 −1 at
 * step 21). A wrong channel-to-bit mapping, draw order or tie rule fails. */
static void test_wm_three_bits_by_hand(void) {
    const wm_task task = {.pulse_prob = 0.08, .pulse_len = 1, .ramp_step = 0.1, .bits = 3};
    enum { T = 25, K = 3, C = 6 };
    static const int starts[][2] = {{1, 0}, {1, 1}, {2, 2}, {5, 4}, {6, 1},
                                    {6, 2}, {7, 0}, {11, 5}, {12, 3}, {15, 0}};
    static const int tenths[K][T] = {
        {-1, 0, 1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10},
        {-1, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5},
        {-1, -2, -3, -4, -5, -4, -3, -2, -1, 0, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -10, -10, -10},
    };
    real x[T * C], y[T * K];
    mimod_rng rng;
    rng_init(&rng, 15, RNG_STREAM_TEST, 27);
    wm_generate(&task, 1, T, &rng, x, y);
    unsigned char want_x[T * C] = {0};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) want_x[starts[i][0] * C + starts[i][1]] = 1;
    int x_bad = 0, y_bad = 0;
    for (int t = 0; t < T; t++) {
        for (int c = 0; c < C; c++) x_bad += x[t * C + c] != want_x[t * C + c];
        for (int j = 0; j < K; j++) {
            const double want = tenths[j][t] / 10.0, got = y[t * K + j];
            if (tenths[j][t] == 0 ? got != 0.0 : fabs(got - want) > 1e-6) {
                if (y_bad < 3) fprintf(stderr, "  bit %d step %d: %g, by hand %g\n", j + 1, t, got, want);
                y_bad++;
            }
        }
    }
    CHECK(x_bad == 0, "3 bits by hand: the listed starts and no others (%d differ)", x_bad);
    CHECK(y_bad == 0, "3 bits by hand: targets as worked out (%d differ)", y_bad);
}

static void test_wm_paper_pulses(int K) {
    /* Paper settings: pulses of 40 steps. A run of exactly 40 ones is one
     * start; a longer run, or one still on at the last step, may hide
     * restarts, so sequences with one are left out of the rule check. */
    const wm_task task = {.pulse_prob = 0.002, .pulse_len = 40, .ramp_step = 0.1, .bits = K};
    const int B = 400, T = 1000, C = 2 * K;
    real *x = malloc(sizeof(real) * T * B * C), *y = malloc(sizeof(real) * T * B * K);
    unsigned char *start = malloc((size_t)T * C);
    mimod_rng rng;
    rng_init(&rng, 12, RNG_STREAM_TEST, 0);
    wm_generate(&task, B, T, &rng, x, y);
    int bad = 0, checked = 0, not_binary = 0, short_runs = 0;
    double on = 0, n_on = 0;
    for (int b = 0; b < B; b++) {
        int ambiguous = 0;
        memset(start, 0, (size_t)T * C);
        for (int c = 0; c < C; c++) {
            for (int t = 0; t < T; t++) {
                const real v = WM_X(x, K, B, t, b, c);
                if (v != 0 && v != 1) not_binary++;
                if (t >= task.pulse_len) {
                    on += v;
                    n_on++;
                }
                if (v == 1 && (t == 0 || WM_X(x, K, B, t - 1, b, c) == 0)) {
                    int len = 0;
                    while (t + len < T && WM_X(x, K, B, t + len, b, c) == 1) len++;
                    if (len > task.pulse_len || t + len == T) ambiguous = 1;
                    if (len < task.pulse_len && t + len < T) short_runs++;
                    start[t * C + c] = 1;
                }
            }
        }
        if (!ambiguous) {
            checked++;
            bad += wm_check_targets(y, K, B, T, b, start);
        }
    }
    CHECK(not_binary == 0, "K = %d: inputs are 0 or 1: %d others", K, not_binary);
    CHECK(short_runs == 0, "K = %d: no pulse shorter than pulse_len: %d", K, short_runs);
    CHECK(checked >= 20, "K = %d: enough unambiguous sequences: %d", K, checked);
    CHECK(bad == 0, "K = %d: WM target follows the rule (pulse_len 40): %d mismatches", K, bad);
    /* Stationary on-fraction 1 − (1 − p)^40 = 0.0770; ~3100 pulses per 4
     * channels, each a 40-step block, so the relative sd is ≤ 1.8%: allow 7%. */
    const double frac = on / n_on, expect = 1 - pow(1 - task.pulse_prob, task.pulse_len);
    CHECK(fabs(frac - expect) <= 0.07 * expect, "K = %d: fraction of steps with a pulse on: %g, expected %g",
          K, frac, expect);
    free(x);
    free(y);
    free(start);
}

static void test_wm_start_rate_and_independence(int K) {
    /* Start frequency with pulse_len 1 (every 1 is a start): 200·5000·2K
     * draws, expected 2000·2K starts, relative sd ≤ 1.2%: allow 5% overall,
     * 10% per channel (sd ≤ 2.3%). */
    const wm_task task = {.pulse_prob = 0.002, .pulse_len = 1, .ramp_step = 0.1, .bits = K};
    const int B = 200, T = 5000, C = 2 * K;
    real *x = malloc(sizeof(real) * T * B * C), *y = malloc(sizeof(real) * T * B * K);
    mimod_rng rng;
    rng_init(&rng, 13, RNG_STREAM_TEST, 0);
    wm_generate(&task, B, T, &rng, x, y);
    double starts = 0;
    double per_channel[2 * WM_MAX_BITS] = {0};
    for (size_t i = 0; i < (size_t)T * B * C; i++) {
        starts += x[i];
        per_channel[i % C] += x[i];
    }
    const double rate = starts / ((double)T * B * C);
    CHECK(fabs(rate - task.pulse_prob) <= 0.05 * task.pulse_prob, "K = %d: pulse start frequency %g", K, rate);
    for (int c = 0; c < C; c++) {
        const double rc = per_channel[c] / ((double)T * B);
        CHECK(fabs(rc - task.pulse_prob) <= 0.1 * task.pulse_prob, "K = %d: start frequency of channel %d: %g",
              K, c, rc);
    }
    /* channels are independent: ON_j and ON_k start together at the rate p² */
    double both = 0;
    for (size_t r = 0; r < (size_t)T * B; r++) both += x[r * C + 0] * x[r * C + C - 2];
    CHECK(both < 4.0 * task.pulse_prob * task.pulse_prob * T * B + 10,
          "K = %d: ON1 and ON%d start together at about p² (%g times)", K, K, both);

    /* sequence b does not depend on B; the parent rng is not consumed */
    const wm_task paper = {.pulse_prob = 0.002, .pulse_len = 40, .ramp_step = 0.1, .bits = K};
    const int T2 = 3000;
    real *x3 = malloc(sizeof(real) * T2 * 3 * C), *y3 = malloc(sizeof(real) * T2 * 3 * K);
    real *x5 = malloc(sizeof(real) * T2 * 5 * C), *y5 = malloc(sizeof(real) * T2 * 5 * K);
    mimod_rng before = rng;
    wm_generate(&paper, 3, T2, &rng, x3, y3);
    CHECK(memcmp(&before, &rng, sizeof rng) == 0, "wm_generate leaves the parent rng alone");
    wm_generate(&paper, 5, T2, &rng, x5, y5);
    int same = 1, any_pulse = 0;
    for (int t = 0; t < T2; t++)
        for (int b = 0; b < 3; b++) {
            for (int c = 0; c < C; c++) {
                same &= WM_X(x3, K, 3, t, b, c) == WM_X(x5, K, 5, t, b, c);
                any_pulse |= WM_X(x3, K, 3, t, b, c) != 0;
            }
            for (int j = 0; j < K; j++) same &= WM_Y(y3, K, 3, t, b, j) == WM_Y(y5, K, 5, t, b, j);
        }
    CHECK(same, "K = %d: batch of 3 and batch of 5 share their first 3 sequences", K);
    CHECK(any_pulse, "the compared sequences have pulses");
    int differ = 0;
    for (int t = 0; t < T2; t++)
        for (int c = 0; c < C; c++) differ |= WM_X(x5, K, 5, t, 0, c) != WM_X(x5, K, 5, t, 1, c);
    CHECK(differ, "sequences 0 and 1 differ");
    free(x);
    free(y);
    free(x3);
    free(y3);
    free(x5);
    free(y5);
}

/* ---- SEP ---- */

static double max_abs_diff(const double *a, const double *b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

/* Default substeps against 10× finer. Two kinds of comparison:
 *  - from t = 0 over the horizon before chaos amplifies the difference past
 *    1e-6 (Lorenz t ≤ 10, Rössler t ≤ 30, Chen t ≤ 1.2; beyond, both
 *    integrators are accurate but follow different trajectories of the
 *    attractor; Chen leaves its origin at the rate 23.8, so two integrators
 *    part there at t ≈ 1.4–1.7);
 *  - along the whole trajectory in windows restarted from the reference
 *    state (Lorenz 1 time unit, Rössler 10, Chen 0.5), which checks the step
 *    size on every part of the attractor, where the one from t = 0 only sees
 *    the first part.
 * Chen is sampled at the paper's Lorenz step times chen_time_scale (0.5). */
static void test_sep_accuracy(int substeps, double chen_time_scale) {
    const int n = 14000;
    const double dt[3] = {100.0 / (n - 1), 700.0 / (n - 1), chen_time_scale * 100.0 / (n - 1)};
    const double horizon[3] = {10.0, 30.0, 1.2}, window[3] = {1.0, 10.0, 0.5};
    const char *name[3] = {"Lorenz", "Rössler", "Chen"};
    double *ref = malloc(sizeof(double) * 3 * n), *got = malloc(sizeof(double) * 3 * n);
    double *wref = malloc(sizeof(double) * 3 * n), *wgot = malloc(sizeof(double) * 3 * n);
    mimod_rng rng;
    rng_init(&rng, 21, RNG_STREAM_TEST, 0);
    for (int sys = 0; sys < 3; sys++) {
        double worst_h = 0, worst_w = 0;
        for (int trial = 0; trial < 2; trial++) {
            double ic[3];
            for (int i = 0; i < 3; i++) ic[i] = rng_uniform(&rng);
            sep_integrate(sys, ic, n, dt[sys], substeps, got);
            sep_integrate(sys, ic, n, dt[sys], 10 * substeps, ref);
            const int nh = (int)(horizon[sys] / dt[sys]) + 1;
            worst_h = fmax(worst_h, max_abs_diff(got, ref, 3 * (size_t)nh));
            /* and beyond the horizon the two really do part: this is chaos,
             * not a broken comparison */
            if (trial == 0)
                CHECK(max_abs_diff(got, ref, 3 * (size_t)n) > 1e-3,
                      "%s: trajectories part after the horizon", name[sys]);
            const int nw = (int)(window[sys] / dt[sys]) + 1;
            for (int t0 = 0; t0 + nw <= n; t0 += nw - 1) {
                sep_integrate(sys, ref + 3 * t0, nw, dt[sys], substeps, wgot);
                sep_integrate(sys, ref + 3 * t0, nw, dt[sys], 10 * substeps, wref);
                worst_w = fmax(worst_w, max_abs_diff(wgot, wref, 3 * (size_t)nw));
            }
        }
        printf("  %s, %d substeps vs %d: max |diff| %.2e for t <= %g, %.2e in %g-long windows\n",
               name[sys], substeps, 10 * substeps, worst_h, horizon[sys], worst_w, window[sys]);
        CHECK(worst_h <= 1e-6, "%s from t = 0 to %g: %g", name[sys], horizon[sys], worst_h);
        CHECK(worst_w <= 1e-6, "%s in windows of %g along t: %g", name[sys], window[sys], worst_w);
    }
    /* The generic RK4 is fourth order: halving h divides the error by ~16. */
    {
        const double ic[3] = {0.3, 0.6, 0.9};
        const int nn = 200;
        double *e1 = malloc(sizeof(double) * 3 * nn), *e2 = malloc(sizeof(double) * 3 * nn),
               *e0 = malloc(sizeof(double) * 3 * nn);
        for (int sys = 1; sys < 3; sys++) {
            sep_integrate(sys, ic, nn, dt[sys], 1, e1);
            sep_integrate(sys, ic, nn, dt[sys], 2, e2);
            sep_integrate(sys, ic, nn, dt[sys], 64, e0);
            const double ratio = max_abs_diff(e1, e0, 3 * nn) / max_abs_diff(e2, e0, 3 * nn);
            CHECK(ratio > 12 && ratio < 22, "%s: RK4 error ratio for h and h/2 is ~16: %g", name[sys], ratio);
        }
        free(e0);
        free(e1);
        free(e2);
    }
    free(ref);
    free(got);
    free(wref);
    free(wgot);
}

/* Each source is the system it claims to be: on the attractor the time
 * average of a derivative vanishes (up to the boundary term over the
 * span), which ties averages of the state together exactly —
 *   Lorenz  ẋ = σ(y − x)          → ⟨y⟩ = ⟨x⟩, ⟨xy⟩ = ⟨x²⟩;  ż = xy − βz → ⟨xy⟩ = β⟨z⟩
 *   Rössler ẋ = −y − z            → ⟨y⟩ = −⟨z⟩;  ẏ = x + ay → ⟨x⟩ = −a⟨y⟩;
 *           ż = b + z(x − c)      → b + ⟨xz⟩ = c⟨z⟩
 *   Chen    ẋ = a(y − x)          → ⟨y⟩ = ⟨x⟩, ⟨xy⟩ = ⟨x²⟩;  ż = xy − bz → ⟨xy⟩ = b⟨z⟩
 * — checked over the paper's kept segment (samples 4000–13999) of 4
 * trajectories each; and the three sources move on comparable time scales:
 * the rate at which a scaled variable crosses its mean (per 1000 samples,
 * averaged over x, y, z) of Rössler and of Chen is within a factor 1.6 of
 * Lorenz's (measured 10.7, 14.9, 12.9; Chen at chen_time_scale 1 would
 * cross ~2.4× as often as Lorenz). */
static void test_sep_source_statistics(const sep_task *paper3) {
    const int n = paper3->n_samples, n_drop = paper3->n_drop, L = n - n_drop;
    double *raw = malloc(sizeof(double) * 3 * (size_t)n);
    mimod_rng rng;
    rng_init(&rng, 51, RNG_STREAM_TEST, 0);
    const char *name[3] = {"Lorenz", "Rössler", "Chen"};
    for (int sys = 0; sys < 3; sys++) {
        double worst[3] = {0, 0, 0}; /* relative misfit of each identity */
        for (int rep = 0; rep < 4; rep++) {
            double ic[3];
            for (int i = 0; i < 3; i++) ic[i] = rng_uniform(&rng);
            const double tmax = sys == 0 ? paper3->lorenz_tmax : sys == 1 ? paper3->rossler_tmax : paper3->chen_tmax;
            sep_integrate(sys, ic, n, tmax / (n - 1), paper3->substeps, raw);
            double mx = 0, my = 0, mz = 0, mxy = 0, mxx = 0, mxz = 0, sx = 0;
            for (int t = n_drop; t < n; t++) {
                const double x = raw[3 * t], y = raw[3 * t + 1], z = raw[3 * t + 2];
                mx += x; my += y; mz += z; mxy += x * y; mxx += x * x; mxz += x * z;
            }
            mx /= L; my /= L; mz /= L; mxy /= L; mxx /= L; mxz /= L;
            sx = sqrt(mxx - mx * mx);
            double e[3];
            if (sys == 1) {
                e[0] = fabs(my + mz) / sx;
                e[1] = fabs(mx + 0.2 * my) / sx;
                e[2] = fabs(0.2 + mxz - 5.7 * mz) / (5.7 * fabs(mz) + fabs(mxz));
            } else {
                const double beta = sys == 0 ? 8.0 / 3.0 : 3.0;
                e[0] = fabs(my - mx) / sx;
                e[1] = fabs(mxy - mxx) / mxx;
                e[2] = fabs(mxy - beta * mz) / mxy;
            }
            for (int k = 0; k < 3; k++) worst[k] = fmax(worst[k], e[k]);
        }
        printf("  %s: time-average identities hold to %.2g, %.2g, %.2g (relative)\n", name[sys],
               worst[0], worst[1], worst[2]);
        CHECK(worst[0] < 0.05 && worst[1] < 0.05 && worst[2] < 0.05,
              "%s: time averages satisfy its equations (%.3g, %.3g, %.3g)", name[sys], worst[0],
              worst[1], worst[2]);
    }
    free(raw);

    /* time scales of the scaled sources, as the task makes them */
    const int B = 4;
    real *x = malloc(sizeof(real) * (size_t)L * B * 3), *tg = malloc(sizeof(real) * (size_t)L * B * 9);
    double *work = malloc(sizeof(double) * 9 * (size_t)n);
    sep_generate(paper3, B, &rng, x, tg, work);
    double rate[3] = {0, 0, 0};
    for (int b = 0; b < B; b++)
        for (int v = 0; v < 9; v++) {
            double mean = 0;
            for (int t = 0; t < L; t++) mean += tg[((size_t)t * B + b) * 9 + v];
            mean /= L;
            int crossings = 0;
            for (int t = 1; t < L; t++)
                crossings += (tg[((size_t)t * B + b) * 9 + v] > mean) != (tg[((size_t)(t - 1) * B + b) * 9 + v] > mean);
            rate[v / 3] += 1000.0 * crossings / L / (3.0 * B);
        }
    printf("  mean crossings per 1000 samples: Lorenz %.1f, Rössler %.1f, Chen %.1f\n", rate[0], rate[1], rate[2]);
    for (int k = 1; k < 3; k++)
        CHECK(rate[k] / rate[0] < 1.6 && rate[0] / rate[k] < 1.6,
              "%s's time scale within 1.6× of Lorenz's (%.1f vs %.1f crossings per 1000 samples)",
              name[k], rate[k], rate[0]);
    free(x);
    free(tg);
    free(work);
}

/* sep_generate with K = t->sources sources. */
static void test_sep_generate(const sep_task *paper) {
    const int K = paper->sources, nv = 3 * K;
    /* Full range: with n_drop = 0 every variable of every sequence spans
     * exactly [0, 1]. */
    sep_task full = *paper;
    full.n_drop = 0;
    const int B = 3, n = full.n_samples;
    real *x = malloc(sizeof(real) * (size_t)n * B * 3), *tg = malloc(sizeof(real) * (size_t)n * B * nv);
    double *work = malloc(sizeof(double) * nv * (size_t)n);
    mimod_rng rng;
    rng_init(&rng, 31, RNG_STREAM_TEST, 0);
    sep_generate(&full, B, &rng, x, tg, work);
    int exact = 1, sum_ok = 1;
    for (int b = 0; b < B; b++)
        for (int k = 0; k < nv; k++) {
            real lo = 2, hi = -1;
            for (int t = 0; t < n; t++) {
                const real v = tg[((size_t)t * B + b) * nv + k];
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            exact &= lo == 0 && hi == 1;
        }
    /* x = Σ sources in source order, in `real` */
    for (size_t i = 0; i < (size_t)n * B; i++)
        for (int k = 0; k < 3; k++) {
            real sum = tg[i * nv + k];
            for (int src = 1; src < K; src++) sum += tg[i * nv + 3 * src + k];
            sum_ok &= x[i * 3 + k] == sum;
        }
    CHECK(exact, "K = %d: min–max scaling gives exactly [0, 1] over all samples", K);
    CHECK(sum_ok, "K = %d: x = the sum of the %d sources", K, K);

    /* The same sequences from sep_integrate, scaled here: sequence b's ICs
     * are the first 3K uniforms of rng_split(rng, b), Lorenz first, then
     * Rössler, then Chen. */
    double *raw = malloc(sizeof(double) * 3 * (size_t)n);
    double worst = 0;
    for (int b = 0; b < B; b++) {
        mimod_rng child;
        rng_split(&child, &rng, (uint64_t)b);
        double ic[9];
        for (int i = 0; i < nv; i++) ic[i] = rng_uniform(&child);
        for (int sys = 0; sys < K; sys++) {
            const double tmax = sys == 0 ? full.lorenz_tmax : sys == 1 ? full.rossler_tmax : full.chen_tmax;
            sep_integrate(sys, ic + 3 * sys, n, tmax / (n - 1), full.substeps, raw);
            for (int k = 0; k < 3; k++) {
                double lo = raw[k], hi = raw[k];
                for (int t = 0; t < n; t++) {
                    lo = fmin(lo, raw[3 * t + k]);
                    hi = fmax(hi, raw[3 * t + k]);
                }
                for (int t = 0; t < n; t++) {
                    const double want = (raw[3 * t + k] - lo) / (hi - lo);
                    worst = fmax(worst, fabs(tg[((size_t)t * B + b) * nv + 3 * sys + k] - want));
                }
            }
        }
    }
    /* float build: the raw value and the scaled one are each rounded once */
    CHECK(worst < (sizeof(real) == 4 ? 3e-7 : 1e-13), "K = %d: sep_generate = scaled sep_integrate: %g", K, worst);

    /* n_drop: the paper layout is the tail of the full one, and the kept
     * segment is scaled with the extremes of all samples */
    const int L = paper->n_samples - paper->n_drop;
    real *xp = malloc(sizeof(real) * (size_t)L * B * 3), *tp = malloc(sizeof(real) * (size_t)L * B * nv);
    sep_generate(paper, B, &rng, xp, tp, work);
    CHECK(memcmp(tp, tg + (size_t)paper->n_drop * B * nv, sizeof(real) * (size_t)L * B * nv) == 0,
          "K = %d: dropping keeps the scaling of the full trajectory", K);
    CHECK(memcmp(xp, x + (size_t)paper->n_drop * B * 3, sizeof(real) * (size_t)L * B * 3) == 0,
          "K = %d: dropping keeps x", K);

    /* Determinism and independence of B: B = 3 twice, then B = 5 (an odd
     * count also exercises a partly filled block of lanes). */
    real *x2 = malloc(sizeof(real) * (size_t)L * 5 * 3), *t2 = malloc(sizeof(real) * (size_t)L * 5 * nv);
    sep_generate(paper, B, &rng, x2, t2, work);
    CHECK(memcmp(t2, tp, sizeof(real) * (size_t)L * B * nv) == 0, "sep_generate is deterministic");
    sep_generate(paper, 5, &rng, x2, t2, work);
    int same = 1;
    for (int t = 0; t < L; t++)
        for (int b = 0; b < B; b++)
            for (int k = 0; k < nv; k++) same &= t2[((size_t)t * 5 + b) * nv + k] == tp[((size_t)t * B + b) * nv + k];
    CHECK(same, "K = %d: batch of 3 and batch of 5 share their first 3 sequences", K);
    int differ = 0;
    for (int t = 0; t < L; t++) differ |= t2[(size_t)t * 5 * nv] != t2[((size_t)t * 5 + 4) * nv];
    CHECK(differ, "sequences differ");

    /* Both scaling paths: with 20 samples, work (3K·20 doubles) holds the
     * extremes of B = 3 sequences (6K·3) but not of B = 11 (6K·11), which then
     * scales block by block; the shared sequences must agree. */
    {
        sep_task tiny = {.n_samples = 20, .n_drop = 5, .lorenz_tmax = 2, .rossler_tmax = 14,
                         .chen_tmax = 1, .substeps = 8, .sources = K};
        real xs[15 * 11 * 3], ts[15 * 11 * 9], xb[15 * 11 * 3], tb[15 * 11 * 9];
        double wk[9 * 20];
        sep_generate(&tiny, 3, &rng, xs, ts, wk);
        sep_generate(&tiny, 11, &rng, xb, tb, wk);
        int agree = 1;
        for (int t = 0; t < 15; t++)
            for (int b = 0; b < 3; b++) {
                for (int k = 0; k < nv; k++) agree &= ts[(t * 3 + b) * nv + k] == tb[(t * 11 + b) * nv + k];
                for (int k = 0; k < 3; k++) agree &= xs[(t * 3 + b) * 3 + k] == xb[(t * 11 + b) * 3 + k];
            }
        CHECK(agree, "K = %d: deferred and per-block scaling agree", K);
    }

    free(x);
    free(tg);
    free(work);
    free(raw);
    free(xp);
    free(tp);
    free(x2);
    free(t2);
}

/* A third source leaves the first two as they were: K = 3's Lorenz and
 * Rössler targets are K = 2's, bit for bit (its Chen IC is drawn after
 * theirs), and its input is theirs plus Chen. */
static void test_sep_third_source_keeps_two(const sep_task *paper2) {
    sep_task two = *paper2, three = *paper2;
    two.sources = 2;
    three.sources = 3;
    const int B = 5, L = two.n_samples - two.n_drop;
    real *x2 = malloc(sizeof(real) * (size_t)L * B * 3), *t2 = malloc(sizeof(real) * (size_t)L * B * 6);
    real *x3 = malloc(sizeof(real) * (size_t)L * B * 3), *t3 = malloc(sizeof(real) * (size_t)L * B * 9);
    double *work = malloc(sizeof(double) * 9 * (size_t)two.n_samples);
    mimod_rng rng;
    rng_init(&rng, 61, RNG_STREAM_TEST, 0);
    sep_generate(&two, B, &rng, x2, t2, work);
    sep_generate(&three, B, &rng, x3, t3, work);
    int same = 1, sum = 1;
    for (size_t r = 0; r < (size_t)L * B; r++) {
        same &= memcmp(t3 + r * 9, t2 + r * 6, 6 * sizeof(real)) == 0;
        for (int k = 0; k < 3; k++) sum &= x3[r * 3 + k] == x2[r * 3 + k] + t3[r * 9 + 6 + k];
    }
    CHECK(same, "K = 3 keeps K = 2's Lorenz and Rössler targets bit for bit");
    CHECK(sum, "K = 3's input is K = 2's plus Chen");
    free(x2);
    free(t2);
    free(x3);
    free(t3);
    free(work);
}

static void time_sep_paper(const sep_task *paper) {
    const int B = 50, L = paper->n_samples - paper->n_drop, nv = 3 * paper->sources;
    real *x = malloc(sizeof(real) * (size_t)L * B * 3), *tg = malloc(sizeof(real) * (size_t)L * B * nv);
    double *work = malloc(sizeof(double) * nv * (size_t)paper->n_samples);
    mimod_rng rng;
    rng_init(&rng, 41, RNG_STREAM_TEST, 0);
    /* CPU time as well as wall time: on a loaded machine the wall time says
     * more about the neighbours than about the generator. */
    double best = 1e30, best_cpu = 1e30;
    for (int rep = 0; rep < 2; rep++) {
        const double t0 = mimod_now();
        const clock_t c0 = clock();
        sep_generate(paper, B, &rng, x, tg, work);
        best_cpu = fmin(best_cpu, (double)(clock() - c0) / CLOCKS_PER_SEC);
        best = fmin(best, mimod_now() - t0);
    }
    printf("  sep_generate B = 50, %d sources, %d samples, %d substeps: %.3f s wall, %.3f s CPU\n",
           paper->sources, paper->n_samples, paper->substeps, best, best_cpu);
    free(x);
    free(tg);
    free(work);
}

int main(void) {
    for (int K = 2; K <= 4; K++) {
        test_wm_rules_single_step_pulses(K);
        test_wm_paper_pulses(K);
        test_wm_start_rate_and_independence(K);
    }
    test_wm_three_bits_by_hand();

    mimod_config cfg;
    mimod_err err = {0};
    CHECK(config_preset(&cfg, "paper", &mimod_task_sep, &err) == MIMOD_OK, "SEP paper preset: %s", err.msg);
    const sep_task paper = sep_task_of(&cfg);
    CHECK(paper.n_samples == 14000 && paper.n_drop == 4000 && paper.lorenz_tmax == 100 &&
              paper.rossler_tmax == 700 && paper.sources == 2 && paper.chen_tmax == 50,
          "SEP paper sizes");
    /* the preset must not step more coarsely than the accuracy shown here */
    CHECK(paper.substeps >= 8, "paper preset RK4 substeps >= 8: %d", paper.substeps);
    test_sep_accuracy(paper.substeps, cfg.chen_time_scale);
    test_sep_generate(&paper);
    sep_task paper3 = paper;
    paper3.sources = 3;
    test_sep_generate(&paper3);
    test_sep_third_source_keeps_two(&paper);
    test_sep_source_statistics(&paper3);
    time_sep_paper(&paper);
    time_sep_paper(&paper3);
    return check_report("test_tasks");
}
