/* mimod-sweep — run a sweep definition over MPI ranks into one HDF5 file
 * (docs/sweep.md). Exit codes: 0 all done, 1 error, 2 some points failed,
 * 3 interrupted (rerun the same command to resume). */
#include <errno.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "mimod/blas.h"
#include "mimod/cost.h"
#include "mimod/gemm_pool.h"
#include "mimod/makespan.h"
#include "mimod/results_h5.h"
#include "mimod/sweep.h"

static const char usage[] =
    "usage: mimod-sweep SWEEP.yaml [options]\n"
    "       mpirun -n K mimod-sweep SWEEP.yaml [options]   (rank 0 schedules, K-1 train)\n"
    "\n"
    "Runs every grid point of the sweep and writes one HDF5 file (docs/hdf5-layout.md).\n"
    "Rerunning the same command resumes: finished points are skipped.\n"
    "\n"
    "options:\n"
    "  --dry-run          list the grid points and the estimated cost, and the sweep's\n"
    "                     expected duration with and without core lending, then exit\n"
    "  --ranks K          with --dry-run: for K ranks (default: the ranks it runs on,\n"
    "                     or 2, 17 and 65 when alone)\n"
    "  --ranks-per-node R with --dry-run: R ranks per node (lending stays on a node;\n"
    "                     default: all on one node)\n"
    "  --threads N        threads per training rank (default 1; the results do not depend on it)\n"
    "  --no-lend          idle workers do not lend their cores to trials still running\n"
    "                     on their node (default: they do; same results either way;\n"
    "                     needs ranks not bound to one core: mpirun --bind-to none)\n"
    "  --log-dir D        per-rank logs D/rank-R.log (workers are silent otherwise)\n"
    "  --new-output PATH  write to PATH instead of the sweep's output\n"
    "  --retry-failed     also rerun points that failed (diverged) before\n"
    "  --gflops G         sustained GFLOP/s per core for estimates (default 50)\n"
    "  --heartbeat S      rank 0 prints every running point's progress every S seconds\n"
    "                     (default: a tenth of a trial's expected time, 1 to 10 min; 0: never)\n"
    "  --set KEY=VALUE    override a trial key of the sweep file (repeatable; after its\n"
    "                     overrides:, for every task; preset=NAME replaces preset:); not a\n"
    "                     grid axis. Part of the sweep's hash: resume with the same --set\n"
    "  --version, -V      the program's version and the git commit it was built from\n"
    "  --help             this text\n"
    "\n"
    "exit status: 0 all done, 1 error, 2 some points failed, 3 interrupted (resume me)\n"
    "signals: SIGTERM, SIGUSR1, SIGINT, SIGHUP checkpoint the running trials and exit 3\n"
    "         (under mpirun send SIGUSR1: mpirun itself returns 1 on SIGTERM/SIGINT/SIGHUP;\n"
    "         then mimod-summary OUTPUT --status exits 3 when a rerun resumes the sweep)\n";

/* The result file's size (every dataset is allocated when it is created). */
static double file_bytes(const sweep_def *s) {
    results_desc_store *store = calloc((size_t)s->n_tasks, sizeof *store);
    results_task_desc *desc = calloc((size_t)s->n_tasks, sizeof *desc);
    double bytes = -1;
    int ok = store && desc;
    for (int i = 0; i < s->n_tasks && ok; i++) {
        ok = results_desc_from_config(&s->task[i].base, &desc[i], &store[i], NULL) == MIMOD_OK;
        desc[i].n_points = s->task[i].n_points;
        desc[i].n_axes = s->task[i].n_axes;
    }
    if (ok) bytes = results_file_bytes(s->n_tasks, desc, strlen(s->text));
    for (int i = 0; store && i < s->n_tasks; i++) results_desc_free(&store[i]);
    free(store);
    free(desc);
    return bytes;
}

/* "12.3 h" / "45 min" / "30 s" */
static void fmt_hours(double secs, char *buf, size_t n) {
    if (secs < 0) snprintf(buf, n, "?");
    else if (secs >= 3600) snprintf(buf, n, "%.1f h", secs / 3600);
    else if (secs >= 60) snprintf(buf, n, "%.0f min", secs / 60);
    else snprintf(buf, n, "%.0f s", secs);
}

/* The sweep's expected duration on `ranks` ranks (rank 0 schedules), with and
 * without idle ranks lending their cores (makespan.h). */
