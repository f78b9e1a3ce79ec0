/* scheduler.c — running a sweep over MPI ranks. Rank 0 hands out grid points
 * one at a time, longest expected first (SPEC §8 cost model), and prints
 * progress; ranks 1.. train and write their rows of the result file
 * independently. With one rank, rank 0 trains every point itself.
 *
 * Rank 0 must not burn a core while it waits: Open MPI's blocking receive
 * polls, so it polls with MPI_Iprobe and sleeps 5 ms between probes, and
 * every rank waits at the end in a sleeping barrier (MPI_Ibarrier + MPI_Test)
 * before the collective close. */
#include "mimod/sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <mpi.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "mimod/blas.h"
#include "mimod/cost.h"
#include "mimod/gemm_pool.h"
#include "mimod/lending.h"
#include "mimod/makespan.h"
#include "mimod/results_h5.h"
#include "mimod/sweep_grow.h"
#include "mimod/trial.h"
#include "mimod/trial_runner.h"

/* ------------------------------------------------------------ one point */

enum { TAG_REPORT = 11, TAG_ASSIGN = 12, TAG_STOP = 13 };
enum { REP_NONE = -1, REP_DONE = RESULTS_DONE, REP_FAILED = RESULTS_FAILED, REP_STOPPED = 4,
       REP_IOERROR = 5, /* trained, but its rows could not be written: the sweep stops */
       REP_PROGRESS = 6 /* a running point's latest record (for the heartbeat): no reply */ };

/* What a worker tells rank 0 after a point (and to ask for the next one), or
 * (REP_PROGRESS, sent without waiting) how far its point is. Progress and
 * reports share the tag, so rank 0 gets them in the order they were sent. */
typedef struct {
    int32_t task, point, status;
    int32_t records;   /* REP_PROGRESS: records done */
    int64_t fail_step; /* REP_PROGRESS: MM step reached */
    double wall, task_loss, q_cor, q_str, mi;
    char reason[RESULTS_REASON_LEN];
} report_msg;

/* Before training (parsing, checks, waiting for the lock, creating the file)
 * nothing needs saving: a signal ends the program at once, exit 3, after
 * removing this run's lock file and the result file it was creating
 * ("<output>.creating", as large as the whole result file); paths fixed
 * before the handler can run. */
static char early_lock_path[PATH_MAX + 8], early_creating_path[PATH_MAX + 16];
static volatile sig_atomic_t early_lock_set, early_creating_set;

static void on_early_signal(int sig) {
    (void)sig;
    if (early_creating_set) unlink(early_creating_path);
    if (early_lock_set) unlink(early_lock_path);
    _exit(SWEEP_EXIT_INTERRUPTED);
}

void sweep_install_early_signal_handlers(void) { trial_runner_set_stop_signals(on_early_signal); }
void sweep_install_signal_handlers(void) { trial_runner_catch_signals(); }

/* Copy with truncation (messages longer than the fixed reason field are cut). */
static void copy_reason(char *dst, const char *prefix, const char *msg) {
    size_t n = 0, cap = RESULTS_REASON_LEN - 1;
    for (const char *p = prefix; *p && n < cap; p++) dst[n++] = *p;
    for (const char *p = msg; *p && n < cap; p++) dst[n++] = *p;
    dst[n] = '\0';
}

/* CPU seconds (user + system) of this process so far. */
static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A barrier that sleeps instead of spinning. While it waits, an idle worker
 * lends its core to a trial still running on its node (and moves it on when
 * that trial ends); lend NULL: just wait. */
