/* summary.h — mimod-summary: statistics across seeds, tests between conditions,
 * tables and figures from a result file (docs/hdf5-layout.md, SPEC §6).
 *
 * Three layers, each testable on its own:
 *  - summary_stats.c: sample statistics, t-tests and Pearson correlation on plain
 *    double arrays (two-pass formulas; p values from GSL's t CDFs).
 *  - summary_read.c:  reads one task group of a result file into a summary_task
 *    (serial HDF5, read only).
 *  - summary_report.c / summary_plot.c: groups points into conditions, runs the
 *    tests, prints text/markdown/csv tables, draws the figures with PLplot.
 * summary_main() is the whole command line tool; the executable only calls it. */
#ifndef MIMOD_SUMMARY_H
#define MIMOD_SUMMARY_H

#include <stdint.h>
#include <stdio.h>
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

/* -------------------------------------------------------------- file reading */

#define SUMMARY_MAX_AXES 16
#define SUMMARY_NAME_LEN 64

/* The final quantities the summary reports, in table order. Which of them a
 * task has: WM all but r2_mean, SEP all but accuracy and d_in. */
enum {
    SQ_TASK_LOSS, SQ_ACCURACY, SQ_R2_MEAN, SQ_Q_COR, SQ_Q_STR, SQ_D_COR, SQ_D_OUT,
    SQ_D_IN, SQ_I_N, SQ_MI, SQ_COUNT
};
extern const char *const summary_quantity_names[SQ_COUNT];
/* 1 if quantity q belongs to the task (is_wm = 1 for WM, 0 for SEP). */
int summary_quantity_in_task(int q, int is_wm);

/* Point status codes (docs/hdf5-layout.md). */
enum { SUMMARY_PENDING = 0, SUMMARY_RUNNING = 1, SUMMARY_DONE = 2, SUMMARY_FAILED = 3 };

typedef struct {
    char name[8];                 /* "wm" or "sep" */
    int is_wm;
    char preset[SUMMARY_NAME_LEN];
    int64_t n_points, n_records, n_units, n_in, n_out, n_mm_steps;
    int n_axes;
    char axis_names[SUMMARY_MAX_AXES][SUMMARY_NAME_LEN];
    double *coords;               /* [n_axes][n_points]; seeds converted to double */
    double base_lambda_I;         /* from config_yaml (NaN if absent): used when */
    double base_lambda_reg;       /* λ_I or λ_reg is not a grid axis */
    int32_t *status;              /* [n_points] */
    int64_t *fail_step;           /* [n_points] (−1 when absent) */
    char (*fail_reason)[129];     /* [n_points] */
    int64_t *record_step;         /* [n_records] */
    double *final_values;         /* [SQ_COUNT][n_points]; NaN where absent */
    double *timecourse;           /* [SQ_COUNT][n_points][n_records]; NaN where absent
                                     (i_n has no time course) */
} summary_task;

/* Open a result file read-only. *file receives an HDF5 file id (hid_t as int64). */
int summary_open(const char *path, int64_t *file, mimod_err *err);
void summary_close(int64_t file);

/* 1 if the file has a group for the task ("wm" or "sep"). */
int summary_has_task(int64_t file, const char *task);

/* Read a task group into t (zeroed first; free with summary_task_free). */
int summary_read_task(int64_t file, const char *task, summary_task *t, mimod_err *err);
void summary_task_free(summary_task *t);

/* Read row `point` of a [P][rows][cols] dataset (e.g. "final/corr",
 * "weights/w_rec") of the task group into out[rows*cols] as double. *rows and
 * *cols receive the dataset's trailing dimensions; out must hold max_elems. */
int summary_read_point_matrix(int64_t file, const char *task, const char *dataset,
                              int64_t point, double *out, int64_t max_elems,
                              int64_t *rows, int64_t *cols, mimod_err *err);

/* Index of an axis by name, or −1. */
int summary_axis_index(const summary_task *t, const char *axis);

/* ------------------------------------------------------------------ analysis */

typedef struct {
    int n_points;                 /* finished points of the condition */
    int *points;                  /* their indices in the file */
    int first_point;              /* a point (finished or not) carrying the axis values */
    double lambda_I, lambda_reg;  /* effective values (axis or base config) */
    int paper_column;             /* index into the paper table's columns, or −1 */
    /* per quantity over the finished points */
    int n[SQ_COUNT];
    double mean[SQ_COUNT], sd[SQ_COUNT];
    int n_success, n_success_known;   /* final accuracy (WM) / r2_mean (SEP) > threshold */
    int n_struct, n_struct_known;     /* q_str > 0.1 */
    int pearson_n;
    double pearson_r, pearson_p;      /* r(final mi, final task_loss); NaN if undefined */
} summary_condition;

