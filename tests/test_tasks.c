/* test_tasks.c — the data generators of SPEC §2 (WM) and §3 (SEP).
 *
 * WM: the targets are rebuilt from the generated inputs by the rules of
 * tasks.h (in integer tenths, so the reference has no rounding at all) and
 * compared; pulse statistics; sequence b does not depend on B.
 * SEP: RK4 at the default step against a 10× finer RK4 over the horizon
 * where such a comparison means something (both systems are chaotic, see
 * docs/analysis.md), exact [0,1] ranges, x = sum of the targets, agreement
 * of sep_generate with sep_integrate, determinism, and the time of one
 * paper-size batch (printed, not checked). */
#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WM_X(x, B, t, b, c) ((x)[((size_t)(t) * (B) + (b)) * 4 + (c)])
#define WM_Y(y, B, t, b, j) ((y)[((size_t)(t) * (B) + (b)) * 2 + (j)])

/* Reference target of bit j from known start flags, ramp_step = 0.1, in
 * integer tenths: level(t) = clamp(level(t−1) + s(t), −10, 10). Checks the
 * generated target against it; returns the number of mismatches. */
static int wm_check_targets(const real *y, int B, int T, int b, const unsigned char *start) {
    int bad = 0;
    for (int j = 0; j < 2; j++) {
        int bit = -1, level = 0;
        for (int t = 0; t < T; t++) {
            if (start[t * 4 + 2 * j]) bit = 1; /* ON wins a tie */
            else if (start[t * 4 + 2 * j + 1]) bit = -1;
            level += bit;
            level = level > 10 ? 10 : (level < -10 ? -10 : level);
            const double got = WM_Y(y, B, t, b, j);
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

static void test_wm_rules_single_step_pulses(void) {
    /* With pulse_len = 1 every 1 in the input is a start, so the rule can be
     * checked exactly, ties included (pulse_prob high enough for many). */
    const wm_task task = {.pulse_prob = 0.05, .pulse_len = 1, .ramp_step = 0.1};
    const int B = 20, T = 2000;
    real *x = malloc(sizeof(real) * T * B * 4), *y = malloc(sizeof(real) * T * B * 2);
    unsigned char *start = malloc((size_t)T * 4);
    mimod_rng rng;
    rng_init(&rng, 11, RNG_STREAM_TEST, 0);
    wm_generate(&task, B, T, &rng, x, y);
    int bad = 0, ties = 0, ramps = 0, ramp_bad = 0, zeros = 0;
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++)
            for (int c = 0; c < 4; c++) start[t * 4 + c] = WM_X(x, B, t, b, c) == 1;
        bad += wm_check_targets(y, B, T, b, start);
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < 2; j++) {
                zeros += WM_Y(y, B, t, b, j) == 0;
                if (start[t * 4 + 2 * j] && start[t * 4 + 2 * j + 1]) {
                    ties++;
                    /* ON wins: the target moves up (or stays at the +1 clip) */
                    double prev = t ? WM_Y(y, B, t - 1, b, j) : 0.0, cur = WM_Y(y, B, t, b, j);
                    if (!(cur > prev || (cur == 1 && prev == 1))) ramp_bad++;
                }
            }
            /* After an ON1 start from the −1 clip with no ON1/OFF1 start in
             * the next 19 steps, the target climbs −0.9, −0.8, …, 1.0. */
            if (t > 0 && start[t * 4 + 0] && WM_Y(y, B, t - 1, b, 0) == -1 && t + 21 < T) {
                int quiet = 1;
                for (int k = 1; k <= 20; k++) quiet &= !start[(t + k) * 4] && !start[(t + k) * 4 + 1];
                if (quiet) {
                    ramps++;
                    for (int k = 0; k < 20; k++)
                        if (fabs(WM_Y(y, B, t + k, b, 0) - (-0.9 + 0.1 * k)) > 1e-6) ramp_bad++;
                    if (WM_Y(y, B, t + 19, b, 0) != 1 || WM_Y(y, B, t + 20, b, 0) != 1) ramp_bad++;
                }
            }
        }
    }
    CHECK(bad == 0, "WM target follows the ON/OFF rule (pulse_len 1): %d mismatches", bad);
    CHECK(ties > 20, "ties were exercised: %d", ties);
    CHECK(ramps > 5, "full ramps were exercised: %d", ramps);
    CHECK(zeros > 100, "targets crossing 0 were exercised: %d", zeros);
    CHECK(ramp_bad == 0, "ramp −0.9 … 1 in 20 steps and ON wins ties: %d failures", ramp_bad);
    for (size_t i = 0; i < (size_t)T * B * 2; i++)
        if (!(y[i] >= -1 && y[i] <= 1)) {
            CHECK(0, "target out of [−1, 1] at %zu: %g", i, y[i]);
            break;
        }
    free(x);
    free(y);
    free(start);
}

