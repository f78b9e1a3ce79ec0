/* summary_report.c — conditions, per-condition statistics, tests between
 * conditions and the printed tables (text, markdown, csv) of mimod-summary.
 * A condition is the set of grid points that differ only in `seed`. */
#include "mimod/summary_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int summary_same_value(double a, double b) {
    return fabs(a - b) <= 1e-9 * (fabs(a) > fabs(b) ? fabs(a) : fabs(b)) + 1e-15;
}

/* ------------------------------------------------------------------- analysis */

void summary_options_default(summary_options *o) {
    o->success_threshold = 0.9;
    o->struct_threshold = 0.1;
    o->welch = 0;
}

static double coord(const summary_task *t, int axis, int point) {
    return t->coords[(size_t)axis * t->n_points + point];
}

/* 1 if points p and q have equal values on every axis except `skip` (−1: none) and seed. */
static int same_except(const summary_task *t, int p, int q, int skip, int seed_axis) {
    for (int i = 0; i < t->n_axes; i++) {
        if (i == skip || i == seed_axis) continue;
        if (!summary_same_value(coord(t, i, p), coord(t, i, q))) return 0;
    }
    return 1;
}

void summary_analysis_free(summary_analysis *a) {
    if (a->conditions)
        for (int c = 0; c < a->n_conditions; c++) free(a->conditions[c].points);
    free(a->conditions);
    free(a->tests);
    memset(a, 0, sizeof *a);
}

static void condition_stats(const summary_task *t, const summary_options *o,
                            summary_condition *c, double *scratch, double *scratch2) {
    size_t P = (size_t)t->n_points;
    for (int q = 0; q < SQ_COUNT; q++) {
        for (int k = 0; k < c->n_points; k++)
            scratch[k] = t->final_values[(size_t)q * P + c->points[k]];
        summary_mean_sd(scratch, c->n_points, &c->n[q], &c->mean[q], &c->sd[q]);
    }
    int success_q = summary_quantity_of_schema(t->task->success_quantity);
    c->n_success = c->n_success_known = c->n_struct = c->n_struct_known = 0;
    for (int k = 0; k < c->n_points; k++) {
        double s = t->final_values[(size_t)success_q * P + c->points[k]];
        double qs = t->final_values[(size_t)SQ_Q_STR * P + c->points[k]];
        if (isfinite(s)) {
            c->n_success_known++;
            c->n_success += s > o->success_threshold;
        }
        if (isfinite(qs)) {
            c->n_struct_known++;
            c->n_struct += qs > o->struct_threshold;
        }
        scratch[k] = t->final_values[(size_t)SQ_MI * P + c->points[k]];
        scratch2[k] = t->final_values[(size_t)SQ_TASK_LOSS * P + c->points[k]];
    }
    if (summary_pearson(scratch, scratch2, c->n_points, &c->pearson_n, &c->pearson_r,
                        &c->pearson_p, NULL) != MIMOD_OK) {
        c->pearson_r = c->pearson_p = NAN;
    }
}