typedef struct {
    int cond_a, cond_b;           /* indices into the conditions */
    int axis;                     /* the one axis in which they differ */
    int quantity;
    int ok;                       /* 0 if the test is undefined (too few points…) */
    summary_ttest_result res;
} summary_test;

typedef struct {
    double success_threshold;     /* default 0.9 */
    double struct_threshold;      /* q_str above which a trial counts as structurally
                                     differentiated: 0.1 (SPEC §6) */
    int welch;
} summary_options;

typedef struct {
    const summary_task *task;
    int n_finished, n_running, n_failed, n_pending;
    int n_conditions;
    summary_condition *conditions;
    int n_tests;
    summary_test *tests;
} summary_analysis;

void summary_options_default(summary_options *o);
/* Group the finished points into conditions (every axis but seed equal), compute
 * the per-condition statistics and the tests between conditions that differ in
 * exactly one of lambda_I / lambda_reg. */
int summary_analyze(const summary_task *t, const summary_options *o, summary_analysis *a,
                    mimod_err *err);
void summary_analysis_free(summary_analysis *a);

/* "lambda_I=0.1, lambda_reg=0.02" (every axis but seed). */
void summary_condition_label(const summary_analysis *a, int c, char *buf, size_t n);

typedef enum { SUMMARY_TEXT, SUMMARY_MARKDOWN, SUMMARY_CSV } summary_format;

/* The paper's value (SPEC §6) for a quantity in a paper column, or NULL.
 * quantity = SUMMARY_PAPER_PEARSON asks for the paper's r(final Î, task loss). */
#define SUMMARY_PAPER_PEARSON SQ_COUNT
const char *summary_paper_value(int paper_column, int quantity);
const char *summary_paper_column_name(int paper_column);

/* Print the analysis of one task in the given format. csv_header: print the CSV
 * header line first. */
void summary_print(FILE *out, const summary_analysis *a, const summary_options *o,
                   summary_format fmt, int csv_header);

/* ------------------------------------------------------------------- figures */

#define SUMMARY_FIG_WIDTH 900
#define SUMMARY_FIG_HEIGHT 700

/* 1 if PLplot has the PNG device the figures use ("pngcairo"). */
int summary_have_png_device(void);

/* Draw every figure of one task into dir (created if missing): per condition
 * time courses, and for one trial (point = trial, or −1 for the default:
 * median final q_cor in the first condition with λ_I > 0) the unit–output
 * correlation scatter and the heat maps. Each figure as PNG and as SVG. The
 * paths written are printed to `log`, one per line. */
int summary_figures(const summary_analysis *a, int64_t file, const char *dir, int64_t point,
                    FILE *log, mimod_err *err);

/* The default trial for the per-trial figures (see above), or −1. */
int64_t summary_default_trial(const summary_analysis *a);

/* -------------------------------------------------------------------- claims */

/* The paper's claims as data (sweeps/paper_claims.yaml, docs/summary.md
 * "Checking the paper's claims"): a YAML list of claims, each a test on the
 * finished points of one task's conditions with a verdict holds / fails /
 * not testable. summary_claims.c parses the file (errors as FILE:LINE:COL)
 * and checks one claim against one task's analysis. */

typedef enum {
    SUMMARY_CLAIM_GREATER,        /* quantity in a > in b (Student two-sample t, p < alpha) */
    SUMMARY_CLAIM_LESS,           /* quantity in a < in b */
    SUMMARY_CLAIM_NO_DIFFERENCE,  /* same test, holds if p ≥ alpha */
    SUMMARY_CLAIM_VALUE,          /* Welch t vs the paper's mean ± sd (n), holds if p ≥ alpha */
    SUMMARY_CLAIM_RATE,           /* fraction of trials with quantity > above ≥ min_fraction */
    SUMMARY_CLAIM_UNCORRELATED,   /* Pearson r(x, y) over trials, holds if p ≥ alpha */
    SUMMARY_CLAIM_PAIRED_GREATER, /* a_quantity > b_quantity in the same trials (paired t) */
    SUMMARY_CLAIM_EARLIER,        /* `first` reaches half its rise before `then` (paired t) */
    SUMMARY_CLAIM_N_KINDS
} summary_claim_kind;
extern const char *const summary_claim_kind_names[SUMMARY_CLAIM_N_KINDS];

