/* sweep.h — a sweep definition (docs/sweep.md): which tasks (any of the task
 * table's, tasks.h), their base
 * configurations, the grid axes, and the Cartesian product of grid points per
 * task (the cost model used for ordering and estimates is cost.h).
 * Every error names file:line:column and the key. */
#ifndef MIMOD_SWEEP_H
#define MIMOD_SWEEP_H

#include <limits.h>
#include "mimod/common.h"
#include "mimod/config.h"

#define SWEEP_MAX_AXES 16
/* A sweep file is stored whole in a root attribute of the result file, which
 * HDF5 limits to 64 KiB: longer files are refused when loaded. */
#define SWEEP_MAX_BYTES 61440
/* At most this many grid points per task (checked before the grid is expanded). */
#define SWEEP_MAX_POINTS 1000000

typedef struct {
    char name[64];   /* a config key */
    int n_values;
    char **values;   /* canonical text of each value (config_get after config_set) */
    double *numeric; /* the same as numbers: the coordinate stored in coords/<name> */
} sweep_axis;

typedef struct {
    const mimod_task *kind;  /* the task */
    const char *name;        /* its name: the result group */
    mimod_config base;       /* preset, then global overrides, then task overrides */
    int n_axes;
    sweep_axis axes[SWEEP_MAX_AXES];
    const char *axis_names[SWEEP_MAX_AXES];
    int n_points;            /* product of the axes' lengths; last axis varies fastest */
    double *coords;          /* [n_points][n_axes] */
    uint64_t *seeds;         /* [n_points] exact seed of each point when "seed" is an axis, else NULL
                                (coords holds doubles, which cannot hold every uint64) */
    int *order;              /* NULL: point p is the p-th of the Cartesian product; else point p
                                is the order[p]-th (a grown result file's order: its points
                                first, the new ones after; sweep_view_in_order) */
} sweep_task;

typedef struct {
    char path[PATH_MAX];     /* the sweep file */
    char *text;              /* its text (root attribute sweep_yaml) */
    char output[PATH_MAX];   /* result file */
    char output_where[PATH_MAX + 64]; /* "file:line:column" of its output: value */
    int n_tasks;
    sweep_task *task;        /* [n_tasks] in file order: whatever tasks the file names */
    char hash[33];           /* hash of the normalised, expanded definition */
} sweep_def;

/* Parse, validate every key and value (through config_set / config_validate)
 * and expand the grid. Nothing is trained or written. */
int sweep_load(const char *path, sweep_def *s, mimod_err *err);
/* The same with command-line overrides "key=value" (mimod-sweep --set), applied
 * after the file's overrides: and task_overrides: to every task ("preset=NAME"
 * replaces the file's preset:). A key must be a trial key that is not one of the
 * sweep's grid axes. They change the sweep's hash like the file's overrides
 * (a resume with other --set values is refused) and are appended to the sweep's
 * text ("# --set key=value" lines), which the result file keeps (sweep_yaml). */
int sweep_load_set(const char *path, const char *const *sets, int n_sets, sweep_def *s,
                   mimod_err *err);
void sweep_free(sweep_def *s);

/* A view of `s` whose points are in another order: point p of task i is the
 * order[i][p]-th point of the Cartesian product (order[i] NULL: that task's
 * order is kept). The view's coords, seeds and order are its own; every
 * other field is shared with `s`, which must outlive it. Free with
 * sweep_view_free (never sweep_free). The result file of a grown sweep keeps
 * its points in the order they were added (sweep_grow.h). */
int sweep_view_in_order(const sweep_def *s, const int *const *order, sweep_def *view,
                        mimod_err *err);
void sweep_view_free(sweep_def *view);

/* The expansion index of the point whose value index on axis a is vi[a], and
 * the value index of `value` (the coordinate as stored in coords/<axis>; a
 * seed as its uint64) on an axis, or −1. */
int sweep_point_of_values(const sweep_task *t, const int *vi);
int sweep_axis_value_index(const sweep_task *t, int a, double value, uint64_t seed);

/* The full configuration of one grid point. */
int sweep_point_config(const sweep_def *s, int task, int point, mimod_config *out, mimod_err *err);

