/* results_h5.h — the HDF5 result file of docs/hdf5-layout.md, written by
 * mimod-train (one grid point) and mimod-sweep (a whole sweep, MPI).
 *
 * Parallel model (MPI-IO driver when a communicator is given):
 *  - results_create / results_open_existing / results_close are COLLECTIVE:
 *    every rank of the communicator calls them with the same arguments. All
 *    datasets and attributes are created up front, with early allocation and
 *    fixed sizes, so that afterwards
 *  - results_write_point / results_write_failed / results_mark / results_read_status
 *    are INDEPENDENT: any rank may call them at any time; they only move raw
 *    data of one grid point's rows (H5FD_MPIO_INDEPENDENT) and never touch
 *    metadata.
 * With comm == MPI_COMM_NULL the file is opened with the serial (sec2) driver
 * and no MPI call is made (mimod-train needs no MPI_Init); every write is then
 * followed by H5Fflush, so `status == 2` on disk implies the row's data is on
 * disk too. (With MPI-IO, H5Fflush is collective and cannot be called by one
 * worker; there each write has reached the file system — visible to every
 * process and surviving a killed job — before status 2 is written, but only
 * results_close syncs it.) */
#ifndef MIMOD_RESULTS_H5_H
#define MIMOD_RESULTS_H5_H

#include <stdint.h>
#include "mimod/common.h"
#include "mimod/params.h"
#include "mimod/schema.h"
#include "mimod/trial.h"

/* Format version, status codes, the fail_reason length and the quantities'
 * dataset names are those of schema.h. */

/* One task group (/wm, /sep, …: one per task of the sweep): its shapes and
 * its grid. */
typedef struct {
    const char *name;              /* the task's name: the group name */
    const char *config_yaml;       /* full base configuration (every key) before grid values */
    const char *preset;            /* preset name, informational */
    int n_points;                  /* P */
    int n_axes;
    const char *const *axis_names; /* [n_axes]; "seed" is stored as int64 */
    const double *coords;          /* [n_points][n_axes] */
    const uint64_t *seeds;         /* [n_points] exact values of the "seed" axis (coords/seed is
                                      uint64; NULL: taken from coords) */
    int n_records;                 /* R */
    int n_units, n_in, n_out;      /* N, I, O */
    int64_t n_mm_steps;            /* S */
    const int64_t *record_step;    /* [n_records] */
    const mimod_layout *layout;    /* MM tensors -> weights/<name> [P][rows][cols] */
} results_task_desc;

/* Root attributes supplied by the caller (the rest are filled in). */
typedef struct {
    const char *sweep_yaml; /* the sweep file's text (mimod-train: the trial's YAML) */
    const char *sweep_hash; /* hex hash of the normalised definition */
    int n_ranks;
    int overwrite;          /* 0: refuse if `path` exists */
} results_meta;

typedef struct results_file results_file;

/* Serial (sec2 driver, no MPI). Creates the file, every group, dataset and
 * attribute, fills float rows with NaN and the rest with 0 (fail_step −1),
 * flushes. The MPI-IO versions (a communicator; collective) are declared
 * below for code that includes <mpi.h> first: the sweep. */
int results_create_serial(const char *path, const results_meta *meta, int n_tasks,
                          const results_task_desc *tasks, results_file **out, mimod_err *err);

/* Serial. Opens an existing file for resuming. If its sweep_hash differs
 * from meta->sweep_hash, or its groups/shapes do not match `tasks`, fails with
 * MIMOD_EINVAL and a message listing what differs (groups, axes, coordinates,
 * configuration keys). A file made before blas_kernel or build (schema.h)
 * gets them, with empty rows. */
int results_open_existing_serial(const char *path, const results_meta *meta, int n_tasks,
                                 const results_task_desc *tasks, results_file **out,
                                 mimod_err *err);

/* Serial. The file at `path`, whose task i holds n_old[i] points, grown to
 * the points of `tasks` (the same tasks and shapes; task i's first n_old[i]
 * points are the file's, in its order, the rest new): made as
 * "<path>.growing" with every dataset of the new size, the old points' rows
 * copied byte for byte and compared, the creation time kept, the root
 * attribute sweep_history extended by a line naming the new points (`what`)
 * and meta->sweep_hash; then renamed over `path`. The old file is never
 * written; on failure it stays as it was (src/io/results_grow.c). */
int results_grow_serial(const char *path, const results_meta *meta, int n_tasks,
                        const results_task_desc *tasks, const int *n_old, const char *what,
                        mimod_err *err);

#ifdef MPI_VERSION /* <mpi.h> was included first: the sweep's side */
/* Collective over comm (MPI_COMM_NULL: serial, as results_create_serial). */
int results_create(const char *path, MPI_Comm comm, const results_meta *meta, int n_tasks,
                   const results_task_desc *tasks, results_file **out, mimod_err *err);
/* Collective over comm. Opens an existing file for resuming (see
 * results_open_existing_serial for what is checked). */
int results_open_existing(const char *path, MPI_Comm comm, const results_meta *meta,
                          int n_tasks, const results_task_desc *tasks, results_file **out,
                          mimod_err *err);
#endif

/* Independent. One finished point: every dataset row, flush (serial driver),
 * then status = 2 (and flush). */
int results_write_point(results_file *f, int task, int point, const trial *t, mimod_err *err);
/* Independent. A diverged point: whatever rows the trial has, then status = 3,
 * fail_step and a reason. */
int results_write_failed(results_file *f, int task, int point, const trial *t, int64_t fail_step,
                         const char *reason, mimod_err *err);