/* A condition selector {mi: true|false, l2: true|false}: each −1 (any),
 * 0 (λ == 0) or 1 (λ > 0), on the condition's effective λ_I / λ_reg. */
typedef struct {
    int mi, l2;
} summary_selector;

#define SUMMARY_CLAIM_ID_LEN 32
#define SUMMARY_CLAIM_TEXT_LEN 200

typedef struct {
    char id[SUMMARY_CLAIM_ID_LEN];
    char task[8];                      /* "wm" or "sep" */
    int is_wm;
    int line;                          /* 1-based line of the claim in the file */
    char text[SUMMARY_CLAIM_TEXT_LEN];
    char paper[SUMMARY_CLAIM_TEXT_LEN];
    summary_claim_kind kind;
    double alpha;                      /* default 0.05 */
    int quantity;                      /* greater, less, no_difference, value, rate */
    summary_selector a, b;             /* greater, less, no_difference */
    summary_selector condition;        /* the other kinds */
    double paper_mean, paper_sd;       /* value */
    int paper_n;                       /* value, default 20 */
    double above, min_fraction;        /* rate */
    int x, y;                          /* uncorrelated */
    int a_quantity, b_quantity;        /* paired_greater */
    int first, then;                   /* earlier */
    int where_quantity;                /* earlier, optional (−1: none): only trials whose */
    double where_above;                /* final where_quantity > where_above */
} summary_claim;

typedef struct {
    int n;
    summary_claim *claims;
} summary_claims;

/* Parse a claims file (or its text; `name` is used in the messages). Every
 * error — YAML syntax, unknown or duplicate key (with a "did you mean"),
 * missing key, wrong type, unknown kind/quantity/task, duplicate id — is
 * MIMOD_EINVAL with a message "NAME:LINE:COLUMN: ...". cs is empty on error. */
int summary_claims_load(const char *path, summary_claims *cs, mimod_err *err);
int summary_claims_parse(const char *name, const char *text, summary_claims *cs, mimod_err *err);
void summary_claims_free(summary_claims *cs);

typedef enum { SUMMARY_HOLDS, SUMMARY_FAILS, SUMMARY_NOT_TESTABLE } summary_verdict;

typedef struct {
    summary_verdict verdict;
    char note[512];        /* not testable: the reason; holds/fails: why, or "" */
    char ours[256];        /* our numbers as shown ("0.31 ± 0.12 (n=4) vs …", "3/4 > 0.9", …) */
    char test[160];        /* "t(6) = 5.21, p = 1.1e-04", or "—" */
    /* the numbers behind them (NaN / 0 where the kind has none) */
    double statistic;      /* t; r (uncorrelated); fraction (rate) */
    double df, p;
    int n_a, n_b;          /* trials used (two-sample: each side; others: n_a) */
    double mean_a, sd_a, mean_b, sd_b; /* two-sample sides; value: ours (a); paired and
                                          earlier: a_quantity / first (a), then (b) */
    double mean_d, sd_d;   /* paired_greater, earlier: the differences */
    int k;                 /* rate: trials above */
    int n_excluded;        /* earlier: trials without a rise */
    int n_where;           /* earlier with where: trials passing it (before exclusion) */
} summary_claim_result;

/* Check one claim. `a` is the analysis of the claim's task (summary_analyze),
 * or NULL when the file has no group for it. Never fails: everything that
 * prevents the test is a "not testable" verdict with its reason in r->note. */
void summary_claim_check(const summary_claim *c, const summary_analysis *a,
                         summary_claim_result *r);

/* Print n claims with their results: text (a block per claim), markdown (a
 * table) or csv (header + a row per claim). The count line is not printed;
 * see summary_claims_count_line. */
void summary_claims_print(FILE *out, int n, const summary_claim *const *claims,
                          const summary_claim_result *res, summary_format fmt);

/* "claims: H hold, F fail, N not testable" into buf. */
void summary_claims_count_line(char *buf, size_t size, int n, const summary_claim_result *res);

/* The whole tool (argument parsing included); returns the process exit status. */
int summary_main(int argc, char **argv);

#endif
