/* summary_claims.h — the paper's claims checked on a result file (src/summary/summary_claims.c).
 * Part of mimod-summary (summary.h gathers the parts). */
#ifndef MIMOD_SUMMARY_CLAIMS_H
#define MIMOD_SUMMARY_CLAIMS_H

#include <stdio.h>
#include "mimod/summary_report.h"

/* -------------------------------------------------------------------- claims */

/* The paper's claims as data (sweeps/paper_claims.yaml, docs/summary.md
 * "Checking the paper's claims"): a YAML list of claims, each a test on the
 * finished points of one task's conditions with a verdict holds / fails /
 * not testable. summary_claims.c parses the file (errors as FILE:LINE:COL)
 * and checks one claim against one task's analysis. */

typedef enum {
    SUMMARY_CLAIM_GREATER,        /* quantity in a > in b (Student two-sample t, p < alpha) */
    SUMMARY_CLAIM_LESS,           /* quantity in a < in b */
    SUMMARY_CLAIM_NO_DIFFERENCE,  /* |mean a − mean b| < margin, by TOST on the same t */
    SUMMARY_CLAIM_VALUE,          /* |ours − the paper's mean| < margin (default the paper's
                                     sd), by TOST on Welch's t vs the paper's mean ± sd (n) */
    SUMMARY_CLAIM_RATE,           /* fraction of trials with quantity > above ≥ min_fraction */
    SUMMARY_CLAIM_UNCORRELATED,   /* |ρ(x, y)| < margin over trials, by TOST on Fisher's z */
    SUMMARY_CLAIM_PAIRED_GREATER, /* a_quantity > b_quantity in the same trials (paired t) */
    SUMMARY_CLAIM_EARLIER,        /* `first` reaches half its rise before `then` (paired t) */
    SUMMARY_CLAIM_N_KINDS
} summary_claim_kind;
extern const char *const summary_claim_kind_names[SUMMARY_CLAIM_N_KINDS];

/* A condition selector {mi: true|false, l2: true|false, lambda_reg: X}: mi and
 * l2 each −1 (any), 0 (λ == 0) or 1 (λ > 0), on the condition's effective λ_I /
 * λ_reg; lambda_reg an exact value (NaN: any), for a grid with several L2
 * strengths. */
typedef struct {
    int mi, l2;
    double lambda_reg;
} summary_selector;

#define SUMMARY_CLAIM_ID_LEN 32
#define SUMMARY_CLAIM_TEXT_LEN 200

typedef struct {
    char id[SUMMARY_CLAIM_ID_LEN];
    char task[SUMMARY_NAME_LEN];       /* the task's name */
    const mimod_task *task_def;        /* that task (tasks.h) */
    int line;                          /* 1-based line of the claim in the file */
    char text[SUMMARY_CLAIM_TEXT_LEN];
    char paper[SUMMARY_CLAIM_TEXT_LEN];
    summary_claim_kind kind;
    double alpha;                      /* default 0.05 */
    int groups;                        /* K: only conditions of K fixed unit groups count
                                          (key `groups`, default 2: the paper's claims) */
    int targets;                       /* T: only a task of T targets (wm_bits, sep_sources)
                                          counts (key `targets`; 0, the default: the task's
                                          paper configuration's, 2) */
    int quantity;                      /* greater, less, no_difference, value, rate */
    summary_selector a, b;             /* greater, less, no_difference */
    summary_selector condition;        /* the other kinds */
    double paper_mean, paper_sd;       /* value */
    double margin;                     /* value, no_difference, uncorrelated: the equivalence
                                          bound (value: default paper_sd; NaN: not given) */
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

/* INCONCLUSIVE: an equivalence claim (value, no_difference, uncorrelated) whose
 * difference is neither significant nor shown to lie within its margin — at
 * small n, absence of evidence, not agreement. */
typedef enum {
    SUMMARY_HOLDS,
    SUMMARY_FAILS,
    SUMMARY_NOT_TESTABLE,
    SUMMARY_INCONCLUSIVE
} summary_verdict;

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
    double margin;         /* equivalence kinds: δ; the (1 − 2α) interval of the difference */
    double ci_lo, ci_hi;   /* (uncorrelated: of ρ) and the TOST p (NaN elsewhere) */
    double p_equiv;
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

/* The paper's claims (sweeps/paper_claims.yaml, built into the program:
 * summary_paper_claims_yaml), parsed at the first call; NULL with err set if
 * they do not parse. */
extern const char summary_paper_claims_yaml[];
const summary_claims *summary_paper_claims(mimod_err *err);

/* The paper column of an analysis (summary_condition.paper_name, .paper):
 * a condition is one of the paper's when its task's preset is "paper", it has
 * the claims' groups and its λ_I and λ_reg are each the paper preset's value
 * or 0; then the claims of one condition whose selector it meets give its
 * values — a value claim's `paper` text per quantity (a rate claim's after it
 * in parentheses), an uncorrelated claim of mi and task_loss the paper's r. A
 * selector that leaves l2 open means the paper's λ_reg. cs NULL: no column. */
void summary_claims_paper_columns(const summary_claims *cs, summary_analysis *a);

/* "claims: H hold, F fail, I inconclusive, N not testable" into buf. */
void summary_claims_count_line(char *buf, size_t size, int n, const summary_claim_result *res);

#endif
