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
#include <pthread.h>
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
#include "mimod/results_h5.h"
#include "mimod/trial.h"

/* ------------------------------------------------ the lock of the output
 * One run per result file (docs/sweep.md, "The lock").
 *
 * "<output>.lock" beside the result file names its holder: pid, host, boot id
 * and the process's start time. Two mechanisms guard it:
 *  - a kernel lock (fcntl F_SETLK) on the lock file, held while the run lives
 *    and released by the kernel when it dies, even by kill -9; where the file
 *    system does not support it, the checks below still apply;
 *  - a lease: the holder touches the file every LEASE/6 s (a thread). A lock
 *    of another host is live while its mtime is younger than LEASE; a lock of
 *    this host is live while its process (same pid, same start time, same
 *    boot) runs.
 * A dead holder's lock is taken over; a live one's is refused, naming it.
 * The heartbeat also checks that the file still names this run: if another
 * run took it over (this one was stopped longer than LEASE), it says so and
 * the sweep stops. */
struct sweep_lock {
    char path[PATH_MAX + 8];
    int fd;
    char mine[512];         /* the content that names this run */
    pthread_t thread;
    int thread_on;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int quit;
    volatile sig_atomic_t lost;
    double lease;
};

typedef struct {
    long pid;
    char host[256], boot[64], since[32];
    unsigned long long start;
} holder;

/* How long to wait for a live holder of this host to end (MIMOD_LOCK_WAIT). */
static int live_wait_seconds(void) {
    const char *e = getenv("MIMOD_LOCK_WAIT");
    int v = e ? atoi(e) : 10;
    return v >= 0 ? v : 10;
}

static double lease_seconds(void) {
    const char *e = getenv("MIMOD_LOCK_LEASE"); /* tests shorten it */
    double v = e ? atof(e) : 0;
    return v >= 1 ? v : 60.0;
}

