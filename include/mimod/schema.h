/* schema.h — the one definition of the result file (docs/hdf5-layout.md):
 * format version, point status codes, string lengths and the quantities
 * (name, label, unit). A task group is named by its task (task.h). The trial fills the quantities in this
 * order, the writer (src/io/results_h5.c) names its datasets from this table
 * and the summary reader (src/summary/summary_read.c) reads by it. No HDF5
 * here: the engine uses it too. */
#ifndef MIMOD_SCHEMA_H
#define MIMOD_SCHEMA_H

#define RESULTS_FORMAT_VERSION 1 /* root attribute format_version */
#define RESULTS_REASON_LEN 128   /* bytes of fail_reason, NUL included */

/* records_done[p] (int32, [P]): record points of the point whose time-course
 * rows are in the file. Written with the rows as the point trains (issue 15),
 * so a reader of a running sweep knows how far each point is; files made
 * before it existed lack it (readers count rows instead). */
#define SCHEMA_RECORDS_DONE "records_done"

/* blas_kernel[p] (fixed string of RESULTS_KERNEL_LEN bytes, NUL-terminated,
 * [P]): the OpenBLAS kernel that computed the point (mimod_blas_corename), as
 * its last bits depend on it; "A+B" when a run under kernel B resumed what A
 * began, "?+B" when the earlier part's kernel is unknown. Files made before
 * it lack it (readers take empty rows: unrecorded); a resume or a growth adds
 * it with empty old rows. */
#define SCHEMA_BLAS_KERNEL "blas_kernel"
#define RESULTS_KERNEL_LEN 48 /* bytes of blas_kernel and of build, NUL included */

/* build[p] (the same string type, [P]): the build of mimod that computed the
 * point, as the first 12 hex digits of its git commit (mimod_git_commit;
 * "unknown" outside a checkout), kept like blas_kernel ("A+B", "?+B"): a
 * sweep resumed or grown with another build says which points it mixes. */
#define SCHEMA_BUILD "build"

/* status[p] of a grid point. */
enum { RESULTS_PENDING = 0, RESULTS_RUNNING = 1, RESULTS_DONE = 2, RESULTS_FAILED = 3 };
/* "pending", "running", "done", "failed" ("?" for another code): the words of
 * the status table and of the per-trial tables. */
const char *schema_status_name(int status);

/* Quantities. The first TC_COUNT have a time course (timecourse/<name> [P][R],
 * trial_results.tc[q][record]) and a final value (final/<name> [P]); the rest
 * only a final value. */
enum {
    TC_TASK_LOSS = 0, /* L_task on the evaluation batch */
    TC_REG_LOSS,      /* L_reg (without λ_reg) */
    TC_MI,            /* Î: the SM's estimate on the evaluation batch */
    TC_ACCURACY,      /* sign accuracy (WM) */
    TC_R2_MEAN,       /* mean R² over the outputs (SEP) */
    TC_Q_COR,
    TC_Q_STR,
    TC_D_COR,
    TC_D_OUT,
    TC_D_IN,
    TC_COUNT,
    Q_I_N = TC_COUNT, /* normalised MI of the final CNM K-partition vs the K groups */
    Q_COUNT
};

/* Which task records which quantity: every trial records these (trial.c's
 * record and final analysis); the others only the tasks whose descriptors
 * say so (mimod_task.quantities, task.h). A quantity a task does not record
 * is NaN in its group. */
#define SCHEMA_BIT(q) (1u << (q))
#define SCHEMA_COMMON                                                                              \
    (SCHEMA_BIT(TC_TASK_LOSS) | SCHEMA_BIT(TC_REG_LOSS) | SCHEMA_BIT(TC_MI) | SCHEMA_BIT(TC_Q_COR) | \
     SCHEMA_BIT(TC_Q_STR) | SCHEMA_BIT(TC_D_COR) | SCHEMA_BIT(TC_D_OUT) | SCHEMA_BIT(Q_I_N))

typedef struct {
    const char *name;   /* dataset name under timecourse/ and final/ */
    const char *label;  /* short name in progress lines ("acc", "Q_cor") */
    const char *unit;   /* what a value is, for documentation and tables */
} schema_quantity;
extern const schema_quantity schema_quantities[Q_COUNT];
/* 1 if quantity q has a time course (q < TC_COUNT). */
int schema_quantity_has_timecourse(int q);

#endif
