/* trial.h — one trial: MM + SM training with the analysis at every record
 * point (SPEC §4–§5). No MPI inside. A trial can be stopped between steps and
 * continued from a checkpoint with byte-identical results. */
#ifndef MIMOD_TRIAL_H
#define MIMOD_TRIAL_H

#include "mimod/common.h"
#include "mimod/config.h"
#include "mimod/params.h"
#include "mimod/schema.h"

/* The quantities of a record point (TC_*, trial_results.tc[q][record]) are
 * those of the result schema (schema.h); NaN where a quantity does not apply. */

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
    /* Polled between steps: return non-zero to stop (trial_run returns MIMOD_EINTR,
     * after calling checkpoint if it is set). */
    int (*should_stop)(void *user);
    /* Called between steps every checkpoint_seconds of compute and when
     * should_stop asks; a non-zero return ends trial_run with it. The engine
     * does not know where or how a trial is kept (trial_runner.h saves it with
     * trial_save_checkpoint). */
    int (*checkpoint)(void *user, const trial *t, mimod_err *err);
    double checkpoint_seconds;    /* this many seconds of compute (≤0: the config's) */
} trial_hooks;

int trial_create(const mimod_config *c, trial **out, mimod_err *err);
/* The main model's weight layout for a configuration (what trial_mm_layout of
 * a trial of it gives), without making the trial. */
void trial_mm_layout_of(const mimod_config *c, mimod_layout *out);
void trial_free(trial *t);

/* Run (or continue) until the end. MIMOD_OK when finished; MIMOD_EINTR when
 * stopped by should_stop; MIMOD_EDIVERGED on NaN/Inf (err says where and at
 * which step). */
int trial_run(trial *t, const trial_hooks *hooks, mimod_err *err);

/* Checkpoints: atomic (temp file, fsync, rename). Load requires the same
 * configuration (run-control keys and legacy defaults aside) and the same
 * layout of saved blocks (its version). */
int trial_save_checkpoint(const trial *t, const char *path, mimod_err *err);
int trial_load_checkpoint(trial *t, const char *path, mimod_err *err);

/* A checkpoint's layout version (checkpoint.c): 1 for the saved blocks of
 * format 1, else a hash of the names of the saved blocks (a space after each,
 * in file order) with the top bit set. */
uint32_t trial_checkpoint_layout_version(const char *names);

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
