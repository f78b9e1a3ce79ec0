/* summary_cli.c — the mimod-summary command line (summary_main). */
#include "mimod/summary.h"
#include "mimod/summary_carried.h"
#include "mimod/summary_claims.h"
#include "mimod/summary_merge.h"
#include "mimod/summary_plot.h"
#include "mimod/summary_status.h"
#include "mimod/summary_tables.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mimod/sweep.h"

#include "mimod/tasks.h"

static void usage(FILE *out) {
    fputs("usage: mimod-summary RESULTS.h5... [--format text|markdown|csv] [--figures DIR]\n"
          "                     [--task NAME] [--welch] [--success-threshold X] [--trial K]\n"
          "       mimod-summary RESULTS.h5... --claims [CLAIMS.yaml] [--format text|markdown|csv]\n"
          "                     [--task NAME]\n"
          "       mimod-summary RESULTS.h5 --status [--figures DIR] [--task NAME]\n"
          "       mimod-summary RESULTS.h5 --trials|--timecourse [--task NAME]\n"
          "       mimod-summary --help | --version\n"
          "\n"
          "Statistics across seeds from a mimod result file (docs/hdf5-layout.md):\n"
          "per condition (grid points that differ only in seed; only finished points,\n"
          "status == 2) n, mean ± sd of every final quantity, success and structural\n"
          "differentiation rates, Pearson r(final mi, task_loss); two-sample t-tests\n"
          "between conditions differing in exactly one of lambda_I / lambda_reg.\n"
          "Several files of one sweep (the same configuration; only the grid's values\n"
          "differ, e.g. seeds run into two files) are summarised together.\n"
          "\n"
          "  --format F             text (default), markdown or csv\n"
          "  --status               only the status of every point (a file being written\n"
          "                         too): status, MM step, latest values, elapsed, ETA;\n"
          "                         with --figures, the running points' curves so far,\n"
          "                         per condition (<task>_live); whether a run writes it\n"
          "                         (its lock). Exit status: 0 all done, 3 unfinished and\n"
          "                         no run writes it (rerun to resume), 4 a run writes it,\n"
          "                         5 finished with failures\n"
          "  --trials               instead of the summary, one CSV row per trial: its\n"
          "                         coordinates, status and every final quantity\n"
          "  --timecourse           instead of the summary, the time courses as CSV in long\n"
          "                         format: task, point, axes, status, record, mm_step,\n"
          "                         quantity, value (the records written so far)\n"
          "  --figures DIR          also draw the figures (PNG + SVG) into DIR\n"
          "  --task T               only task T (wm, sep; default: every task in the file)\n"
          "  --welch                Welch's t-test instead of Student's pooled-variance test\n"
          "  --success-threshold X  success = final accuracy (WM) / r2_mean (SEP) > X (0.9)\n"
          "  --trial K              grid point K for the per-trial figures (default: median\n"
          "                         final q_cor in the first condition with lambda_I > 0)\n"
          "  --claims [FILE]        instead of the summary, check the claims in FILE\n"
          "                         (default sweeps/paper_claims.yaml, the paper's; a relative\n"
          "                         FILE not in this directory is read from the installed\n"
          "                         share/mimod/, docs/install.md): one row per claim with ours,\n"
          "                         the test and the verdict holds / fails / inconclusive /\n"
          "                         not testable (claims of sameness hold only by an\n"
          "                         equivalence test: docs/summary.md, \"Equivalence\")\n"
          "See docs/summary.md.\n",
          out);
}

/* "--opt value" or "--opt=value": returns the value and advances *i, or NULL. */
static const char *option_value(int argc, char **argv, int *i, const char *name) {
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len) != 0) return NULL;
    if (argv[*i][len] == '=') return argv[*i] + len + 1;
    if (argv[*i][len] != '\0') return NULL;
    if (*i + 1 >= argc) return NULL;
    return argv[++*i];
}

