/* trial_runner.c — one trial from creation (or resumption) to its written
 * outcome; see trial_runner.h. */
#include "mimod/trial_runner.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------- signals */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig) {
    (void)sig;
    stop_flag = 1;
}

void trial_runner_set_stop_signals(void (*handler)(int)) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    /* SIGHUP (the terminal or ssh session closed, or a batch system's
     * signal) too, unless the program was started under nohup: then it stays
     * ignored, as asked */
    if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN) sigaction(SIGHUP, &sa, NULL);
}

void trial_runner_catch_signals(void) { trial_runner_set_stop_signals(on_signal); }

void trial_runner_request_stop(void) { stop_flag = 1; }
int trial_runner_stop_requested(void) { return stop_flag; }

/* --------------------------------------------------------- trial hooks */

/* The runner and its per-run state, as the trial hooks' user pointer. */
typedef struct {
    const trial_runner *r;
    int progress_off; /* write_progress failed once: not called again */
    run_result *out;  /* checkpoint_failed, checkpoint_err */
} hook_ctx;

static int hook_should_stop(void *user) {
    const trial_runner *r = ((hook_ctx *)user)->r;
    if (stop_flag) return 1;
    return r->should_stop ? r->should_stop(r->user) : 0;
}

static void note(const trial_runner *r, runner_note kind, const char *msg);

/* The trial's rows so far into the file (best effort: a failure is said once). */
static void write_progress(hook_ctx *h, const trial *t) {
    const trial_runner *r = h->r;
    if (!r->write_progress || h->progress_off) return;
    mimod_err err = {0};
    if (r->write_progress(r->user, t, &err) == MIMOD_OK) return;
    h->progress_off = 1;
    char msg[sizeof err.msg + 128];
    snprintf(msg, sizeof msg, "writing the time course as it grows failed (%s); the rows are "
             "written when the trial ends", err.msg);
    note(r, RUNNER_NOTE_PROGRESS_FAILED, msg);
}

static void hook_on_record(void *user, const trial *t, int j) {
    hook_ctx *h = user;
    write_progress(h, t);
    if (h->r->on_record) h->r->on_record(h->r->user, t, j);
}

/* A checkpoint that cannot be saved (a full disk, no free inode, its
 * directory missing) costs only the time since the last one if the run is
 * stopped: it is a warning, and the trial goes on (issue 25). Said when it
 * starts failing and when it works again. */
static int hook_checkpoint(void *user, const trial *t, mimod_err *err) {
    (void)err;
    hook_ctx *h = user;
    const trial_runner *r = h->r;
    mimod_err cerr = {0};
    char msg[sizeof cerr.msg + 320];
    if (trial_save_checkpoint(t, r->checkpoint, &cerr) == MIMOD_OK) {
        if (h->out->checkpoint_failed) {
            snprintf(msg, sizeof msg, "warning: checkpoint %s saved again at MM step %lld",
                     r->checkpoint, (long long)trial_mm_step(t));
            note(r, RUNNER_NOTE_CHECKPOINT_SAVE, msg);
        }
        h->out->checkpoint_failed = 0;
        return MIMOD_OK;
    }
    if (!h->out->checkpoint_failed) {
        snprintf(msg, sizeof msg, "warning: cannot save the checkpoint (%s); the trial goes on, "
                 "but if it is stopped it resumes from its last saved checkpoint or from the "
                 "start", cerr.msg);
        note(r, RUNNER_NOTE_CHECKPOINT_SAVE, msg);
    }
    h->out->checkpoint_failed = 1;
    h->out->checkpoint_err = cerr;
    return MIMOD_OK;
}

static void note(const trial_runner *r, runner_note kind, const char *msg) {
    if (r->on_note) r->on_note(r->user, kind, msg);
}

/* ---------------------------------------------------------------- run */

