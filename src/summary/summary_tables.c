/* summary_tables.c — per-trial tables (summary_tables.h): every point's
 * coordinates, status and final values (--trials), and every written record of
 * every time course in long format (--timecourse), as CSV for pandas, R or a
 * spreadsheet. The quantities are the result schema's (schema.h), in its
 * order, so a new quantity appears here without a change. */
#include "mimod/summary_tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mimod/summary_report.h"
#include "mimod/tasks.h"

/* Column names shared by the tasks of one table: the union of their grid axes
 * (in order of first appearance) and the widest R² vector among the tasks
 * that have R² (SEP: one per output). */
typedef struct {
    int n_axes;
    char names[2 * SUMMARY_MAX_AXES][SUMMARY_NAME_LEN];
    int n_r2;
} table_columns;

static void union_columns(const summary_task *const *tasks, int n_tasks, table_columns *c) {
    memset(c, 0, sizeof *c);
    for (int k = 0; k < n_tasks; k++) {
        const summary_task *t = tasks[k];
        for (int i = 0; i < t->n_axes; i++) {
            int found = 0;
            for (int j = 0; j < c->n_axes && !found; j++) found = strcmp(c->names[j], t->axis_names[i]) == 0;
            if (!found && c->n_axes < 2 * SUMMARY_MAX_AXES)
                snprintf(c->names[c->n_axes++], SUMMARY_NAME_LEN, "%s", t->axis_names[i]);
        }
        if (task_records(t->task, TC_R2_MEAN) && t->n_out > c->n_r2) c->n_r2 = (int)t->n_out;
    }
}

/* The datasets of one task that summary_task does not hold in schema order:
 * final/<q> for every quantity, timecourse/<q> (time-course tables only) and
 * the R² vectors. NaN where the file lacks them. */
typedef struct {
    double *final;    /* [Q_COUNT][P] */
    double *final_r2; /* [P][O] */
    double *tc;       /* [TC_COUNT][P][R] */
    double *tc_r2;    /* [P][R][O] */
    int have_tc[TC_COUNT + 1]; /* which time courses the file has ([TC_COUNT]: r2) */
} task_values;

static void values_free(task_values *v) {
    free(v->final);
    free(v->final_r2);
    free(v->tc);
    free(v->tc_r2);
    memset(v, 0, sizeof *v);
}

/* Read one dataset into out[count]; missing -> NaN and *have = 0. */
static int read_or_nan(int64_t file, const summary_task *t, const char *name, int rank,
                       const int64_t *dims, double *out, size_t count, int *have, mimod_err *err) {
    int rc = summary_read_task_dataset(file, t->name, name, rank, dims, out, err);
    if (rc == 1)
        for (size_t i = 0; i < count; i++) out[i] = NAN;
    if (have) *have = rc == MIMOD_OK;
    return rc < 0 ? rc : MIMOD_OK;
}

static int values_read(int64_t file, const summary_task *t, summary_table_kind kind,
                       task_values *v, mimod_err *err) {
    memset(v, 0, sizeof *v);
    size_t P = (size_t)t->n_points, R = (size_t)t->n_records, O = (size_t)t->n_out;
    int rc = MIMOD_OK;
    char name[96];
    if (kind == SUMMARY_TABLE_TRIALS) {
        v->final = malloc(sizeof(double) * Q_COUNT * P);
        v->final_r2 = malloc(sizeof(double) * P * O);
        if (!v->final || !v->final_r2) return mimod_errf(err, MIMOD_ENOMEM, "out of memory (%zu points)", P);
        int64_t dP[1] = {(int64_t)P}, dPO[2] = {(int64_t)P, (int64_t)O};
        for (int q = 0; q < Q_COUNT && !rc; q++) {
            snprintf(name, sizeof name, "final/%s", schema_quantities[q].name);
            rc = read_or_nan(file, t, name, 1, dP, v->final + (size_t)q * P, P, NULL, err);
        }
        if (!rc) rc = read_or_nan(file, t, "final/r2", 2, dPO, v->final_r2, P * O, NULL, err);
    } else {
        v->tc = malloc(sizeof(double) * TC_COUNT * P * R);
        v->tc_r2 = malloc(sizeof(double) * P * R * O);
        if (!v->tc || !v->tc_r2)
            return mimod_errf(err, MIMOD_ENOMEM, "out of memory (%zu points × %zu records)", P, R);
        int64_t dPR[2] = {(int64_t)P, (int64_t)R}, dPRO[3] = {(int64_t)P, (int64_t)R, (int64_t)O};
        for (int q = 0; q < TC_COUNT && !rc; q++) {
            snprintf(name, sizeof name, "timecourse/%s", schema_quantities[q].name);
            rc = read_or_nan(file, t, name, 2, dPR, v->tc + (size_t)q * P * R, P * R, &v->have_tc[q], err);
        }
        if (!rc) rc = read_or_nan(file, t, "timecourse/r2", 3, dPRO, v->tc_r2, P * R * O, &v->have_tc[TC_COUNT], err);
    }
    return rc;
}

