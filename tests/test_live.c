/* test_live.c MIMOD_SWEEP MIMOD_TRAIN MIMOD_SUMMARY — a result file read while
 * it is written (issue 15). A small sweep (and a mimod-train trial) runs in a
 * child process while this test reads the file over and over, as another
 * shell would, through the summary's reader (no HDF5 file lock):
 *  - every snapshot is consistent: a point's time-course rows are a finite
 *    prefix then NaN, at least records_done long, and equal (bit for bit) to
 *    the rows of an uninterrupted run made first; finished points are whole;
 *  - running points are seen part-way (0 < records_done < R, NaN after);
 *  - `mimod-summary FILE --status` on the file being written lists them as
 *    running with their MM step;
 *  - the run is unaffected: it exits 0 and its file equals the reference
 *    (h5diff, wall_seconds aside).
 * One rank (the serial writer, which holds HDF5's file lock) and three ranks
 * under mpirun (MPI-IO). */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "mimod/summary_plot.h"
#include "mimod/summary_read.h"
#include "mimod/summary_status.h"

static const char *SWEEP, *TRAIN, *SUMMARY;

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static pid_t spawn(char *const argv[], const char *log) {
    fflush(stdout); /* else the child's freopen writes our buffered lines again */
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr)) _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int run_wait(char *const argv[], const char *log) {
    pid_t pid = spawn(argv, log);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

typedef struct {
    summary_task t[2];
    int n;
} file_tasks;

/* Read every task group; 0 on success (a file not yet there is not an error
 * the caller reports: it retries). */
static int read_all(const char *path, file_tasks *ft) {
    memset(ft, 0, sizeof *ft);
    if (access(path, F_OK) != 0) return 1;
    int64_t f;
    mimod_err err = {0};
    if (summary_open(path, &f, &err)) return 1;
    const char *names[2] = {"wm", "sep"};
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        if (!summary_has_task(f, names[k])) continue;
        rc = summary_read_task(f, names[k], &ft->t[ft->n], &err);
        if (rc) fprintf(stderr, "reading %s: %s\n", path, err.msg);
        else ft->n++;
    }
    summary_close(f);
    if (rc)
        for (int k = 0; k < ft->n; k++) summary_task_free(&ft->t[k]);
    return rc ? 2 : 0;
}

static void free_all(file_tasks *ft) {
    for (int k = 0; k < ft->n; k++) summary_task_free(&ft->t[k]);
    ft->n = 0;
}

typedef struct {
    int snapshots, partial_seen, nan_after_seen, status_checked;
} seen;

/* One snapshot against the reference. */
static void check_snapshot(const file_tasks *now, const file_tasks *ref, const char *path,
                           seen *sn) {
    CHECK(now->n == ref->n, "%s: %d task groups, reference %d", path, now->n, ref->n);
    for (int k = 0; k < now->n && k < ref->n; k++) {
        const summary_task *t = &now->t[k], *r = &ref->t[k];
        size_t P = (size_t)t->n_points, R = (size_t)t->n_records;
        for (size_t p = 0; p < P; p++) {
            int st = t->status[p];
            int32_t done = t->records_done[p];
            CHECK(st >= RESULTS_PENDING && st <= RESULTS_DONE, "%s /%s point %zu: status %d", path,
                  t->name, p, st);
            if (st == RESULTS_DONE)
                CHECK((size_t)done == R, "%s /%s point %zu done with records_done %d of %zu", path,
                      t->name, p, (int)done, R);
            if (st == RESULTS_PENDING) continue; /* not started (or put back): rows not trusted */
            for (int q = 0; q < SQ_COUNT; q++) {
                if (q == SQ_I_N) continue;
                const double *row = t->timecourse + ((size_t)q * P + p) * R;
                const double *rrow = r->timecourse + ((size_t)q * P + p) * R;
                /* the rows of records done are the uninterrupted run's, bit for bit */
                for (int32_t j = 0; j < done; j++)
                    CHECK(same_bits(row[j], rrow[j]), "%s /%s point %zu %s record %d: %.17g, "
                          "reference %.17g", path, t->name, p, summary_quantity_name(q), (int)j,
                          row[j], rrow[j]);
                if (q != SQ_TASK_LOSS) continue;
                /* a finite prefix (≥ records_done: rows land before the count), NaN after */
                size_t n_fin = 0;
                while (n_fin < R && isfinite(row[n_fin])) n_fin++;
                CHECK(n_fin >= (size_t)done, "%s /%s point %zu: %zu finite rows, records_done %d",
                      path, t->name, p, n_fin, (int)done);
                for (size_t j = n_fin; j < R; j++)
                    CHECK(isnan(row[j]), "%s /%s point %zu: row %zu after a NaN is %g", path,
                          t->name, p, j, row[j]);
                if (st == RESULTS_RUNNING && done > 0 && (size_t)done < R) {
                    sn->partial_seen++;
                    if (n_fin < R) sn->nan_after_seen++;
                }
            }
        }
    }
    sn->snapshots++;
}