static void print_makespan(const sweep_def *s, double gflops, int ranks, int threads, int per_node) {
    int n = 0;
    for (int i = 0; i < s->n_tasks; i++) n += s->task[i].n_points;
    makespan_trial *tr = calloc((size_t)(n > 0 ? n : 1), sizeof *tr);
    if (!tr) {
        printf("makespan: out of memory\n");
        return;
    }
    int k = 0;
    for (int i = 0; i < s->n_tasks; i++)
        for (int p = 0; p < s->task[i].n_points; p++) {
            mimod_config c;
            if (sweep_point_config(s, i, p, &c, NULL) != MIMOD_OK) continue;
            tr[k++] = makespan_trial_of(s->task[i].kind, i, p, cost_trial_flops(&c));
        }
    /* the scheduler's order and the lending model (makespan.h) */
    const int workers = ranks > 1 ? ranks - 1 : 1;
    double off = makespan_estimate(tr, k, gflops * 1e9, workers, threads, per_node, 0);
    double on = makespan_estimate(tr, k, gflops * 1e9, workers, threads, per_node, 1);
    char a[32], b[32];
    fmt_hours(off, a, sizeof a);
    fmt_hours(on, b, sizeof b);
    char node[64] = "all on one node";
    if (per_node > 0 && per_node < workers) snprintf(node, sizeof node, "%d per node", per_node);
    printf("makespan on %d rank(s) (%d training, %d thread(s) each, %s): %s without lending, "
           "%s with idle ranks' cores lent (--no-lend turns it off)\n",
           ranks, workers, threads, node, a, b);
    free(tr);
}

static void dry_run(const sweep_def *s, const char *output, double gflops, int ranks, int threads,
                    int per_node) {
    double total = 0;
    int n_total = 0;
    printf("sweep %s -> %s (sweep_hash %s)\n", s->path, output, s->hash);
    for (int i = 0; i < s->n_tasks; i++) {
        const sweep_task *t = &s->task[i];
        double task_flops = 0;
        printf("task %s (preset %s): axes", t->name, t->base.preset);
        for (int a = 0; a < t->n_axes; a++) printf(" %s[%d]", t->axes[a].name, t->axes[a].n_values);
        printf("\n");
        for (int p = 0; p < t->n_points; p++) {
            mimod_config c;
            char label[512];
            sweep_point_config(s, i, p, &c, NULL);
            sweep_point_label(s, i, p, label, sizeof label);
            double fl = cost_trial_flops(&c);
            task_flops += fl;
            printf("  %s[%d] %s  %.3g FLOP, %.3g core-hours", t->name, p, label, fl,
                   fl / (gflops * 1e9) / 3600.0);
            /* K groups: the SM work grows with the statistics networks (docs/mine.md) */
            if (c.n_groups != 2 || c.mi_pairing != MI_PAIRS)
                printf(" (K = %d, %d statistics networks, %s)", c.n_groups, config_n_mi_nets(&c),
                       c.mi_pairing == MI_ONE_VS_REST ? "one_vs_rest" : "pairs");
            printf("\n");
        }
        printf("task %s: %d points, %.3g core-hours\n", t->name, t->n_points,
               task_flops / (gflops * 1e9) / 3600.0);
        total += task_flops;
        n_total += t->n_points;
    }
    printf("total: %d points, %.3g FLOP, %.3g core-hours at %g GFLOP/s per core (--gflops)\n",
           n_total, total, total / (gflops * 1e9) / 3600.0, gflops);
    printf("speed-up of a trial at 2 threads (measured, docs/threads.md):");
    for (int i = 0; i < s->n_tasks; i++) {
        const mimod_task *k = s->task[i].kind;
        printf("%s %s x%.2f", i ? "," : "", k->name, k->speedup2);
        if (k->speedup_cap > 0) printf(" (at most x%.1f with more)", k->speedup_cap);
    }
    printf("\n");
    if (ranks > 0) {
        print_makespan(s, gflops, ranks, threads, per_node);
    } else {
        /* no --ranks: a few sizes (1, 16 and 64 training ranks) */
        static const int sizes[] = {2, 17, 65};
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
            print_makespan(s, gflops, sizes[i], threads, per_node);
    }
    double bytes = file_bytes(s);
    if (bytes >= 0) {
        char size[32];
        results_format_bytes(bytes, size, sizeof size);
        printf("result file: %s (%.0f bytes, allocated in full when it is created)\n", size, bytes);
        mimod_err err = {0};
        if (access(output, F_OK) != 0 && results_check_space(output, bytes, &err))
            printf("warning: %s\n", err.msg);
    }
}

/* A whole number ≥ 1 from an option's value, else -1. */
static int parse_count(const char *v) {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    return end == v || *end || errno || n < 1 || n > 4096 ? -1 : (int)n;
}

