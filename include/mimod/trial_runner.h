/* trial_runner.h — running one trial, the same way for mimod-train and for each
 * grid point of mimod-sweep's workers:
 *   create it, or resume it from its checkpoint;
 *   run it, saving the checkpoint every checkpoint_minutes of compute and when
 *   asked to stop (a signal, or the caller's should_stop); a checkpoint that
 *   cannot be saved is a warning (on_note) and the trial goes on;
 *   hand a trained trial (finished or diverged) to the caller's writer;
 *   keep a trained trial whose write failed in a checkpoint, so that a rerun
 *   writes it without training again.
 * The outcome maps to an exit status (docs/design.md). No MPI and no HDF5
 * here: the caller's writer knows the file. */
#ifndef MIMOD_TRIAL_RUNNER_H
#define MIMOD_TRIAL_RUNNER_H

#include "mimod/common.h"
#include "mimod/config.h"
#include "mimod/trial.h"

typedef enum {
    RUN_DONE = 0,     /* finished and written */
    RUN_DIVERGED,     /* diverged (cause says where) and written as failed */
    RUN_STOPPED,      /* stopped on request; the checkpoint (if any) is saved */
    RUN_WRITE_FAILED, /* trained, but the writer failed (write_err); kept says where it went */
    RUN_ERROR,        /* could not be created, resumed or run (cause) */
} run_outcome;

/* What a note (trial_runner.on_note) says: callers route notes by it, never
 * by their text. */
typedef enum {
    RUNNER_NOTE_RESUMED,            /* "resuming from X at MM step K" */
    RUNNER_NOTE_CHECKPOINT_IGNORED, /* "ignoring checkpoint X: why" (the trial starts afresh) */
    RUNNER_NOTE_PROGRESS_FAILED,    /* writing the rows as the trial grows failed (they are
                                       written at its end) */
    RUNNER_NOTE_CHECKPOINT_SAVE,    /* "warning: cannot save the checkpoint ..." or "...
                                       saved again": a warning, the trial goes on */
} runner_note;

typedef struct {
    const char *checkpoint;        /* resume from it when it exists, save to it; NULL: none */
    int restart_on_bad_checkpoint; /* 1: an unusable checkpoint is reported (on_note) and the
                                      trial starts afresh; 0: it is a RUN_ERROR */
    const char *keep_path;         /* where a trained trial whose write failed is saved
                                      (NULL: the checkpoint; both NULL: not kept) */
    int remove_checkpoint;         /* 1: remove the checkpoint once RUN_DONE / RUN_DIVERGED */
    void *user;
    int (*should_stop)(void *user);                       /* optional, besides the signals */
    void (*on_record)(void *user, const trial *t, int j); /* optional: after record point j */
    /* Optional: the trial's rows so far into the result file while it trains
     * (issue 15). Called once the trial is created or resumed (a resumed
     * trial's rows are rewritten from its checkpoint; a new one's are NaN),
     * then after each record point. A failure does not stop the trial: it is
     * reported (on_note) and the hook is not called again for this trial
     * (the final write still writes every row). */
    int (*write_progress)(void *user, const trial *t, mimod_err *err);
    /* Optional: what happened besides the outcome (runner_note), and a
     * sentence saying it. */
    void (*on_note)(void *user, runner_note kind, const char *msg);
    /* Writes a trained trial: finished, or diverged (then fail_step and reason
     * say where and why). Required. */
    int (*write)(void *user, const trial *t, int64_t fail_step, const char *reason, mimod_err *err);
} trial_runner;

typedef struct {
    run_outcome outcome;
    mimod_err cause;        /* the trial's error: RUN_DIVERGED, RUN_STOPPED, RUN_ERROR (and a
                               diverged RUN_WRITE_FAILED) */
    mimod_err write_err;    /* RUN_WRITE_FAILED: the writer's error */
    int64_t fail_step;      /* RUN_DIVERGED (and a diverged RUN_WRITE_FAILED); else −1 */
    int kept;               /* RUN_WRITE_FAILED: 1 if the trial was saved to kept_path */
    char kept_path[4096];
    mimod_err keep_err;     /* RUN_WRITE_FAILED, kept == 0: why saving failed */
    int finished_trained;   /* RUN_WRITE_FAILED: 1 finished, 0 diverged */
    int checkpoint_failed;  /* the last checkpoint could not be saved (a warning: the trial
                               went on); for RUN_STOPPED, the stop's own checkpoint */
    mimod_err checkpoint_err; /* why */
    /* the trial's last record (NaN before the first) and training time */
    double task_loss, q_cor, q_str, wall_seconds, i_n;
} run_result;

/* Run one trial of configuration c. Returns the outcome (also in out->outcome). */
run_outcome trial_runner_run(const mimod_config *c, const trial_runner *r, run_result *out);

/* Exit status of mimod-train for an outcome: 0 done, 1 error, 2 diverged, 3 interrupted. */
int trial_runner_exit_status(run_outcome o);

/* SIGTERM, SIGINT, SIGUSR1 and SIGHUP (unless ignored, as under nohup) from
 * now on request a stop: the running trial saves its checkpoint and ends with
 * RUN_STOPPED. */
void trial_runner_catch_signals(void);
/* The same signals to another handler (the sweep's phase before
 * training ends the program at once). */
void trial_runner_set_stop_signals(void (*handler)(int));
/* Request a stop as a signal would (e.g. the sweep's lock was lost). */
void trial_runner_request_stop(void);
/* 1 once a stop was requested. */
int trial_runner_stop_requested(void);

#endif