static void boot_id(char *buf, size_t n) {
    snprintf(buf, n, "-");
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (!f) return;
    if (fgets(buf, (int)n, f)) buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* Start time of a process (clock ticks since boot), 0 if unknown or gone. */
static unsigned long long proc_start(long pid) {
    char p[64], line[1024];
    snprintf(p, sizeof p, "/proc/%ld/stat", pid);
    FILE *f = fopen(p, "r");
    if (!f) return 0;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    char *s = strrchr(line, ')');
    if (!s) return 0;
    /* fields after the command: state is field 3, starttime field 22 */
    unsigned long long v = 0;
    int field = 2;
    for (char *t = s + 1; *t; t++) {
        if (*t == ' ') {
            field++;
            if (field == 22) {
                v = strtoull(t + 1, NULL, 10);
                break;
            }
        }
    }
    return v;
}

static int parse_holder(const char *text, holder *h) {
    memset(h, 0, sizeof *h);
    return sscanf(text, "mimod-sweep lock pid=%ld host=%255s boot=%63s start=%llu since=%31s", &h->pid,
                  h->host, h->boot, &h->start, h->since) == 5 ? 0 : -1;
}

static void read_all(int fd, char *buf, size_t n) {
    ssize_t got = pread(fd, buf, n - 1, 0);
    buf[got > 0 ? got : 0] = '\0';
}

static void describe(const holder *h, const char *lockpath, char *buf, size_t n) {
    snprintf(buf, n, "by another run: mimod-sweep pid %ld on host %s (since %s; lock file %s)",
             h->pid, h->host, h->since, lockpath);
}

static void *heartbeat(void *arg) {
    sweep_lock *l = arg;
    pthread_mutex_lock(&l->mu);
    while (!l->quit) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double step = l->lease / 6.0;
        ts.tv_sec += (time_t)step;
        ts.tv_nsec += (long)((step - (double)(time_t)step) * 1e9);
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&l->cv, &l->mu, &ts);
        if (l->quit) break;
        char now[sizeof l->mine];
        read_all(l->fd, now, sizeof now);
        if (strcmp(now, l->mine) != 0) {
            holder h;
            char who[PATH_MAX + 1200] = "by another run";
            if (parse_holder(now, &h) == 0) describe(&h, l->path, who, sizeof who);
            if (!l->lost)
                fprintf(stderr, "mimod-sweep: the lock of the output was taken over: it is now held %s; stopping\n", who);
            l->lost = 1;
        } else {
            futimens(l->fd, NULL);
        }
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

int sweep_lock_acquire(const char *output, sweep_lock **out, mimod_err *err) {
    *out = NULL;
    sweep_lock *l = calloc(1, sizeof *l);
    if (!l) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    snprintf(l->path, sizeof l->path, "%s.lock", output);
    l->lease = lease_seconds();
    l->fd = -1;
    char host[256] = "?", boot[64], since[32];
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    for (char *c = host; *c; c++)
        if (*c == ' ') *c = '_';
    boot_id(boot, sizeof boot);
    time_t t0 = time(NULL);
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t0));
    snprintf(l->mine, sizeof l->mine, "mimod-sweep lock pid=%ld host=%s boot=%s start=%llu since=%s\n",
             (long)getpid(), host, boot, proc_start((long)getpid()), since);
    int rc = MIMOD_OK;
    for (int attempt = 0;; attempt++) {
        if (attempt > 20) { rc = mimod_errf(err, MIMOD_EIO, "%s: cannot take the lock (it keeps changing)", l->path); break; }
        int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            rc = mimod_errf(err, MIMOD_EIO, "cannot create the lock %s: %s", l->path, strerror(errno));
            break;
        }
        struct flock fl = {0};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        int kernel = 1;
        char text[sizeof l->mine], who[PATH_MAX + 1200];
        holder h;
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            if (errno == EAGAIN || errno == EACCES) {
                read_all(fd, text, sizeof text);
                int known = parse_holder(text, &h) == 0, got = 0;
                if (known) describe(&h, l->path, who, sizeof who);
                else snprintf(who, sizeof who, "by another run (lock file %s)", l->path);
                int wait_s = live_wait_seconds();
                if (known && strcmp(h.host, host) == 0 && wait_s > 0) {
                    /* a run of this host that is ending (the ranks of a killed mpirun
                     * outlive it by a moment): give it a few seconds */
                    fprintf(stderr, "mimod-sweep: %s is in use %s; waiting up to %d s for it to "
                            "end\n", output, who, wait_s);
                    for (int w = 0; w < wait_s * 5 && !got; w++) {
                        struct timespec ts = {0, 200000000L};
                        nanosleep(&ts, NULL);
                        got = fcntl(fd, F_SETLK, &fl) == 0;
                    }
                }
                if (!got) {
                    close(fd);
                    rc = mimod_errf(err, MIMOD_EIO, "%s is in use %s", output, who);
                    break;
                }
            } else {
                kernel = 0; /* no kernel locks on this file system: the lease alone */
            }
        }
        /* the file we locked must still be the lock (a holder removes it when done) */
        struct stat a, b;
        if (fstat(fd, &a) != 0 || stat(l->path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
            close(fd);
            continue;
        }
        read_all(fd, text, sizeof text);
        if (parse_holder(text, &h) == 0) {
            describe(&h, l->path, who, sizeof who);
            int live = 0;
            if (strcmp(h.host, host) == 0 && strcmp(h.boot, boot) == 0) {
                /* this host: with a kernel lock taken the holder is gone; else ask the kernel */
                live = !kernel && h.pid != (long)getpid() && (kill((pid_t)h.pid, 0) == 0 || errno == EPERM) &&
                       (h.start == 0 || proc_start(h.pid) == h.start);
            } else if (strcmp(h.host, host) != 0) {
                /* another host: live while it renews its lease */
                double age = difftime(time(NULL), a.st_mtime);
                if (age < l->lease) {
                    fprintf(stderr, "mimod-sweep: %s: the lock names host %s (pid %ld), last renewed "
                            "%.0f s ago; waiting up to %.0f s to see whether it is alive\n",
                            output, h.host, h.pid, age, l->lease - age + 1);
                    time_t first = a.st_mtime;
                    for (double waited = 0; waited < l->lease - age + 1 && !live; waited += 0.5) {
                        struct timespec ts = {0, 500000000L};
                        nanosleep(&ts, NULL);
                        struct stat c;
                        char again[sizeof text];
                        read_all(fd, again, sizeof again);
                        live = (fstat(fd, &c) == 0 && c.st_mtime != first) || strcmp(again, text) != 0;
                    }
                }
            }
            if (live) {
                close(fd);
                rc = mimod_errf(err, MIMOD_EIO, "%s is in use %s", output, who);
                break;
            }
            fprintf(stderr, "mimod-sweep: taking over the lock %s from pid %ld on host %s, which is "
                    "no longer running\n", l->path, h.pid, h.host);
        }
        size_t len = strlen(l->mine);
        if (ftruncate(fd, 0) != 0 || pwrite(fd, l->mine, len, 0) != (ssize_t)len || fsync(fd) != 0) {
            rc = mimod_errf(err, MIMOD_EIO, "cannot write the lock %s: %s", l->path, strerror(errno));
            close(fd);
            break;
        }
        if (!kernel) {
            /* two runs taking over at once: the later write wins; the other sees it */
            struct timespec ts = {0, 300000000L};
            nanosleep(&ts, NULL);
            read_all(fd, text, sizeof text);
            if (strcmp(text, l->mine) != 0) {
                close(fd);
                rc = mimod_errf(err, MIMOD_EIO, "%s is in use: another run took its lock %s at the "
                                "same time", output, l->path);
                break;
            }
        }
        l->fd = fd;
        break;
    }
    if (rc) {
        free(l);
        return rc;
    }
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    /* the heartbeat takes no signals: they go to the main thread */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    l->thread_on = pthread_create(&l->thread, NULL, heartbeat, l) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    *out = l;
    return MIMOD_OK;
}

