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
    double t;             /* (mean_a − mean_b) / standard error */
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

/* Pearson correlation of the pairs (x[i], y[i]) where both are finite, and its
 * two-sided p (t = r·√((n−2)/(1−r²)), df = n−2). MIMOD_EINVAL if fewer than 3
 * pairs or a variable is constant; r and p are then NaN. */
int summary_pearson(const double *x, const double *y, int n, int *n_used, double *r,
                    double *p, mimod_err *err);

#endif