static void test_wm_paper_pulses(void) {
    /* Paper settings: pulses of 40 steps. A run of exactly 40 ones is one
     * start; a longer run, or one still on at the last step, may hide
     * restarts, so sequences with one are left out of the rule check. */
    const wm_task task = {.pulse_prob = 0.002, .pulse_len = 40, .ramp_step = 0.1};
    const int B = 400, T = 1000;
    real *x = malloc(sizeof(real) * T * B * 4), *y = malloc(sizeof(real) * T * B * 2);
    unsigned char *start = malloc((size_t)T * 4);
    mimod_rng rng;
    rng_init(&rng, 12, RNG_STREAM_TEST, 0);
    wm_generate(&task, B, T, &rng, x, y);
    int bad = 0, checked = 0, not_binary = 0, short_runs = 0;
    double on = 0, n_on = 0;
    for (int b = 0; b < B; b++) {
        int ambiguous = 0;
        memset(start, 0, (size_t)T * 4);
        for (int c = 0; c < 4; c++) {
            for (int t = 0; t < T; t++) {
                const real v = WM_X(x, B, t, b, c);
                if (v != 0 && v != 1) not_binary++;
                if (t >= task.pulse_len) {
                    on += v;
                    n_on++;
                }
                if (v == 1 && (t == 0 || WM_X(x, B, t - 1, b, c) == 0)) {
                    int len = 0;
                    while (t + len < T && WM_X(x, B, t + len, b, c) == 1) len++;
                    if (len > task.pulse_len || t + len == T) ambiguous = 1;
                    if (len < task.pulse_len && t + len < T) short_runs++;
                    start[t * 4 + c] = 1;
                }
            }
        }
        if (!ambiguous) {
            checked++;
            bad += wm_check_targets(y, B, T, b, start);
        }
    }
    CHECK(not_binary == 0, "inputs are 0 or 1: %d others", not_binary);
    CHECK(short_runs == 0, "no pulse shorter than pulse_len: %d", short_runs);
    CHECK(checked >= 20, "enough unambiguous sequences: %d", checked);
    CHECK(bad == 0, "WM target follows the rule (pulse_len 40): %d mismatches", bad);
    /* Stationary on-fraction 1 − (1 − p)^40 = 0.0770; ~3100 pulses, each a
     * 40-step block, so the relative sd is ~1.8%: allow 7%. */
    const double frac = on / n_on, expect = 1 - pow(1 - task.pulse_prob, task.pulse_len);
    CHECK_CLOSE(frac, expect, 0, 0.07, "fraction of steps with a pulse on");
    free(x);
    free(y);
    free(start);
}

