/* mimod-train — run one trial and write its result file (docs/hdf5-layout.md,
 * one grid point). */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mimod/blas.h"
#include "mimod/config.h"
#include "mimod/gemm_pool.h"
#include "mimod/results_h5.h"
#include "mimod/tasks.h"
#include "mimod/sweep.h"
#include "mimod/trial.h"
#include "mimod/trial_runner.h"

static const char *usage =
    "usage: mimod-train [CONFIG.yaml] [--set KEY=VALUE]... -o TRIAL.h5 [options]\n"
    "\n"
    "Runs one trial: the main model trained on its task (docs/models.md) while a MINE\n"
    "statistics network estimates the mutual information between the two unit groups\n"
    "(K groups: keys n_groups, mi_pairing; docs/mine.md), with the modularity\n"
    "analysis (docs/analysis.md) at every record point. Writes TRIAL.h5 in the layout\n"
    "of docs/hdf5-layout.md (one grid point): as TRIAL.h5.writing while it trains\n"
    "(its time course as it grows: mimod-summary TRIAL.h5.writing --status), renamed\n"
    "when the trial is written. Holds the lock of TRIAL.h5 (and of TRIAL.h5.writing)\n"
    "meanwhile, as mimod-sweep does: no other run writes either.\n"
    "\n"
    "  CONFIG.yaml           trial configuration (keys: docs/configuration.md); optional\n"
    "  --set KEY=VALUE       override one key (repeatable), e.g. --set preset=quick\n"
    "                        --set task=sep --set seed=3 --set lambda_I=0\n"
    "  -o, --output PATH     result file (required unless --print-config)\n"
    "  --force               overwrite PATH if it exists\n"
    "  --checkpoint PATH     save a checkpoint there every checkpoint_minutes and on\n"
    "                        SIGTERM/SIGINT/SIGUSR1/SIGHUP; resume from it if it exists\n"
    "                        (a checkpoint that cannot be saved is a warning)\n"
    "  --threads N           threads of the trial (default 1; the results do not depend on it)\n"
    "  --print-config        print the full configuration as YAML and exit\n"
    "  -q, --quiet           no progress lines\n"
    "  -V, --version         the program's version and the git commit it was built from\n"
    "  -h, --help            this text\n"
    "\n"
    "Exit status: 0 done, 1 error, 2 trial diverged, 3 interrupted (resume with --checkpoint).\n";

typedef struct {
    double start;
    int quiet;
    const char *yaml;     /* the trial's configuration, the file's sweep_yaml */
    const char *out_path; /* where the result file goes */
    const mimod_config *cfg;
    results_file *live;   /* <out_path>.writing while the trial trains, or NULL */
    int live_failed;      /* it could not be made or written: the file is made at the end */
    sweep_lock *lock[2];  /* the locks of <out_path> and <out_path>.writing */
    int lock_lost;        /* another run took one over: stop, replace nothing */
} progress;

static void writing_path(const progress *p, char *buf, size_t n) {
    snprintf(buf, n, "%s.writing", p->out_path);
}

/* Both locks are still this run's (checked now). */
static int locks_held(const progress *p) {
    return sweep_lock_held(p->lock[0]) && sweep_lock_held(p->lock[1]);
}

/* Close and remove the file being written (a failure, or a stop) — unless
 * another run took the lock over: then the name may be that run's file. */
static void live_discard(progress *p) {
    if (!p->live) return;
    results_close(p->live, NULL);
    p->live = NULL;
    char tmp[PATH_MAX + 16];
    writing_path(p, tmp, sizeof tmp);
    if (locks_held(p)) unlink(tmp);
}

/* The same lock as mimod-sweep's (one run per result file, docs/sweep.md):
 * on the output, and on the name it is written under, so that neither a sweep
 * nor another mimod-train writes either while this one does. */