/* "seed=3 lambda_I=0.1" (axis=value pairs of a point). */
void sweep_point_label(const sweep_def *s, int task, int point, char *buf, size_t n);

/* MIMOD_OK if `path` can be created (its directory exists and is writable)
 * or, when it exists, is a writable file. */
int sweep_check_output(const char *path, mimod_err *err);

/* MIMOD_OK if `dir` is a writable directory, or does not exist and can be
 * created (its parent is a writable directory): mimod-sweep --log-dir. */
int sweep_check_log_dir(const char *dir, mimod_err *err);

/* ---- running a sweep (scheduler.c) ---- */

/* Exit codes of mimod-sweep. */
enum { SWEEP_EXIT_DONE = 0, SWEEP_EXIT_ERROR = 1, SWEEP_EXIT_FAILED = 2, SWEEP_EXIT_INTERRUPTED = 3 };

typedef struct {
    const char *output;   /* result file (the sweep's, or --new-output) */
    int threads;          /* threads per training rank (gemm_pool.h) */
    const char *log_dir;  /* per-rank worker logs; NULL: workers stay quiet */
    int retry_failed;     /* rerun status-3 points too */
    double gflops;        /* sustained GFLOP/s per core assumed for estimates */
    double heartbeat;     /* seconds between rank 0's progress blocks; 0: none; < 0: scaled
                             to the trials' expected length (1 to 10 minutes) */
    int lend;             /* idle workers lend their cores to running trials on their node
                             (lending.h); the results are the same either way */
} sweep_run_opts;

/* Run every point that is not done, on MPI_COMM_WORLD (collective: every rank
 * calls it). Rank 0 schedules (or, alone, trains); returns one of SWEEP_EXIT_*
 * (the same on every rank); messages go to stderr on rank 0. */
int sweep_run(const sweep_def *s, const sweep_run_opts *o);

/* Install SIGTERM/SIGUSR1/SIGINT handlers that ask the sweep to stop.
 * sweep_run installs them itself once the result file is ready: before that
 * (parsing, checks, creating the file) a signal ends the program at once. */
void sweep_install_signal_handlers(void);
/* For the phases before training: SIGTERM/SIGUSR1/SIGINT exit at once with
 * status 3 (nothing to save; rerunning does it all again). */
void sweep_install_early_signal_handlers(void);

/* ---- one run per result file (output_lock.c) ---- */
typedef struct sweep_lock sweep_lock;
/* Take "<output>.lock" (see output_lock.c and docs/sweep.md) for `program`
 * ("mimod-sweep", "mimod-train": every writer of a result file takes it):
 * refuses, naming the program, pid and host of the holder, when another live
 * run holds it; takes over the lock of a dead one. */
int output_lock_acquire(const char *output, const char *program, sweep_lock **out, mimod_err *err);
/* output_lock_acquire(output, "mimod-sweep", ...) */
int sweep_lock_acquire(const char *output, sweep_lock **out, mimod_err *err);
/* 1 once another run has taken the lock over (this run must stop). */
int sweep_lock_lost(const sweep_lock *l);
/* 1 if the lock is this run's now (checked at the call, not at the last
 * renewal): the file at "<output>.lock" is the one taken and names this run.
 * A writer checks it before it renames a file into place. */
int sweep_lock_held(sweep_lock *l);

/* Who holds the lock of `output`, as another process sees it without taking
 * it (mimod-summary --status). */
enum { OUTPUT_LOCK_NONE, OUTPUT_LOCK_LIVE, OUTPUT_LOCK_DEAD, OUTPUT_LOCK_UNKNOWN };
typedef struct {
    int state;          /* NONE: no lock file (no run holds it); LIVE: its holder runs;
                           DEAD: its holder is gone (killed); UNKNOWN: unreadable */
    char program[32], host[256], since[32];
    long pid;
    long long renewed;  /* the lock file's mtime (s since the epoch): when the holder was
                           last seen alive (it renews it every 10 s) */
} output_lock_info;
void output_lock_probe(const char *output, output_lock_info *p);
/* Stop renewing, remove the lock file; NULL is fine. */
void sweep_lock_release(sweep_lock *l);

#endif
