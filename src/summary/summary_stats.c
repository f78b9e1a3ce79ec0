/* summary_stats.c — sample statistics across seeds (SPEC §6): mean ± sample sd,
 * two-sample t-tests (Student pooled / Welch, also Welch from summary statistics),
 * the one-sample t-test (the paired test on differences), Pearson r, all with two-sided p
 * values from GSL's Student-t CDFs; equivalence by two one-sided tests (TOST). Everything in double, two-pass formulas
 * (a one-pass Σx² − n·mean² loses every digit when sd ≪ |mean|, which is the
 * normal case for accuracies near 1). */
#include "mimod/summary_stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void summary_mean_sd(const double *x, int n, int *n_used, double *mean, double *sd) {
    int count = 0;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i])) continue;
        sum += x[i];
        count++;
    }
    *n_used = count;
    if (count == 0) {
        *mean = NAN;
        *sd = NAN;
        return;
    }
    double m = sum / count;
    /* Second pass; `drift` = Σ(x − m) is zero in exact arithmetic, and
     * subtracting drift²/n removes the rounding error of m (corrected two-pass). */
    double ss = 0.0, drift = 0.0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i])) continue;
        double d = x[i] - m;
        ss += d * d;
        drift += d;
    }
    *mean = m;
    if (count < 2) {
        *sd = NAN;
        return;
    }
    double var = (ss - drift * drift / count) / (count - 1);
    *sd = sqrt(var > 0.0 ? var : 0.0);
}

double summary_t_two_sided_p(double t, double df) {
    if (!isfinite(t) || !(df > 0.0)) return NAN;
    /* Take the tail on t's own side so a small p is not computed as 1 − (1 − p). */
    double tail = t >= 0.0 ? gsl_cdf_tdist_Q(t, df) : gsl_cdf_tdist_P(t, df);
    double p = 2.0 * tail;
    return p > 1.0 ? 1.0 : p;
}

int summary_ttest(const double *a, int n_a, const double *b, int n_b, int welch,
                  summary_ttest_result *out, mimod_err *err) {
    summary_mean_sd(a, n_a, &out->n_a, &out->mean_a, &out->sd_a);
    summary_mean_sd(b, n_b, &out->n_b, &out->mean_b, &out->sd_b);
    out->se = NAN;
    out->t = NAN;
    out->df = NAN;
    out->p = NAN;
    int na = out->n_a, nb = out->n_b;
    if (na < 2 || nb < 2)
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_ttest: need at least 2 finite values per sample (have %d and %d)",
                          na, nb);
    double var_a = out->sd_a * out->sd_a, var_b = out->sd_b * out->sd_b;
    double diff = out->mean_a - out->mean_b;
    double se, df;
    if (welch) {
        double ea = var_a / na, eb = var_b / nb; /* squared standard errors */
        se = sqrt(ea + eb);
        double denom = ea * ea / (na - 1) + eb * eb / (nb - 1);
        df = denom > 0.0 ? (ea + eb) * (ea + eb) / denom : NAN;
    } else {
        df = (double)(na + nb - 2);
        double pooled = ((na - 1) * var_a + (nb - 1) * var_b) / df;
        se = sqrt(pooled * (1.0 / na + 1.0 / nb));
    }
    if (!(se > 0.0))
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_ttest: both samples have zero variance; t is undefined");
    out->se = se;
    out->t = diff / se;
    out->df = df;
    out->p = summary_t_two_sided_p(out->t, df);
    return MIMOD_OK;
}

static void tost_clear(summary_tost_result *out, double margin) {
    out->margin = margin;
    out->ci_lo = out->ci_hi = out->p = NAN;
    out->equivalent = 0;
}

int summary_tost_t(double diff, double se, double df, double margin, double alpha,
                   summary_tost_result *out, mimod_err *err) {
    tost_clear(out, margin);
    if (!isfinite(diff) || !(se > 0.0) || !isfinite(se) || !(df > 0.0) || !(margin > 0.0) ||
        !isfinite(margin) || !(alpha > 0.0 && alpha < 0.5))
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_tost_t: need a finite difference, se > 0, df > 0, margin > 0 "
                          "and alpha in (0, 0.5) (got %g, %g, %g, %g, %g)",
                          diff, se, df, margin, alpha);
    /* H0 Δ ≤ −δ is rejected for large (Δ̂ + δ)/se: upper tail; H0 Δ ≥ δ for
     * small (Δ̂ − δ)/se: lower tail. */
    double p_low = gsl_cdf_tdist_Q((diff + margin) / se, df);
    double p_high = gsl_cdf_tdist_P((diff - margin) / se, df);
    double half = gsl_cdf_tdist_Qinv(alpha, df) * se;
    out->ci_lo = diff - half;
    out->ci_hi = diff + half;
    out->p = p_low > p_high ? p_low : p_high;
    out->equivalent = out->p < alpha;
    return MIMOD_OK;
}

