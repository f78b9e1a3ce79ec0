/* summary_read.h — one task group of a result file read by the schema (src/summary/summary_read.c).
 * Part of mimod-summary (summary.h gathers the parts). */
#ifndef MIMOD_SUMMARY_READ_H
#define MIMOD_SUMMARY_READ_H

#include <stdint.h>
#include "mimod/common.h"
#include "mimod/schema.h"
#include "mimod/task.h"

/* -------------------------------------------------------------- file reading */

#define SUMMARY_MAX_AXES 16
#define SUMMARY_NAME_LEN 64

/* The final quantities the summary reports, in table order: a view of the
 * result schema's quantities (schema.h), which define their names; which a
 * task records its descriptor says (task.h). */
enum {
    SQ_TASK_LOSS, SQ_ACCURACY, SQ_R2_MEAN, SQ_Q_COR, SQ_Q_STR, SQ_D_COR, SQ_D_OUT,
    SQ_D_IN, SQ_I_N, SQ_MI, SQ_COUNT
};
/* The schema quantity (TC_* or Q_I_N) of table quantity q; its name. */
int summary_quantity_schema(int q);
const char *summary_quantity_name(int q);
/* The table quantity of schema quantity q, or −1 (reg_loss is not shown). */
int summary_quantity_of_schema(int q);
/* 1 if the task records quantity q. */
int summary_quantity_in_task(int q, const mimod_task *task);

/* Point status codes are the schema's RESULTS_PENDING … RESULTS_FAILED. */

typedef struct {
    char name[SUMMARY_NAME_LEN];  /* the group's name: its task's */
    const mimod_task *task;       /* that task (tasks.h) */
    char preset[SUMMARY_NAME_LEN];
    int64_t n_points, n_records, n_units, n_in, n_out, n_mm_steps;
    int n_axes;
    char axis_names[SUMMARY_MAX_AXES][SUMMARY_NAME_LEN];
    double *coords;               /* [n_axes][n_points]; seeds converted to double */
    uint64_t *seeds;              /* [n_points] the exact seeds (coords/seed); NULL without
                                     a seed axis */
    double base_lambda_I;         /* from config_yaml (NaN if absent): used when */
    double base_lambda_reg;       /* λ_I or λ_reg is not a grid axis */
    int base_n_groups;            /* K from config_yaml; 2 when absent (files made before
                                     issue 16); summary_point_groups gives a point's K */
    int32_t *status;              /* [n_points] */
    int64_t *fail_step;           /* [n_points] (−1 when absent) */
    char (*fail_reason)[RESULTS_REASON_LEN + 1]; /* [n_points] */
    char (*blas_kernel)[RESULTS_KERNEL_LEN + 1]; /* [n_points] the OpenBLAS kernel(s) that
                                     computed the point (schema.h); empty: unrecorded (and
                                     in files made before the dataset) */
    char (*build)[RESULTS_KERNEL_LEN + 1]; /* [n_points] the build(s) of mimod that computed
                                     the point (schema.h), alike */
    int64_t *record_step;         /* [n_records] */
    double *final_values;         /* [SQ_COUNT][n_points]; NaN where absent */
    double *timecourse;           /* [SQ_COUNT][n_points][n_records]; NaN where absent
                                     (i_n has no time course) */
    int32_t *records_done;        /* [n_points] records whose rows are in the file (the
                                     records_done dataset; in older files the leading finite
                                     task_loss rows) */
    double *wall_seconds;         /* [n_points] training time (so far, for a running point) */
    char *config_yaml;            /* the group's config_yaml (NULL if absent) */
    /* Several files of one sweep summarised together (summary_merge.h): point p
     * is point src_point[p] of the file src_file[p]; NULL: one file, p itself. */
    int64_t *src_file, *src_point;
} summary_task;

/* Open a result file read-only. *file receives an HDF5 file id (hid_t as int64).
 * HDF5's file locking is off for this open (H5Pset_file_locking): a reader
 * neither waits for a sweep that is writing the file nor blocks it from
 * opening it (docs/summary.md, "Reading a file being written"). */
int summary_open(const char *path, int64_t *file, mimod_err *err);
void summary_close(int64_t file);

/* 1 if the file has a group for the task (its name). */
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

/* Read the whole dataset `dataset` (e.g. "final/reg_loss", "timecourse/r2") of
 * the task group as double into out; it must have `rank` dimensions equal to
 * dims (dims[i] < 0: any). Returns 1 when the file lacks it (the caller
 * substitutes NaN, as for the quantities above), MIMOD_OK, or an error. */
int summary_read_task_dataset(int64_t file, const char *task, const char *dataset, int rank,
                              const int64_t *dims, double *out, mimod_err *err);

/* Where point p's rows are: the file to read them from and its index there
 * (`file` and p for a task read from one file). */
void summary_point_source(const summary_task *t, int64_t file, int64_t p, int64_t *src_file,
                          int64_t *src_point);

/* Index of an axis by name, or −1. */
int summary_axis_index(const summary_task *t, const char *axis);

/* K, the number of fixed unit groups of point p: its n_groups coordinate
 * when n_groups is a grid axis, else the task's base_n_groups. */
int summary_point_groups(const summary_task *t, int64_t p);

/* The task's targets in this file (its descriptor's count for the file's
 * n_out outputs: wm_bits, sep_sources), and in the task's default
 * configuration, its first preset (WM's and SEP's `paper`: 2; 0 if unknown).
 * The paper's claims and columns are of the latter (issue 27). */
int summary_task_targets(const summary_task *t);
int summary_paper_targets(const mimod_task *task);

#endif