int summary_analyze(const summary_task *t, const summary_options *o, summary_analysis *a,
                    mimod_err *err) {
    memset(a, 0, sizeof *a);
    a->task = t;
    int P = (int)t->n_points;
    int seed_axis = summary_axis_index(t, "seed");
    int li_axis = summary_axis_index(t, "lambda_I");
    int lr_axis = summary_axis_index(t, "lambda_reg");
    int *cond_of = malloc(sizeof(int) * P);
    int *counts = calloc((size_t)P, sizeof(int));
    a->conditions = calloc((size_t)P, sizeof *a->conditions);
    double *scratch = malloc(sizeof(double) * P), *scratch2 = malloc(sizeof(double) * P);
    int rc = MIMOD_OK;
    if (!cond_of || !counts || !a->conditions || !scratch || !scratch2) {
        rc = mimod_errf(err, MIMOD_ENOMEM, "summary_analyze: out of memory");
        goto done;
    }

    /* Conditions in order of first appearance over all points (finished or not),
     * so a condition with no finished point still shows up with n = 0. */
    for (int p = 0; p < P; p++) {
        switch (t->status[p]) {
        case RESULTS_DONE: a->n_finished++; break;
        case RESULTS_RUNNING: a->n_running++; break;
        case RESULTS_FAILED: a->n_failed++; break;
        default: a->n_pending++; break;
        }
        int found = -1;
        for (int c = 0; c < a->n_conditions && found < 0; c++)
            if (same_except(t, p, a->conditions[c].first_point, -1, seed_axis)) found = c;
        if (found < 0) {
            found = a->n_conditions++;
            summary_condition *c = &a->conditions[found];
            c->first_point = p;
            c->lambda_I = li_axis >= 0 ? coord(t, li_axis, p) : t->base_lambda_I;
            c->lambda_reg = lr_axis >= 0 ? coord(t, lr_axis, p) : t->base_lambda_reg;
            c->n_groups = summary_point_groups(t, p);
        }
        cond_of[p] = found;
        if (t->status[p] == RESULTS_DONE) counts[found]++;
    }
    for (int c = 0; c < a->n_conditions; c++) {
        a->conditions[c].points = malloc(sizeof(int) * (counts[c] ? counts[c] : 1));
        if (!a->conditions[c].points) {
            rc = mimod_errf(err, MIMOD_ENOMEM, "summary_analyze: out of memory");
            goto done;
        }
    }
    for (int p = 0; p < P; p++) {
        if (t->status[p] != RESULTS_DONE) continue;
        summary_condition *c = &a->conditions[cond_of[p]];
        c->points[c->n_points++] = p;
    }
    for (int c = 0; c < a->n_conditions; c++)
        condition_stats(t, o, &a->conditions[c], scratch, scratch2);

    /* Tests: pairs that differ in exactly one of lambda_I / lambda_reg. */
    int n_pairs = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            a->tests = calloc((size_t)(n_pairs ? n_pairs : 1) * SQ_COUNT, sizeof *a->tests);
            if (!a->tests) {
                rc = mimod_errf(err, MIMOD_ENOMEM, "summary_analyze: out of memory");
                goto done;
            }
        }
        for (int ca = 0; ca < a->n_conditions; ca++)
            for (int cb = ca + 1; cb < a->n_conditions; cb++) {
                int pa = a->conditions[ca].first_point, pb = a->conditions[cb].first_point;
                int axis = -1;
                if (li_axis >= 0 && same_except(t, pa, pb, li_axis, seed_axis)) axis = li_axis;
                else if (lr_axis >= 0 && same_except(t, pa, pb, lr_axis, seed_axis)) axis = lr_axis;
                if (axis < 0) continue;
                if (pass == 0) {
                    n_pairs++;
                    continue;
                }
                const summary_condition *A = &a->conditions[ca], *B = &a->conditions[cb];
                for (int q = 0; q < SQ_COUNT; q++) {
                    if (!summary_quantity_in_task(q, t->task)) continue;
                    summary_test *s = &a->tests[a->n_tests++];
                    s->cond_a = ca;
                    s->cond_b = cb;
                    s->axis = axis;
                    s->quantity = q;
                    for (int k = 0; k < A->n_points; k++)
                        scratch[k] = t->final_values[(size_t)q * P + A->points[k]];
                    for (int k = 0; k < B->n_points; k++)
                        scratch2[k] = t->final_values[(size_t)q * P + B->points[k]];
                    s->ok = summary_ttest(scratch, A->n_points, scratch2, B->n_points, o->welch,
                                          &s->res, NULL) == MIMOD_OK;
                }
            }
    }
done:
    free(cond_of);
    free(counts);
    free(scratch);
    free(scratch2);
    if (rc) summary_analysis_free(a);
    return rc;
}

int summary_condition_of(const summary_analysis *a, int p) {
    const summary_task *t = a->task;
    if (p < 0 || p >= t->n_points) return -1;
    int seed_axis = summary_axis_index(t, "seed");
    for (int c = 0; c < a->n_conditions; c++)
        if (same_except(t, p, a->conditions[c].first_point, -1, seed_axis)) return c;
    return -1;
}

static void fmt_number(char *buf, size_t n, double x) {
    if (isnan(x)) snprintf(buf, n, "NaN");
    else snprintf(buf, n, "%.6g", x);
}

