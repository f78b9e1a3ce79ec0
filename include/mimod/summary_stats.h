/* summary_stats.h — sample statistics, t-tests and Pearson correlation on plain double arrays (src/summary/summary_stats.c).
 * Part of mimod-summary (summary.h gathers the parts). */
#ifndef MIMOD_SUMMARY_STATS_H
#define MIMOD_SUMMARY_STATS_H

#include "mimod/common.h"

/* ---------------------------------------------------------------- statistics */

/* Mean and sample standard deviation (divisor n−1) of the finite values of x[n],
 * by the two-pass formula (mean first, then Σ(x−mean)², with the compensating
 * term Σ(x−mean) subtracted). Non-finite values are skipped. *n_used gets the
 * number of finite values; mean is NaN if it is 0, sd is NaN if it is < 2. */
void summary_mean_sd(const double *x, int n, int *n_used, double *mean, double *sd);

typedef struct {
    int n_a, n_b;         /* finite values used from each sample */
    double mean_a, mean_b;
    double sd_a, sd_b;
    double se;            /* standard error of mean_a − mean_b (NaN when undefined) */
    double t;             /* (mean_a − mean_b) / se */
    double df;            /* n_a + n_b − 2 (Student) or Welch–Satterthwaite */
    double p;             /* two-sided */
} summary_ttest_result;

/* Two-sample t-test of a[n_a] against b[n_b] (non-finite values skipped).
 * welch = 0: Student's test with pooled variance; welch = 1: Welch's test.
 * Returns MIMOD_EINVAL (with a message) when a sample has fewer than 2 finite
 * values or both variances are zero; out then holds the means and NaN t/p. */
int summary_ttest(const double *a, int n_a, const double *b, int n_b, int welch,
                  summary_ttest_result *out, mimod_err *err);

/* Welch's two-sample t-test from summary statistics (n, mean, sample sd of each
 * sample; e.g. ours against a paper's reported mean ± sd over n seeds).
 * MIMOD_EINVAL when n < 2 on a side, a value is not finite (sd must be ≥ 0),
 * or both sds are zero; t/df/p are then NaN. */
int summary_welch_from_stats(int n_a, double mean_a, double sd_a, int n_b, double mean_b,
                             double sd_b, summary_ttest_result *out, mimod_err *err);

/* One-sample t-test of the finite values of d[n] against 0 — the paired t-test
 * when d holds differences: t = mean(d)/(sd(d)/√n), df = n − 1. Fills n_a,
 * mean_a, sd_a (n_b = 0). MIMOD_EINVAL when fewer than 2 finite values or
 * sd(d) = 0 (t undefined); t/df/p are then NaN. */
int summary_ttest_one_sample(const double *d, int n, summary_ttest_result *out, mimod_err *err);

/* Two-sided p value of a t statistic with df degrees of freedom (GSL CDFs). */
double summary_t_two_sided_p(double t, double df);

/* Equivalence (TOST, Schuirmann 1987): is a difference within ±margin? Two
 * one-sided tests at level alpha, H0: Δ ≤ −margin and H0: Δ ≥ margin; the
 * difference is shown equivalent to 0 when both are rejected, i.e. when the
 * (1 − 2·alpha) confidence interval of Δ lies inside (−margin, margin). A
 * "no significant difference" at small n is not this: it is absence of
 * evidence, and the interval shows how wide the ignorance is. */
typedef struct {
    double margin;        /* the equivalence bound δ > 0 */
    double ci_lo, ci_hi;  /* the (1 − 2α) confidence interval of Δ */
    double p;             /* max of the two one-sided p values */
    int equivalent;       /* p < alpha */
} summary_tost_result;

/* TOST for a t-distributed estimate: Δ̂ = diff with standard error se and df
 * degrees of freedom (Student pooled, Welch, paired: as the caller's t-test).
 * MIMOD_EINVAL (fields NaN) unless diff finite, se > 0, df > 0, margin > 0
 * and alpha in (0, 0.5). */
int summary_tost_t(double diff, double se, double df, double margin, double alpha,
                   summary_tost_result *out, mimod_err *err);

/* TOST for a Pearson correlation: is |ρ| < margin? Fisher's z = atanh(r) with
 * standard error 1/√(n − 3) and normal tails; the interval is given back in r.
 * MIMOD_EINVAL unless n ≥ 4, |r| < 1 and margin in (0, 1). */
int summary_tost_pearson(double r, int n, double margin, double alpha, summary_tost_result *out,
                         mimod_err *err);

/* Pearson correlation of the pairs (x[i], y[i]) where both are finite, and its
 * two-sided p (t = r·√((n−2)/(1−r²)), df = n−2). MIMOD_EINVAL if fewer than 3
 * pairs or a variable is constant; r and p are then NaN. */
int summary_pearson(const double *x, const double *y, int n, int *n_used, double *r,
                    double *p, mimod_err *err);

#endif