/* Task `name` of every file that has it, as one task (several files of one
 * sweep: summary_merge.h). 1 if no file has it, 0 read (*first: the file of
 * its first points), −1 on an error (said on stderr). */
static int read_task_files(int n, const char *const *paths, const int64_t *files, const char *name,
                           summary_task *t, int64_t *first) {
    int have = 0;
    char seen[2048] = ""; /* the files merged so far, for messages */
    for (int f = 0; f < n; f++) {
        if (!summary_has_task(files[f], name)) continue;
        mimod_err err = {0};
        summary_task add, *dst = have ? &add : t;
        if (summary_read_task(files[f], name, dst, &err)) {
            fprintf(stderr, "mimod-summary: %s: %s\n", paths[f], err.msg);
            if (have) summary_task_free(t);
            return -1;
        }
        if (have) {
            int rc = summary_merge_task(t, *first, seen, &add, files[f], paths[f], &err);
            summary_task_free(&add);
            if (rc) {
                fprintf(stderr, "mimod-summary: %s\n", err.msg);
                summary_task_free(t);
                return -1;
            }
        } else {
            *first = files[f];
        }
        snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%s%s", have ? " + " : "", paths[f]);
        have = 1;
    }
    return have ? 0 : 1;
}

/* Open every file; 0, or 1 (said why; those opened are closed). */
static int open_files(int n, const char *const *paths, int64_t *files) {
    for (int f = 0; f < n; f++) {
        mimod_err err = {0};
        if (summary_open(paths[f], &files[f], &err)) {
            fprintf(stderr, "mimod-summary: %s\n", err.msg);
            while (f-- > 0) summary_close(files[f]);
            return 1;
        }
    }
    return 0;
}

/* One line per task group: status counts and its conditions with the
 * effective λ the claims' selectors look at. */
static void print_task_line(FILE *out, const summary_analysis *a, summary_format fmt) {
    const summary_task *t = a->task;
    int md = fmt == SUMMARY_MARKDOWN;
    fprintf(out, "%s/%s (preset %s): %lld point%s — %d finished, %d running, %d failed, "
                 "%d pending; %d condition%s\n",
            md ? "- " : "", t->name, t->preset[0] ? t->preset : "?", (long long)t->n_points,
            t->n_points == 1 ? "" : "s", a->n_finished, a->n_running, a->n_failed, a->n_pending,
            a->n_conditions, a->n_conditions == 1 ? "" : "s");
    for (int c = 0; c < a->n_conditions; c++) {
        const summary_condition *C = &a->conditions[c];
        char label[256], mi[16], l2[16];
        summary_condition_label(a, c, label, sizeof label);
        snprintf(mi, sizeof mi, "%s", isnan(C->lambda_I) ? "MI ?" : C->lambda_I > 0 ? "MI" : "no MI");
        snprintf(l2, sizeof l2, "%s", isnan(C->lambda_reg) ? "L2 ?" : C->lambda_reg > 0 ? "L2" : "no L2");
        fprintf(out, "%s%d. %s [%s, %s; lambda_I=%g, lambda_reg=%g]: %d finished\n",
                md ? "  - " : "    ", c + 1, label, mi, l2, C->lambda_I, C->lambda_reg, C->n_points);
    }
}

/* mimod-summary FILE --claims CLAIMS: the claims are read (and every error in
 * them reported) before the result file is opened. */