/* The same from the pieces of a trial (what the two calls above use; tests
 * use it with synthetic data). mm_done = MM steps completed; rows of records
 * ≥ res->n_done and of steps ≥ mm_done are written as NaN.
 * The first write of a point through this handle (this one or
 * results_write_progress) also sets its blas_kernel and build rows (schema.h;
 * below for blas_kernel, build alike with the build's commit), once per
 * run of the point: with mm_done and sm_done 0 (a trial that starts here) to
 * this process's OpenBLAS kernel B (mimod_blas_corename); else (resumed from a
 * checkpoint, in its MM steps or its SM pre-training) the row is read and becomes "?+B" when empty, "A+B" when
 * it ends with another kernel than B (cut to RESULTS_KERNEL_LEN − 1 bytes),
 * and stays as it is when it already ends with B. */
typedef struct {
    const trial_results *res;
    const mimod_layout *layout;
    const real *params;
    int64_t mm_done;
    int finished; /* final/<q> only when 1 */
    int64_t sm_done; /* SM steps completed: with mm_done 0, > 0 for a trial resumed in its SM
                        pre-training (for blas_kernel) */
} results_point_data;
int results_write_point_data(results_file *f, int task, int point, const results_point_data *d,
                             int status, int64_t fail_step, const char *reason, mimod_err *err);

/* Independent. A point while it trains (issue 15): its time-course and train/
 * rows as far as the trial has got (NaN after), records_done and
 * wall_seconds so far; not its status, final/ or weights. Whole rows, so a
 * resumed point's call replaces whatever an interrupted run left. Serial:
 * flushed. */
int results_write_progress(results_file *f, int task, int point, const results_point_data *d,
                           mimod_err *err);
/* The same from a trial. */
int results_write_trial_progress(results_file *f, int task, int point, const trial *t,
                                 mimod_err *err);

/* Independent. Set status (and fail_step/fail_reason; reason may be NULL). */
int results_mark(results_file *f, int task, int point, int status, int64_t fail_step,
                 const char *reason, mimod_err *err);
/* Independent. status[0..P) of a task. */
int results_read_status(results_file *f, int task, int *status, mimod_err *err);
/* Independent. records_done[0..P) of a task (record points written so far);
 * all 0 in a file made before it (issue 15). */
int results_read_records_done(results_file *f, int task, int *records_done, mimod_err *err);
/* Independent. blas_kernel[0..P) of a task, NUL-terminated ("" where
 * unrecorded, and for every point before the file is opened for writing if it
 * lacks the dataset). */
int results_read_kernels(results_file *f, int task, char (*kernels)[RESULTS_KERNEL_LEN],
                         mimod_err *err);
/* Independent. build[0..P) of a task, alike. */
int results_read_builds(results_file *f, int task, char (*builds)[RESULTS_KERNEL_LEN],
                        mimod_err *err);

/* Collective. Closes everything; NULL is fine. */
int results_close(results_file *f, mimod_err *err);

/* Fill a task description from a trial configuration (sizes, record steps,
 * MM layout, config YAML). The strings and arrays live in `store` until
 * results_desc_free. axis names/coords are left for the caller. */
typedef struct {
    char *config_yaml;
    int64_t *record_step;
    mimod_layout layout;
} results_desc_store;
int results_desc_from_config(const mimod_config *c, results_task_desc *d, results_desc_store *store,
                             mimod_err *err);
void results_desc_free(results_desc_store *store);

/* mimod-train's one call: a file with one group and P = 1 holding a finished
 * (or diverged) trial; serial, no MPI. Refuses an existing path. */
int results_write_single_trial(const char *path, const char *yaml_text, const trial *t,
                               mimod_err *err);
/* The empty one-point file of a trial of configuration c (what the calls
 * around it write into: task 0, point 0); serial. yaml_text NULL: c's YAML. */
int results_create_single_trial(const char *path, const char *yaml_text, const mimod_config *c,
                                int overwrite, results_file **out, mimod_err *err);
/* Write a trained trial into such a file: finished (status 2) or diverged
 * (status 3 with its reason). */
int results_write_single_outcome(results_file *f, const trial *t, mimod_err *err);
/* Same, overwriting an existing file when overwrite != 0. */
int results_write_single_trial_ex(const char *path, const char *yaml_text, const trial *t,
                                  int overwrite, mimod_err *err);

/* Bytes the result file of these tasks takes (every dataset is allocated in
 * full when the file is created), metadata included; sweep_yaml_len: length
 * of the root attribute sweep_yaml. */
double results_file_bytes(int n_tasks, const results_task_desc *tasks, size_t sweep_yaml_len);

/* MIMOD_OK if the file system that holds (or will hold) `path` has `bytes`
 * free; else MIMOD_EIO saying how much is needed and how much is free. */
int results_check_space(const char *path, double bytes, mimod_err *err);

/* "2.1 MB", "34.4 GB" into buf. */
void results_format_bytes(double bytes, char *buf, size_t n);

/* Where to write `path`: itself, or the file a symbolic link points to (the
 * file is made under a temporary name and renamed, which must replace the
 * target, not the link). Refuses an existing path that is not a regular file
 * (a directory, /dev/null, ...) and a link to a missing file. */
int results_resolve_output(const char *path, char *out, size_t n, mimod_err *err);

/* 32 hex digits (+ NUL) hashing `text` (two 64-bit FNV-1a lanes); used for sweep_hash. */
void results_hash_text(const char *text, char out[33]);

#endif
