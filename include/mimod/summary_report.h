/* summary_report.h — conditions, tests and the tables (src/summary/summary_report.c).
 * Part of mimod-summary (summary.h gathers the parts). */
#ifndef MIMOD_SUMMARY_REPORT_H
#define MIMOD_SUMMARY_REPORT_H

#include <stdio.h>
#include "mimod/summary_read.h"
#include "mimod/summary_stats.h"

/* ------------------------------------------------------------------ analysis */

/* The paper column: a value per quantity, and the paper's r(final Î, task
 * loss) at index SUMMARY_PAPER_PEARSON. */
#define SUMMARY_PAPER_PEARSON SQ_COUNT
#define SUMMARY_PAPER_LEN 64

typedef struct {
    int n_points;                 /* finished points of the condition */
    int *points;                  /* their indices in the file */
    int first_point;              /* a point (finished or not) carrying the axis values */
    double lambda_I, lambda_reg;  /* effective values (axis or base config) */
    int n_groups;                 /* K fixed unit groups (axis or base config; 2 in old files) */
    /* The paper's condition it is ("MI + L2"; "" if none) and the paper's value
     * of each quantity there, and at SUMMARY_PAPER_PEARSON its r(final Î,
     * task loss) ("" where the paper gives none): from the paper's claims
     * (summary_claims_paper_columns, sweeps/paper_claims.yaml). */
    char paper_name[32];
    char paper[SUMMARY_PAPER_PEARSON + 1][SUMMARY_PAPER_LEN];
    /* per quantity over the finished points */
    int n[SQ_COUNT];
    double mean[SQ_COUNT], sd[SQ_COUNT];
    int n_success, n_success_known;   /* final success quantity of the task (WM accuracy,
                                         SEP r2_mean) > threshold */
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

/* The condition of point p, finished or not (its axes but seed equal to the
 * condition's), or −1. */
int summary_condition_of(const summary_analysis *a, int p);

/* "lambda_I=0.1, lambda_reg=0.02" (every axis but seed). */
void summary_condition_label(const summary_analysis *a, int c, char *buf, size_t n);

typedef enum { SUMMARY_TEXT, SUMMARY_MARKDOWN, SUMMARY_CSV } summary_format;

/* A table of text cells (the first row is the header), printed aligned as text
 * or as a markdown pipe table. Start from (summary_table){.n_cols = K}. */
#define SUMMARY_TABLE_MAX_COLS 16 /* "what each group carries": 9 SEP outputs of 3 sources + 3 */
#define SUMMARY_TABLE_CELL 64
typedef struct {
    int n_cols, n_rows, cap;
    char (*cells)[SUMMARY_TABLE_MAX_COLS][SUMMARY_TABLE_CELL];
} summary_table;
/* Adds a row of n_cols cells (NULL: empty); a row that cannot be stored is dropped. */
void summary_table_row(summary_table *tb, const char *const *cols);
/* Prints the table (SUMMARY_TEXT or SUMMARY_MARKDOWN) and frees its cells. */
void summary_table_print(FILE *out, const summary_table *tb, summary_format fmt);

/* 1 if a and b are equal up to a relative 1e-9 (grid values read back from a
 * file: 0.0002 written and read is 0.0002, but a computed λ may differ in its
 * last bits). */
int summary_same_value(double a, double b);

/* ---- numbers in tables: one rule per kind of number, for every table of
 * mimod-summary (summary, claims, status), so a column never mixes precisions. */

/* "mean ± sd": sd to two significant digits (whole for sd ≥ 10) and the mean
 * to the same decimal place ("0.928 ± 0.019", "-0.01534 ± 0.00061", "-92 ± 102");
 * the mean to 4 significant digits when sd is 0 ("2.25 ± 0") or NaN ("2.25", one
 * trial); "—" when the mean is NaN. */
void summary_fmt_mean_sd(char *buf, size_t n, double mean, double sd);
/* The decimal places summary_fmt_mean_sd gives a mean with this sd, or −1 when
 * it uses significant digits instead (sd 0 or NaN). */
int summary_fmt_decimals(double mean, double sd);
/* p: "0.021" (3 decimals) from 0.001 up, "5.6e-13" below, "0" for 0, "—" for NaN. */
void summary_fmt_p(char *buf, size_t n, double p);
/* t statistics and correlations: "3.67", "-0.34" (2 decimals); r: "0.706" (3). */
void summary_fmt_t(char *buf, size_t n, double t);
void summary_fmt_r(char *buf, size_t n, double r);
/* degrees of freedom: "14" when whole (Student, Pearson), "2.2" otherwise (Welch). */
void summary_fmt_df(char *buf, size_t n, double df);
/* CSV numbers. Statistics (means, sds, t, p…) with 10 significant digits; a
 * value from the file exactly: the shortest decimal that reads back as the
 * same double. NaN is an empty field in both. */
void summary_csv_stat(char *buf, size_t n, double x);
void summary_csv_exact(char *buf, size_t n, double x);

/* One CSV field (RFC 4180: quoted when it holds a comma, quote or line break,
 * quotes doubled), then "," or, for the last field of a row, a newline. Used by
 * every CSV table of mimod-summary. */
void summary_csv_field(FILE *out, const char *s, int last);

/* Print the analysis of one task in the given format. csv_header: print the CSV
 * header line first. */
void summary_print(FILE *out, const summary_analysis *a, const summary_options *o,
                   summary_format fmt, int csv_header);

#endif