static int run_claims(int n_files, const char *const *paths, const char *path,
                      const char *claims_path, const char *only_task, summary_format fmt) {
    mimod_err err = {0};
    summary_claims cs;
    if (summary_claims_load(claims_path, &cs, &err)) {
        fprintf(stderr, "mimod-summary: %s\n", err.msg);
        return 1;
    }
    int64_t files[SUMMARY_MAX_FILES], first;
    if (open_files(n_files, paths, files)) {
        summary_claims_free(&cs);
        return 1;
    }
    /* every task of the table the file has a group for, in table order */
    const int n_tasks = mimod_task_count();
    summary_task t[MIMOD_MAX_TASKS];
    summary_analysis a[MIMOD_MAX_TASKS];
    int have[MIMOD_MAX_TASKS] = {0}, status = 0;
    memset(t, 0, sizeof t);
    memset(a, 0, sizeof a);
    summary_options opt;
    summary_options_default(&opt);
    for (int k = 0; k < n_tasks && status == 0; k++) {
        const char *name = mimod_task_at(k)->name;
        if (only_task && strcmp(only_task, name) != 0) continue;
        int got = read_task_files(n_files, paths, files, name, &t[k], &first);
        if (got == 1) continue;
        if (got < 0) {
            status = 1;
        } else if (summary_analyze(&t[k], &opt, &a[k], &err)) {
            fprintf(stderr, "mimod-summary: %s\n", err.msg);
            summary_task_free(&t[k]);
            status = 1;
        } else {
            have[k] = 1;
        }
    }
    const summary_claim **sel = calloc((size_t)(cs.n ? cs.n : 1), sizeof *sel);
    summary_claim_result *res = calloc((size_t)(cs.n ? cs.n : 1), sizeof *res);
    if (status == 0 && (!sel || !res)) {
        fprintf(stderr, "mimod-summary: out of memory\n");
        status = 1;
    }
    if (status == 0) {
        int n = 0;
        for (int i = 0; i < cs.n; i++) {
            const summary_claim *c = &cs.claims[i];
            if (only_task && strcmp(only_task, c->task) != 0) continue;
            int k = 0;
            while (k < n_tasks && mimod_task_at(k) != c->task_def) k++;
            sel[n] = c;
            summary_claim_check(c, have[k] ? &a[k] : NULL, &res[n]);
            n++;
        }
        char count[128];
        summary_claims_count_line(count, sizeof count, n, res);
        if (fmt == SUMMARY_CSV) {
            summary_claims_print(stdout, n, sel, res, fmt);
            fprintf(stderr, "%s\n", count); /* stdout stays CSV */
        } else {
            int md = fmt == SUMMARY_MARKDOWN;
            fprintf(stdout, "%smimod claims: %s, claims from %s\n\n", md ? "# " : "", path,
                    claims_path);
            for (int k = 0; k < n_tasks; k++) {
                const char *name = mimod_task_at(k)->name;
                if (only_task && strcmp(only_task, name) != 0) continue;
                if (have[k]) print_task_line(stdout, &a[k], fmt);
                else fprintf(stdout, "%s/%s: not in the file\n", md ? "- " : "", name);
            }
            fputs("\n", stdout);
            summary_claims_print(stdout, n, sel, res, fmt);
            fprintf(stdout, "\n%s\n", count);
        }
    }
    free(sel);
    free(res);
    for (int k = 0; k < n_tasks; k++)
        if (have[k]) {
            summary_analysis_free(&a[k]);
            summary_task_free(&t[k]);
        }
    for (int f = 0; f < n_files; f++) summary_close(files[f]);
    summary_claims_free(&cs);
    fflush(stdout);
    return status;
}

/* Exit status of --status (docs/summary.md): what a wrapper script tests to
 * know whether to rerun the sweep. */
enum { STATUS_ALL_DONE = 0, STATUS_RESUMABLE = 3, STATUS_RUNNING = 4, STATUS_SOME_FAILED = 5 };

/* "2026-12-02T15:43:10Z (4 min ago)" */
static void fmt_seen(long long t, char *buf, size_t n) {
    time_t tt = (time_t)t;
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tt));
    double ago = difftime(time(NULL), tt);
    if (ago < 120) snprintf(buf, n, "%s (%.0f s ago)", when, ago > 0 ? ago : 0);
    else if (ago < 7200) snprintf(buf, n, "%s (%.0f min ago)", when, ago / 60);
    else snprintf(buf, n, "%s (%.1f h ago)", when, ago / 3600);
}