static int take_locks(const char *out_path, sweep_lock *lock[2], mimod_err *err) {
    char writing[PATH_MAX + 16];
    snprintf(writing, sizeof writing, "%s.writing", out_path);
    int rc = output_lock_acquire(out_path, "mimod-train", &lock[0], err);
    if (!rc) rc = output_lock_acquire(writing, "mimod-train", &lock[1], err);
    if (rc) {
        sweep_lock_release(lock[0]);
        lock[0] = NULL;
    }
    return rc;
}

/* Without --checkpoint a signal ends the program (nothing to save); it first
 * removes the unfinished <output>.writing and this run's lock files, then
 * dies of the signal as before (the shell sees 128 + its number). The paths
 * are fixed before the handler is installed. */
static char cleanup_paths[3][PATH_MAX + 16];

static void on_signal_without_checkpoint(int sig) {
    for (int i = 0; i < 3; i++)
        if (cleanup_paths[i][0]) unlink(cleanup_paths[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The trial's rows so far (issue 15): <output>.writing is made when the
 * trial starts (status running) and holds its time course as it grows; a
 * resumed trial's rows come from its checkpoint. */
static int write_live(void *user, const trial *t, mimod_err *err) {
    progress *p = user;
    if (p->live_failed) return MIMOD_OK;
    int rc = MIMOD_OK;
    if (!p->live) {
        char tmp[PATH_MAX + 16];
        writing_path(p, tmp, sizeof tmp);
        rc = results_create_single_trial(tmp, p->yaml, p->cfg, 1, &p->live, err);
        if (!rc) rc = results_mark(p->live, 0, 0, RESULTS_RUNNING, -1, NULL, err);
    }
    if (!rc) rc = results_write_trial_progress(p->live, 0, 0, t, err);
    if (rc) {
        p->live_failed = 1;
        live_discard(p);
    }
    return rc;
}

static void on_record(void *user, const trial *t, int j) {
    progress *p = user;
    if (p->quiet) return;
    const trial_results *r = trial_get_results(t);
    const mimod_config *c = trial_config(t);
    double el = mimod_now() - p->start;
    int64_t step = r->step[j];
    /* ETA from the share of SM+MM steps done */
    double total = (double)c->n_sm_pre + (double)c->n_mm_steps * (1.0 + c->n_sm_per_mm);
    double done = (double)trial_sm_step(t) + (double)trial_mm_step(t);
    double eta = done > 0 ? el * (total - done) / done : 0;
    const int sq = c->task->success_quantity; /* the task's figure of merit */
    const char *fig = schema_quantities[sq].label;
    double figv = r->tc[sq][j];
    printf("MM step %5lld/%d  loss %.4f  %s %.3f  MI %.3f  Q_cor %+.3f  Q_str %+.3f  "
           "D_cor %.3f  elapsed %.0fs  ETA %.0fs\n",
           (long long)step, c->n_mm_steps, r->tc[TC_TASK_LOSS][j], fig, figv, r->tc[TC_MI][j],
           r->tc[TC_Q_COR][j], r->tc[TC_Q_STR][j], r->tc[TC_D_COR][j], el, eta);
    fflush(stdout);
}

/* A failing progress write is a warning (stderr); the rest is progress. */
static void on_note(void *user, runner_note kind, const char *msg) {
    const progress *p = user;
    if (kind == RUNNER_NOTE_PROGRESS_FAILED || kind == RUNNER_NOTE_CHECKPOINT_SAVE)
        fprintf(stderr, "mimod-train: %s\n", msg);
    else if (!p->quiet) printf("%s\n", msg);
}

/* Another run took a lock over (this one was stopped longer than the lease):
 * stop instead of writing into files that are no longer this run's. */
static int lock_lost(void *user) {
    progress *p = user;
    if (!p->lock_lost && (sweep_lock_lost(p->lock[0]) || sweep_lock_lost(p->lock[1]))) p->lock_lost = 1;
    return p->lock_lost;
}

/* The result file is written whole under a temporary name, then renamed: it
 * is complete or absent. (A diverged trial's reason is made by the writer.) */
static int write_output(void *user, const trial *t, int64_t fail_step, const char *reason,
                        mimod_err *err) {
    (void)fail_step;
    (void)reason;
    progress *p = user;
    char tmp[PATH_MAX + 16];
    writing_path(p, tmp, sizeof tmp);
    int rc;
    if (p->live) { /* the file made when the trial started */
        rc = results_write_single_outcome(p->live, t, err);
        int rc2 = results_close(p->live, rc ? NULL : err);
        p->live = NULL;
        if (!rc) rc = rc2;
    } else {
        rc = results_write_single_trial_ex(tmp, p->yaml, t, 1, err);
    }
    /* rename only while both locks are this run's: else the names belong to another run */
    if (!rc && !locks_held(p)) {
        p->lock_lost = 1;
        return mimod_errf(err, MIMOD_EIO, "the lock of %s was taken over by another run; not "
                          "replacing %s", p->out_path, p->out_path);
    }
    if (!rc && rename(tmp, p->out_path) != 0)
        rc = mimod_errf(err, MIMOD_EIO, "rename %s -> %s: %s", tmp, p->out_path, strerror(errno));
    if (rc && !p->lock_lost) unlink(tmp);
    return rc;
}

/* Before training: refuse an existing output (unless force), one that cannot
 * be created, or a file system without room for it. */
static int check_output(const char *output, const char *out_path, int force,
                        const mimod_config *cfg, const char *yaml, mimod_err *err) {
    struct stat st;
    int existed = stat(out_path, &st) == 0;
    if (!force && existed)
        return mimod_errf(err, MIMOD_EINVAL, "%s exists; not overwriting it (use --force)", output);
    FILE *probe = fopen(out_path, "ab");
    if (!probe)
        return mimod_errf(err, MIMOD_EIO, "cannot write the output file %s: %s", output,
                          strerror(errno));
    fclose(probe);
    if (!existed) unlink(out_path); /* only a probe: the writer creates it */
    results_desc_store store;
    results_task_desc d;
    if (results_desc_from_config(cfg, &d, &store, NULL) != MIMOD_OK) return MIMOD_OK;
    d.n_points = 1;
    d.n_axes = 3;
    double bytes = results_file_bytes(1, &d, strlen(yaml));
    results_desc_free(&store);
    return results_check_space(out_path, bytes, err);
}

/* Before training: --checkpoint must name a file (or nothing yet) in a
 * directory that exists and can be written (a checkpoint that later cannot be
 * saved, a full disk, is only a warning). */
static int check_checkpoint_path(const char *ckpt, mimod_err *err) {
    struct stat st;
    if (stat(ckpt, &st) == 0 && !S_ISREG(st.st_mode))
        return mimod_errf(err, MIMOD_EINVAL, "--checkpoint %s is %s, not a checkpoint file", ckpt,
                          S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", ckpt);
    const char *dir = dirname(copy);
    if (access(dir, W_OK | X_OK) != 0)
        return mimod_errf(err, MIMOD_EINVAL, "--checkpoint %s: its directory %s: %s", ckpt, dir,
                          strerror(errno));
    return MIMOD_OK;
}

/* Run the trial (resuming from ckpt if it exists), write `output`, say what
 * happened; returns the exit status. The caller holds `lock` (take_locks). */
static int train(const mimod_config *c, const char *yaml, const char *output, const char *out_path,
                 const char *ckpt, int quiet, sweep_lock *lock[2]) {
    /* With a checkpoint, a signal saves it and stops (exit 3: rerun to resume).
     * Without one there is nothing to save: the signal ends the program. */
    if (ckpt) {
        trial_runner_catch_signals();
    } else {
        snprintf(cleanup_paths[0], sizeof cleanup_paths[0], "%s.writing", out_path);
        snprintf(cleanup_paths[1], sizeof cleanup_paths[1], "%s.writing.lock", out_path);
        snprintf(cleanup_paths[2], sizeof cleanup_paths[2], "%s.lock", out_path);
        trial_runner_set_stop_signals(on_signal_without_checkpoint);
    }
    char keep[PATH_MAX + 16];
    snprintf(keep, sizeof keep, "%s.ckpt", out_path);
    progress prog = {mimod_now(), quiet, yaml, out_path, c, NULL, 0, {lock[0], lock[1]}, 0};
    trial_runner runner = {.checkpoint = ckpt, .keep_path = ckpt ? ckpt : keep, .user = &prog,
                           .should_stop = lock_lost, .on_record = on_record, .on_note = on_note,
                           .write = write_output, .write_progress = write_live};
    if (!quiet)
        printf("mimod-train: task %s, preset %s, seed %llu, N=%d, %d MM steps, lambda_I=%g, "
               "lambda_reg=%g (%s build)\n",
               c->task->name, c->preset, (unsigned long long)c->seed,
               c->n_units, c->n_mm_steps, c->lambda_I, c->lambda_reg, MIMOD_REAL_NAME);
    if (!quiet && (c->n_groups != 2 || c->mi_pairing != MI_PAIRS))
        printf("mimod-train: K = %d groups of %d units, %d statistics networks (%s)\n", c->n_groups,
               c->n_units / c->n_groups, config_n_mi_nets(c),
               c->mi_pairing == MI_ONE_VS_REST ? "one_vs_rest" : "pairs");
    if (!quiet) printf("mimod-train: OpenBLAS kernel %s\n", mimod_blas_summary());
    else if (mimod_blas_slow()) fprintf(stderr, "mimod-train: OpenBLAS kernel %s\n", mimod_blas_summary());
    fflush(stdout);
    run_result res;
    run_outcome o = trial_runner_run(c, &runner, &res);
    live_discard(&prog); /* stopped or failed: no partial output is left */
    int status = trial_runner_exit_status(o);
    if (o == RUN_STOPPED && prog.lock_lost) {
        fprintf(stderr, "mimod-train: %s: another run took the lock of %s over; stopped%s\n",
                res.cause.msg, output, ckpt && !res.checkpoint_failed ? " (checkpoint saved)" : "");
        status = 1;
    } else if (o == RUN_STOPPED && ckpt && res.checkpoint_failed) {
        fprintf(stderr, "mimod-train: %s; the checkpoint could not be saved (%s): rerunning the "
                "same command resumes from the last checkpoint saved before, if any, else it "
                "starts again\n", res.cause.msg, res.checkpoint_err.msg);
    } else if (o == RUN_STOPPED) {
        fprintf(stderr, "mimod-train: %s%s\n", res.cause.msg,
                ckpt ? "; checkpoint saved, rerun the same command to resume" : "");
    } else if (o != RUN_DONE && !(o == RUN_WRITE_FAILED && res.finished_trained)) {
        fprintf(stderr, "mimod-train: %s\n", res.cause.msg);
    }
    if (o == RUN_WRITE_FAILED) {
        fprintf(stderr, "mimod-train: writing %s failed: %s\n", output, res.write_err.msg);
        /* the trained trial is kept: the rerun writes it without training again */
        if (res.kept)
            fprintf(stderr, "mimod-train: the %s trial is kept in the checkpoint %s: once the "
                    "cause is fixed, rerun the same command%s%s; it writes %s without training "
                    "again\n", res.finished_trained ? "finished" : "diverged", res.kept_path,
                    ckpt ? "" : " with --checkpoint ", ckpt ? "" : res.kept_path, output);
        else
            fprintf(stderr, "mimod-train: saving the trial to %s failed too (%s): it is lost\n",
                    res.kept_path, res.keep_err.msg);
    } else if (o == RUN_DONE && !quiet) {
        printf("done in %.1fs: I_n %.3f; results in %s\n", res.wall_seconds, res.i_n, output);
    }
    return status;
}

int main(int argc, char **argv) {
    /* every line reaches a log file at once (a SLURM log, `> run.log`): stdout
     * to a file is otherwise block-buffered, and a line printed between two
     * explicit flushes (the heartbeat period, say) waited for the next one */
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *output = NULL, *ckpt = NULL, *config_path = NULL;
    int force = 0, quiet = 0, print_config = 0, threads = 1;
    char **sets = calloc((size_t)argc, sizeof *sets);
    int n_sets = 0;
    static const struct option opts[] = {
        {"set", required_argument, 0, 's'},     {"output", required_argument, 0, 'o'},
        {"force", no_argument, 0, 'f'},         {"checkpoint", required_argument, 0, 'c'},
        {"threads", required_argument, 0, 't'}, {"print-config", no_argument, 0, 'p'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "o:qhV", opts, NULL)) != -1) {
        switch (ch) {
        case 's': sets[n_sets++] = optarg; break;
        case 'o': output = optarg; break;
        case 'f': force = 1; break;
        case 'c': ckpt = optarg; break;
        case 't': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            threads = end == optarg || *end || errno || v < 1 || v > 4096 ? -1 : (int)v;
            if (threads < 0) {
                fprintf(stderr, "mimod-train: --threads: expected a whole number from 1 to 4096, "
                        "got '%s'\n", optarg);
                free(sets);
                return 1;
            }
            break;
        }
        case 'p': print_config = 1; break;
        case 'q': quiet = 1; break;
        case 'V': mimod_print_version("mimod-train"); free(sets); return 0;
        case 'h':
            fputs(usage, stdout);
            fputs("\nTasks (key task):\n", stdout);
            for (int i = 0; i < mimod_task_count(); i++)
                printf("  %-20s  %s\n", mimod_task_at(i)->name, mimod_task_at(i)->title);
            free(sets);
            return 0;
        default: fputs(usage, stderr); free(sets); return 1;
        }
    }
    if (optind < argc) config_path = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "mimod-train: unexpected argument '%s'\n%s", argv[optind], usage);
        free(sets);
        return 1;
    }
    /* "--set -o x.h5" would take "-o" as the setting and x.h5 as the configuration */
    for (int i = 0; i < n_sets; i++)
        if (sets[i][0] == '-' || !strchr(sets[i], '=') || sets[i][0] == '=') {
            fprintf(stderr, "mimod-train: --set: expected KEY=VALUE, got '%s'\n", sets[i]);
            free(sets);
            return 1;
        }
    mimod_blas_setup(argc, argv, threads);

    mimod_err err = {0};
    mimod_config cfg;
    if (config_load_with_overrides(&cfg, config_path, n_sets, sets, &err)) {
        fprintf(stderr, "mimod-train: %s\n", err.msg);
        free(sets);
        return 1;
    }
    free(sets);
    char *yaml = NULL;
    if (config_to_yaml(&cfg, &yaml, &err)) {
        fprintf(stderr, "mimod-train: %s\n", err.msg);
        return 1;
    }
    if (print_config) {
        fputs(yaml, stdout);
        free(yaml);
        return 0;
    }
    if (!output) {
        fprintf(stderr, "mimod-train: no output file: give -o TRIAL.h5\n");
        free(yaml);
        return 1;
    }
    char out_path[PATH_MAX];
    if (results_resolve_output(output, out_path, sizeof out_path, &err)) {
        fprintf(stderr, "mimod-train: %s\n", err.msg);
        free(yaml);
        return 1;
    }
    sweep_lock *lock[2] = {NULL, NULL};
    if (take_locks(out_path, lock, &err) ||
        check_output(output, out_path, force, &cfg, yaml, &err) ||
        (ckpt && check_checkpoint_path(ckpt, &err))) {
        fprintf(stderr, "mimod-train: %s\n", err.msg);
        sweep_lock_release(lock[1]);
        sweep_lock_release(lock[0]);
        free(yaml);
        return 1;
    }

    int status = train(&cfg, yaml, output, out_path, ckpt, quiet, lock);
    sweep_lock_release(lock[1]);
    sweep_lock_release(lock[0]);
    free(yaml);
    mimod_pool_shutdown(); /* join the --threads workers: nothing left for leak checkers */
    return status;
}