int main(int argc, char **argv) {
    /* every line reaches a log file at once (a SLURM log, `> run.log`): stdout
     * to a file is otherwise block-buffered, and a line printed between two
     * explicit flushes (the heartbeat period, say) waited for the next one */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* before MPI_Init: may re-exec with a faster OpenBLAS kernel (blas.h) */
    mimod_blas_setup(argc, argv, 1);
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    /* until the trials run, a signal ends the program at once (sweep_run
     * installs the checkpointing handlers when the result file is ready) */
    sweep_install_early_signal_handlers();

    const char *sweep_path = NULL, *new_output = NULL, *log_dir = NULL;
    int dry = 0, threads = 1, retry = 0, bad = 0, help = 0, lend = 1, ranks = 0, per_node = 0;
    int version = 0, n_sets = 0;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    double gflops = 50, heartbeat = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) help = 1;
        else if (!strcmp(a, "--version") || !strcmp(a, "-V")) version = 1;
        else if (!strcmp(a, "--set") && val && sets) { sets[n_sets++] = val; i++; }
        else if (!strcmp(a, "--dry-run")) dry = 1;
        else if (!strcmp(a, "--retry-failed")) retry = 1;
        else if (!strcmp(a, "--no-lend")) lend = 0;
        else if ((!strcmp(a, "--ranks") || !strcmp(a, "--ranks-per-node")) && val) {
            int v = parse_count(val);
            i++;
            if (v < 1) {
                if (rank == 0)
                    fprintf(stderr, "mimod-sweep: %s: expected a whole number from 1 to 4096, got '%s'\n",
                            a, val);
                bad = 2;
            }
            if (!strcmp(a, "--ranks")) ranks = v;
            else per_node = v;
        }
        else if (!strcmp(a, "--threads") && val) {
            threads = parse_count(val);
            i++;
            if (threads < 1) {
                if (rank == 0)
                    fprintf(stderr, "mimod-sweep: --threads: expected a whole number from 1 to 4096, "
                            "got '%s'\n", val);
                bad = 2;
            }
        }
        else if (!strcmp(a, "--log-dir") && val) { log_dir = val; i++; }
        else if (!strcmp(a, "--new-output") && val) { new_output = val; i++; }
        else if (!strcmp(a, "--gflops") && val) {
            char *end;
            gflops = strtod(val, &end);
            i++;
            if (end == val || *end || !isfinite(gflops) || !(gflops > 0)) {
                if (rank == 0)
                    fprintf(stderr, "mimod-sweep: --gflops: expected a positive number of GFLOP/s "
                            "per core, got '%s'\n", val);
                bad = 2;
            }
        }
        else if (!strcmp(a, "--heartbeat") && val) {
            char *end;
            heartbeat = strtod(val, &end);
            i++;
            if (end == val || *end || !isfinite(heartbeat) || heartbeat < 0) {
                if (rank == 0)
                    fprintf(stderr, "mimod-sweep: --heartbeat: expected seconds ≥ 0, got '%s'\n", val);
                bad = 2;
            }
        }
        else if (a[0] == '-' ) {
            if (rank == 0) fprintf(stderr, "mimod-sweep: unknown or incomplete option '%s'\n", a);
            bad = 1;
        } else if (!sweep_path) {
            /* sweeps/quick.yaml from any directory: the installed copy */
            static char found[4096];
            if (mimod_data_path(a, found, sizeof found) && rank == 0)
                fprintf(stderr, "mimod-sweep: %s is not in this directory: using %s\n", a, found);
            sweep_path = found;
        }
        else {
            if (rank == 0) fprintf(stderr, "mimod-sweep: more than one sweep file ('%s')\n", a);
            bad = 1;
        }
    }
    if (help || version) {
        if (rank == 0 && help) fputs(usage, stdout);
        else if (rank == 0) mimod_print_version("mimod-sweep");
        free(sets);
        MPI_Finalize();
        return 0;
    }
    if (!sets) {
        if (rank == 0) fputs("mimod-sweep: out of memory\n", stderr);
        bad = 2;
    }
    if (bad == 2) {
        if (rank == 0) fputs("mimod-sweep: --help lists the options\n", stderr);
        free(sets);
        MPI_Finalize();
        return 1;
    }
    if (bad || !sweep_path) {
        if (rank == 0) fputs(usage, stderr);
        free(sets);
        MPI_Finalize();
        return 1;
    }

    sweep_def s;
    mimod_err err = {0};
    int load_rc = sweep_load_set(sweep_path, sets, n_sets, &s, &err);
    free(sets);
    if (load_rc) {
        if (rank == 0) fprintf(stderr, "mimod-sweep: %s\n", err.msg);
        MPI_Finalize();
        return 1;
    }
    const char *output = new_output ? new_output : s.output;
    /* Where the run will write, checked before anything (--dry-run too): an
     * output directory that is missing or read-only is located at the sweep
     * file's output: line (or named as --new-output), as other input errors. */
    int bad_out = 0;
    if (rank == 0) {
        if (sweep_check_output(output, &err)) {
            fprintf(stderr, "mimod-sweep: %s: %s\n", new_output ? "--new-output" : s.output_where,
                    err.msg);
            bad_out = 1;
        } else if (log_dir && sweep_check_log_dir(log_dir, &err)) {
            fprintf(stderr, "mimod-sweep: %s\n", err.msg);
            bad_out = 1;
        }
    }
    MPI_Bcast(&bad_out, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (bad_out) {
        sweep_free(&s);
        MPI_Finalize();
        return 1;
    }
    int code;
    if (dry) {
        int size = 1;
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        if (rank == 0) dry_run(&s, output, gflops, ranks > 0 ? ranks : size > 1 ? size : 0, threads, per_node);
        code = 0;
    } else {
        sweep_run_opts o = {output, threads, log_dir, retry, gflops, heartbeat, lend};
        code = sweep_run(&s, &o);
    }
    sweep_free(&s);
    mimod_pool_shutdown();
    MPI_Finalize();
    return code;
}