int sweep_lock_lost(const sweep_lock *l) { return l && l->lost; }

void sweep_lock_release(sweep_lock *l) {
    if (!l) return;
    if (l->thread_on) {
        pthread_mutex_lock(&l->mu);
        l->quit = 1;
        pthread_cond_signal(&l->cv);
        pthread_mutex_unlock(&l->mu);
        pthread_join(l->thread, NULL);
    }
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    char now[sizeof l->mine];
    read_all(l->fd, now, sizeof now);
    if (strcmp(now, l->mine) == 0) unlink(l->path); /* before the kernel lock goes */
    close(l->fd);
    free(l);
}

/* ------------------------------------------------------------- the sweep */

/* OpenBLAS's own call (cblas.h declares it too, but not every cblas.h). */
void openblas_set_num_threads(int);

enum { TAG_REPORT = 11, TAG_ASSIGN = 12, TAG_STOP = 13 };
enum { REP_NONE = -1, REP_DONE = RESULTS_DONE, REP_FAILED = RESULTS_FAILED, REP_STOPPED = 4,
       REP_IOERROR = 5 /* trained, but its rows could not be written: the sweep stops */ };

/* What a worker tells rank 0 after a point (and to ask for the next one). */
typedef struct {
    int32_t task, point, status;
    int32_t pad;
    int64_t fail_step;
    double wall, task_loss, q_cor, q_str;
    char reason[RESULTS_REASON_LEN];
} report_msg;

static volatile sig_atomic_t stop_requested, stop_signal;

static void on_signal(int sig) {
    stop_requested = 1;
    stop_signal = sig;
}

/* Before training (parsing, checks, waiting for the lock, creating the file)
 * nothing needs saving: a signal ends the program at once, exit 3, after
 * removing this run's lock file (a path fixed before the handler can run). */
static char early_lock_path[PATH_MAX + 8];
static volatile sig_atomic_t early_lock_set;

static void on_early_signal(int sig) {
    (void)sig;
    if (early_lock_set) unlink(early_lock_path);
    _exit(SWEEP_EXIT_INTERRUPTED);
}