int summary_tost_pearson(double r, int n, double margin, double alpha, summary_tost_result *out,
                         mimod_err *err) {
    tost_clear(out, margin);
    if (n < 4 || !(fabs(r) < 1.0) || !(margin > 0.0 && margin < 1.0) ||
        !(alpha > 0.0 && alpha < 0.5))
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_tost_pearson: need n ≥ 4, |r| < 1, margin in (0, 1) and alpha "
                          "in (0, 0.5) (got n = %d, r = %g, margin %g, alpha %g)",
                          n, r, margin, alpha);
    double z = atanh(r), z0 = atanh(margin), se = 1.0 / sqrt((double)(n - 3));
    double p_low = gsl_cdf_ugaussian_Q((z + z0) / se);
    double p_high = gsl_cdf_ugaussian_P((z - z0) / se);
    double half = gsl_cdf_ugaussian_Qinv(alpha) * se;
    out->ci_lo = tanh(z - half);
    out->ci_hi = tanh(z + half);
    out->p = p_low > p_high ? p_low : p_high;
    out->equivalent = out->p < alpha;
    return MIMOD_OK;
}

int summary_pearson(const double *x, const double *y, int n, int *n_used, double *r,
                    double *p, mimod_err *err) {
    *r = NAN;
    *p = NAN;
    int count = 0;
    double sx = 0.0, sy = 0.0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) continue;
        sx += x[i];
        sy += y[i];
        count++;
    }
    *n_used = count;
    if (count < 3)
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_pearson: need at least 3 complete pairs (have %d)", count);
    double mx = sx / count, my = sy / count;
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) continue;
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (!(sxx > 0.0) || !(syy > 0.0))
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_pearson: a variable is constant; r is undefined");
    double rr = sxy / sqrt(sxx * syy);
    if (rr > 1.0) rr = 1.0;
    if (rr < -1.0) rr = -1.0;
    *r = rr;
    double df = count - 2;
    if (1.0 - rr * rr <= 0.0) {
        *p = 0.0; /* perfect correlation: t is infinite */
    } else {
        double t = rr * sqrt(df / (1.0 - rr * rr));
        *p = summary_t_two_sided_p(t, df);
    }
    return MIMOD_OK;
}

int summary_welch_from_stats(int n_a, double mean_a, double sd_a, int n_b, double mean_b,
                             double sd_b, summary_ttest_result *out, mimod_err *err) {
    out->n_a = n_a;
    out->n_b = n_b;
    out->mean_a = mean_a;
    out->mean_b = mean_b;
    out->sd_a = sd_a;
    out->sd_b = sd_b;
    out->se = NAN;
    out->t = NAN;
    out->df = NAN;
    out->p = NAN;
    if (n_a < 2 || n_b < 2)
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_welch_from_stats: need n ≥ 2 per sample (have %d and %d)", n_a,
                          n_b);
    if (!isfinite(mean_a) || !isfinite(mean_b) || !(sd_a >= 0.0) || !(sd_b >= 0.0) ||
        !isfinite(sd_a) || !isfinite(sd_b))
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_welch_from_stats: means must be finite and sds finite and ≥ 0");
    double ea = sd_a * sd_a / n_a, eb = sd_b * sd_b / n_b; /* squared standard errors */
    double se = sqrt(ea + eb);
    if (!(se > 0.0))
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_welch_from_stats: both sds are zero; t is undefined");
    out->se = se;
    out->t = (mean_a - mean_b) / se;
    out->df = (ea + eb) * (ea + eb) / (ea * ea / (n_a - 1) + eb * eb / (n_b - 1));
    out->p = summary_t_two_sided_p(out->t, out->df);
    return MIMOD_OK;
}

int summary_ttest_one_sample(const double *d, int n, summary_ttest_result *out, mimod_err *err) {
    summary_mean_sd(d, n, &out->n_a, &out->mean_a, &out->sd_a);
    out->n_b = 0;
    out->mean_b = 0.0;
    out->sd_b = NAN;
    out->se = NAN;
    out->t = NAN;
    out->df = NAN;
    out->p = NAN;
    int m = out->n_a;
    if (m < 2)
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_ttest_one_sample: need at least 2 finite values (have %d)", m);
    double se = out->sd_a / sqrt((double)m);
    if (!(se > 0.0))
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_ttest_one_sample: zero variance; t is undefined");
    out->se = se;
    out->t = out->mean_a / se;
    out->df = (double)(m - 1);
    out->p = summary_t_two_sided_p(out->t, out->df);
    return MIMOD_OK;
}