static void field(FILE *out, const char *s) { summary_csv_field(out, s, 0); }

static void field_exact(FILE *out, double x) {
    char b[40];
    summary_csv_exact(b, sizeof b, x);
    field(out, b);
}

/* task, point, the axes (empty where the task has not got the axis), status */
static void point_fields(FILE *out, const summary_task *t, int64_t p, const table_columns *c) {
    char b[40];
    field(out, t->name);
    snprintf(b, sizeof b, "%lld", (long long)p);
    field(out, b);
    for (int j = 0; j < c->n_axes; j++) {
        int a = summary_axis_index(t, c->names[j]);
        if (a < 0) {
            field(out, "");
        } else if (strcmp(c->names[j], "seed") == 0 && t->seeds) {
            snprintf(b, sizeof b, "%llu", (unsigned long long)t->seeds[p]); /* exact beyond 2^53 */
            field(out, b);
        } else {
            field_exact(out, t->coords[(size_t)a * (size_t)t->n_points + (size_t)p]);
        }
    }
    field(out, schema_status_name(t->status[p]));
}

static void header(FILE *out, summary_table_kind kind, const table_columns *c) {
    field(out, "task");
    field(out, "point");
    for (int j = 0; j < c->n_axes; j++) field(out, c->names[j]);
    field(out, "status");
    if (kind == SUMMARY_TABLE_TIMECOURSE) {
        field(out, "record");
        field(out, "mm_step");
        field(out, "quantity");
        summary_csv_field(out, "value", 1);
        return;
    }
    field(out, "records_done");
    field(out, "mm_step");
    field(out, "wall_seconds");
    field(out, "fail_step");
    field(out, "fail_reason");
    field(out, "blas_kernel");
    field(out, "build");
    for (int q = 0; q < Q_COUNT; q++) summary_csv_field(out, schema_quantities[q].name, q == Q_COUNT - 1 && !c->n_r2);
    char b[32];
    for (int k = 0; k < c->n_r2; k++) {
        snprintf(b, sizeof b, "r2_%d", k);
        summary_csv_field(out, b, k == c->n_r2 - 1);
    }
}

static void trials_rows(FILE *out, const summary_task *t, const task_values *v, const table_columns *c) {
    size_t P = (size_t)t->n_points, O = (size_t)t->n_out;
    char b[64];
    for (size_t p = 0; p < P; p++) {
        point_fields(out, t, (int64_t)p, c);
        int32_t done = t->records_done[p];
        snprintf(b, sizeof b, "%d", (int)done);
        field(out, b);
        if (done > 0) snprintf(b, sizeof b, "%lld", (long long)t->record_step[done - 1]);
        else b[0] = '\0';
        field(out, b);
        field_exact(out, t->status[p] == RESULTS_PENDING ? NAN : t->wall_seconds[p]);
        if (t->fail_step[p] >= 0) snprintf(b, sizeof b, "%lld", (long long)t->fail_step[p]);
        else b[0] = '\0';
        field(out, b);
        field(out, t->fail_reason[p]);
        field(out, t->blas_kernel[p]);
        field(out, t->build[p]);
        /* final values exist only for finished points (status is written last;
         * a failed point's may hold what the divergence left) */
        int fin = t->status[p] == RESULTS_DONE;
        for (int q = 0; q < Q_COUNT; q++) {
            double x = fin && task_records(t->task, q) ? v->final[(size_t)q * P + p] : NAN;
            summary_csv_exact(b, sizeof b, x);
            summary_csv_field(out, b, q == Q_COUNT - 1 && !c->n_r2);
        }
        int has_r2 = task_records(t->task, TC_R2_MEAN);
        for (int k = 0; k < c->n_r2; k++) {
            double x = fin && has_r2 && (size_t)k < O ? v->final_r2[p * O + (size_t)k] : NAN;
            summary_csv_exact(b, sizeof b, x);
            summary_csv_field(out, b, k == c->n_r2 - 1);
        }
    }
}

