/* mimod-train — run one trial and write its result file (docs/hdf5-layout.md,
 * one grid point). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mimod/blas.h"
#include "mimod/config.h"
#include "mimod/results_h5.h"
#include "mimod/trial.h"

static const char *usage =
    "usage: mimod-train [CONFIG.yaml] [--set KEY=VALUE]... -o TRIAL.h5 [options]\n"
    "\n"
    "Runs one trial (SPEC §2-§5): the main model trained on its task while a MINE\n"
    "statistics network estimates the mutual information between the two unit groups,\n"
    "with the modularity analysis at every record point. Writes TRIAL.h5 in the layout\n"
    "of docs/hdf5-layout.md (one grid point).\n"
    "\n"
    "  CONFIG.yaml           trial configuration (keys: docs/configuration.md); optional\n"
    "  --set KEY=VALUE       override one key (repeatable), e.g. --set preset=quick\n"
    "                        --set task=sep --set seed=3 --set lambda_I=0\n"
    "  -o, --output PATH     result file (required unless --print-config)\n"
    "  --force               overwrite PATH if it exists\n"
    "  --checkpoint PATH     save a checkpoint there every checkpoint_minutes and on\n"
    "                        SIGTERM/SIGINT/SIGUSR1; resume from it if it exists\n"
    "  --threads N           OpenBLAS threads (default 1)\n"
    "  --print-config        print the full configuration as YAML and exit\n"
    "  -q, --quiet           no progress lines\n"
    "  -h, --help            this text\n"
    "\n"
    "Exit status: 0 done, 1 error, 2 trial diverged, 3 interrupted (resume with --checkpoint).\n";

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}
static int should_stop(void *user) {
    (void)user;
    return stop_requested;
}

typedef struct {
    double start;
    int quiet;
} progress;

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
    const char *fig = c->task == TASK_WM ? "acc" : "R2";
    double figv = c->task == TASK_WM ? r->tc[TC_ACCURACY][j] : r->tc[TC_R2_MEAN][j];
    printf("MM step %5lld/%d  loss %.4f  %s %.3f  MI %.3f  Q_cor %+.3f  Q_str %+.3f  "
           "D_cor %.3f  elapsed %.0fs  ETA %.0fs\n",
           (long long)step, c->n_mm_steps, r->tc[TC_TASK_LOSS][j], fig, figv, r->tc[TC_MI][j],
           r->tc[TC_Q_COR][j], r->tc[TC_Q_STR][j], r->tc[TC_D_COR][j], el, eta);
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *output = NULL, *ckpt = NULL, *config_path = NULL;
    int force = 0, quiet = 0, print_config = 0, threads = 1;
    char **sets = calloc((size_t)argc, sizeof *sets);
    int n_sets = 0;
    static const struct option opts[] = {
        {"set", required_argument, 0, 's'},     {"output", required_argument, 0, 'o'},
        {"force", no_argument, 0, 'f'},         {"checkpoint", required_argument, 0, 'c'},
        {"threads", required_argument, 0, 't'}, {"print-config", no_argument, 0, 'p'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
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
        case 'h': fputs(usage, stdout); free(sets); return 0;
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
    struct stat st;
    int existed = stat(out_path, &st) == 0;
    if (!force && existed) {
        fprintf(stderr, "mimod-train: %s exists; not overwriting it (use --force)\n", output);
        free(yaml);
        return 1;
    }
    /* fail before training if the output cannot be created, or its file system has no room */
    {
        FILE *probe = fopen(out_path, "ab");
        if (!probe) {
            fprintf(stderr, "mimod-train: cannot write the output file %s: %s\n", output, strerror(errno));
            free(yaml);
            return 1;
        }
        fclose(probe);
        if (!existed) unlink(out_path); /* only a probe: the writer creates it */
        results_desc_store store;
        results_task_desc d;
        if (results_desc_from_config(&cfg, &d, &store, &err) == MIMOD_OK) {
            d.n_points = 1;
            d.n_axes = 3;
            double bytes = results_file_bytes(1, &d, strlen(yaml));
            results_desc_free(&store);
            if (results_check_space(out_path, bytes, &err)) {
                fprintf(stderr, "mimod-train: %s\n", err.msg);
                free(yaml);
                return 1;
            }
        }
    }

    trial *t = NULL;
    if (trial_create(&cfg, &t, &err)) {
        fprintf(stderr, "mimod-train: %s\n", err.msg);
        free(yaml);
        return 1;
    }
    if (ckpt && access(ckpt, F_OK) == 0) {
        if (trial_load_checkpoint(t, ckpt, &err)) {
            fprintf(stderr, "mimod-train: %s\n", err.msg);
            trial_free(t);
            free(yaml);
            return 1;
        }
        if (!quiet)
            printf("resuming from %s at MM step %lld\n", ckpt, (long long)trial_mm_step(t));
    }
    /* With a checkpoint, a signal saves it and stops (exit 3: rerun to resume).
     * Without one there is nothing to save: the signal ends the program. */
    if (ckpt) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGUSR1, &sa, NULL);
    }

    progress prog = {mimod_now(), quiet};
    trial_hooks hooks = {.user = &prog, .on_record = on_record, .should_stop = should_stop,
                         .checkpoint_path = ckpt};
    if (!quiet)
        printf("mimod-train: task %s, preset %s, seed %llu, N=%d, %d MM steps, lambda_I=%g, "
               "lambda_reg=%g (%s build)\n",
               cfg.task == TASK_WM ? "wm" : "sep", cfg.preset, (unsigned long long)cfg.seed,
               cfg.n_units, cfg.n_mm_steps, cfg.lambda_I, cfg.lambda_reg, MIMOD_REAL_NAME);
    if (!quiet) printf("mimod-train: OpenBLAS kernel %s\n", mimod_blas_summary());
    else if (mimod_blas_slow()) fprintf(stderr, "mimod-train: OpenBLAS kernel %s\n", mimod_blas_summary());
    int rc = trial_run(t, &hooks, &err);
    int status = 0;
    if (rc == MIMOD_EINTR) {
        fprintf(stderr, "mimod-train: %s%s\n", err.msg,
                ckpt ? "; checkpoint saved, rerun the same command to resume" : "");
        status = 3;
    } else if (rc == MIMOD_EDIVERGED) {
        fprintf(stderr, "mimod-train: %s\n", err.msg);
        status = 2;
    } else if (rc) {
        fprintf(stderr, "mimod-train: %s\n", err.msg);
        status = 1;
    }
    if (status == 0 || status == 2) {
        /* written whole under a temporary name, then renamed: the output is
         * complete or absent */
        char tmp[PATH_MAX + 16];
        snprintf(tmp, sizeof tmp, "%s.writing", out_path);
        int wrc = results_write_single_trial_ex(tmp, yaml, t, 1, &err);
        if (!wrc && rename(tmp, out_path) != 0)
            wrc = mimod_errf(&err, MIMOD_EIO, "rename %s -> %s: %s", tmp, out_path, strerror(errno));
        if (wrc) {
            unlink(tmp);
            fprintf(stderr, "mimod-train: writing %s failed: %s\n", output, err.msg);
            /* keep the trained trial: the rerun writes it without training again */
            char keep[PATH_MAX + 16];
            snprintf(keep, sizeof keep, "%s.ckpt", out_path);
            const char *kp = ckpt ? ckpt : keep;
            mimod_err cerr = {0};
            if (trial_save_checkpoint(t, kp, &cerr) == MIMOD_OK)
                fprintf(stderr, "mimod-train: the %s trial is kept in the checkpoint %s: once the "
                        "cause is fixed, rerun the same command%s%s; it writes %s without training "
                        "again\n", status == 0 ? "finished" : "diverged", kp,
                        ckpt ? "" : " with --checkpoint ", ckpt ? "" : kp, output);
            else
                fprintf(stderr, "mimod-train: saving the trial to %s failed too (%s): it is lost\n",
                        kp, cerr.msg);
            status = 1;
        } else if (!quiet) {
            const trial_results *r = trial_get_results(t);
            if (status == 0)
                printf("done in %.1fs: I_n %.3f; results in %s\n", r->wall_seconds, r->i_n, output);
        }
    }
    trial_free(t);
    free(yaml);
    return status;
}