/* The start of a text file, for a failure message ("" if unreadable). */
static const char *first_line(const char *path) {
    static char text[512];
    text[0] = 0;
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = 0;
        fclose(f);
    }
    return text;
}

/* `mimod-summary FILE --status` while the file is written: a running point
 * with its MM step. */
static void check_status_cli(const char *path, seen *sn, pid_t writer, int stop_sent) {
    char cmd[4096], out[] = "status_cli.txt";
    /* the first time, with --figures: the running points' partial curves */
    int figs = sn->status_checked == 0 && summary_have_png_device();
    snprintf(cmd, sizeof cmd, "rm -rf figs; '%s' '%s' --status %s > %s 2>&1", SUMMARY, path,
             figs ? "--figures figs" : "", out);
    int rc = system(cmd);
    if (figs && rc >= 0 && WIFEXITED(rc) && (WEXITSTATUS(rc) == 4 || WEXITSTATUS(rc) == 0))
        CHECK(system("ls figs/*_live.png figs/*_live.svg >/dev/null 2>&1") == 0,
              "--status --figures drew no partial curves of the running points");
    FILE *f = fopen(out, "r");
    char line[1024];
    int running = 0, header = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strstr(line, "MM step") && strstr(line, "ETA")) header = 1;
        long long a, b, c;
        char st[32];
        if (sscanf(line, "%lld %31s %lld/%lld", &a, st, &b, &c) == 4 && strcmp(st, "running") == 0 &&
            b >= 0 && b < c)
            running = 1;
    }
    if (f) fclose(f);
    /* exit 4: a run is writing the file; 0 once every point is done (docs/summary.md) */
    int code = rc >= 0 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    /* exit 3 (unfinished, no run writes it) is right when the writer ended
     * while the command ran (a fast machine finishes a tiny trial in that
     * time) or is stopping on our SIGUSR1; waitid with WNOWAIT looks without
     * reaping it, which watch_ex does */
    siginfo_t info = {0};
    int writer_ended = waitid(P_PID, (id_t)writer, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                       info.si_pid == writer;
    int writer_gone = code == 3 && (writer_ended || stop_sent);
    if ((code == 4 || code == 0) && header && running) sn->status_checked++;
    else if (code != 4 && code != 0 && !writer_gone)
        CHECK(0, "mimod-summary --status on a file being written: exit %d, expected 4 (or 0): %s", code,
              first_line(out));
}

/* Run argv (writing `path`) in the background and read `path` until it ends. */
static void watch_ex(char *const argv[], const char *path, const char *log, const file_tasks *ref,
                     seen *sn, int stop_at, int want_exit);

static void watch(char *const argv[], const char *path, const char *log, const file_tasks *ref,
                  seen *sn) {
    watch_ex(argv, path, log, ref, sn, 0, 0);
}

/* stop_at > 0: send SIGUSR1 once a running point has that many records
 * written (the run stops, checkpointing, and should exit want_exit). */
