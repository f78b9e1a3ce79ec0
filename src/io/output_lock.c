/* output_lock.c — one run per result file (docs/sweep.md, "The lock"). See
 * the comment at struct sweep_lock. */
#include "mimod/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "<output>.lock" beside the result file names its holder: pid, host, boot id
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
    char program[32];       /* "mimod-sweep", "mimod-train": in the file and in messages */
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
    char program[32], host[256], boot[64], since[32];
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
    return sscanf(text, "%31s lock pid=%ld host=%255s boot=%63s start=%llu since=%31s", h->program,
                  &h->pid, h->host, h->boot, &h->start, h->since) == 6 ? 0 : -1;
}

static void read_all(int fd, char *buf, size_t n) {
    ssize_t got = pread(fd, buf, n - 1, 0);
    buf[got > 0 ? got : 0] = '\0';
}

static void describe(const holder *h, const char *lockpath, char *buf, size_t n) {
    snprintf(buf, n, "by another run: %s pid %ld on host %s (since %s; lock file %s)", h->program,
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
                fprintf(stderr, "%s: the lock of the output was taken over: it is now held %s; "
                        "stopping\n", l->program, who);
            l->lost = 1;
        } else {
            futimens(l->fd, NULL);
        }
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

/* Who this run is: host (spaces replaced), boot id; fills l->mine. */
static void name_this_run(sweep_lock *l, char *host, size_t nh, char *boot, size_t nb) {
    char since[32];
    snprintf(host, nh, "?");
    gethostname(host, nh);
    host[nh - 1] = '\0';
    for (char *c = host; *c; c++)
        if (*c == ' ') *c = '_';
    boot_id(boot, nb);
    time_t t0 = time(NULL);
    strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t0));
    snprintf(l->mine, sizeof l->mine, "%s lock pid=%ld host=%s boot=%s start=%llu since=%s\n",
             l->program, (long)getpid(), host, boot, proc_start((long)getpid()), since);
}

/* The kernel lock on fd: 1 taken, 0 not supported here (the lease alone),
 * −1 held by another run that did not end within the wait (err says who). */
static int take_kernel_lock(const sweep_lock *l, int fd, const char *output, const char *host,
                            mimod_err *err) {
    struct flock fl = {0};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) == 0) return 1;
    if (errno != EAGAIN && errno != EACCES) return 0; /* no kernel locks on this file system */
    char text[sizeof l->mine], who[PATH_MAX + 1200];
    holder h;
    read_all(fd, text, sizeof text);
    int known = parse_holder(text, &h) == 0, got = 0;
    if (known) describe(&h, l->path, who, sizeof who);
    else snprintf(who, sizeof who, "by another run (lock file %s)", l->path);
    int wait_s = live_wait_seconds();
    if (known && strcmp(h.host, host) == 0 && wait_s > 0) {
        /* a run of this host that is ending (the ranks of a killed mpirun
         * outlive it by a moment): give it a few seconds */
        fprintf(stderr, "%s: %s is in use %s; waiting up to %d s for it to "
                "end\n", l->program, output, who, wait_s);
        for (int w = 0; w < wait_s * 5 && !got; w++) {
            struct timespec ts = {0, 200000000L};
            nanosleep(&ts, NULL);
            got = fcntl(fd, F_SETLK, &fl) == 0;
        }
    }
    if (got) return 1;
    mimod_errf(err, MIMOD_EIO, "%s is in use %s", output, who);
    return -1;
}

/* The lock file (open as fd, stat a, content text) names holder h: 1 if that
 * run is alive (kernel: whether we hold the kernel lock), else 0. */
static int holder_alive(const sweep_lock *l, int fd, const struct stat *a, const char *text,
                        const holder *h, int kernel, const char *host, const char *boot,
                        const char *output) {
    if (strcmp(h->host, host) == 0 && strcmp(h->boot, boot) == 0) {
        /* this host: with a kernel lock taken the holder is gone; else ask the kernel */
        return !kernel && h->pid != (long)getpid() && (kill((pid_t)h->pid, 0) == 0 || errno == EPERM) &&
               (h->start == 0 || proc_start(h->pid) == h->start);
    }
    if (strcmp(h->host, host) == 0) return 0; /* this host before a reboot: gone */
    /* another host: live while it renews its lease */
    double age = difftime(time(NULL), a->st_mtime);
    if (age >= l->lease) return 0;
    fprintf(stderr, "%s: %s: the lock names host %s (pid %ld), last renewed "
            "%.0f s ago; waiting up to %.0f s to see whether it is alive\n",
            l->program, output, h->host, h->pid, age, l->lease - age + 1);
    time_t first = a->st_mtime;
    int live = 0;
    for (double waited = 0; waited < l->lease - age + 1 && !live; waited += 0.5) {
        struct timespec ts = {0, 500000000L};
        nanosleep(&ts, NULL);
        struct stat c;
        char again[sizeof l->mine];
        read_all(fd, again, sizeof again);
        live = (fstat(fd, &c) == 0 && c.st_mtime != first) || strcmp(again, text) != 0;
    }
    return live;
}

/* Write this run's name into the lock file; without a kernel lock, check a
 * moment later that no other run wrote its own at the same time. */