/* Rows of the records a point has written (records_done), for points that
 * run, ran or failed; a pending point's rows are an interrupted run's and are
 * rewritten when it resumes, so they are left out. So are the time courses
 * the file lacks (an older writer's); a NaN in one that it has is an empty
 * value (not computed at that record). */
static void timecourse_rows(FILE *out, const summary_task *t, const task_values *v,
                            const table_columns *c) {
    size_t P = (size_t)t->n_points, R = (size_t)t->n_records, O = (size_t)t->n_out;
    int has_r2 = task_records(t->task, TC_R2_MEAN) && v->have_tc[TC_COUNT];
    char b[64];
    for (size_t p = 0; p < P; p++) {
        if (t->status[p] == RESULTS_PENDING) continue;
        for (int32_t r = 0; r < t->records_done[p]; r++) {
            int n_q = TC_COUNT + (has_r2 ? (int)O : 0);
            for (int q = 0; q < n_q; q++) {
                double x;
                if (q < TC_COUNT) {
                    if (!task_records(t->task, q) || !v->have_tc[q]) continue;
                    x = v->tc[((size_t)q * P + p) * R + (size_t)r];
                } else {
                    x = v->tc_r2[(p * R + (size_t)r) * O + (size_t)(q - TC_COUNT)];
                }
                point_fields(out, t, (int64_t)p, c);
                snprintf(b, sizeof b, "%d", (int)r);
                field(out, b);
                snprintf(b, sizeof b, "%lld", (long long)t->record_step[r]);
                field(out, b);
                if (q < TC_COUNT) snprintf(b, sizeof b, "%s", schema_quantities[q].name);
                else snprintf(b, sizeof b, "r2_%d", q - TC_COUNT);
                field(out, b);
                summary_csv_exact(b, sizeof b, x);
                summary_csv_field(out, b, 1);
            }
        }
    }
}

int summary_table_csv(FILE *out, summary_table_kind kind, int64_t file,
                      const summary_task *const *tasks, int n_tasks, mimod_err *err) {
    table_columns c;
    union_columns(tasks, n_tasks, &c);
    header(out, kind, &c);
    for (int k = 0; k < n_tasks; k++) {
        task_values v;
        int rc = values_read(file, tasks[k], kind, &v, err);
        if (rc) {
            values_free(&v);
            return rc;
        }
        if (kind == SUMMARY_TABLE_TRIALS) trials_rows(out, tasks[k], &v, &c);
        else timecourse_rows(out, tasks[k], &v, &c);
        values_free(&v);
    }
    return MIMOD_OK;
}

int summary_tables_run(FILE *out, const char *path, const char *only_task, summary_table_kind kind) {
    mimod_err err = {0};
    int64_t file;
    if (summary_open(path, &file, &err)) {
        fprintf(stderr, "mimod-summary: %s\n", err.msg);
        return 1;
    }
    summary_task t[MIMOD_MAX_TASKS];
    const summary_task *read[MIMOD_MAX_TASKS];
    int n = 0, status = 0;
    for (int k = 0; k < mimod_task_count() && !status; k++) {
        const char *name = mimod_task_at(k)->name;
        if (only_task && strcmp(only_task, name) != 0) continue;
        if (!summary_has_task(file, name)) continue;
        if (summary_read_task(file, name, &t[n], &err)) {
            fprintf(stderr, "mimod-summary: %s: %s\n", path, err.msg);
            status = 1;
        } else {
            read[n] = &t[n];
            n++;
        }
    }
    if (!status && n == 0) {
        char names[256];
        mimod_task_names(names, sizeof names);
        fprintf(stderr, "mimod-summary: %s has no %s%s group\n", path, only_task ? "/" : "task (",
                only_task ? only_task : names);
        status = 1;
    }
    if (!status && summary_table_csv(out, kind, file, read, n, &err)) {
        fprintf(stderr, "mimod-summary: %s: %s\n", path, err.msg);
        status = 1;
    }
    for (int k = 0; k < n; k++) summary_task_free(&t[k]);
    summary_close(file);
    fflush(out);
    return status;
}