void summary_condition_label(const summary_analysis *a, int c, char *buf, size_t n) {
    const summary_task *t = a->task;
    int p = a->conditions[c].first_point;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->n_axes; i++) {
        if (strcmp(t->axis_names[i], "seed") == 0) continue;
        char v[32];
        fmt_number(v, sizeof v, coord(t, i, p));
        int w = snprintf(buf + used, n - used, "%s%s=%s", used ? ", " : "", t->axis_names[i], v);
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
    }
    if (!used) snprintf(buf, n, "(all points)");
}

/* ---------------------------------------------------------------- printing */

/* One table written three ways (summary_report.h): cells are collected per row,
 * then printed as an aligned text table or a markdown pipe table. */
#define MAX_COLS SUMMARY_TABLE_MAX_COLS
#define CELL SUMMARY_TABLE_CELL

void summary_table_row(summary_table *tb, const char *const *cols) {
    if (tb->n_rows == tb->cap) {
        int cap = tb->cap ? 2 * tb->cap : 16;
        void *grown = realloc(tb->cells, sizeof *tb->cells * (size_t)cap);
        if (!grown) return; /* out of memory: the row is dropped rather than crashing */
        tb->cells = grown;
        tb->cap = cap;
    }
    for (int i = 0; i < tb->n_cols; i++)
        snprintf(tb->cells[tb->n_rows][i], CELL, "%s", cols[i] ? cols[i] : "");
    tb->n_rows++;
}