static void lazy_barrier(MPI_Comm comm, mimod_lending *lend, FILE *log) {
    MPI_Request req;
    int done = 0;
    MPI_Ibarrier(comm, &req);
    while (MPI_Test(&req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) {
        int to = lending_idle_step(lend);
        if (to >= 0 && log) {
            fprintf(log, "idle: lends its core to node rank %d (from node rank %d)\n", to,
                    lending_node_rank(lend));
            fflush(log);
        }
        sleep_ms(5);
    }
}

static void fmt_hms(double s, char *buf, size_t n) {
    if (!isfinite(s) || s < 0) { snprintf(buf, n, "?"); return; }
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

typedef struct {
    const sweep_def *s;   /* the sweep, its points in the result file's order (view) */
    sweep_def view;       /* that order, when the file exists (sweep_view_in_order) */
    int has_view;
    const sweep_run_opts *o;
    results_file *f;
    int rank, size;
    FILE *log; /* worker log or NULL */
    int remote_stop;
    sweep_lock *lock; /* rank 0 */
    results_desc_store *store; /* [n_tasks] */
    results_task_desc *desc;   /* [n_tasks] */
    /* worker: the progress message in flight (MPI_Isend) */
    report_msg pmsg;
    MPI_Request preq;
    int preq_active;
    /* rank 0: the heartbeat, and the sweep's counts it prints */
    struct heartbeat *hb;
    struct progress *hb_pg;
    /* idle ranks' cores lent to running trials on the node (lending.h) */
    mimod_lending *lend;
    int own_threads; /* --threads of a training rank */
    /* rank 0: the result file as opened, to notice it being deleted or
     * replaced while the sweep runs (the ranks would go on writing into an
     * unlinked file) and to write it back then */
    char out_path[PATH_MAX];
    int out_fd;           /* read-only, held open; −1: none */
    dev_t out_dev;
    ino_t out_ino;
    int output_gone;      /* noticed: the sweep stops */
    double out_checked;   /* when it was last looked at */
} run_ctx;

/* Rank 0's view of the running points for the heartbeat: one slot per rank
 * that trains (slot 0 when rank 0 trains alone). */
typedef struct {
    int busy, has;   /* a point is assigned; a progress message came */
    int task, point;
    report_msg last; /* its latest progress */
} hb_slot;

struct heartbeat {
    double every, last; /* seconds between blocks (0: none); time of the last */
    hb_slot *slot;      /* [size] */
};

static void wlog(run_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wlog(run_ctx *x, const char *fmt, ...) {
    if (!x->log) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(x->log, fmt, ap);
    va_end(ap);
    fflush(x->log);
}

/* Between steps of a trial: grow (or shrink back) the pool to this rank's
 * threads plus those idle ranks on the node lend it. Results do not depend on
 * the thread count (mm_gemm's fixed tiles), only the speed does. */
static void borrow_threads(run_ctx *x) {
    if (!x->lend) return;
    int want = lending_threads_wanted(x->lend), have = mimod_pool_threads();
    if (want == have) return;
    mimod_err err = {0};
    if (mimod_pool_set_threads(want, &err))
        wlog(x, "pool: %s; %d thread(s)\n", err.msg, mimod_pool_threads());
    else
        wlog(x, "pool: %d -> %d threads (%d lent by idle ranks on this node)\n", have, want,
             want - x->own_threads);
}

/* Rank 0: is the result file still the one opened at its path? Looked at
 * once a second at most (or now, with `now`); says so the first time it is
 * not. */
static int output_missing(run_ctx *x, int now) {
    if (x->rank != 0 || x->out_fd < 0) return 0;
    if (x->output_gone) return 1;
    double t = mimod_now();
    if (!now && t - x->out_checked < 1.0) return 0;
    x->out_checked = t;
    struct stat st;
    int there = stat(x->out_path, &st) == 0;
    if (there && st.st_dev == x->out_dev && st.st_ino == x->out_ino) return 0;
    x->output_gone = 1;
    fprintf(stderr, "mimod-sweep: the result file %s was %s while the sweep ran: stopping "
            "(running trials checkpoint); the results written so far are saved again at the end\n",
            x->out_path, there ? "replaced by another file" : "deleted");
    return 1;
}

/* should_stop hook: a signal here, or rank 0 asked (it got the signal). */
static int worker_should_stop(void *user) {
    run_ctx *x = user;
    borrow_threads(x);
    if (sweep_lock_lost(x->lock)) trial_runner_request_stop();
    if (trial_runner_stop_requested() || x->remote_stop) return 1;
    if (x->size == 1 && output_missing(x, 0)) return 1; /* rank 0 trains alone */
    if (x->size > 1) {
        int flag = 0;
        MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag) {
            int dummy;
            MPI_Recv(&dummy, 1, MPI_INT, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            x->remote_stop = 1;
        }
    }
    return x->remote_stop;
}

static void ckpt_path(const run_ctx *x, int task, int point, char *buf, size_t n) {
    snprintf(buf, n, "%s.ckpt/%s-%d.ckpt", x->o->output, x->s->task[task].name, point);
}

typedef struct {
    run_ctx *x;
    int task, point;
} point_ctx;

/* Every note to the rank's log; a lost checkpoint or failing progress
 * writes to stderr too. */
static void point_note(void *user, runner_note kind, const char *msg) {
    point_ctx *pc = user;
    wlog(pc->x, "%s\n", msg);
    if (kind == RUNNER_NOTE_CHECKPOINT_IGNORED || kind == RUNNER_NOTE_PROGRESS_FAILED ||
        kind == RUNNER_NOTE_CHECKPOINT_SAVE) {
        char label[512];
        sweep_point_label(pc->x->s, pc->task, pc->point, label, sizeof label);
        fprintf(stderr, "mimod-sweep: rank %d: %s %s: %s\n", pc->x->rank,
                pc->x->s->task[pc->task].name, label, msg);
    }
}

static int point_should_stop(void *user) { return worker_should_stop(((point_ctx *)user)->x); }

/* The point's rows: a finished trial, or a diverged one with its reason. */
static int point_write(void *user, const trial *t, int64_t fail_step, const char *reason,
                       mimod_err *err) {
    point_ctx *pc = user;
    if (!reason) return results_write_point(pc->x->f, pc->task, pc->point, t, err);
    char why[RESULTS_REASON_LEN];
    copy_reason(why, "", reason);
    return results_write_failed(pc->x->f, pc->task, pc->point, t, fail_step, why, err);
}

static void hb_progress(run_ctx *x, int slot, const report_msg *m);
static void hb_maybe_print(run_ctx *x, const struct progress *pg);

/* Tell rank 0 how far the point is (the heartbeat), without waiting: one
 * message in flight at most; while one is, a newer record is not sent. */
static void send_progress(point_ctx *pc, const trial *t) {
    run_ctx *x = pc->x;
    const trial_results *res = trial_get_results(t);
    report_msg m;
    memset(&m, 0, sizeof m);
    m.task = pc->task;
    m.point = pc->point;
    m.status = REP_PROGRESS;
    m.records = res->n_done;
    m.fail_step = res->n_done > 0 ? res->step[res->n_done - 1] : -1;
    m.wall = res->wall_seconds;
    int last = res->n_done - 1;
    m.task_loss = last >= 0 ? res->tc[TC_TASK_LOSS][last] : NAN;
    m.q_cor = last >= 0 ? res->tc[TC_Q_COR][last] : NAN;
    m.q_str = last >= 0 ? res->tc[TC_Q_STR][last] : NAN;
    m.mi = last >= 0 ? res->tc[TC_MI][last] : NAN;
    if (x->size == 1) { /* rank 0 trains: note it directly */
        hb_progress(x, 0, &m);
        if (x->hb_pg) hb_maybe_print(x, x->hb_pg);
        return;
    }
    if (x->preq_active) {
        int done = 0;
        MPI_Test(&x->preq, &done, MPI_STATUS_IGNORE);
        if (!done) return;
        x->preq_active = 0;
    }
    x->pmsg = m; /* the buffer must live until the send completes */
    MPI_Isend(&x->pmsg, (int)sizeof x->pmsg, MPI_BYTE, 0, TAG_REPORT, MPI_COMM_WORLD, &x->preq);
    x->preq_active = 1;
}

/* The point's rows so far, while it runs (status stays 1: rank 0 set it),
 * and its progress to rank 0. */
static int point_progress(void *user, const trial *t, mimod_err *err) {
    point_ctx *pc = user;
    send_progress(pc, t);
    return results_write_trial_progress(pc->x->f, pc->task, pc->point, t, err);
}

/* Train one point and write its rows; fills the report. */
static void run_point(run_ctx *x, int task, int point, report_msg *r) {
    memset(r, 0, sizeof *r);
    r->task = task;
    r->point = point;
    r->fail_step = -1;
    r->task_loss = r->q_cor = r->q_str = NAN;
    char label[512], ckpt[PATH_MAX + 64];
    sweep_point_label(x->s, task, point, label, sizeof label);
    ckpt_path(x, task, point, ckpt, sizeof ckpt);
    wlog(x, "start %s %s\n", x->s->task[task].name, label);
    lending_set_running(x->lend, 1);
    borrow_threads(x);

    mimod_err err = {0};
    mimod_config c;
    run_result res;
    run_outcome o = RUN_ERROR;
    point_ctx pc = {x, task, point};
    trial_runner runner = {.checkpoint = ckpt, .restart_on_bad_checkpoint = 1,
                           .remove_checkpoint = 1, .user = &pc, .should_stop = point_should_stop,
                           .on_note = point_note, .write = point_write,
                           .write_progress = point_progress};
    if (sweep_point_config(x->s, task, point, &c, &err) != MIMOD_OK) {
        unlink(ckpt); /* a checkpoint of a point that has no configuration is of no use */
    } else {
        o = trial_runner_run(&c, &runner, &res);
        err = o == RUN_WRITE_FAILED ? res.write_err : res.cause;
        r->wall = res.wall_seconds;
        r->task_loss = res.task_loss;
        r->q_cor = res.q_cor;
        r->q_str = res.q_str;
        r->fail_step = res.fail_step;
    }
    if (o == RUN_DONE) {
        r->status = REP_DONE;
    } else if (o == RUN_STOPPED) {
        r->status = REP_STOPPED;
        if (res.checkpoint_failed) /* said in its progress line */
            copy_reason(r->reason, "its checkpoint could not be saved: ", res.checkpoint_err.msg);
    } else if (o == RUN_WRITE_FAILED) {
        /* Not the trial's fault: the trained trial is kept in its checkpoint
         * (the rerun writes it without training again); the sweep stops. */
        r->status = REP_IOERROR;
        char why[2 * sizeof err.msg + PATH_MAX + 160];
        if (res.kept)
            snprintf(why, sizeof why, "%s; the %s trial is kept in %s: rerun to write it", err.msg,
                     res.finished_trained ? "finished" : "diverged", ckpt);
        else
            snprintf(why, sizeof why, "%s; saving it to %s failed too (%s): the rerun trains it "
                     "again", err.msg, ckpt, res.keep_err.msg);
        copy_reason(r->reason, "", why);
        fprintf(stderr, "mimod-sweep: rank %d: writing the results of %s %s failed: %s\n", x->rank,
                x->s->task[task].name, label, why);
        wlog(x, "writing results failed: %s\n", why);
    } else {
        /* diverged (rows written by the runner), or could not run: failed */
        r->status = REP_FAILED;
        copy_reason(r->reason, "", err.msg);
        mimod_err werr = {0};
        if (o == RUN_ERROR &&
            results_mark(x->f, task, point, RESULTS_FAILED, r->fail_step, r->reason, &werr))
            fprintf(stderr, "mimod-sweep: rank %d: %s\n", x->rank, werr.msg);
    }
    wlog(x, "end %s %s: status %d wall %.1f s loss %g q_cor %g q_str %g %s\n", x->s->task[task].name,
         label, r->status, r->wall, r->task_loss, r->q_cor, r->q_str, r->reason);
    lending_set_running(x->lend, 0);
    if (x->lend && mimod_pool_threads() != x->own_threads)
        (void)mimod_pool_set_threads(x->own_threads, NULL); /* shrinking cannot fail */
}

/* ------------------------------------------------------------- rank 0 side */

/* ------------------------------------------------------------- progress */

/* A point to run: makespan.h's trial, its work in FLOPs (SPEC §8 cost model),
 * handed out in the policy's order (makespan_order). */
typedef makespan_trial work_item;

/* Rank 0's bookkeeping of the sweep, kept by progress_start and progress_end
 * alike whether rank 0 trains alone or schedules workers. */
typedef struct progress {
    int n_total, n_done, n_failed, n_running, n_left;
    double t0, cpu0, flops_done, wall_done, flops_left;
    int n_workers;
    /* the ETA's view of the work (sweep_eta): the list in hand-out order and
     * how far it was handed out; the point each slot runs, its `secs` holding
     * its expected FLOPs (0: the slot is idle) */
    const work_item *items;
    int n_items, next;
    makespan_trial *running; /* [slots] */
    int interrupted; /* a point stopped before its end (it is pending again) */
    int halt;        /* a write failed or the lock was lost: stop, exit 1 */
} progress;

/* Slots of rank 0's per-rank arrays (pg->running, the heartbeat's): one per
 * rank, or slot 0 when rank 0 trains alone. */
static int n_slots(const run_ctx *x) { return x->size > 1 ? x->size : 1; }

/* A point runs on `slot` (handed out, its report not yet back). */
static int slot_busy(const progress *pg, int slot) {
    return pg->running && pg->running[slot].work > 0;
}

/* ------------------------------------------------------------- ETA */

/* Share of a running point's MM steps done, from its latest progress message
 * (the heartbeat's record of it); 0 before the first one or without one. */
static double running_done_share(const run_ctx *x, int slot) {
    const struct heartbeat *hb = x->hb;
    if (!hb || !hb->slot[slot].busy || !hb->slot[slot].has) return 0;
    const hb_slot *s = &hb->slot[slot];
    double S = (double)x->desc[s->task].n_mm_steps;
    double f = S > 0 && s->last.fail_step > 0 ? (double)s->last.fail_step / S : 0;
    return f < 1 ? f : 1;
}

/* FLOP rate of one worker as observed: the finished points and the running
 * ones' share so far; before any of that, --gflops. */
static double observed_rate(const run_ctx *x, const progress *pg) {
    double flops = pg->flops_done, wall = pg->wall_done;
    for (int w = 0; x->hb && pg->running && w < n_slots(x); w++) {
        double f = running_done_share(x, w);
        if (f > 0 && x->hb->slot[w].last.wall > 0) {
            flops += pg->running[w].work * f;
            wall += x->hb->slot[w].last.wall;
        }
    }
    return wall > 0 && flops > 0 ? flops / wall : x->o->gflops * 1e9;
}

/* Seconds until the sweep ends: the makespan (makespan.h) of what is left —
 * each worker's running point from where it is, then the points not yet
 * handed out in hand-out order — at the observed rate, with idle workers
 * lending their threads to running points on their node when lending is on.
 * Work / workers would be wrong at a sweep's tail, where one long point
 * decides the end. */
static double sweep_eta(const run_ctx *x, const progress *pg) {
    const double rate = observed_rate(x, pg);
    const int workers = pg->n_workers > 0 ? pg->n_workers : 1;
    const int first = x->size > 1 ? 1 : 0; /* slot of worker 0 */
    const int queued = pg->items && pg->next < pg->n_items ? pg->n_items - pg->next : 0;
    makespan_trial *tr = malloc((size_t)(workers + queued) * sizeof *tr);
    double eta = -1;
    if (tr && pg->running) {
        int n = 0;
        /* list position w = worker w, so node membership is kept; an idle
         * worker is a point of 0 s: it takes the next one at once */
        for (int w = 0; w < workers; w++, n++) {
            tr[n] = pg->running[first + w];
            tr[n].work *= (1 - running_done_share(x, first + w)) / rate;
        }
        for (int k = pg->next; k < pg->n_items; k++, n++) {
            tr[n] = pg->items[k];
            tr[n].work /= rate;
        }
        const int threads = x->o->threads > 0 ? x->o->threads : 1;
        const int nodes = x->lend ? lending_n_nodes(x->lend) : 1;
        const int per_node = (workers + nodes - 1) / nodes;
        const int lend = x->o->lend && x->lend != NULL && workers > 1;
        eta = makespan_simulate(tr, n, workers, threads, per_node, lend);
    }
    free(tr);
    /* out of memory: the plain estimate */
    if (eta < 0) eta = pg->flops_left / (rate * workers);
    /* never shorter than a running point's own end by its records (the
     * estimate the heartbeat prints beside it and the status view shows) */
    for (int w = 0; x->hb && w < n_slots(x); w++) {
        const hb_slot *sl = &x->hb->slot[w];
        if (!sl->busy || !sl->has) continue;
        double own = makespan_point_remaining(sl->last.wall, (long long)sl->last.fail_step,
                                              (long long)x->desc[sl->task].n_mm_steps);
        if (own > eta) eta = own;
    }
    return eta;
}

static void print_progress(run_ctx *x, progress *pg, const report_msg *r) {
    const sweep_def *s = x->s;
    char label[512], el[32], eta[32];
    sweep_point_label(s, r->task, r->point, label, sizeof label);
    double now = mimod_now();
    double eta_s = sweep_eta(x, pg);
    char failed[32] = "";
    if (pg->n_failed) snprintf(failed, sizeof failed, " %d failed,", pg->n_failed);
    fmt_hms(now - pg->t0, el, sizeof el);
    fmt_hms(eta_s, eta, sizeof eta);
    if (r->status == REP_DONE)
        printf("[%d/%d done,%s %d running, %d left] %s %s: loss %.4g Q_cor %.3f Q_str %.3f (%.1f s) "
               "elapsed %s ETA %s\n",
               pg->n_done, pg->n_total, failed, pg->n_running, pg->n_left, s->task[r->task].name, label,
               r->task_loss, r->q_cor, r->q_str, r->wall, el, eta);
    else if (r->status == REP_FAILED)
        printf("[%d/%d done,%s %d running, %d left] %s %s: FAILED at MM step %lld: %s (%.1f s) "
               "elapsed %s ETA %s\n",
               pg->n_done, pg->n_total, failed, pg->n_running, pg->n_left, s->task[r->task].name, label,
               (long long)r->fail_step, r->reason, r->wall, el, eta);
    else if (r->status == REP_IOERROR)
        printf("[%d/%d done,%s %d running, %d left] %s %s: trained, but writing its results failed "
               "(see above); stopping the sweep\n",
               pg->n_done, pg->n_total, failed, pg->n_running, pg->n_left, s->task[r->task].name, label);
    else if (r->reason[0])
        printf("[%d/%d done,%s %d running, %d left] %s %s: stopped; %s: the rerun resumes it from "
               "its last saved checkpoint, or from the start\n", pg->n_done, pg->n_total, failed,
               pg->n_running, pg->n_left, s->task[r->task].name, label, r->reason);
    else
        printf("[%d/%d done,%s %d running, %d left] %s %s: stopped, will resume from its checkpoint\n",
               pg->n_done, pg->n_total, failed, pg->n_running, pg->n_left, s->task[r->task].name, label);
    fflush(stdout);
}

/* ------------------------------------------------------------- heartbeat */

/* A running point's progress reached rank 0 (slot: the rank training it). */
static void hb_progress(run_ctx *x, int slot, const report_msg *m) {
    struct heartbeat *hb = x->hb;
    if (!hb) return;
    hb_slot *s = &hb->slot[slot];
    /* a late message of a point this rank no longer runs is stale */
    if (!s->busy || s->task != m->task || s->point != m->point) return;
    s->last = *m;
    s->has = 1;
}

static void hb_assign(run_ctx *x, int slot, int task, int point) {
    if (!x->hb) return;
    hb_slot *s = &x->hb->slot[slot];
    memset(s, 0, sizeof *s);
    s->busy = 1;
    s->task = task;
    s->point = point;
}

static void hb_release(run_ctx *x, int slot) {
    if (x->hb) memset(&x->hb->slot[slot], 0, sizeof x->hb->slot[slot]);
}

/* Every hb->every seconds: one block with each running point's MM step of
 * the total, latest values, time so far and ETA, then the sweep's totals. */
static void hb_maybe_print(run_ctx *x, const struct progress *pg) {
    struct heartbeat *hb = x->hb;
    double now = mimod_now();
    if (!hb || hb->every <= 0 || now - hb->last < hb->every) return;
    hb->last = now;
    char el[32], eta[32];
    fmt_hms(now - pg->t0, el, sizeof el);
    fmt_hms(sweep_eta(x, pg), eta, sizeof eta);
    printf("mimod-sweep: heartbeat at %s: %d/%d done, %d failed, %d running, %d left; ETA %s\n", el,
           pg->n_done, pg->n_total, pg->n_failed, pg->n_running, pg->n_left, eta);
    for (int w = 0; w < n_slots(x); w++) {
        const hb_slot *s = &hb->slot[w];
        if (!s->busy) continue;
        char label[512], so_far[32], p_eta[32];
        sweep_point_label(x->s, s->task, s->point, label, sizeof label);
        int64_t S = x->desc[s->task].n_mm_steps;
        if (!s->has || s->last.records <= 0) {
            printf("  %s %s: starting (no record yet)\n", x->s->task[s->task].name, label);
            continue;
        }
        const report_msg *m = &s->last;
        fmt_hms(m->wall, so_far, sizeof so_far);
        fmt_hms(makespan_point_remaining(m->wall, (long long)m->fail_step, (long long)S), p_eta,
                sizeof p_eta);
        printf("  %s %s: MM step %lld/%lld  loss %.4g  Q_cor %.3f  Q_str %.3f  MI %.3f  %s so far, "
               "ETA %s\n", x->s->task[s->task].name, label, (long long)m->fail_step, (long long)S,
               m->task_loss, m->q_cor, m->q_str, m->mi, so_far, p_eta);
    }
    fflush(stdout);
}

/* A point is handed out to `slot` (the rank that trains it): it runs from
 * now on. */
static void progress_start(run_ctx *x, progress *pg, int slot, const work_item *it) {
    pg->n_left--;
    pg->next++;
    if (pg->running)
        pg->running[slot] = *it;
    pg->n_running++;
    mimod_err err = {0};
    if (results_mark(x->f, it->task, it->point, RESULTS_RUNNING, -1, NULL, &err)) {
        fprintf(stderr, "mimod-sweep: %s\n", err.msg);
        pg->halt = 1;
    }
}

/* A point's report came back (it cost `flops`): count it; a point that did not
 * end is pending again. Prints the progress line. */
static void progress_end(run_ctx *x, progress *pg, int slot, const report_msg *r) {
    const double flops = pg->running ? pg->running[slot].work : 0;
    if (pg->running) pg->running[slot] = (makespan_trial){0};
    pg->n_running--;
    pg->flops_left -= flops;
    if (r->status == REP_DONE) {
        pg->n_done++;
        pg->flops_done += flops;
        pg->wall_done += r->wall;
    } else if (r->status == REP_FAILED) {
        pg->n_failed++;
    } else {
        mimod_err err = {0};
        if (results_mark(x->f, r->task, r->point, RESULTS_PENDING, -1, NULL, &err)) {
            fprintf(stderr, "mimod-sweep: %s\n", err.msg);
            pg->halt = 1;
        }
        pg->n_left++;
        pg->flops_left += flops;
        pg->interrupted = 1;
        if (r->status == REP_IOERROR) pg->halt = 1;
    }
    if (sweep_lock_lost(x->lock) || output_missing(x, 1)) pg->halt = 1;
    print_progress(x, pg, r);
}

/* ------------------------------------------------------------- the sweep */

/* Collective. Rank 0 says which OpenBLAS kernel the ranks use. A trial's
 * numbers depend on the kernel at the rounding level, so mixed kernels (nodes
 * of different CPU types, or OPENBLAS_CORETYPE set on some) break the promise
 * that a result does not depend on which rank ran it: warn. A kernel slower
 * than the CPU allows costs about half the speed: warn too. */
static void report_blas_kernels(run_ctx *x) {
    enum { NAME = 64 };
    char mine[NAME] = {0};
    snprintf(mine, sizeof mine, "%s", mimod_blas_corename());
    int slow = mimod_blas_slow(), any_slow = 0;
    char *all = x->rank == 0 ? calloc((size_t)x->size, NAME) : NULL;
    MPI_Gather(mine, NAME, MPI_CHAR, all, NAME, MPI_CHAR, 0, MPI_COMM_WORLD);
    MPI_Reduce(&slow, &any_slow, 1, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
    wlog(x, "OpenBLAS kernel %s\n", mimod_blas_summary());
    if (x->rank != 0) return;
    printf("mimod-sweep: OpenBLAS kernel on rank 0: %s\n", mimod_blas_summary());
    if (all) {
        for (int r = 1; r < x->size; r++)
            if (strcmp(all + (size_t)r * NAME, all) != 0) {
                printf("mimod-sweep: warning: ranks use different OpenBLAS kernels (rank 0 %s, "
                       "rank %d %s); trial results then depend at the rounding level on where "
                       "they ran\n", all, r, all + (size_t)r * NAME);
                break;
            }
        free(all);
    }
    if (any_slow && !slow)
        printf("mimod-sweep: warning: some ranks run an OpenBLAS kernel slower than their CPU "
               "allows (see the rank logs, --log-dir)\n");
    fflush(stdout);
}

/* Rank 0 takes the lock and checks the output (and, for a new file, the free
 * space); then every rank creates or opens the result file (collective). On
 * failure rank 0 prints why. */
static int open_results(run_ctx *x) {
    const sweep_def *s = x->s;
    mimod_err err = {0};
    int rc = MIMOD_OK;
    x->store = calloc((size_t)s->n_tasks, sizeof *x->store);
    x->desc = calloc((size_t)s->n_tasks, sizeof *x->desc);
    if (!x->store || !x->desc) rc = mimod_errf(&err, MIMOD_ENOMEM, "out of memory");
    for (int i = 0; i < s->n_tasks && !rc; i++) {
        results_task_desc *d = &x->desc[i];
        rc = results_desc_from_config(&s->task[i].base, d, &x->store[i], &err);
        if (rc) break;
        d->n_points = s->task[i].n_points;
        d->n_axes = s->task[i].n_axes;
        d->axis_names = s->task[i].axis_names;
        d->coords = s->task[i].coords;
        d->seeds = s->task[i].seeds;
    }
    sweep_grow_plan plan = {0};
    int exists = 0;
    char out_path[PATH_MAX];
    snprintf(out_path, sizeof out_path, "%s", x->o->output);
    if (!rc && x->rank == 0) {
        rc = results_resolve_output(x->o->output, out_path, sizeof out_path, &err);
        if (!rc) rc = sweep_check_output(out_path, &err);
        if (!rc) {
            snprintf(early_lock_path, sizeof early_lock_path, "%s.lock", out_path);
            rc = sweep_lock_acquire(out_path, &x->lock, &err);
            if (!rc) early_lock_set = 1;
        }
        exists = access(out_path, F_OK) == 0;
        /* a creation killed by SIGKILL (or a crash) left this: the lock says
         * no run is making it now, and it would count against the free space */
        snprintf(early_creating_path, sizeof early_creating_path, "%s.creating", out_path);
        if (!rc && !exists && unlink(early_creating_path) == 0)
            printf("mimod-sweep: removed %s, left by a creation that was killed\n",
                   early_creating_path);
        if (!rc && !exists)
            rc = results_check_space(out_path, results_file_bytes(s->n_tasks, x->desc, strlen(s->text)),
                                     &err);
        /* the file's points against the sweep's: resume, grow, or another sweep (refused) */
        if (!rc && exists) rc = sweep_grow_match(out_path, s, &plan, &err);
    }
    /* rank 0 decides create, resume or grow, everyone follows */
    int flags[3] = {rc, exists, plan.grow};
    MPI_Bcast(flags, 3, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Bcast(out_path, sizeof out_path, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (flags[0] && !rc) rc = flags[0];
    exists = flags[1];
    int grow = flags[2];
    /* An existing file's points in its order (a grown file's are not the
     * product's): every rank takes rank 0's order and works on that view. */
    if (!rc && exists) {
        if (x->rank > 0) {
            plan.n_tasks = s->n_tasks;
            plan.n_old = calloc((size_t)s->n_tasks, sizeof *plan.n_old);
            plan.order = calloc((size_t)s->n_tasks, sizeof *plan.order);
            for (int i = 0; plan.order && i < s->n_tasks; i++)
                plan.order[i] = malloc((size_t)(s->task[i].n_points ? s->task[i].n_points : 1) * sizeof(int));
        }
        int ok = plan.n_old && plan.order, all_ok = 0;
        for (int i = 0; ok && i < s->n_tasks; i++) ok = plan.order[i] != NULL;
        MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        if (!all_ok) {
            rc = mimod_errf(&err, MIMOD_ENOMEM, "out of memory");
        } else {
            MPI_Bcast(plan.n_old, s->n_tasks, MPI_INT, 0, MPI_COMM_WORLD);
            for (int i = 0; i < s->n_tasks; i++)
                MPI_Bcast(plan.order[i], s->task[i].n_points, MPI_INT, 0, MPI_COMM_WORLD);
            int vrc = sweep_view_in_order(s, (const int *const *)plan.order, &x->view, &err), worst = 0;
            MPI_Allreduce(&vrc, &worst, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
            if (vrc == MIMOD_OK) x->has_view = 1;
            if (worst != MIMOD_OK) rc = vrc ? vrc : worst;
        }
        if (!rc) {
            x->s = s = &x->view;
            for (int i = 0; i < s->n_tasks; i++) {
                x->desc[i].coords = s->task[i].coords;
                x->desc[i].seeds = s->task[i].seeds;
            }
        }
    }
    results_meta meta = {s->text, s->hash, x->size, 0};
    MPI_Comm comm = x->size > 1 ? MPI_COMM_WORLD : MPI_COMM_NULL;
    /* Growing: rank 0 alone makes the grown file beside the old one and
     * renames it into place (results_grow.c); then every rank opens it. */
    if (!rc && grow) {
        if (x->rank == 0) {
            printf("mimod-sweep: %s grows by the values added to its axes: %s (its points stay as "
                   "they are; the new ones come after them)\n", out_path, plan.added);
            fflush(stdout);
            rc = results_check_space(out_path, results_file_bytes(s->n_tasks, x->desc, strlen(s->text)),
                                     &err);
            snprintf(early_creating_path, sizeof early_creating_path, "%s.growing", out_path);
            if (!rc) early_creating_set = 1; /* a signal removes it; the old file stays */
            if (!rc)
                rc = results_grow_serial(out_path, &meta, s->n_tasks, x->desc, plan.n_old, plan.added,
                                         &err);
            early_creating_set = 0;
            snprintf(early_creating_path, sizeof early_creating_path, "%s.creating", out_path);
        }
        int r0 = rc;
        MPI_Bcast(&r0, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (r0 && !rc) rc = mimod_errf(&err, r0, "growing the result file failed on rank 0");
    }
    sweep_grow_plan_free(&plan);
    if (!rc && !exists && x->rank == 0) early_creating_set = 1; /* a signal removes it */
    if (!rc)
        rc = exists ? results_open_existing(out_path, comm, &meta, s->n_tasks, x->desc, &x->f, &err)
                    : results_create(out_path, comm, &meta, s->n_tasks, x->desc, &x->f, &err);
    early_creating_set = 0;
    if (rc && x->rank == 0) fprintf(stderr, "mimod-sweep: %s\n", err.msg);
    if (!rc && x->rank == 0) {
        struct stat st;
        snprintf(x->out_path, sizeof x->out_path, "%s", out_path);
        x->out_fd = open(out_path, O_RDONLY | O_CLOEXEC);
        if (x->out_fd >= 0 && fstat(x->out_fd, &st) == 0) {
            x->out_dev = st.st_dev;
            x->out_ino = st.st_ino;
        } else if (x->out_fd >= 0) {
            close(x->out_fd);
            x->out_fd = -1;
        }
    }
    return rc;
}

/* Collective, before anything is created: with --log-dir D every rank that
 * trains opens D/rank-R.log (rank 0 makes D if it is missing). A log that
 * cannot be opened is an error, with its cause, and no rank goes on. */
static int open_logs(run_ctx *x) {
    const char *dir = x->o->log_dir;
    if (!dir) return MIMOD_OK;
    int bad = 0, any = 0;
    if (x->rank == 0 && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mimod-sweep: --log-dir %s: cannot create it: %s\n", dir, strerror(errno));
        bad = 1;
    }
    MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!bad && (x->rank > 0 || x->size == 1)) {
        char lp[PATH_MAX + 32];
        snprintf(lp, sizeof lp, "%s/rank-%d.log", dir, x->rank);
        x->log = fopen(lp, "a");
        if (!x->log) {
            fprintf(stderr, "mimod-sweep: rank %d: --log-dir: cannot open %s: %s\n", x->rank, lp,
                    strerror(errno));
            bad = 1;
        }
    }
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any && x->log) {
        fclose(x->log);
        x->log = NULL;
    }
    return any ? MIMOD_EIO : MIMOD_OK;
}

/* Every rank, once the file is open: signals, the checkpoint directory, BLAS
 * threads, the worker log, the kernel report. */
static void prepare_ranks(run_ctx *x) {
    /* from here on a signal stops the trials at their next step, with a checkpoint */
    sweep_install_signal_handlers();
    if (x->rank == 0) {
        char dir[PATH_MAX + 16];
        snprintf(dir, sizeof dir, "%s.ckpt", x->o->output);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            fprintf(stderr, "mimod-sweep: warning: cannot create %s (%s): the trials run without "
                    "checkpoints, so a stop loses their progress\n", dir, strerror(errno));
    }
    /* Threads of a trial (the pool; OpenBLAS stays single-threaded, see
     * blas_setup.c): rank 0 does no algebra when it only schedules. */
    x->own_threads = x->size > 1 && x->rank == 0 ? 1 : (x->o->threads > 0 ? x->o->threads : 1);
    mimod_err perr = {0};
    if (mimod_pool_set_threads(x->own_threads, &perr))
        fprintf(stderr, "mimod-sweep: rank %d: %s; carrying on with %d thread(s) (same results)\n",
                x->rank, perr.msg, mimod_pool_threads());
    /* Lending (issue 14): workers only, and only with workers to lend to.
     * Collective; a failure leaves this rank without it (same results). */
    if (x->size > 1) {
        if (lending_open(MPI_COMM_WORLD, x->o->lend && x->rank > 0, x->own_threads, &x->lend, &perr))
            fprintf(stderr, "mimod-sweep: rank %d: %s; no core lending\n", x->rank, perr.msg);
    }
    MPI_Barrier(MPI_COMM_WORLD); /* the checkpoint directory exists */
    report_blas_kernels(x);
}

/* A finished point's provenance row (blas_kernel or build) ends with another
 * value than this run's `mine` (the last of "A+B"; empty and "?" are unknown,
 * not other): count it, and keep the first such value for the message. */
static void note_other(const char *row, const char *mine, int *n, char first[RESULTS_KERNEL_LEN]) {
    const char *last = strrchr(row, '+');
    last = last ? last + 1 : row;
    if (!last[0] || strcmp(last, "?") == 0 || !mine || strcmp(last, mine) == 0) return;
    if ((*n)++ == 0) snprintf(first, RESULTS_KERNEL_LEN, "%s", last);
}

/* Rank 0: the points to run (not done, and not failed unless retrying),
 * costliest first; fills the counts of pg. NULL (said why) on error. */
static work_item *work_list(run_ctx *x, progress *pg, int *n_items) {
    const sweep_def *s = x->s;
    int n_all = 0, n = 0, n_done_before = 0, n_failed_before = 0, n_ckpt = 0;
    /* points that trained before (records in the file) but whose checkpoint
     * is gone: they start again from step 0 — same results, lost time, said */
    int n_restart = 0;
    /* finished points computed by another OpenBLAS kernel or another build
     * than this run's: the points trained now may differ from them */
    int n_other_kernel = 0, n_other_build = 0;
    char other_kernel[RESULTS_KERNEL_LEN] = "", other_build[RESULTS_KERNEL_LEN] = "";
    const char *my_kernel = mimod_blas_corename();
    char my_build[MIMOD_BUILD_ID_LEN];
    mimod_build_id(my_build);
    int64_t restart_step = 0;
    char restart_first[160] = "";
    for (int i = 0; i < s->n_tasks; i++) n_all += s->task[i].n_points;
    work_item *items = calloc((size_t)n_all, sizeof *items);
    for (int i = 0; i < s->n_tasks && items; i++) {
        mimod_err err = {0};
        int *st = calloc((size_t)s->task[i].n_points, sizeof *st);
        int *rec = calloc((size_t)s->task[i].n_points, sizeof *rec);
        char (*kern)[RESULTS_KERNEL_LEN] = calloc((size_t)s->task[i].n_points, sizeof *kern);
        char (*build)[RESULTS_KERNEL_LEN] = calloc((size_t)s->task[i].n_points, sizeof *build);
        if (!st || !rec || !kern || !build || results_read_status(x->f, i, st, &err) ||
            results_read_records_done(x->f, i, rec, &err) ||
            results_read_kernels(x->f, i, kern, &err) || results_read_builds(x->f, i, build, &err)) {
            fprintf(stderr, "mimod-sweep: %s\n", st && rec && kern && build ? err.msg : "out of memory");
            free(st);
            free(rec);
            free(kern);
            free(build);
            free(items);
            items = NULL;
            break;
        }
        for (int p = 0; p < s->task[i].n_points; p++) {
            if (st[p] == RESULTS_DONE) {
                n_done_before++;
                note_other(kern[p], my_kernel, &n_other_kernel, other_kernel);
                note_other(build[p], my_build, &n_other_build, other_build);
                continue;
            }
            if (st[p] == RESULTS_FAILED && !x->o->retry_failed) { n_failed_before++; continue; }
            /* a point without a configuration costs nothing: run_point fails it */
            mimod_config c;
            double flops = sweep_point_config(s, i, p, &c, NULL) == MIMOD_OK ? cost_trial_flops(&c) : 0;
            items[n++] = makespan_trial_of(s->task[i].kind, i, p, flops);
            char ckpt[PATH_MAX + 128];
            ckpt_path(x, i, p, ckpt, sizeof ckpt);
            int has_ckpt = access(ckpt, F_OK) == 0;
            n_ckpt += has_ckpt;
            /* the record before training is written at once; a second one
             * means MM steps were trained */
            if (!has_ckpt && rec[p] >= 2 && rec[p] <= x->desc[i].n_records) {
                int64_t step = x->desc[i].record_step[rec[p] - 1];
                if (step > restart_step) restart_step = step;
                if (n_restart++ == 0)
                    snprintf(restart_first, sizeof restart_first, "%s point %d", s->task[i].name, p);
            }
        }
        free(st);
        free(rec);
        free(kern);
        free(build);
    }
    pg->t0 = mimod_now();
    pg->cpu0 = cpu_seconds();
    pg->n_total = n_all;
    pg->n_done = n_done_before;
    pg->n_failed = n_failed_before;
    pg->n_left = n;
    pg->n_workers = x->size > 1 ? x->size - 1 : 1;
    *n_items = n;
    if (!items) return NULL;
    makespan_order(items, n);
    for (int k = 0; k < n; k++) pg->flops_left += items[k].work;
    /* a resume says how many points continue where they stopped */
    char from_ckpt[64] = "";
    if (n_ckpt > 0) snprintf(from_ckpt, sizeof from_ckpt, " (%d of them from checkpoints)", n_ckpt);
    printf("mimod-sweep: %d grid points, %d done before, %d to run%s on %d %s%s\n", n_all,
           n_done_before, n, from_ckpt, pg->n_workers, x->size > 1 ? "worker" : "rank",
           pg->n_workers > 1 ? "s" : "");
    if (n_restart)
        printf("mimod-sweep: notice: %d point%s (%s%s) had trained before, up to MM step %lld, but "
               "%s no checkpoint in %s.ckpt: %s again from the start (the results come out the "
               "same; the time is lost)\n", n_restart, n_restart > 1 ? "s" : "", restart_first,
               n_restart > 1 ? ", …" : "", (long long)restart_step, n_restart > 1 ? "have" : "has",
               x->o->output, n_restart > 1 ? "they start" : "it starts");
    if (n_other_kernel && n > 0)
        printf("mimod-sweep: warning: %d finished point%s of this file %s computed by another "
               "OpenBLAS kernel (%s%s) than this run's (%s): the points trained now differ from "
               "%s at the rounding level (blas_kernel, docs/hdf5-layout.md)\n", n_other_kernel,
               n_other_kernel > 1 ? "s" : "", n_other_kernel > 1 ? "were" : "was", other_kernel,
               n_other_kernel > 1 ? ", …" : "", my_kernel, n_other_kernel > 1 ? "them" : "it");
    if (n_other_build && n > 0)
        printf("mimod-sweep: warning: %d finished point%s of this file %s computed by another "
               "build of mimod (%s%s) than this one (%s): if the two differ in what a trial "
               "computes, the points trained now differ from %s (build, docs/hdf5-layout.md)\n",
               n_other_build, n_other_build > 1 ? "s" : "", n_other_build > 1 ? "were" : "was",
               other_build, n_other_build > 1 ? ", …" : "", my_build,
               n_other_build > 1 ? "them" : "it");
    if (n_failed_before)
        printf("mimod-sweep: %d failed points skipped (--retry-failed reruns them)\n", n_failed_before);
    fflush(stdout);
    return items;
}

/* One rank: train every point here. Returns how many were started. */
static int run_alone(run_ctx *x, const work_item *items, int n_items, progress *pg) {
    int next = 0;
    while (next < n_items && !trial_runner_stop_requested() && !pg->halt) {
        const work_item *it = &items[next++];
        report_msg r;
        progress_start(x, pg, 0, it);
        hb_assign(x, 0, it->task, it->point);
        x->hb_pg = pg;
        run_point(x, it->task, it->point, &r);
        hb_release(x, 0);
        progress_end(x, pg, 0, &r);
    }
    return next;
}

/* Rank 0 of several: hand out points as workers report, until every worker
 * was told there is no more (items NULL: none to hand out). Returns how many
 * were handed out. */
static int run_scheduler(run_ctx *x, const work_item *items, int n_items, progress *pg) {
    int next = 0, active = x->size - 1, stopping = items == NULL;
    while (active > 0) {
        if (sweep_lock_lost(x->lock) || output_missing(x, 0)) pg->halt = 1;
        if ((trial_runner_stop_requested() || pg->halt) && !stopping) {
            stopping = 1;
            printf("mimod-sweep: %s; running trials checkpoint and stop\n",
                   pg->halt ? "stopping after an error" : "stop requested");
            fflush(stdout);
            for (int w = 1; w < x->size; w++) {
                int one = 1;
                if (slot_busy(pg, w)) MPI_Send(&one, 1, MPI_INT, w, TAG_STOP, MPI_COMM_WORLD);
            }
        }
        int flag = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_REPORT, MPI_COMM_WORLD, &flag, &status);
        if (!flag) {
            hb_maybe_print(x, pg);
            sleep_ms(5);
            continue;
        }
        report_msg r;
        int w = status.MPI_SOURCE;
        MPI_Recv(&r, (int)sizeof r, MPI_BYTE, w, TAG_REPORT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (r.status == REP_PROGRESS) { /* no reply: the worker trains on */
            hb_progress(x, w, &r);
            continue;
        }
        if (r.status != REP_NONE) {
            hb_release(x, w);
            progress_end(x, pg, w, &r);
        }
        int assign[2] = {-1, -1};
        if (!stopping && !trial_runner_stop_requested() && next < n_items) {
            assign[0] = items[next].task;
            assign[1] = items[next].point;
            progress_start(x, pg, w, &items[next]);
            hb_assign(x, w, items[next].task, items[next].point);
            next++;
        } else {
            active--;
        }
        MPI_Send(assign, 2, MPI_INT, w, TAG_ASSIGN, MPI_COMM_WORLD);
    }
    return next;
}

/* Ranks 1..: report (nothing at first), get a point, train it, repeat. */
static void run_worker(run_ctx *x) {
    report_msg r;
    memset(&r, 0, sizeof r);
    r.status = REP_NONE;
    for (;;) {
        if (x->preq_active) { /* the last progress message first (rank 0 receives it) */
            MPI_Wait(&x->preq, MPI_STATUS_IGNORE);
            x->preq_active = 0;
        }
        MPI_Send(&r, (int)sizeof r, MPI_BYTE, 0, TAG_REPORT, MPI_COMM_WORLD);
        int assign[2];
        MPI_Recv(assign, 2, MPI_INT, 0, TAG_ASSIGN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (assign[0] < 0) break;
        run_point(x, assign[0], assign[1], &r);
    }
    /* a stop message sent before the final "no more work" is already here: drain it */
    int flag = 1;
    while (flag) {
        MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag) {
            int dummy;
            MPI_Recv(&dummy, 1, MPI_INT, 0, TAG_STOP, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
    }
}

/* Rank 0's closing lines. */
static void print_end(run_ctx *x, const progress *pg, int exit_code) {
    char el[32];
    fmt_hms(mimod_now() - pg->t0, el, sizeof el);
    printf("mimod-sweep: %d/%d done, %d failed, elapsed %s; exit %d (%s)\n", pg->n_done, pg->n_total,
           pg->n_failed, el, exit_code,
           exit_code == 0 ? "all done" : exit_code == 2 ? "some points failed"
           : exit_code == 3 ? "interrupted: rerun the same command to resume" : "error");
    if (x->size > 1) {
        /* the scheduler's own cost while trials ran (MPI start-up excluded) */
        double cpu = cpu_seconds() - pg->cpu0, wall = mimod_now() - pg->t0;
        /* a share of a core means something only over a measurable time
         * (getrusage counts in scheduler ticks) */
        if (wall >= 1.0)
            printf("mimod-sweep: rank 0 (scheduler) used %.3f s CPU over %.1f s of scheduling "
                   "(%.2f %% of a core)\n", cpu, wall, 100.0 * cpu / wall);
        else
            printf("mimod-sweep: rank 0 (scheduler) used %.3f s CPU over %.3f s of scheduling\n",
                   cpu, wall);
    }
    fflush(stdout);
}

/* Rank 0: the work list, run it (alone or through workers); the exit code. */
static int run_rank0(run_ctx *x) {
    progress pg = {0};
    int n_items = 0;
    work_item *items = work_list(x, &pg, &n_items);
    pg.items = items;
    pg.n_items = items ? n_items : 0;
    pg.running = calloc((size_t)n_slots(x), sizeof *pg.running);
    /* the heartbeat: --heartbeat S, else a tenth of a mean trial's expected
     * time (the cost model at --gflops), between 1 and 10 minutes */
    struct heartbeat hb = {0};
    hb.every = x->o->heartbeat;
    if (hb.every < 0) {
        double mean = n_items > 0 ? pg.flops_left / n_items / (x->o->gflops * 1e9) : 0;
        hb.every = mean / 10 < 60 ? 60 : mean / 10 > 600 ? 600 : mean / 10;
    }
    hb.last = mimod_now();
    hb.slot = calloc((size_t)n_slots(x), sizeof *hb.slot);
    if (hb.slot && hb.every > 0) {
        x->hb = &hb;
        char every[32];
        if (hb.every < 60) snprintf(every, sizeof every, "%g s", hb.every);
        else fmt_hms(hb.every, every, sizeof every);
        if (items && n_items > 0)
            printf("mimod-sweep: a heartbeat every %s (--heartbeat S sets it)\n", every);
    }
    int started = x->size == 1 ? run_alone(x, items, n_items, &pg)
                               : run_scheduler(x, items, n_items, &pg);
    int exit_code = SWEEP_EXIT_DONE;
    if (output_missing(x, 1)) pg.halt = 1;
    if (!items || pg.halt) exit_code = SWEEP_EXIT_ERROR;
    else if (pg.interrupted || started < n_items) exit_code = SWEEP_EXIT_INTERRUPTED;
    else if (pg.n_failed > 0) exit_code = SWEEP_EXIT_FAILED;
    print_end(x, &pg, exit_code);
    x->hb = NULL;
    x->hb_pg = NULL;
    free(hb.slot);
    free(pg.running);
    free(items);
    return exit_code;
}

/* Rank 0, after the close: the result file was deleted or replaced while the
 * sweep ran; its content (everything written, also after) is still in the
 * file rank 0 holds open: copy it back to its path, or beside it when another
 * file now has that name. */
static void restore_output(run_ctx *x) {
    char tmp[PATH_MAX + 32], aside[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.restoring", x->out_path);
    snprintf(aside, sizeof aside, "%s.recovered", x->out_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0;
    char buf[1 << 16];
    for (off_t off = 0; ok;) {
        ssize_t n = pread(x->out_fd, buf, sizeof buf, off);
        if (n == 0) break;
        ok = n > 0 && write(fd, buf, (size_t)n) == n;
        off += n > 0 ? n : 0;
    }
    if (ok) ok = fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0) close(fd);
    const char *where = NULL;
    if (ok && link(tmp, x->out_path) == 0) where = x->out_path;
    else if (ok && rename(tmp, aside) == 0) where = aside;
    else saved = ok ? errno : saved;
    unlink(tmp);
    if (where)
        fprintf(stderr, "mimod-sweep: the results written so far are saved in %s%s; rerun the "
                "same command to resume\n", where,
                where == aside ? " (another file now has the result file's name)" : "");
    else
        fprintf(stderr, "mimod-sweep: saving the results written so far to %s failed: %s\n", tmp,
                strerror(saved));
}

/* Collective: close the file; rank 0 tidies the checkpoint directory (unless
 * interrupted) and releases the lock. May turn exit_code into an error. */
static int close_results(run_ctx *x, int exit_code) {
    mimod_err err = {0};
    if (output_missing(x, 1) && exit_code != SWEEP_EXIT_ERROR) exit_code = SWEEP_EXIT_ERROR;
    if (results_close(x->f, &err) && x->rank == 0) {
        fprintf(stderr, "mimod-sweep: %s\n", err.msg);
        if (exit_code == SWEEP_EXIT_DONE) exit_code = SWEEP_EXIT_ERROR;
    }
    x->f = NULL;
    if (x->rank == 0 && x->output_gone) restore_output(x);
    if (x->out_fd >= 0) close(x->out_fd);
    x->out_fd = -1;
    if (x->rank == 0 && exit_code != SWEEP_EXIT_INTERRUPTED) {
        char dir[PATH_MAX + 16];
        snprintf(dir, sizeof dir, "%s.ckpt", x->o->output);
        /* half-written temp checkpoints of killed runs ("X.ckpt.tmp.<pid>") are
         * never needed again; real checkpoints of unfinished points stay */
        DIR *d = opendir(dir);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strstr(e->d_name, ".ckpt.tmp.") == NULL) continue;
                char path[PATH_MAX + 300];
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
            closedir(d);
        }
        rmdir(dir); /* only if empty */
    }
    return exit_code;
}

/* Rank 0 lets go of the lock; every rank frees the task descriptions. */
static void release(run_ctx *x) {
    if (x->rank == 0) {
        early_lock_set = 0;
        sweep_lock_release(x->lock);
        x->lock = NULL;
    }
    for (int i = 0; x->store && i < x->s->n_tasks; i++) results_desc_free(&x->store[i]);
    free(x->store);
    free(x->desc);
    x->store = NULL;
    x->desc = NULL;
    if (x->has_view) sweep_view_free(&x->view);
    x->has_view = 0;
}

int sweep_run(const sweep_def *s, const sweep_run_opts *o) {
    run_ctx x = {0};
    x.s = s;
    x.o = o;
    x.out_fd = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &x.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &x.size);
    if (open_logs(&x) || open_results(&x)) {
        if (x.log) fclose(x.log);
        release(&x);
        return SWEEP_EXIT_ERROR;
    }
    prepare_ranks(&x);
    int exit_code = SWEEP_EXIT_DONE;
    if (x.rank == 0) exit_code = run_rank0(&x);
    else run_worker(&x);
    lazy_barrier(MPI_COMM_WORLD, x.rank > 0 ? x.lend : NULL, x.log);
    if (x.log) fclose(x.log);
    exit_code = close_results(&x, exit_code);
    release(&x);
    lending_close(x.lend);
    MPI_Bcast(&exit_code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return exit_code;
}