static void watch_ex(char *const argv[], const char *path, const char *log, const file_tasks *ref,
                     seen *sn, int stop_at, int want_exit) {
    pid_t pid = spawn(argv, log);
    CHECK(pid > 0, "fork: %s", strerror(errno));
    if (pid <= 0) return;
    int st = 0, ended = 0, stop_sent = 0;
    while (!ended) {
        if (waitpid(pid, &st, WNOHANG) == pid) ended = 1;
        file_tasks now;
        if (read_all(path, &now) == 0) {
            check_snapshot(&now, ref, path, sn);
            int any_running = 0, far = 0;
            for (int k = 0; k < now.n; k++)
                for (int64_t p = 0; p < now.t[k].n_points; p++) {
                    any_running |= now.t[k].status[p] == RESULTS_RUNNING &&
                                   now.t[k].records_done[p] > 0;
                    far |= now.t[k].status[p] == RESULTS_RUNNING &&
                           now.t[k].records_done[p] >= stop_at;
                }
            if (stop_at > 0 && far && !ended) {
                kill(pid, SIGUSR1);
                stop_at = 0;
                stop_sent = 1;
            }
            free_all(&now);
            if (any_running && sn->status_checked < 3 && !ended) check_status_cli(path, sn, pid, stop_sent);
        }
        struct timespec ts = {0, 3 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    CHECK(code == want_exit, "%s (writing %s) exit %d, expected %d; see %s", argv[0], path, code,
          want_exit, log);
}

static int h5same(const char *a, const char *b) {
    char cmd[4096];
    int ok = 1;
    const char *groups[2] = {"/wm", "/sep"};
    for (int g = 0; g < 2; g++) {
        snprintf(cmd, sizeof cmd, "h5ls '%s/%s' >/dev/null 2>&1", a, groups[g]);
        if (system(cmd) != 0) continue;
        snprintf(cmd, sizeof cmd, "h5diff -q --exclude-path /wall_seconds '%s' '%s' %s %s >/dev/null 2>&1",
                 a, b, groups[g], groups[g]);
        ok &= system(cmd) == 0;
    }
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: test_live MIMOD_SWEEP MIMOD_TRAIN MIMOD_SUMMARY\n");
        return 2;
    }
    SWEEP = argv[1];
    TRAIN = argv[2];
    SUMMARY = argv[3];
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 1);
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    char dir[] = "/tmp/test_live.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("test_live: work directory");
        return 1;
    }
    FILE *y = fopen("live.yaml", "w");
    if (!y) return 1;
    fputs("output: live.h5\npreset: tiny\ntasks: [wm, sep]\n"
          "overrides: {n_mm_steps: 1200, record_every: 40}\n"
          "grid:\n  seed: [0, 1]\n", y);
    fclose(y);

    /* the uninterrupted reference */
    char *ref_argv[] = {(char *)SWEEP, "live.yaml", "--new-output", "ref.h5", NULL};
    int rc = run_wait(ref_argv, "ref.log");
    CHECK(rc == 0, "reference sweep exit %d", rc);
    file_tasks ref;
    CHECK(read_all("ref.h5", &ref) == 0, "reading the reference");

    /* one rank: the serial writer */
    seen s1 = {0};
    char *one[] = {(char *)SWEEP, "live.yaml", "--new-output", "live1.h5", NULL};
    watch(one, "live1.h5", "live1.log", &ref, &s1);
    CHECK(h5same("ref.h5", "live1.h5"), "one rank: the file read while written differs from the "
          "reference");
    /* stopped part-way (SIGUSR1: checkpoints, exit 3) and resumed: the stopped
     * point keeps its rows, and its resumed run rewrites them from its
     * checkpoint; every snapshot of both runs is consistent, the end equal */
    seen s2 = {0};
    char *stopped[] = {(char *)SWEEP, "live.yaml", "--new-output", "live2.h5", "--heartbeat",
                       "0.1", NULL};
    watch_ex(stopped, "live2.h5", "live2a.log", &ref, &s2, 5, 3);
    file_tasks mid;
    int n_pending_rows = 0;
    if (read_all("live2.h5", &mid) == 0) {
        for (int k = 0; k < mid.n; k++)
            for (int64_t p = 0; p < mid.t[k].n_points; p++) {
                CHECK(mid.t[k].status[p] != RESULTS_RUNNING, "after a stop, /%s point %lld is "
                      "still running", mid.t[k].name, (long long)p);
                if (mid.t[k].status[p] == RESULTS_PENDING && mid.t[k].records_done[p] >= 5)
                    n_pending_rows++;
            }
        free_all(&mid);
    }
    CHECK(n_pending_rows == 1, "after a stop: %d pending points with their rows, expected 1",
          n_pending_rows);
    int ckpts = system("ls live2.h5.ckpt/*.ckpt >/dev/null 2>&1") == 0;
    CHECK(ckpts, "the stopped point left no checkpoint in live2.h5.ckpt/");
    char *resume[] = {(char *)SWEEP, "live.yaml", "--new-output", "live2.h5", "--heartbeat",
                      "0.1", NULL};
    watch(resume, "live2.h5", "live2b.log", &ref, &s2);
    CHECK(h5same("ref.h5", "live2.h5"), "stopped and resumed: the file differs from the reference");
    printf("stopped and resumed: %d snapshots, %d partial rows\n", s2.snapshots, s2.partial_seen);

    /* three ranks: MPI-IO */
    seen s3 = {0};
    char *three[] = {"mpirun", "-n", "3", (char *)SWEEP, "live.yaml", "--new-output", "live3.h5",
                     "--heartbeat", "0.1", NULL};
    watch(three, "live3.h5", "live3.log", &ref, &s3);
    CHECK(h5same("ref.h5", "live3.h5"), "three ranks: the file read while written differs from "
          "the reference");
    /* rank 0's heartbeat (--heartbeat 0.1): blocks with the running points */
    CHECK(system("grep -q 'MM step .* so far, ETA' live3.log") == 0,
          "three ranks: no heartbeat block with a running point in live3.log");
    CHECK(system("grep -q 'MM step .* so far, ETA' live2b.log") == 0,
          "one rank: no heartbeat block with a running point in live2b.log");
    printf("one rank: %d snapshots, %d partial rows (%d with NaN after), %d status tables\n",
           s1.snapshots, s1.partial_seen, s1.nan_after_seen, s1.status_checked);
    printf("three ranks: %d snapshots, %d partial rows (%d with NaN after), %d status tables\n",
           s3.snapshots, s3.partial_seen, s3.nan_after_seen, s3.status_checked);
    CHECK(s1.partial_seen > 0 && s1.nan_after_seen > 0, "one rank: no running point seen part-way");
    CHECK(s3.partial_seen > 0 && s3.nan_after_seen > 0, "three ranks: no running point seen part-way");
    CHECK(s1.status_checked + s3.status_checked > 0, "--status never showed a running point");
    free_all(&ref);

    /* mimod-train: <output>.writing holds the rows as they come, then is renamed */
    char *tref[] = {(char *)TRAIN, "--set", "preset=tiny", "--set", "n_mm_steps=1500", "--set",
                    "record_every=50", "-q", "-o", "tref.h5", NULL};
    rc = run_wait(tref, "tref.log");
    CHECK(rc == 0, "reference mimod-train exit %d", rc);
    file_tasks tr;
    CHECK(read_all("tref.h5", &tr) == 0, "reading the mimod-train reference");
    seen st = {0};
    char *tlive[] = {(char *)TRAIN, "--set", "preset=tiny", "--set", "n_mm_steps=1500", "--set",
                     "record_every=50", "-q", "-o", "tlive.h5", NULL};
    watch(tlive, "tlive.h5.writing", "tlive.log", &tr, &st);
    printf("mimod-train: %d snapshots, %d partial rows (%d with NaN after)\n", st.snapshots,
           st.partial_seen, st.nan_after_seen);
    CHECK(st.partial_seen > 0, "mimod-train: the trial was never seen part-way in tlive.h5.writing");
    CHECK(access("tlive.h5.writing", F_OK) != 0, "mimod-train left tlive.h5.writing");
    CHECK(h5same("tref.h5", "tlive.h5"), "mimod-train: the output differs from the reference");
    free_all(&tr);

    int status = check_report("test_live");
    if (status == 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) { /* leave it */ }
    } else {
        fprintf(stderr, "test_live: files kept in %s\n", dir);
    }
    return status;
}