/* Display width of a UTF-8 string (counts code points; ± and Î are one column). */
static int utf8_width(const char *s) {
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

void summary_table_print(FILE *out, const summary_table *tb, summary_format fmt) {
    int width[MAX_COLS] = {0};
    for (int r = 0; r < tb->n_rows; r++)
        for (int i = 0; i < tb->n_cols; i++) {
            int w = utf8_width(tb->cells[r][i]);
            if (w > width[i]) width[i] = w;
        }
    for (int r = 0; r < tb->n_rows; r++) {
        if (fmt == SUMMARY_MARKDOWN) fputs("|", out);
        else fputs("  ", out);
        for (int i = 0; i < tb->n_cols; i++) {
            const char *cell = tb->cells[r][i];
            int pad = width[i] - utf8_width(cell);
            if (fmt == SUMMARY_MARKDOWN) fprintf(out, " %s%*s |", cell, pad, "");
            else fprintf(out, "%s%*s%s", cell, i + 1 < tb->n_cols ? pad : 0, "",
                         i + 1 < tb->n_cols ? "  " : "");
        }
        fputs("\n", out);
        if (r == 0) {
            if (fmt == SUMMARY_MARKDOWN) {
                fputs("|", out);
                for (int i = 0; i < tb->n_cols; i++) {
                    fputs(i ? "" : "", out);
                    for (int k = 0; k < width[i] + 2; k++) fputc('-', out);
                    fputs("|", out);
                }
            } else {
                fputs("  ", out);
                for (int i = 0; i < tb->n_cols; i++) {
                    for (int k = 0; k < width[i]; k++) fputc('-', out);
                    if (i + 1 < tb->n_cols) fputs("  ", out);
                }
            }
            fputs("\n", out);
        }
    }
    free(tb->cells);
}

void summary_csv_field(FILE *out, const char *s, int last) {
    int quote = strpbrk(s, ",\"\n\r") != NULL; /* RFC 4180 */
    if (quote) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"') fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputs(last ? "\n" : ",", out);
}

static void csv_row(FILE *out, const char *const *f, int n) {
    for (int i = 0; i < n; i++) summary_csv_field(out, f[i] ? f[i] : "", i == n - 1);
}

#define CSV_N 17
static const char *const csv_header_fields[CSV_N] = {
    "record", "task", "condition", "condition_b", "label", "label_b", "quantity", "n", "mean",
    "sd", "n_b", "mean_b", "sd_b", "statistic", "df", "p", "paper",
};

static void print_csv(FILE *out, const summary_analysis *a, const summary_options *o,
                      int header) {
    const summary_task *t = a->task;
    const char *success_name = schema_quantities[t->task->success_quantity].name;
    if (header) csv_row(out, csv_header_fields, CSV_N);
    char f[CSV_N][160];
    const char *fp[CSV_N];
    for (int i = 0; i < CSV_N; i++) fp[i] = f[i];
    for (int c = 0; c < a->n_conditions; c++) {
        const summary_condition *C = &a->conditions[c];
        for (int q = 0; q < SQ_COUNT; q++) {
            if (!summary_quantity_in_task(q, t->task)) continue;
            memset(f, 0, sizeof f);
            snprintf(f[0], 160, "stat");
            snprintf(f[1], 160, "%s", t->name);
            snprintf(f[2], 160, "%d", c + 1);
            summary_condition_label(a, c, f[4], 160);
            snprintf(f[6], 160, "%s", summary_quantity_name(q));
            snprintf(f[7], 160, "%d", C->n[q]);
            summary_csv_stat(f[8], 160, C->mean[q]);
            summary_csv_stat(f[9], 160, C->sd[q]);
            snprintf(f[16], 160, "%s", C->paper[q]);
            csv_row(out, fp, CSV_N);
        }
        /* rates as their own rows: mean = rate, n = trials with a finite value */
        const struct {
            const char *name;
            int k, n;
        } rates[2] = {{"success_rate", C->n_success, C->n_success_known},
                      {"struct_rate", C->n_struct, C->n_struct_known}};
        for (int i = 0; i < 2; i++) {
            memset(f, 0, sizeof f);
            snprintf(f[0], 160, "rate");
            snprintf(f[1], 160, "%s", t->name);
            snprintf(f[2], 160, "%d", c + 1);
            summary_condition_label(a, c, f[4], 160);
            snprintf(f[6], 160, "%s>%g", i == 0 ? success_name : "q_str",
                     i == 0 ? o->success_threshold : o->struct_threshold);
            snprintf(f[7], 160, "%d", rates[i].n);
            summary_csv_stat(f[8], 160, rates[i].n ? (double)rates[i].k / rates[i].n : NAN);
            snprintf(f[13], 160, "%d", rates[i].k);
            csv_row(out, fp, CSV_N);
        }
        memset(f, 0, sizeof f);
        snprintf(f[0], 160, "pearson");
        snprintf(f[1], 160, "%s", t->name);
        snprintf(f[2], 160, "%d", c + 1);
        summary_condition_label(a, c, f[4], 160);
        snprintf(f[6], 160, "mi~task_loss");
        snprintf(f[7], 160, "%d", C->pearson_n);
        summary_csv_stat(f[13], 160, C->pearson_r);
        snprintf(f[14], 160, "%d", C->pearson_n - 2);
        summary_csv_stat(f[15], 160, C->pearson_p);
        snprintf(f[16], 160, "%s", C->paper[SUMMARY_PAPER_PEARSON]);
        csv_row(out, fp, CSV_N);
    }
    for (int i = 0; i < a->n_tests; i++) {
        const summary_test *s = &a->tests[i];
        memset(f, 0, sizeof f);
        snprintf(f[0], 160, o->welch ? "welch" : "student");
        snprintf(f[1], 160, "%s", t->name);
        snprintf(f[2], 160, "%d", s->cond_a + 1);
        snprintf(f[3], 160, "%d", s->cond_b + 1);
        summary_condition_label(a, s->cond_a, f[4], 160);
        summary_condition_label(a, s->cond_b, f[5], 160);
        snprintf(f[6], 160, "%s", summary_quantity_name(s->quantity));
        snprintf(f[7], 160, "%d", s->res.n_a);
        summary_csv_stat(f[8], 160, s->res.mean_a);
        summary_csv_stat(f[9], 160, s->res.sd_a);
        snprintf(f[10], 160, "%d", s->res.n_b);
        summary_csv_stat(f[11], 160, s->res.mean_b);
        summary_csv_stat(f[12], 160, s->res.sd_b);
        summary_csv_stat(f[13], 160, s->res.t);
        summary_csv_stat(f[14], 160, s->res.df);
        summary_csv_stat(f[15], 160, s->res.p);
        csv_row(out, fp, CSV_N);
    }
}

/* ---------------------------------------------------------------- numbers */

int summary_fmt_decimals(double mean, double sd) {
    if (!(sd > 0.0) || !isfinite(sd)) return -1;
    int d = 1 - (int)floor(log10(sd)); /* two significant digits of sd */
    if (d < 0) d = 0;
    /* at most 6 significant digits of the mean, whatever the sd */
    double m = fabs(mean);
    if (m > 0.0 && isfinite(m)) {
        int cap = 5 - (int)floor(log10(m));
        if (cap < 0) cap = 0;
        if (d > cap) d = cap;
    }
    return d > 12 ? 12 : d;
}

void summary_fmt_mean_sd(char *buf, size_t n, double mean, double sd) {
    int d = summary_fmt_decimals(mean, sd);
    if (isnan(mean)) snprintf(buf, n, "—");
    else if (isnan(sd)) snprintf(buf, n, "%.4g", mean);
    else if (d < 0) snprintf(buf, n, "%.4g ± %.4g", mean, sd); /* sd 0 (or ∞) */
    else if (sd < 0.5 * pow(10.0, -d)) snprintf(buf, n, "%.*f ± %.1e", d, mean, sd); /* capped */
    else snprintf(buf, n, "%.*f ± %.*f", d, mean, d, sd);
}

void summary_fmt_p(char *buf, size_t n, double p) {
    if (isnan(p)) snprintf(buf, n, "—");
    else if (p == 0.0) snprintf(buf, n, "0");
    else if (p < 1e-3) snprintf(buf, n, "%.1e", p);
    else snprintf(buf, n, "%.3f", p);
}

void summary_fmt_t(char *buf, size_t n, double t) {
    if (isnan(t)) snprintf(buf, n, "—");
    else snprintf(buf, n, "%.2f", t);
}

void summary_fmt_r(char *buf, size_t n, double r) {
    if (isnan(r)) snprintf(buf, n, "—");
    else snprintf(buf, n, "%.3f", r);
}

void summary_fmt_df(char *buf, size_t n, double df) {
    if (isnan(df)) snprintf(buf, n, "—");
    else if (df == floor(df) && fabs(df) < 1e15) snprintf(buf, n, "%.0f", df);
    else snprintf(buf, n, "%.1f", df);
}

void summary_csv_stat(char *buf, size_t n, double x) {
    if (isnan(x)) buf[0] = '\0';
    else snprintf(buf, n, "%.10g", x);
}

void summary_csv_exact(char *buf, size_t n, double x) {
    if (isnan(x)) {
        buf[0] = '\0';
        return;
    }
    /* %.15g is the shortest whenever a decimal of ≤ 15 digits reads back as x
     * (x is then within half an ulp of it, far below the 15th digit) */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

/* The values of a provenance row (blas_kernel or build) among a task's
 * finished trials, most trials first, unrecorded ones (files made before the
 * row) last. */
typedef struct {
    const char *name;
    int n;
} value_count;

static int value_order(const void *pa, const void *pb) {
    const value_count *a = pa, *b = pb;
    if (!a->name[0] != !b->name[0]) return a->name[0] ? -1 : 1;
    if (a->n != b->n) return b->n - a->n;
    return strcmp(a->name, b->name);
}

/* One line under the task's head: which values of a provenance row (`rows`,
 * RESULTS_KERNEL_LEN + 1 bytes each) the finished trials have, as
 * "<label>: A (n)"; several get `warning` after them. */
static void print_provenance(FILE *out, const summary_task *t, const char (*rows)[RESULTS_KERNEL_LEN + 1],
                             const char *label, const char *warning) {
    value_count *k = t->n_points > 0 && rows ? calloc((size_t)t->n_points, sizeof *k) : NULL;
    if (!k) return;
    int n_k = 0, n_fin = 0;
    for (int64_t p = 0; p < t->n_points; p++) {
        if (t->status[p] != RESULTS_DONE) continue;
        n_fin++;
        int i = 0;
        while (i < n_k && strcmp(k[i].name, rows[p]) != 0) i++;
        if (i == n_k) k[n_k++].name = rows[p];
        k[i].n++;
    }
    qsort(k, (size_t)n_k, sizeof *k, value_order);
    if (n_k == 1)
        fprintf(out, "%s: %s (%d finished trial%s)\n", label, k[0].name[0] ? k[0].name : "unrecorded",
                n_fin, n_fin == 1 ? "" : "s");
    if (n_k > 1) {
        fprintf(out, "%s:", label);
        for (int i = 0; i < n_k; i++)
            fprintf(out, "%s %s (%d)", i ? "," : "", k[i].name[0] ? k[i].name : "unrecorded", k[i].n);
        fprintf(out, " — warning: %s\n", warning);
    }
    free(k);
}

/* A trial's last bits depend on the OpenBLAS kernel, and its numbers may
 * depend on the build (a change of mimod's arithmetic), so a task whose
 * trials come from several (a sweep resumed or grown on another machine or
 * with another build) gets a warning. */
static void print_provenances(FILE *out, const summary_task *t) {
    print_provenance(out, t, t->blas_kernel, "OpenBLAS kernels",
                     "trials computed by different kernels differ at the rounding level");
    print_provenance(out, t, t->build, "mimod builds",
                     "trials computed by different builds differ where the builds compute "
                     "differently (git diff between the commits)");
}

void summary_print(FILE *out, const summary_analysis *a, const summary_options *o,
                   summary_format fmt, int csv_header) {
    if (fmt == SUMMARY_CSV) {
        print_csv(out, a, o, csv_header);
        return;
    }
    const summary_task *t = a->task;
    int md = fmt == SUMMARY_MARKDOWN;
    /* a task of other targets than the paper's (wm_bits, sep_sources) says
     * which, and has no paper column */
    char targets[256] = "";
    const int n_targets = summary_task_targets(t);
    const int paper_targets = n_targets == summary_paper_targets(t->task);
    int paper = strcmp(t->preset, "paper") == 0 && paper_targets;
    if (n_targets > 0 && !paper_targets) {
        size_t used = (size_t)snprintf(targets, sizeof targets, "; %d targets:", n_targets);
        for (int j = 0; j < n_targets && used < sizeof targets; j++) {
            char name[32];
            t->task->target_name((int)t->n_out, j, name, sizeof name);
            int w = snprintf(targets + used, sizeof targets - used, "%s %s", j ? "," : "", name);
            if (w < 0) break;
            used += (size_t)w;
        }
    }
    fprintf(out, "%sTask %s (preset %s%s): %lld point%s — %d finished, %d running, %d failed, "
                 "%d pending\n",
            md ? "## " : "", t->name, t->preset[0] ? t->preset : "?", targets,
            (long long)t->n_points, t->n_points == 1 ? "" : "s", a->n_finished, a->n_running,
            a->n_failed, a->n_pending);
    print_provenances(out, t);
    fputs("\n", out);
    if (a->n_failed) {
        int seed_axis = summary_axis_index(t, "seed");
        for (int p = 0; p < t->n_points; p++) {
            if (t->status[p] != RESULTS_FAILED) continue;
            fprintf(out, "%sfailed: point %d", md ? "- " : "  ", p);
            if (seed_axis >= 0 && t->seeds) fprintf(out, " (seed %llu)", (unsigned long long)t->seeds[p]);
            if (t->fail_step[p] >= 0) fprintf(out, " at MM step %lld", (long long)t->fail_step[p]);
            if (t->fail_reason[p][0]) fprintf(out, ": %s", t->fail_reason[p]);
            fputs("\n", out);
        }
        fputs("\n", out);
    }
    for (int c = 0; c < a->n_conditions; c++) {
        const summary_condition *C = &a->conditions[c];
        char label[256];
        summary_condition_label(a, c, label, sizeof label);
        fprintf(out, "%sCondition %d: %s — %d finished trial%s", md ? "### " : "", c + 1, label,
                C->n_points, C->n_points == 1 ? "" : "s");
        /* λ values that are not grid axes come from the task's base configuration */
        if (summary_axis_index(t, "lambda_I") < 0 && !isnan(C->lambda_I))
            fprintf(out, " [lambda_I=%g fixed]", C->lambda_I);
        if (summary_axis_index(t, "lambda_reg") < 0 && !isnan(C->lambda_reg))
            fprintf(out, " [lambda_reg=%g fixed]", C->lambda_reg);
        /* K groups other than the paper's two are named (Q, D, I_n are of K groups) */
        if (summary_axis_index(t, "n_groups") < 0 && C->n_groups != 2)
            fprintf(out, " [n_groups=%d fixed]", C->n_groups);
        if (C->paper_name[0]) fprintf(out, " (paper: %s)", C->paper_name);
        fputs(md ? "\n\n" : "\n", out);
        summary_table tb = {.n_cols = paper ? 4 : 3};
        const char *head[4] = {"quantity", "n", "mean ± sd", "paper"};
        summary_table_row(&tb, head);
        for (int q = 0; q < SQ_COUNT; q++) {
            if (!summary_quantity_in_task(q, t->task)) continue;
            char n_s[16], ms[CELL];
            snprintf(n_s, sizeof n_s, "%d", C->n[q]);
            summary_fmt_mean_sd(ms, sizeof ms, C->mean[q], C->sd[q]);
            const char *row[4] = {summary_quantity_name(q), n_s, ms, C->paper[q]};
            summary_table_row(&tb, row);
        }
        summary_table_print(out, &tb, fmt);
        if (md) fputs("\n", out);
        const char *bullet = md ? "- " : "  ";
        fprintf(out, "%ssuccess (%s > %g): %d/%d\n", bullet,
                schema_quantities[t->task->success_quantity].name,
                o->success_threshold, C->n_success, C->n_success_known);
        fprintf(out, "%sstructural differentiation (q_str > %g): %d/%d\n", bullet,
                o->struct_threshold, C->n_struct, C->n_struct_known);
        char r_s[32], p_s[32];
        summary_fmt_r(r_s, sizeof r_s, C->pearson_r);
        summary_fmt_p(p_s, sizeof p_s, C->pearson_p);
        fprintf(out, "%sPearson r(final mi, task_loss) = %s, p = %s (n = %d)", bullet, r_s, p_s,
                C->pearson_n);
        if (C->paper[SUMMARY_PAPER_PEARSON][0])
            fprintf(out, "; paper: %s", C->paper[SUMMARY_PAPER_PEARSON]);
        fputs("\n\n", out);
    }
    if (a->n_tests == 0) {
        fprintf(out, "No pair of conditions differs in exactly one of lambda_I / lambda_reg: "
                     "no tests.\n\n");
        return;
    }
    fprintf(out, "%sTests (%s two-sample t-test, two-sided) between conditions differing in one "
                 "of lambda_I / lambda_reg\n\n",
            md ? "### " : "", o->welch ? "Welch's" : "Student's pooled-variance");
    int current_a = -1, current_b = -1;
    summary_table tb = {.n_cols = 6};
    for (int i = 0; i < a->n_tests; i++) {
        const summary_test *s = &a->tests[i];
        if (s->cond_a != current_a || s->cond_b != current_b) {
            if (tb.n_rows) {
                summary_table_print(out, &tb, fmt);
                fputs("\n", out);
                tb = (summary_table){.n_cols = 6};
            }
            current_a = s->cond_a;
            current_b = s->cond_b;
            fprintf(out, "%sCondition %d vs %d (differ in %s: %g vs %g)%s", md ? "**" : "",
                    s->cond_a + 1, s->cond_b + 1, t->axis_names[s->axis],
                    coord(t, s->axis, a->conditions[s->cond_a].first_point),
                    coord(t, s->axis, a->conditions[s->cond_b].first_point), md ? "**\n\n" : "\n");
            const char *head[6] = {"quantity", "mean ± sd (a)", "mean ± sd (b)", "t", "df", "p"};
            summary_table_row(&tb, head);
        }
        char ma[CELL], mb[CELL], t_s[32], df_s[32], p_s[32];
        summary_fmt_mean_sd(ma, sizeof ma, s->res.mean_a, s->res.sd_a);
        summary_fmt_mean_sd(mb, sizeof mb, s->res.mean_b, s->res.sd_b);
        if (s->ok) {
            summary_fmt_t(t_s, sizeof t_s, s->res.t);
            summary_fmt_df(df_s, sizeof df_s, s->res.df);
            summary_fmt_p(p_s, sizeof p_s, s->res.p);
        } else {
            snprintf(t_s, sizeof t_s, "—");
            snprintf(df_s, sizeof df_s, "—");
            snprintf(p_s, sizeof p_s, "—");
        }
        const char *row[6] = {summary_quantity_name(s->quantity), ma, mb, t_s, df_s, p_s};
        summary_table_row(&tb, row);
    }
    if (tb.n_rows) {
        summary_table_print(out, &tb, fmt);
        fputs("\n", out);
    }
}
