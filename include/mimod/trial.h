/* trial.h — one trial: MM + SM training with the analysis at every record
 * point (SPEC §4–§5). No MPI inside. A trial can be stopped between steps and
 * continued from a checkpoint with byte-identical results. */
#ifndef MIMOD_TRIAL_H
#define MIMOD_TRIAL_H

#include "mimod/common.h"
#include "mimod/config.h"
#include "mimod/params.h"

/* Time-course quantities, one value per record point. Index into
 * trial_results.tc[q][record]. NaN where a quantity does not apply
 * (accuracy and d_in for SEP, r2_mean for WM). */
enum {
    TC_TASK_LOSS = 0, /* L_task on the evaluation batch */
    TC_REG_LOSS,      /* L_reg (without λ_reg) */
    TC_MI,            /* Î: the SM's estimate on the evaluation batch */
    TC_ACCURACY,      /* WM sign accuracy */
    TC_R2_MEAN,       /* SEP mean R² over the 6 outputs */
    TC_Q_COR,
    TC_Q_STR,
    TC_D_COR,
    TC_D_OUT,
    TC_D_IN,
    TC_COUNT
};
extern const char *const trial_tc_names[TC_COUNT]; /* "task_loss", "reg_loss", "mi", ... */

typedef struct {
    int n_records;       /* capacity: config_n_records() */
    int n_done;          /* records filled so far */
    int64_t *step;       /* [n_records] MM step of each record */
    double *tc[TC_COUNT];/* [n_records] each */
    double *r2;          /* [n_records][n_out] (NaN for WM) */
    double *train_loss;  /* [n_mm_steps] task loss of each MM step's training batch */
    double *train_mi;    /* [n_mm_steps] Î on the MM step's batch (before the update) */

    /* final analysis (valid when finished) */
    double i_n;          /* normalised MI of the CNM 2-partition vs (g1, g2) */
    int *communities;    /* [N] CNM labels */
    double *corr;        /* [N][N] correlation matrix of the final evaluation (signed for WM;
                            SEP: mean |corr| per sequence) */
    double *unit_out_corr; /* [N][n_out] |corr(a_i, y_k)| used by D_cor */
    double wall_seconds; /* training time, summed across resumes */
} trial_results;

typedef struct trial trial;

/* Hooks let a runner watch and steer a trial; all optional. */
typedef struct {
    void *user;
    /* After each record point. */
    void (*on_record)(void *user, const trial *t, int record);
    /* Polled between steps: return non-zero to stop (trial_run returns MIMOD_EINTR
     * after saving a checkpoint if a checkpoint path is set). */
    int (*should_stop)(void *user);
    const char *checkpoint_path;  /* NULL: no checkpoints */
    double checkpoint_seconds;    /* save every this many seconds of compute (≤0: config's) */
} trial_hooks;

int trial_create(const mimod_config *c, trial **out, mimod_err *err);
void trial_free(trial *t);

/* Run (or continue) until the end. MIMOD_OK when finished; MIMOD_EINTR when
 * stopped by should_stop; MIMOD_EDIVERGED on NaN/Inf (err says where and at
 * which step). */
int trial_run(trial *t, const trial_hooks *hooks, mimod_err *err);

/* Checkpoints: atomic (temp file, fsync, rename). Load requires the same config. */
int trial_save_checkpoint(const trial *t, const char *path, mimod_err *err);
int trial_load_checkpoint(trial *t, const char *path, mimod_err *err);

/* Run-control keys change nothing in a trial's results (checkpoint_minutes):
 * a checkpoint loads into a trial that differs from it only in those, and a
 * sweep's hash leaves them out. 1 if `key` is one. */
int trial_is_run_control_key(const char *key);
/* 1 if a "key: value" line of config_to_yaml's output sets a run-control key. */
int trial_config_line_is_run_control(const char *line);

/* Accessors. */
const mimod_config *trial_config(const trial *t);
const trial_results *trial_get_results(const trial *t);
const mimod_layout *trial_mm_layout(const trial *t);
const real *trial_mm_params(const trial *t);
int64_t trial_mm_step(const trial *t);   /* MM steps done */
int64_t trial_sm_step(const trial *t);   /* SM steps done */
int trial_finished(const trial *t);
/* Divergence details when trial_run returned MIMOD_EDIVERGED. */
int64_t trial_fail_step(const trial *t);

#endif