/* Whether a run writes `path` now, from its lock (output_lock.c; a symbolic
 * link is followed, as the writers do). Prints the "run:" line; returns 1
 * alive (or cannot tell), 0 not running. */
static int print_run_state(FILE *out, const char *path) {
    char real[PATH_MAX];
    struct stat ls, st;
    if (lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode) && realpath(path, real)) path = real;
    output_lock_info li;
    output_lock_probe(path, &li);
    char seen[80];
    switch (li.state) {
    case OUTPUT_LOCK_LIVE:
        fmt_seen(li.renewed, seen, sizeof seen);
        fprintf(out, "run: %s pid %ld on host %s is writing it (since %s; lock renewed %s)\n\n",
                li.program, li.pid, li.host, li.since, seen);
        return 1;
    case OUTPUT_LOCK_DEAD:
        fmt_seen(li.renewed, seen, sizeof seen);
        fprintf(out, "run: not running (last seen %s: %s pid %ld on host %s, which is gone — "
                "killed or crashed; rerun it to resume)\n\n", seen, li.program, li.pid, li.host);
        return 0;
    case OUTPUT_LOCK_NONE:
        if (stat(path, &st) == 0) fmt_seen((long long)st.st_mtime, seen, sizeof seen);
        else snprintf(seen, sizeof seen, "?");
        fprintf(out, "run: not running (no run holds its lock; last written %s)\n\n", seen);
        return 0;
    default:
        fprintf(out, "run: cannot tell (its lock %s.lock is unreadable)\n\n", path);
        return 1;
    }
}

/* --status: the status table of every task (and the running points' partial
 * curves with --figures); exit status by STATUS_* (1 if unreadable). */
static int run_status(const char *path, const char *only_task, const char *figures) {
    mimod_err err = {0};
    int64_t file;
    if (summary_open(path, &file, &err)) {
        fprintf(stderr, "mimod-summary: %s\n", err.msg);
        return 1;
    }
    int n_done = 0, status = 0, unfinished = 0, failed = 0;
    printf("mimod status: %s\n", path);
    int alive = print_run_state(stdout, path);
    for (int k = 0; k < mimod_task_count() && status == 0; k++) {
        const char *name = mimod_task_at(k)->name;
        if (only_task && strcmp(only_task, name) != 0) continue;
        if (!summary_has_task(file, name)) continue;
        summary_task t;
        if (summary_read_task(file, name, &t, &err)) {
            fprintf(stderr, "mimod-summary: %s: %s\n", path, err.msg);
            status = 1;
            break;
        }
        for (int64_t p = 0; p < t.n_points; p++) {
            unfinished += t.status[p] == RESULTS_PENDING || t.status[p] == RESULTS_RUNNING;
            failed += t.status[p] == RESULTS_FAILED;
        }
        summary_status_print_run(stdout, &t, alive);
        if (figures && summary_status_figures(&t, figures, stdout, &err)) {
            fprintf(stderr, "mimod-summary: %s\n", err.msg);
            status = 1;
        }
        summary_task_free(&t);
        n_done++;
    }
    if (status == 0 && n_done == 0) {
        char names[256];
        mimod_task_names(names, sizeof names);
        fprintf(stderr, "mimod-summary: %s has no %s%s group\n", path, only_task ? "/" : "task (",
                only_task ? only_task : names);
        status = 1;
    }
    summary_close(file);
    if (status == 0)
        status = unfinished ? (alive ? STATUS_RUNNING : STATUS_RESUMABLE)
                 : failed ? STATUS_SOME_FAILED : STATUS_ALL_DONE;
    fflush(stdout);
    return status;
}

#define DEFAULT_CLAIMS "sweeps/paper_claims.yaml"

/* The claims file to read for --claims PATH: PATH, or for a relative PATH not
 * in the working directory the installed copy (<prefix>/share/mimod/PATH), else
 * the source tree's (mimod_data_path), saying which. */