/* Create the trial, or resume it from r->checkpoint when that exists. */
static int create_or_resume(const mimod_config *c, const trial_runner *r, trial **out,
                            mimod_err *err) {
    int rc = trial_create(c, out, err);
    if (rc || !r->checkpoint || access(r->checkpoint, F_OK) != 0) return rc;
    char msg[sizeof err->msg + 4200];
    rc = trial_load_checkpoint(*out, r->checkpoint, err);
    if (rc == MIMOD_OK) {
        snprintf(msg, sizeof msg, "resuming from %s at MM step %lld", r->checkpoint,
                 (long long)trial_mm_step(*out));
        note(r, RUNNER_NOTE_RESUMED, msg);
        return MIMOD_OK;
    }
    if (!r->restart_on_bad_checkpoint) return rc;
    /* an unusable checkpoint costs time, not results: start afresh */
    snprintf(msg, sizeof msg, "ignoring checkpoint %s: %s", r->checkpoint, err->msg);
    note(r, RUNNER_NOTE_CHECKPOINT_IGNORED, msg);
    trial_free(*out);
    *out = NULL;
    memset(err, 0, sizeof *err);
    return trial_create(c, out, err);
}

/* A trained trial whose write failed: keep it where a rerun finds it. */
static void keep_trial(const trial *t, const trial_runner *r, run_result *out) {
    const char *path = r->keep_path ? r->keep_path : r->checkpoint;
    if (!path) {
        mimod_errf(&out->keep_err, MIMOD_EINVAL, "no checkpoint path to keep it in");
        return;
    }
    snprintf(out->kept_path, sizeof out->kept_path, "%s", path);
    out->kept = trial_save_checkpoint(t, path, &out->keep_err) == MIMOD_OK;
}

run_outcome trial_runner_run(const mimod_config *c, const trial_runner *r, run_result *out) {
    memset(out, 0, sizeof *out);
    out->fail_step = -1;
    out->task_loss = out->q_cor = out->q_str = out->i_n = NAN;
    trial *t = NULL;
    int rc = create_or_resume(c, r, &t, &out->cause);
    if (!rc) {
        hook_ctx h = {r, 0, out};
        write_progress(&h, t); /* a resumed trial's rows from its checkpoint; NaN for a new one */
        trial_hooks hooks = {.user = &h, .should_stop = hook_should_stop,
                             .on_record = r->on_record || r->write_progress ? hook_on_record : NULL,
                             .checkpoint = r->checkpoint ? hook_checkpoint : NULL};
        rc = trial_run(t, &hooks, &out->cause);
    }
    if (t) {
        const trial_results *res = trial_get_results(t);
        out->wall_seconds = res->wall_seconds;
        out->i_n = res->i_n;
        if (res->n_done > 0) {
            out->task_loss = res->tc[TC_TASK_LOSS][res->n_done - 1];
            out->q_cor = res->tc[TC_Q_COR][res->n_done - 1];
            out->q_str = res->tc[TC_Q_STR][res->n_done - 1];
        }
    }
    if (rc == MIMOD_EINTR) {
        out->outcome = RUN_STOPPED;
    } else if (rc == MIMOD_OK || (rc == MIMOD_EDIVERGED && t)) {
        /* trained: finished, or diverged (a result too) */
        out->fail_step = rc ? trial_fail_step(t) : -1;
        if (r->write(r->user, t, out->fail_step, rc ? out->cause.msg : NULL, &out->write_err)) {
            out->outcome = RUN_WRITE_FAILED;
            out->finished_trained = rc == MIMOD_OK;
            keep_trial(t, r, out);
        } else {
            out->outcome = rc ? RUN_DIVERGED : RUN_DONE;
        }
    } else {
        out->outcome = RUN_ERROR;
    }
    if (r->remove_checkpoint && r->checkpoint &&
        (out->outcome == RUN_DONE || out->outcome == RUN_DIVERGED || out->outcome == RUN_ERROR))
        unlink(r->checkpoint);
    trial_free(t);
    return out->outcome;
}

int trial_runner_exit_status(run_outcome o) {
    switch (o) {
    case RUN_DONE: return 0;
    case RUN_DIVERGED: return 2;
    case RUN_STOPPED: return 3;
    default: return 1;
    }
}