static void install(void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

void sweep_install_early_signal_handlers(void) { install(on_early_signal); }
void sweep_install_signal_handlers(void) { install(on_signal); }

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

/* A barrier that sleeps instead of spinning. */
static void lazy_barrier(MPI_Comm comm) {
    MPI_Request req;
    int done = 0;
    MPI_Ibarrier(comm, &req);
    while (MPI_Test(&req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done) sleep_ms(5);
}

static void fmt_hms(double s, char *buf, size_t n) {
    if (!isfinite(s) || s < 0) { snprintf(buf, n, "?"); return; }
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

typedef struct {
    const sweep_def *s;
    const sweep_run_opts *o;
    results_file *f;
    int rank, size;
    FILE *log; /* worker log or NULL */
    int remote_stop;
    sweep_lock *lock; /* rank 0 */
} run_ctx;

static void wlog(run_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wlog(run_ctx *x, const char *fmt, ...) {
    if (!x->log) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(x->log, fmt, ap);
    va_end(ap);
    fflush(x->log);
}

/* should_stop hook: a signal here, or rank 0 asked (it got the signal). */
static int worker_should_stop(void *user) {
    run_ctx *x = user;
    if (sweep_lock_lost(x->lock)) stop_requested = 1;
    if (stop_requested || x->remote_stop) return 1;
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

    mimod_err err = {0};
    mimod_config c;
    trial *t = NULL;
    int rc = sweep_point_config(x->s, task, point, &c, &err);
    if (!rc) rc = trial_create(&c, &t, &err);
    if (!rc && access(ckpt, F_OK) == 0) {
        rc = trial_load_checkpoint(t, ckpt, &err);
        if (rc) {
            /* an unusable checkpoint costs time, not results: start afresh */
            wlog(x, "ignoring checkpoint %s: %s\n", ckpt, err.msg);
            fprintf(stderr, "mimod-sweep: rank %d: ignoring checkpoint %s: %s\n", x->rank, ckpt, err.msg);
            trial_free(t);
            t = NULL;
            rc = trial_create(&c, &t, &err);
        } else {
            wlog(x, "continuing from %s at MM step %lld\n", ckpt, (long long)trial_mm_step(t));
        }
    }
    if (!rc) {
        trial_hooks hooks = {0};
        hooks.user = x;
        hooks.should_stop = worker_should_stop;
        hooks.checkpoint_path = ckpt;
        rc = trial_run(t, &hooks, &err);
    }
    if (t) {
        const trial_results *res = trial_get_results(t);
        r->wall = res->wall_seconds;
        if (res->n_done > 0) {
            r->task_loss = res->tc[TC_TASK_LOSS][res->n_done - 1];
            r->q_cor = res->tc[TC_Q_COR][res->n_done - 1];
            r->q_str = res->tc[TC_Q_STR][res->n_done - 1];
        }
    }
    mimod_err werr = {0};
    if (rc == MIMOD_OK) {
        r->status = REP_DONE;
        if (results_write_point(x->f, task, point, t, &werr)) {
            /* Not the trial's fault: keep the finished trial in its checkpoint
             * (the rerun writes it without training again) and stop the sweep. */
            mimod_err cerr = {0};
            int kept = trial_save_checkpoint(t, ckpt, &cerr) == MIMOD_OK;
            r->status = REP_IOERROR;
            char why[2 * sizeof werr.msg + PATH_MAX + 160];
            if (kept)
                snprintf(why, sizeof why, "%s; the finished trial is kept in %s: rerun to write it",
                         werr.msg, ckpt);
            else
                snprintf(why, sizeof why, "%s; saving it to %s failed too (%s): the rerun trains it "
                         "again", werr.msg, ckpt, cerr.msg);
            copy_reason(r->reason, "", why);
            fprintf(stderr, "mimod-sweep: rank %d: writing the results of %s %s failed: %s\n", x->rank,
                    x->s->task[task].name, label, why);
            wlog(x, "writing results failed: %s\n", why);
        }
    } else if (rc == MIMOD_EINTR) {
        r->status = REP_STOPPED;
    } else {
        r->status = REP_FAILED;
        r->fail_step = rc == MIMOD_EDIVERGED && t ? trial_fail_step(t) : -1;
        copy_reason(r->reason, "", err.msg);
        int wrc = rc == MIMOD_EDIVERGED && t
                      ? results_write_failed(x->f, task, point, t, r->fail_step, r->reason, &werr)
                      : results_mark(x->f, task, point, RESULTS_FAILED, r->fail_step, r->reason, &werr);
        if (wrc) fprintf(stderr, "mimod-sweep: rank %d: %s\n", x->rank, werr.msg);
    }
    if (r->status == REP_DONE || r->status == REP_FAILED) unlink(ckpt);
    wlog(x, "end %s %s: status %d wall %.1f s loss %g q_cor %g q_str %g %s\n", x->s->task[task].name,
         label, r->status, r->wall, r->task_loss, r->q_cor, r->q_str, r->reason);
    trial_free(t);
}

/* ------------------------------------------------------------- rank 0 side */

typedef struct { int task, point; double flops; } work_item;

static int by_cost_desc(const void *a, const void *b) {
    const work_item *x = a, *y = b;
    if (x->flops != y->flops) return x->flops < y->flops ? 1 : -1;
    if (x->task != y->task) return x->task - y->task;
    return x->point - y->point;
}

typedef struct {
    int n_total, n_done_before, n_done, n_failed, n_running, n_left;
    double t0, flops_done, wall_done, flops_left;
    int n_workers;
} progress;

static void print_progress(run_ctx *x, progress *pg, const report_msg *r) {
    const sweep_def *s = x->s;
    char label[512], el[32], eta[32];
    sweep_point_label(s, r->task, r->point, label, sizeof label);
    double now = mimod_now();
    /* observed FLOP rate per worker, else the assumed one */
    double rate = pg->wall_done > 0 ? pg->flops_done / pg->wall_done : x->o->gflops * 1e9;
    double eta_s = pg->flops_left / (rate * (pg->n_workers > 0 ? pg->n_workers : 1));
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
    else
        printf("[%d/%d done,%s %d running, %d left] %s %s: stopped, will resume from its checkpoint\n",
               pg->n_done, pg->n_total, failed, pg->n_running, pg->n_left, s->task[r->task].name, label);
    fflush(stdout);
}

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

int sweep_run(const sweep_def *s, const sweep_run_opts *o) {
    run_ctx x = {0};
    x.s = s;
    x.o = o;
    MPI_Comm_rank(MPI_COMM_WORLD, &x.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &x.size);
    MPI_Comm comm = x.size > 1 ? MPI_COMM_WORLD : MPI_COMM_NULL;
    mimod_err err = {0};
    int rc = MIMOD_OK;

    /* task descriptions */
    results_desc_store store[2];
    results_task_desc desc[2];
    memset(store, 0, sizeof store);
    for (int i = 0; i < s->n_tasks && !rc; i++) {
        rc = results_desc_from_config(&s->task[i].base, &desc[i], &store[i], &err);
        if (rc) break;
        desc[i].n_points = s->task[i].n_points;
        desc[i].n_axes = s->task[i].n_axes;
        desc[i].axis_names = s->task[i].axis_names;
        desc[i].coords = s->task[i].coords;
        desc[i].seeds = s->task[i].seeds;
    }
    /* create or resume (rank 0 decides which, everyone follows): rank 0 takes
     * the lock, checks the output and, for a new file, the free space */
    int exists = 0;
    char out_path[PATH_MAX];
    snprintf(out_path, sizeof out_path, "%s", o->output);
    sweep_lock *lock = NULL;
    if (!rc && x.rank == 0) {
        rc = results_resolve_output(o->output, out_path, sizeof out_path, &err);
        if (!rc) rc = sweep_check_output(out_path, &err);
        if (!rc) {
            snprintf(early_lock_path, sizeof early_lock_path, "%s.lock", out_path);
            rc = sweep_lock_acquire(out_path, &lock, &err);
            if (!rc) early_lock_set = 1;
        }
        exists = access(out_path, F_OK) == 0;
        if (!rc && !exists)
            rc = results_check_space(out_path, results_file_bytes(s->n_tasks, desc, strlen(s->text)), &err);
    }
    int flags[2] = {rc, exists};
    MPI_Bcast(flags, 2, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Bcast(out_path, sizeof out_path, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (flags[0] && !rc) rc = flags[0];
    exists = flags[1];
    results_meta meta = {s->text, s->hash, x.size, 0};
    results_file *f = NULL;
    if (!rc) {
        rc = exists ? results_open_existing(out_path, comm, &meta, s->n_tasks, desc, &f, &err)
                    : results_create(out_path, comm, &meta, s->n_tasks, desc, &f, &err);
    }
    if (rc) {
        if (x.rank == 0) fprintf(stderr, "mimod-sweep: %s\n", err.msg);
        for (int i = 0; i < s->n_tasks; i++) results_desc_free(&store[i]);
        early_lock_set = 0;
        sweep_lock_release(lock);
        return SWEEP_EXIT_ERROR;
    }
    /* from here on a signal stops the trials at their next step, with a checkpoint */
    sweep_install_signal_handlers();
    x.lock = lock;
    x.f = f;
    if (x.rank == 0) {
        char dir[PATH_MAX + 16];
        snprintf(dir, sizeof dir, "%s.ckpt", o->output);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            fprintf(stderr, "mimod-sweep: cannot create %s (no checkpoints): %s\n", dir, strerror(errno));
    }
    /* BLAS threads: rank 0 does no algebra when it only schedules */
    openblas_set_num_threads(x.size > 1 && x.rank == 0 ? 1 : (o->threads > 0 ? o->threads : 1));
    if (o->log_dir && (x.rank > 0 || x.size == 1)) {
        char lp[PATH_MAX + 32];
        snprintf(lp, sizeof lp, "%s/rank-%d.log", o->log_dir, x.rank);
        x.log = fopen(lp, "a");
        if (!x.log) fprintf(stderr, "mimod-sweep: rank %d: cannot open %s\n", x.rank, lp);
    }
    MPI_Barrier(MPI_COMM_WORLD); /* the checkpoint directory exists */
    report_blas_kernels(&x);

    int exit_code = SWEEP_EXIT_DONE;
    if (x.rank == 0) {
        /* the work list: not done (and not failed unless retrying), costliest first */
        int n_all = 0;
        for (int i = 0; i < s->n_tasks; i++) n_all += s->task[i].n_points;
        work_item *items = calloc((size_t)n_all, sizeof *items);
        int n_items = 0, n_done_before = 0, n_failed_before = 0;
        for (int i = 0; i < s->n_tasks && items; i++) {
            int *st = calloc((size_t)s->task[i].n_points, sizeof *st);
            if (!st || results_read_status(f, i, st, &err)) {
                fprintf(stderr, "mimod-sweep: %s\n", st ? err.msg : "out of memory");
                free(st);
                free(items);
                items = NULL;
                break;
            }
            for (int p = 0; p < s->task[i].n_points; p++) {
                if (st[p] == RESULTS_DONE) { n_done_before++; continue; }
                if (st[p] == RESULTS_FAILED && !o->retry_failed) { n_failed_before++; continue; }
                mimod_config c;
                sweep_point_config(s, i, p, &c, NULL);
                items[n_items++] = (work_item){i, p, sweep_trial_flops(&c)};
            }
            free(st);
        }
        progress pg = {0};
        pg.t0 = mimod_now();
        double cpu0 = cpu_seconds();
        pg.n_total = n_all;
        pg.n_done = n_done_before;
        pg.n_failed = n_failed_before;
        pg.n_left = n_items;
        pg.n_workers = x.size > 1 ? x.size - 1 : 1;
        if (items) {
            qsort(items, (size_t)n_items, sizeof *items, by_cost_desc);
            for (int k = 0; k < n_items; k++) pg.flops_left += items[k].flops;
            printf("mimod-sweep: %d grid points, %d done before, %d to run on %d %s%s\n", n_all,
                   n_done_before, n_items, pg.n_workers, x.size > 1 ? "worker" : "rank",
                   pg.n_workers > 1 ? "s" : "");
            if (n_failed_before)
                printf("mimod-sweep: %d failed points skipped (--retry-failed reruns them)\n", n_failed_before);
            fflush(stdout);
        }
        int next = 0, halt = 0; /* halt: a write failed or the lock was lost: stop, exit 1 */
        double *item_flops_running = calloc((size_t)x.size, sizeof *item_flops_running);
        if (x.size == 1) {
            /* one rank: train every point here */
            for (; items && next < n_items && !stop_requested && !halt; next++) {
                report_msg r;
                pg.n_running = 1;
                pg.n_left--;
                results_mark(f, items[next].task, items[next].point, RESULTS_RUNNING, -1, NULL, &err);
                run_point(&x, items[next].task, items[next].point, &r);
                pg.n_running = 0;
                pg.flops_left -= items[next].flops;
                if (r.status == REP_DONE) { pg.n_done++; pg.flops_done += items[next].flops; pg.wall_done += r.wall; }
                else if (r.status == REP_FAILED) pg.n_failed++;
                else {
                    results_mark(f, r.task, r.point, RESULTS_PENDING, -1, NULL, &err);
                    pg.n_left++;
                    if (r.status == REP_IOERROR) halt = 1;
                }
                if (sweep_lock_lost(x.lock)) halt = 1;
                print_progress(&x, &pg, &r);
            }
            if (items && next < n_items) exit_code = SWEEP_EXIT_INTERRUPTED;
        } else {
            int active = x.size - 1, stopping = items == NULL;
            int *busy = calloc((size_t)x.size, sizeof *busy);
            while (active > 0) {
                if (sweep_lock_lost(x.lock)) halt = 1;
                if ((stop_requested || halt) && !stopping) {
                    stopping = 1;
                    printf("mimod-sweep: %s; running trials checkpoint and stop\n",
                           halt ? "stopping after an error" : "stop requested");
                    fflush(stdout);
                    for (int w = 1; w < x.size; w++) {
                        int one = 1;
                        if (busy && busy[w]) MPI_Send(&one, 1, MPI_INT, w, TAG_STOP, MPI_COMM_WORLD);
                    }
                }
                int flag = 0;
                MPI_Status status;
                MPI_Iprobe(MPI_ANY_SOURCE, TAG_REPORT, MPI_COMM_WORLD, &flag, &status);
                if (!flag) { sleep_ms(5); continue; }
                report_msg r;
                int w = status.MPI_SOURCE;
                MPI_Recv(&r, (int)sizeof r, MPI_BYTE, w, TAG_REPORT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (r.status != REP_NONE) {
                    if (busy) busy[w] = 0;
                    pg.n_running--;
                    pg.flops_left -= item_flops_running[w];
                    if (r.status == REP_DONE) { pg.n_done++; pg.flops_done += item_flops_running[w]; pg.wall_done += r.wall; }
                    else if (r.status == REP_FAILED) pg.n_failed++;
                    else {
                        results_mark(f, r.task, r.point, RESULTS_PENDING, -1, NULL, &err);
                        pg.n_left++;
                        pg.flops_left += item_flops_running[w];
                        exit_code = SWEEP_EXIT_INTERRUPTED;
                        if (r.status == REP_IOERROR) halt = 1;
                    }
                    print_progress(&x, &pg, &r);
                }
                int assign[2] = {-1, -1};
                if (!stopping && !stop_requested && next < n_items) {
                    assign[0] = items[next].task;
                    assign[1] = items[next].point;
                    item_flops_running[w] = items[next].flops;
                    if (results_mark(f, assign[0], assign[1], RESULTS_RUNNING, -1, NULL, &err))
                        fprintf(stderr, "mimod-sweep: %s\n", err.msg);
                    next++;
                    pg.n_left--;
                    pg.n_running++;
                    if (busy) busy[w] = 1;
                } else {
                    active--;
                }
                MPI_Send(assign, 2, MPI_INT, w, TAG_ASSIGN, MPI_COMM_WORLD);
            }
            if (items && next < n_items) exit_code = SWEEP_EXIT_INTERRUPTED;
            free(busy);
        }
        if (!items || halt) exit_code = SWEEP_EXIT_ERROR;
        else if (exit_code == SWEEP_EXIT_DONE && pg.n_failed > 0) exit_code = SWEEP_EXIT_FAILED;

        char el[32];
        fmt_hms(mimod_now() - pg.t0, el, sizeof el);
        printf("mimod-sweep: %d/%d done, %d failed, elapsed %s; exit %d (%s)\n", pg.n_done, n_all,
               pg.n_failed, el, exit_code,
               exit_code == 0 ? "all done" : exit_code == 2 ? "some points failed"
               : exit_code == 3 ? "interrupted: rerun the same command to resume" : "error");
        if (x.size > 1) {
            /* the scheduler's own cost while trials ran (MPI start-up excluded) */
            double cpu = cpu_seconds() - cpu0, wall = mimod_now() - pg.t0;
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
        free(item_flops_running);
        free(items);
    } else {
        /* worker: report (nothing at first), get a point, train it, repeat */
        report_msg r;
        memset(&r, 0, sizeof r);
        r.status = REP_NONE;
        for (;;) {
            MPI_Send(&r, (int)sizeof r, MPI_BYTE, 0, TAG_REPORT, MPI_COMM_WORLD);
            int assign[2];
            MPI_Recv(assign, 2, MPI_INT, 0, TAG_ASSIGN, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (assign[0] < 0) break;
            run_point(&x, assign[0], assign[1], &r);
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
    if (x.log) fclose(x.log);
    lazy_barrier(MPI_COMM_WORLD);
    if (results_close(f, &err) && x.rank == 0) {
        fprintf(stderr, "mimod-sweep: %s\n", err.msg);
        if (exit_code == SWEEP_EXIT_DONE) exit_code = SWEEP_EXIT_ERROR;
    }
    if (x.rank == 0 && exit_code != SWEEP_EXIT_INTERRUPTED) {
        char dir[PATH_MAX + 16];
        snprintf(dir, sizeof dir, "%s.ckpt", o->output);
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
    if (x.rank == 0) {
        early_lock_set = 0;
        sweep_lock_release(lock);
    }
    for (int i = 0; i < s->n_tasks; i++) results_desc_free(&store[i]);
    MPI_Bcast(&exit_code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return exit_code;
}