static const char *claims_file(const char *path) {
    static char found[4096];
    if (mimod_data_path(path, found, sizeof found))
        fprintf(stderr, "mimod-summary: %s is not in this directory: using %s\n", path, found);
    return found;
}

int summary_main(int argc, char **argv) {
    const char *path = NULL, *figures = NULL, *only_task = NULL, *claims = NULL;
    const char *paths[SUMMARY_MAX_FILES];
    int n_paths = 0;
    char shown[4096] = ""; /* the files, as the header names them: "a.h5 + b.h5" */
    int other_options = 0; /* options that have no effect on --claims */
    int status_only = 0;   /* --status */
    int threshold_given = 0;
    int table = -1;        /* --trials / --timecourse: a summary_table_kind */
    summary_format fmt = SUMMARY_TEXT;
    summary_options opt;
    summary_options_default(&opt);
    int64_t trial = -1;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            mimod_print_version("mimod-summary");
            return 0;
        } else if (strcmp(argv[i], "--status") == 0) {
            status_only = 1;
        } else if (strcmp(argv[i], "--trials") == 0 || strcmp(argv[i], "--timecourse") == 0) {
            int kind = strcmp(argv[i], "--trials") == 0 ? SUMMARY_TABLE_TRIALS : SUMMARY_TABLE_TIMECOURSE;
            if (table >= 0 && table != kind) {
                fprintf(stderr, "mimod-summary: --trials and --timecourse are two tables; ask for one\n");
                return 2;
            }
            table = kind;
        } else if (strcmp(argv[i], "--welch") == 0) {
            opt.welch = 1;
            other_options = 1;
        } else if ((v = option_value(argc, argv, &i, "--format"))) {
            if (strcmp(v, "text") == 0) fmt = SUMMARY_TEXT;
            else if (strcmp(v, "markdown") == 0) fmt = SUMMARY_MARKDOWN;
            else if (strcmp(v, "csv") == 0) fmt = SUMMARY_CSV;
            else {
                fprintf(stderr, "mimod-summary: --format: '%s' is not text, markdown or csv\n", v);
                return 2;
            }
        } else if ((v = option_value(argc, argv, &i, "--figures"))) {
            figures = v;
            other_options = 1;
        } else if (strcmp(argv[i], "--claims") == 0 && (i + 1 >= argc || argv[i + 1][0] == '-')) {
            /* no file: the paper's claims */
            claims = claims_file(DEFAULT_CLAIMS);
        } else if ((v = option_value(argc, argv, &i, "--claims"))) {
            claims = claims_file(v);
        } else if ((v = option_value(argc, argv, &i, "--task"))) {
            if (!mimod_task_find(v)) {
                char names[256];
                mimod_task_names(names, sizeof names);
                fprintf(stderr, "mimod-summary: --task: '%s' is not %s\n", v, names);
                return 2;
            }
            only_task = v;
        } else if ((v = option_value(argc, argv, &i, "--success-threshold"))) {
            char *end;
            opt.success_threshold = strtod(v, &end);
            if (end == v || *end || !isfinite(opt.success_threshold)) {
                fprintf(stderr, "mimod-summary: --success-threshold: '%s' is not a finite number\n", v);
                return 2;
            }
            threshold_given = 1;
            other_options = 1;
        } else if ((v = option_value(argc, argv, &i, "--trial"))) {
            char *end;
            long long k = strtoll(v, &end, 10);
            if (end == v || *end || k < 0) {
                fprintf(stderr, "mimod-summary: --trial: '%s' is not a point index ≥ 0\n", v);
                return 2;
            }
            trial = k;
            other_options = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "mimod-summary: unknown or incomplete option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (n_paths < SUMMARY_MAX_FILES) {
            paths[n_paths++] = argv[i];
            if (!path) path = argv[i];
            snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "%s%s",
                     n_paths > 1 ? " + " : "", argv[i]);
        } else {
            fprintf(stderr, "mimod-summary: more than %d result files given\n", SUMMARY_MAX_FILES);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    if (n_paths > 1 && (table >= 0 || status_only)) {
        fprintf(stderr, "mimod-summary: --status, --trials and --timecourse read one result file; "
                        "give them one file at a time\n");
        return 2;
    }
    if (table >= 0) {
        if (claims || status_only || other_options || threshold_given || fmt == SUMMARY_MARKDOWN) {
            fprintf(stderr, "mimod-summary: --trials and --timecourse write CSV and take only "
                            "--task\n");
            return 2;
        }
        return summary_tables_run(stdout, path, only_task, (summary_table_kind)table);
    }
    if (status_only && (claims || opt.welch || trial >= 0 || fmt != SUMMARY_TEXT || threshold_given)) {
        fprintf(stderr, "mimod-summary: --status takes only --figures and --task\n");
        return 2;
    }
    if (claims) {
        if (other_options) {
            fprintf(stderr, "mimod-summary: --claims takes only --format and --task (each claim "
                            "kind fixes its own test; no figures)\n");
            return 2;
        }
        return run_claims(n_paths, paths, shown, claims, only_task, fmt);
    }

    if (status_only) return run_status(path, only_task, figures);

    mimod_err err = {0};
    int64_t files[SUMMARY_MAX_FILES], file;
    if (open_files(n_paths, paths, files)) return 1;
    /* Figure paths go to stdout, except in CSV mode where stdout is the data. */
    FILE *fig_log = fmt == SUMMARY_CSV ? stderr : stdout;
    /* the paper column: the paper's claims, built in (sweeps/paper_claims.yaml) */
    const summary_claims *paper = summary_paper_claims(&err);
    if (!paper) fprintf(stderr, "mimod-summary: no paper column: %s\n", err.msg);
    int n_done = 0, status = 0, csv_header = 1;
    for (int k = 0; k < mimod_task_count() && status == 0; k++) {
        const char *name = mimod_task_at(k)->name;
        if (only_task && strcmp(only_task, name) != 0) continue;
        summary_task t;
        summary_analysis a;
        int got = read_task_files(n_paths, paths, files, name, &t, &file);
        if (got == 1) {
            if (only_task) {
                fprintf(stderr, "mimod-summary: %s %s no /%s group\n", shown,
                        n_paths > 1 ? "have" : "has", name);
                status = 1;
            }
            continue;
        }
        if (got < 0) {
            status = 1;
            break;
        }
        if (summary_analyze(&t, &opt, &a, &err)) {
            fprintf(stderr, "mimod-summary: %s\n", err.msg);
            summary_task_free(&t);
            status = 1;
            break;
        }
        summary_claims_paper_columns(paper, &a);
        if (fmt != SUMMARY_CSV && n_done == 0)
            fprintf(stdout, "%s%s\n\n", fmt == SUMMARY_MARKDOWN ? "# mimod summary: " : "mimod summary: ",
                    shown);
        summary_print(stdout, &a, &opt, fmt, csv_header);
        csv_header = 0;
        if (summary_print_carried(stdout, file, &a, fmt, &err)) {
            fprintf(stderr, "mimod-summary: %s\n", err.msg);
            status = 1;
        }
        if (figures) {
            fprintf(fig_log, "Figures of /%s in %s:\n", name, figures);
            if (summary_figures(&a, file, figures, trial, fig_log, &err)) {
                fprintf(stderr, "mimod-summary: %s\n", err.msg);
                status = 1;
            }
            fputs("\n", fig_log);
        }
        summary_analysis_free(&a);
        summary_task_free(&t);
        n_done++;
    }
    if (status == 0 && n_done == 0) {
        char names[256];
        mimod_task_names(names, sizeof names);
        fprintf(stderr, "mimod-summary: %s has no task (%s) group\n", shown, names);
        status = 1;
    }
    for (int f = 0; f < n_paths; f++) summary_close(files[f]);
    fflush(stdout);
    return status;
}
