/* summary_cli.c — the mimod-summary command line (summary_main). */
#include "mimod/summary.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *out) {
    fputs("usage: mimod-summary RESULTS.h5 [--format text|markdown|csv] [--figures DIR]\n"
          "                     [--task wm|sep] [--welch] [--success-threshold X] [--trial K]\n"
          "                     [--help]\n"
          "\n"
          "Statistics across seeds from a mimod result file (docs/hdf5-layout.md):\n"
          "per condition (grid points that differ only in seed; only finished points,\n"
          "status == 2) n, mean ± sd of every final quantity, success and structural\n"
          "differentiation rates, Pearson r(final mi, task_loss); two-sample t-tests\n"
          "between conditions differing in exactly one of lambda_I / lambda_reg.\n"
          "\n"
          "  --format F             text (default), markdown or csv\n"
          "  --figures DIR          also draw the figures (PNG + SVG) into DIR\n"
          "  --task T               only task T (default: every task in the file)\n"
          "  --welch                Welch's t-test instead of Student's pooled-variance test\n"
          "  --success-threshold X  success = final accuracy (WM) / r2_mean (SEP) > X (0.9)\n"
          "  --trial K              grid point K for the per-trial figures (default: median\n"
          "                         final q_cor in the first condition with lambda_I > 0)\n"
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

int summary_main(int argc, char **argv) {
    const char *path = NULL, *figures = NULL, *only_task = NULL;
    summary_format fmt = SUMMARY_TEXT;
    summary_options opt;
    summary_options_default(&opt);
    int64_t trial = -1;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--welch") == 0) {
            opt.welch = 1;
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
        } else if ((v = option_value(argc, argv, &i, "--task"))) {
            if (strcmp(v, "wm") != 0 && strcmp(v, "sep") != 0) {
                fprintf(stderr, "mimod-summary: --task: '%s' is not wm or sep\n", v);
                return 2;
            }
            only_task = v;
        } else if ((v = option_value(argc, argv, &i, "--success-threshold"))) {
            char *end;
            opt.success_threshold = strtod(v, &end);
            if (end == v || *end) {
                fprintf(stderr, "mimod-summary: --success-threshold: '%s' is not a number\n", v);
                return 2;
            }
        } else if ((v = option_value(argc, argv, &i, "--trial"))) {
            char *end;
            long long k = strtoll(v, &end, 10);
            if (end == v || *end || k < 0) {
                fprintf(stderr, "mimod-summary: --trial: '%s' is not a point index ≥ 0\n", v);
                return 2;
            }
            trial = k;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "mimod-summary: unknown or incomplete option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "mimod-summary: more than one result file given ('%s')\n", argv[i]);
            return 2;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }

    mimod_err err = {0};
    int64_t file;
    if (summary_open(path, &file, &err)) {
        fprintf(stderr, "mimod-summary: %s\n", err.msg);
        return 1;
    }
    /* Figure paths go to stdout, except in CSV mode where stdout is the data. */
    FILE *fig_log = fmt == SUMMARY_CSV ? stderr : stdout;
    const char *tasks[2] = {"wm", "sep"};
    int n_done = 0, status = 0, csv_header = 1;
    for (int k = 0; k < 2 && status == 0; k++) {
        if (only_task && strcmp(only_task, tasks[k]) != 0) continue;
        if (!summary_has_task(file, tasks[k])) {
            if (only_task) {
                fprintf(stderr, "mimod-summary: %s has no /%s group\n", path, tasks[k]);
                status = 1;
            }
            continue;
        }
        summary_task t;
        summary_analysis a;
        if (summary_read_task(file, tasks[k], &t, &err)) {
            fprintf(stderr, "mimod-summary: %s: %s\n", path, err.msg);
            status = 1;
            break;
        }
        if (summary_analyze(&t, &opt, &a, &err)) {
            fprintf(stderr, "mimod-summary: %s\n", err.msg);
            summary_task_free(&t);
            status = 1;
            break;
        }
        if (fmt != SUMMARY_CSV && n_done == 0)
            fprintf(stdout, "%s%s\n\n", fmt == SUMMARY_MARKDOWN ? "# mimod summary: " : "mimod summary: ",
                    path);
        summary_print(stdout, &a, &opt, fmt, csv_header);
        csv_header = 0;
        if (figures) {
            fprintf(fig_log, "Figures of /%s in %s:\n", tasks[k], figures);
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
        fprintf(stderr, "mimod-summary: %s has no /wm or /sep group\n", path);
        status = 1;
    }
    summary_close(file);
    fflush(stdout);
    return status;
}