static void test_wm_start_rate_and_independence(void) {
    /* Start frequency with pulse_len 1 (every 1 is a start): 200·5000·4 draws,
     * expected 8000 starts, sd 89: allow 5%. */
    const wm_task task = {.pulse_prob = 0.002, .pulse_len = 1, .ramp_step = 0.1};
    const int B = 200, T = 5000;
    real *x = malloc(sizeof(real) * T * B * 4), *y = malloc(sizeof(real) * T * B * 2);
    mimod_rng rng;
    rng_init(&rng, 13, RNG_STREAM_TEST, 0);
    wm_generate(&task, B, T, &rng, x, y);
    double starts = 0;
    double per_channel[4] = {0};
    for (size_t i = 0; i < (size_t)T * B * 4; i++) {
        starts += x[i];
        per_channel[i % 4] += x[i];
    }
    CHECK_CLOSE(starts / ((double)T * B * 4), task.pulse_prob, 0, 0.05, "pulse start frequency");
    for (int c = 0; c < 4; c++)
        CHECK_CLOSE(per_channel[c] / ((double)T * B), task.pulse_prob, 0, 0.1, "start frequency per channel");

    /* sequence b does not depend on B; the parent rng is not consumed */
    const wm_task paper = {.pulse_prob = 0.002, .pulse_len = 40, .ramp_step = 0.1};
    const int T2 = 3000;
    real *x3 = malloc(sizeof(real) * T2 * 3 * 4), *y3 = malloc(sizeof(real) * T2 * 3 * 2);
    real *x5 = malloc(sizeof(real) * T2 * 5 * 4), *y5 = malloc(sizeof(real) * T2 * 5 * 2);
    mimod_rng before = rng;
    wm_generate(&paper, 3, T2, &rng, x3, y3);
    CHECK(memcmp(&before, &rng, sizeof rng) == 0, "wm_generate leaves the parent rng alone");
    wm_generate(&paper, 5, T2, &rng, x5, y5);
    int same = 1, any_pulse = 0;
    for (int t = 0; t < T2; t++)
        for (int b = 0; b < 3; b++) {
            for (int c = 0; c < 4; c++) {
                same &= WM_X(x3, 3, t, b, c) == WM_X(x5, 5, t, b, c);
                any_pulse |= WM_X(x3, 3, t, b, c) != 0;
            }
            for (int j = 0; j < 2; j++) same &= WM_Y(y3, 3, t, b, j) == WM_Y(y5, 5, t, b, j);
        }
    CHECK(same, "batch of 3 and batch of 5 share their first 3 sequences");
    CHECK(any_pulse, "the compared sequences have pulses");
    int differ = 0;
    for (int t = 0; t < T2; t++)
        for (int c = 0; c < 4; c++) differ |= WM_X(x5, 5, t, 0, c) != WM_X(x5, 5, t, 1, c);
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
 *    1e-6 (Lorenz t ≤ 10, Rössler t ≤ 30; beyond, both integrators are
 *    accurate but follow different trajectories of the attractor);
 *  - along the whole trajectory in windows restarted from the reference
 *    state (Lorenz 1 time unit, Rössler 10), which checks the step size on
 *    every part of the attractor, where the one from t = 0 only sees the
 *    first part. */
static void test_sep_accuracy(int substeps) {
    const int n = 14000;
    const double dt[2] = {100.0 / (n - 1), 700.0 / (n - 1)};
    const double horizon[2] = {10.0, 30.0}, window[2] = {1.0, 10.0};
    const char *name[2] = {"Lorenz", "Rössler"};
    double *ref = malloc(sizeof(double) * 3 * n), *got = malloc(sizeof(double) * 3 * n);
    double *wref = malloc(sizeof(double) * 3 * n), *wgot = malloc(sizeof(double) * 3 * n);
    mimod_rng rng;
    rng_init(&rng, 21, RNG_STREAM_TEST, 0);
    for (int sys = 0; sys < 2; sys++) {
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
        sep_integrate(1, ic, nn, dt[1], 1, e1);
        sep_integrate(1, ic, nn, dt[1], 2, e2);
        sep_integrate(1, ic, nn, dt[1], 64, e0);
        const double ratio = max_abs_diff(e1, e0, 3 * nn) / max_abs_diff(e2, e0, 3 * nn);
        CHECK(ratio > 12 && ratio < 22, "RK4 error ratio for h and h/2 is ~16: %g", ratio);
        free(e0);
        free(e1);
        free(e2);
    }
    free(ref);
    free(got);
    free(wref);
    free(wgot);
}

static void test_sep_generate(const sep_task *paper) {
    /* Full range: with n_drop = 0 every variable of every sequence spans
     * exactly [0, 1]. */
    sep_task full = *paper;
    full.n_drop = 0;
    const int B = 3, n = full.n_samples;
    real *x = malloc(sizeof(real) * (size_t)n * B * 3), *tg = malloc(sizeof(real) * (size_t)n * B * 6);
    double *work = malloc(sizeof(double) * 6 * (size_t)n);
    mimod_rng rng;
    rng_init(&rng, 31, RNG_STREAM_TEST, 0);
    sep_generate(&full, B, &rng, x, tg, work);
    int exact = 1, sum_ok = 1;
    for (int b = 0; b < B; b++)
        for (int k = 0; k < 6; k++) {
            real lo = 2, hi = -1;
            for (int t = 0; t < n; t++) {
                const real v = tg[((size_t)t * B + b) * 6 + k];
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            exact &= lo == 0 && hi == 1;
        }
    for (size_t i = 0; i < (size_t)n * B; i++)
        for (int k = 0; k < 3; k++) sum_ok &= x[i * 3 + k] == tg[i * 6 + k] + tg[i * 6 + 3 + k];
    CHECK(exact, "min–max scaling gives exactly [0, 1] over all samples");
    CHECK(sum_ok, "x = lorenz + rössler");

    /* The same sequences from sep_integrate, scaled here: sequence b's ICs
     * are the first 6 uniforms of rng_split(rng, b), Lorenz first. */
    double *raw = malloc(sizeof(double) * 3 * (size_t)n);
    double worst = 0;
    for (int b = 0; b < B; b++) {
        mimod_rng child;
        rng_split(&child, &rng, (uint64_t)b);
        double ic[6];
        for (int i = 0; i < 6; i++) ic[i] = rng_uniform(&child);
        for (int sys = 0; sys < 2; sys++) {
            const double tmax = sys ? full.rossler_tmax : full.lorenz_tmax;
            sep_integrate(sys, ic + 3 * sys, n, tmax / (n - 1), full.substeps, raw);
            for (int k = 0; k < 3; k++) {
                double lo = raw[k], hi = raw[k];
                for (int t = 0; t < n; t++) {
                    lo = fmin(lo, raw[3 * t + k]);
                    hi = fmax(hi, raw[3 * t + k]);
                }
                for (int t = 0; t < n; t++) {
                    const double want = (raw[3 * t + k] - lo) / (hi - lo);
                    worst = fmax(worst, fabs(tg[((size_t)t * B + b) * 6 + 3 * sys + k] - want));
                }
            }
        }
    }
    /* float build: the raw value and the scaled one are each rounded once */
    CHECK(worst < (sizeof(real) == 4 ? 3e-7 : 1e-13), "sep_generate = scaled sep_integrate: %g", worst);

    /* n_drop: the paper layout is the tail of the full one, and the kept
     * segment is scaled with the extremes of all samples */
    const int L = paper->n_samples - paper->n_drop;
    real *xp = malloc(sizeof(real) * (size_t)L * B * 3), *tp = malloc(sizeof(real) * (size_t)L * B * 6);
    sep_generate(paper, B, &rng, xp, tp, work);
    CHECK(memcmp(tp, tg + (size_t)paper->n_drop * B * 6, sizeof(real) * (size_t)L * B * 6) == 0,
          "dropping keeps the scaling of the full trajectory");
    CHECK(memcmp(xp, x + (size_t)paper->n_drop * B * 3, sizeof(real) * (size_t)L * B * 3) == 0,
          "dropping keeps x");

    /* Determinism and independence of B: B = 3 twice, then B = 5 (an odd
     * count also exercises a partly filled block of lanes). */
    real *x2 = malloc(sizeof(real) * (size_t)L * 5 * 3), *t2 = malloc(sizeof(real) * (size_t)L * 5 * 6);
    sep_generate(paper, B, &rng, x2, t2, work);
    CHECK(memcmp(t2, tp, sizeof(real) * (size_t)L * B * 6) == 0, "sep_generate is deterministic");
    sep_generate(paper, 5, &rng, x2, t2, work);
    int same = 1;
    for (int t = 0; t < L; t++)
        for (int b = 0; b < B; b++)
            for (int k = 0; k < 6; k++) same &= t2[((size_t)t * 5 + b) * 6 + k] == tp[((size_t)t * B + b) * 6 + k];
    CHECK(same, "batch of 3 and batch of 5 share their first 3 sequences");
    int differ = 0;
    for (int t = 0; t < L; t++) differ |= t2[(size_t)t * 5 * 6] != t2[((size_t)t * 5 + 4) * 6];
    CHECK(differ, "sequences differ");

    /* Both scaling paths: with 20 samples, work (120 doubles) holds the
     * extremes of B = 3 sequences (36) but not of B = 11 (132), which then
     * scales block by block; the shared sequences must agree. */
    {
        const sep_task tiny = {.n_samples = 20, .n_drop = 5, .lorenz_tmax = 2, .rossler_tmax = 14,
                               .substeps = 8};
        real xs[15 * 11 * 3], ts[15 * 11 * 6], xb[15 * 11 * 3], tb[15 * 11 * 6];
        double wk[6 * 20];
        sep_generate(&tiny, 3, &rng, xs, ts, wk);
        sep_generate(&tiny, 11, &rng, xb, tb, wk);
        int agree = 1;
        for (int t = 0; t < 15; t++)
            for (int b = 0; b < 3; b++) {
                for (int k = 0; k < 6; k++) agree &= ts[(t * 3 + b) * 6 + k] == tb[(t * 11 + b) * 6 + k];
                for (int k = 0; k < 3; k++) agree &= xs[(t * 3 + b) * 3 + k] == xb[(t * 11 + b) * 3 + k];
            }
        CHECK(agree, "deferred and per-block scaling agree");
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

static void time_sep_paper(const sep_task *paper) {
    const int B = 50, L = paper->n_samples - paper->n_drop;
    real *x = malloc(sizeof(real) * (size_t)L * B * 3), *tg = malloc(sizeof(real) * (size_t)L * B * 6);
    double *work = malloc(sizeof(double) * 6 * (size_t)paper->n_samples);
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
    printf("  sep_generate B = 50, %d samples, %d substeps: %.3f s wall, %.3f s CPU\n",
           paper->n_samples, paper->substeps, best, best_cpu);
    free(x);
    free(tg);
    free(work);
}

int main(void) {
    test_wm_rules_single_step_pulses();
    test_wm_paper_pulses();
    test_wm_start_rate_and_independence();

    mimod_config cfg;
    mimod_err err = {0};
    CHECK(config_preset(&cfg, "paper", &mimod_task_sep, &err) == MIMOD_OK, "SEP paper preset: %s", err.msg);
    const sep_task paper = {.n_samples = cfg.sep_n_samples, .n_drop = cfg.sep_n_drop,
                            .lorenz_tmax = cfg.lorenz_tmax, .rossler_tmax = cfg.rossler_tmax,
                            .substeps = cfg.sep_substeps};
    CHECK(paper.n_samples == 14000 && paper.n_drop == 4000 && paper.lorenz_tmax == 100 &&
              paper.rossler_tmax == 700, "SEP paper sizes");
    /* the preset must not step more coarsely than the accuracy shown here */
    CHECK(paper.substeps >= 8, "paper preset RK4 substeps >= 8: %d", paper.substeps);
    test_sep_accuracy(paper.substeps);
    test_sep_generate(&paper);
    time_sep_paper(&paper);
    return check_report("test_tasks");
}