static int claim(const sweep_lock *l, int fd, int kernel, const char *output, mimod_err *err) {
    size_t len = strlen(l->mine);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, l->mine, len, 0) != (ssize_t)len || fsync(fd) != 0)
        return mimod_errf(err, MIMOD_EIO, "cannot write the lock %s: %s", l->path, strerror(errno));
    if (kernel) return MIMOD_OK;
    /* two runs taking over at once: the later write wins; the other sees it */
    struct timespec ts = {0, 300000000L};
    nanosleep(&ts, NULL);
    char text[sizeof l->mine];
    read_all(fd, text, sizeof text);
    if (strcmp(text, l->mine) != 0)
        return mimod_errf(err, MIMOD_EIO, "%s is in use: another run took its lock %s at the "
                          "same time", output, l->path);
    return MIMOD_OK;
}

/* Start the heartbeat thread; it takes no signals: they go to the main thread. */
static void start_heartbeat(sweep_lock *l) {
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    l->thread_on = pthread_create(&l->thread, NULL, heartbeat, l) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int sweep_lock_acquire(const char *output, sweep_lock **out, mimod_err *err) {
    return output_lock_acquire(output, "mimod-sweep", out, err);
}

int output_lock_acquire(const char *output, const char *program, sweep_lock **out, mimod_err *err) {
    *out = NULL;
    sweep_lock *l = calloc(1, sizeof *l);
    if (!l) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    snprintf(l->program, sizeof l->program, "%s", program);
    snprintf(l->path, sizeof l->path, "%s.lock", output);
    l->lease = lease_seconds();
    l->fd = -1;
    char host[256], boot[64];
    name_this_run(l, host, sizeof host, boot, sizeof boot);
    int rc = MIMOD_OK;
    for (int attempt = 0;; attempt++) {
        if (attempt > 20) { rc = mimod_errf(err, MIMOD_EIO, "%s: cannot take the lock (it keeps changing)", l->path); break; }
        int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            rc = mimod_errf(err, MIMOD_EIO, "cannot create the lock %s: %s", l->path, strerror(errno));
            break;
        }
        int kernel = take_kernel_lock(l, fd, output, host, err);
        if (kernel < 0) {
            close(fd);
            rc = MIMOD_EIO;
            break;
        }
        /* the file we locked must still be the lock (a holder removes it when done) */
        struct stat a, b;
        if (fstat(fd, &a) != 0 || stat(l->path, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
            close(fd);
            continue;
        }
        char text[sizeof l->mine], who[PATH_MAX + 1200];
        holder h;
        read_all(fd, text, sizeof text);
        if (parse_holder(text, &h) == 0) {
            describe(&h, l->path, who, sizeof who);
            if (holder_alive(l, fd, &a, text, &h, kernel, host, boot, output)) {
                close(fd);
                rc = mimod_errf(err, MIMOD_EIO, "%s is in use %s", output, who);
                break;
            }
            fprintf(stderr, "%s: taking over the lock %s from %s pid %ld on host %s, which is "
                    "no longer running\n", l->program, l->path, h.program, h.pid, h.host);
        }
        if ((rc = claim(l, fd, kernel, output, err))) {
            close(fd);
            break;
        }
        l->fd = fd;
        break;
    }
    if (rc) {
        free(l);
        return rc;
    }
    start_heartbeat(l);
    *out = l;
    return MIMOD_OK;
}

int sweep_lock_lost(const sweep_lock *l) { return l && l->lost; }

int sweep_lock_held(sweep_lock *l) {
    if (!l || l->lost) return 0;
    struct stat a, b;
    char now[sizeof l->mine];
    read_all(l->fd, now, sizeof now);
    return strcmp(now, l->mine) == 0 && fstat(l->fd, &a) == 0 && stat(l->path, &b) == 0 &&
           a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Whether the run that a lock file names is alive, seen from another process
 * that does not take the lock (mimod-summary --status): on its host, its
 * process (pid, start time, boot); elsewhere, a kernel lock held on the file or
 * a lease renewed within the last LEASE seconds. */
void output_lock_probe(const char *output, output_lock_info *p) {
    memset(p, 0, sizeof *p);
    char path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s.lock", output);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        p->state = errno == ENOENT ? OUTPUT_LOCK_NONE : OUTPUT_LOCK_UNKNOWN;
        return;
    }
    struct stat a;
    char text[512];
    holder h;
    read_all(fd, text, sizeof text);
    if (fstat(fd, &a) != 0 || parse_holder(text, &h) != 0) {
        close(fd);
        p->state = OUTPUT_LOCK_UNKNOWN;
        return;
    }
    p->renewed = a.st_mtime;
    p->pid = h.pid;
    snprintf(p->program, sizeof p->program, "%s", h.program);
    snprintf(p->host, sizeof p->host, "%s", h.host);
    snprintf(p->since, sizeof p->since, "%s", h.since);
    struct flock fl = {0};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    int kernel_held = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    close(fd);
    char host[256] = "?", boot[64];
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    for (char *c = host; *c; c++)
        if (*c == ' ') *c = '_';
    boot_id(boot, sizeof boot);
    int alive;
    if (strcmp(h.host, host) == 0 && strcmp(h.boot, boot) == 0)
        alive = (kill((pid_t)h.pid, 0) == 0 || errno == EPERM) &&
                (h.start == 0 || proc_start(h.pid) == h.start);
    else if (strcmp(h.host, host) == 0)
        alive = 0; /* this host before a reboot */
    else
        alive = kernel_held || difftime(time(NULL), a.st_mtime) < lease_seconds();
    p->state = alive ? OUTPUT_LOCK_LIVE : OUTPUT_LOCK_DEAD;
}

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

