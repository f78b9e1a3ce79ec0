/* test_blas_kernel — which OpenBLAS kernel computed each point (blas_kernel,
 * schema.h), with synthetic trial rows written by the real writer:
 *   a  a point that starts here gets mimod_blas_corename(), and keeps it
 *      through its later writes; so does mimod-train's one-point file when the
 *      trial is written as it starts (its live file);
 *   b  resumed (reopened, progress with mm_done > 0) under the same kernel:
 *      the row stays;
 *   c  resumed after another kernel (the row written straight with HDF5):
 *      "<old>+<mine>", once per run, and not again on a later resume; a row
 *      too long is cut to 47 bytes; a restart from step 0 is ours alone;
 *   d  an empty row resumed: "?+<mine>";
 *   e  a file made before the dataset (deleted with H5Ldelete) is read with
 *      empty rows, opened for writing gets it, and grows into a file with it
 *      (its old rows empty; a file with rows grows keeping them);
 *   f  mimod-summary --trials has the column, and the report's kernel line
 *      names one kernel, or several with the warning;
 *   g  the build row (the commit that computed the point), kept by the same
 *      code: fresh, resumed, old files, --trials and the report. */
#include <mpi.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mimod/blas.h"
#include "mimod/config.h"
#include "mimod/results_h5.h"
#include "mimod/summary_read.h"
#include "mimod/summary_report.h"
#include "mimod/summary_tables.h"
#include "mimod/task_wm.h"

#define P 4
#define R 3
#define N 4
#define O 2
#define S 5

static const char *axes[] = {"seed"};
static double coords[P + 2] = {0, 1, 2, 3, 4, 5};
static int64_t rstep[R] = {0, 3, 5};
static mimod_layout lay;

static results_task_desc desc(int n_points) {
    return (results_task_desc){.name = "wm", .config_yaml = "task: wm\nn_units: 4\n", .preset = "test",
                               .n_points = n_points, .n_axes = 1, .axis_names = axes,
                               .coords = coords, .n_records = R, .n_units = N, .n_in = 4,
                               .n_out = O, .n_mm_steps = S, .record_step = rstep, .layout = &lay};
}

static results_meta meta = {"grid: {}\n", "00112233445566778899aabbccddeeff", 1, 0};

/* synthetic rows: every record and step of a trial */
static double tc_store[TC_COUNT][R], r2[R * O], tl[S], tmi[S];
static trial_results res;

static void fill_results(void) {
    res.n_records = R;
    res.n_done = R;
    for (int q = 0; q < TC_COUNT; q++) {
        res.tc[q] = tc_store[q];
        for (int r = 0; r < R; r++) tc_store[q][r] = q + 0.1 * r;
    }
    for (int i = 0; i < R * O; i++) r2[i] = 0.5;
    for (int i = 0; i < S; i++) tl[i] = tmi[i] = 1.0 / (1 + i);
    res.r2 = r2;
    res.train_loss = tl;
    res.train_mi = tmi;
    res.wall_seconds = 1.0;
}

/* progress of a point that has done mm_done MM steps (and SM steps before
 * each: none when mm_done is 0) */
static int progress(results_file *f, int point, int64_t mm_done) {
    mimod_err err = {0};
    results_point_data d = {&res, &lay, NULL, mm_done, 0, mm_done ? 10 * mm_done : 0};
    int rc = results_write_progress(f, 0, point, &d, &err);
    CHECK(rc == MIMOD_OK, "progress of point %d: %s", point, err.msg);
    return rc;
}

static int finish(results_file *f, int point, int64_t mm_done) {
    mimod_err err = {0};
    results_point_data d = {&res, &lay, NULL, mm_done, 1, mm_done ? 10 * mm_done : 0};
    int rc = results_write_point_data(f, 0, point, &d, RESULTS_DONE, -1, NULL, &err);
    CHECK(rc == MIMOD_OK, "finishing point %d: %s", point, err.msg);
    return rc;
}

static results_file *open_file(const char *path, int n_points) {
    mimod_err err = {0};
    results_task_desc d = desc(n_points);
    results_file *f = NULL;
    int rc = results_open_existing_serial(path, &meta, 1, &d, &f, &err);
    CHECK(rc == MIMOD_OK, "opening %s: %s", path, err.msg);
    return f;
}

static void close_file(results_file *f) {
    mimod_err err = {0};
    CHECK(results_close(f, &err) == MIMOD_OK, "close: %s", err.msg);
}

static hid_t kernel_type(void) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, RESULTS_KERNEL_LEN);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

/* the row of a point, read (or written) straight with HDF5, not by the writer */
static void row_io(const char *path, const char *dataset, int point, char out[RESULTS_KERNEL_LEN],
                   const char *write) {
    char name[64];
    snprintf(name, sizeof name, "/wm/%s", dataset);
    out[0] = '\0';
    hid_t f = H5Fopen(path, write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = f >= 0 && H5Lexists(f, name, H5P_DEFAULT) > 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
    if (d >= 0) {
        hid_t t = kernel_type(), fs = H5Dget_space(d);
        hsize_t start = (hsize_t)point, count = 1;
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL);
        hid_t ms = H5Screate_simple(1, &count, NULL);
        char row[RESULTS_KERNEL_LEN] = {0};
        if (write) snprintf(row, sizeof row, "%s", write);
        herr_t rc = write ? H5Dwrite(d, t, ms, fs, H5P_DEFAULT, row) : H5Dread(d, t, ms, fs, H5P_DEFAULT, out);
        CHECK(rc >= 0, "%s row %d of %s", write ? "writing" : "reading", point, path);
        out[RESULTS_KERNEL_LEN - 1] = '\0';
        H5Sclose(ms);
        H5Sclose(fs);
        H5Tclose(t);
        H5Dclose(d);
    } else {
        snprintf(out, RESULTS_KERNEL_LEN, "(no dataset)");
    }
    if (f >= 0) H5Fclose(f);
}

/* A point's row of `dataset`, in one of 8 rotating buffers (several may
 * appear in one message). */
static const char *read_row(const char *path, const char *dataset, int point) {
    static char buf[8][RESULTS_KERNEL_LEN];
    static int next;
    char *b = buf[next++ % 8];
    row_io(path, dataset, point, b, NULL);
    return b;
}

static const char *row_of(const char *path, int point) { return read_row(path, SCHEMA_BLAS_KERNEL, point); }
static const char *build_of(const char *path, int point) { return read_row(path, SCHEMA_BUILD, point); }

static void write_row(const char *path, const char *dataset, int point, const char *value) {
    char dummy[RESULTS_KERNEL_LEN];
    row_io(path, dataset, point, dummy, value);
}

static void set_row(const char *path, int point, const char *value) {
    write_row(path, SCHEMA_BLAS_KERNEL, point, value);
}
static void set_build(const char *path, int point, const char *value) {
    write_row(path, SCHEMA_BUILD, point, value);
}

static int has_kernel_dataset(const char *path) {
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    int has = f >= 0 && H5Lexists(f, "/wm/" SCHEMA_BLAS_KERNEL, H5P_DEFAULT) > 0;
    if (f >= 0) H5Fclose(f);
    return has;
}

static void drop_dataset(const char *path, const char *name) {
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(f >= 0 && H5Ldelete(f, name, H5P_DEFAULT) >= 0, "H5Ldelete %s in %s", name, path);
    if (f >= 0) H5Fclose(f);
}

static void drop_kernel_dataset(const char *path) { drop_dataset(path, "/wm/" SCHEMA_BLAS_KERNEL); }

static int copy_file(const char *from, const char *to) {
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int rc = a && b ? 0 : -1;
    while (!rc && (n = fread(buf, 1, sizeof buf, a)) > 0)
        if (fwrite(buf, 1, n, b) != n) rc = -1;
    if (a) fclose(a);
    if (b && fclose(b) != 0) rc = -1;
    return rc;
}

static int make_file(const char *path) {
    mimod_err err = {0};
    unlink(path);
    results_task_desc d = desc(P);
    results_file *f = NULL;
    int rc = results_create_serial(path, &meta, 1, &d, &f, &err);
    CHECK(rc == MIMOD_OK, "create %s: %s", path, err.msg);
    if (!rc) close_file(f);
    return rc;
}

static char mine[RESULTS_KERNEL_LEN];
static char my_build[RESULTS_KERNEL_LEN]; /* the commit's first 12 hex digits */

/* a, b, c, d: the rows as points start, resume and restart */
static void test_rows(const char *path) {
    char want[2 * RESULTS_KERNEL_LEN];
    if (make_file(path)) return;
    CHECK(row_of(path, 0)[0] == '\0' && row_of(path, 3)[0] == '\0', "a new file's rows are empty");

    /* a: points 0 and 1 start here; later writes of the run leave the row */
    results_file *f = open_file(path, P);
    if (!f) return;
    progress(f, 0, 0);
    CHECK(strcmp(row_of(path, 0), mine) == 0, "a: a new point's row: '%s', expected '%s'", row_of(path, 0), mine);
    progress(f, 0, 3);
    finish(f, 0, S);
    CHECK(strcmp(row_of(path, 0), mine) == 0, "a: after its progress and end: '%s'", row_of(path, 0));
    finish(f, 1, 0); /* results_write_point_data as the point's first write */
    CHECK(strcmp(row_of(path, 1), mine) == 0, "a: written whole at once: '%s'", row_of(path, 1));
    CHECK(row_of(path, 2)[0] == '\0', "a: a point not written stays empty: '%s'", row_of(path, 2));
    /* touched once per run of a point: later writes neither read nor change it */
    set_row(path, 1, "Changed");
    progress(f, 1, 4);
    CHECK(strcmp(row_of(path, 1), "Changed") == 0, "a: the row touched again in the run: '%s'",
          row_of(path, 1));
    close_file(f);

    /* b: resumed under the same kernel */
    f = open_file(path, P);
    if (!f) return;
    progress(f, 0, 3);
    finish(f, 0, S);
    close_file(f);
    CHECK(strcmp(row_of(path, 0), mine) == 0, "b: resumed under the same kernel: '%s'", row_of(path, 0));

    /* c: resumed after another kernel; then again in this run, and in a later run */
    set_row(path, 2, "OtherCore");
    f = open_file(path, P);
    if (!f) return;
    progress(f, 2, 3);
    snprintf(want, sizeof want, "OtherCore+%s", mine);
    CHECK(strcmp(row_of(path, 2), want) == 0, "c: resumed after another kernel: '%s', expected '%s'",
          row_of(path, 2), want);
    progress(f, 2, 4);
    finish(f, 2, S);
    CHECK(strcmp(row_of(path, 2), want) == 0, "c: the same run's later writes: '%s'", row_of(path, 2));
    close_file(f);
    f = open_file(path, P);
    if (!f) return;
    progress(f, 2, 4);
    CHECK(strcmp(row_of(path, 2), want) == 0, "c: resumed again under ours: '%s'", row_of(path, 2));
    /* restarted from step 0 (an unusable checkpoint): ours alone */
    set_row(path, 1, "OtherCore");
    close_file(f);
    f = open_file(path, P);
    if (!f) return;
    progress(f, 1, 0);
    CHECK(strcmp(row_of(path, 1), mine) == 0, "c: restarted from the start: '%s'", row_of(path, 1));
    close_file(f);
    /* a history too long for the row is cut to 47 bytes, NUL-terminated */
    const char *long_row = "Aaaaaaaaaa+Bbbbbbbbbb+Cccccccccc+Dddddddddd+Eee"; /* 47 bytes */
    set_row(path, 1, long_row);
    f = open_file(path, P);
    if (!f) return;
    progress(f, 1, 2);
    close_file(f);
    const char *cut = row_of(path, 1);
    CHECK(strlen(cut) == RESULTS_KERNEL_LEN - 1 && strncmp(cut, long_row, RESULTS_KERNEL_LEN - 1) == 0,
          "c: cut to %d bytes: '%s' (%zu)", RESULTS_KERNEL_LEN - 1, cut, strlen(cut));
    set_row(path, 1, "Aaaa+Bbbb");
    f = open_file(path, P);
    if (!f) return;
    progress(f, 1, 2);
    close_file(f);
    snprintf(want, sizeof want, "Aaaa+Bbbb+%s", mine);
    want[RESULTS_KERNEL_LEN - 1] = '\0';
    CHECK(strcmp(row_of(path, 1), want) == 0, "c: a longer history: '%s'", row_of(path, 1));

    /* d: an empty row resumed */
    f = open_file(path, P);
    if (!f) return;
    progress(f, 3, 2);
    close_file(f);
    snprintf(want, sizeof want, "?+%s", mine);
    CHECK(strcmp(row_of(path, 3), want) == 0, "d: an empty row resumed: '%s', expected '%s'",
          row_of(path, 3), want);
    /* resumed in the SM pre-training (no MM step yet, SM steps done): a resume */
    set_row(path, 3, "OtherCore");
    f = open_file(path, P);
    if (!f) return;
    results_point_data pre = {&res, &lay, NULL, 0, 0, 7};
    mimod_err err = {0};
    CHECK(results_write_progress(f, 0, 3, &pre, &err) == MIMOD_OK, "d: %s", err.msg);
    close_file(f);
    snprintf(want, sizeof want, "OtherCore+%s", mine);
    CHECK(strcmp(row_of(path, 3), want) == 0, "d: resumed in the SM pre-training: '%s', expected '%s'",
          row_of(path, 3), want);
    unlink(path);
}

/* a, mimod-train's way: the one-point file made and written as the trial
 * starts (write_live), then its outcome */
static void test_single_trial(const char *path) {
    mimod_err err = {0};
    mimod_config c;
    trial *t = NULL;
    int rc = config_preset(&c, "tiny", &mimod_task_wm, &err);
    if (!rc) rc = trial_create(&c, &t, &err);
    results_file *f = NULL;
    unlink(path);
    if (!rc) rc = results_create_single_trial(path, NULL, &c, 1, &f, &err);
    if (!rc) rc = results_write_trial_progress(f, 0, 0, t, &err);
    if (!rc) rc = trial_run(t, NULL, &err);
    if (!rc) rc = results_write_single_outcome(f, t, &err);
    if (f) results_close(f, rc ? NULL : &err);
    CHECK(rc == MIMOD_OK, "single trial: %s", err.msg);
    CHECK(strcmp(row_of(path, 0), mine) == 0, "a: mimod-train's file: '%s', expected '%s'", row_of(path, 0),
          mine);
    trial_free(t);
    unlink(path);
}

/* e: a file made before blas_kernel */
static void test_old_file(const char *path) {
    mimod_err err = {0};
    char grown[64];
    snprintf(grown, sizeof grown, "%s.grown", path);
    if (make_file(path)) return;
    results_file *f = open_file(path, P);
    if (!f) return;
    finish(f, 0, 0);
    finish(f, 2, 0);
    close_file(f);
    drop_kernel_dataset(path);
    CHECK(!has_kernel_dataset(path), "e: the dataset was deleted");

    /* read with empty rows */
    int64_t file = -1;
    summary_task s;
    CHECK(summary_open(path, &file, &err) == MIMOD_OK, "e: summary_open: %s", err.msg);
    int rc = summary_read_task(file, "wm", &s, &err);
    CHECK(rc == MIMOD_OK, "e: a file without blas_kernel is read: %s", err.msg);
    if (!rc) {
        CHECK(s.status[0] == RESULTS_DONE && s.blas_kernel[0][0] == '\0' && s.blas_kernel[3][0] == '\0',
              "e: its rows read empty: '%s'", s.blas_kernel[0]);
        summary_task_free(&s);
    }
    summary_close(file);

    /* grown as it is: the grown file has the dataset, the old rows empty */
    results_task_desc d6 = desc(P + 2);
    const int n_old[1] = {P};
    CHECK(copy_file(path, grown) == 0, "copying %s", path);
    rc = results_grow_serial(grown, &meta, 1, &d6, n_old, "seed 4, 5", &err);
    CHECK(rc == MIMOD_OK, "e: a file without blas_kernel grows: %s", err.msg);
    CHECK(has_kernel_dataset(grown), "e: the grown file has blas_kernel");
    for (int p = 0; p < P + 2; p++)
        CHECK(row_of(grown, p)[0] == '\0', "e: grown row %d empty: '%s'", p, row_of(grown, p));
    f = open_file(grown, P + 2);
    if (f) {
        int st[P + 2];
        CHECK(results_read_status(f, 0, st, &err) == MIMOD_OK && st[0] == RESULTS_DONE &&
                  st[2] == RESULTS_DONE && st[1] == RESULTS_PENDING && st[5] == RESULTS_PENDING,
              "e: the grown file keeps the old points' status");
        progress(f, 5, 0);
        close_file(f);
        CHECK(strcmp(row_of(grown, 5), mine) == 0, "e: a new point of the grown file: '%s'", row_of(grown, 5));
    }

    /* opened for writing: the dataset is added, its rows empty; then written */
    f = open_file(path, P);
    if (!f) return;
    CHECK(has_kernel_dataset(path), "e: opening an old file for writing adds blas_kernel");
    CHECK(row_of(path, 0)[0] == '\0', "e: the old rows are empty: '%s'", row_of(path, 0));
    progress(f, 1, 0);
    progress(f, 3, 2);
    close_file(f);
    char want[2 * RESULTS_KERNEL_LEN];
    snprintf(want, sizeof want, "?+%s", mine);
    CHECK(strcmp(row_of(path, 1), mine) == 0 && strcmp(row_of(path, 3), want) == 0,
          "e: written after: '%s', '%s'", row_of(path, 1), row_of(path, 3));

    /* a file with rows grows keeping them */
    set_row(path, 2, "OtherCore+Mine");
    unlink(grown);
    rc = results_grow_serial(path, &meta, 1, &d6, n_old, "seed 4, 5", &err);
    CHECK(rc == MIMOD_OK, "e: growing a file with blas_kernel: %s", err.msg);
    CHECK(strcmp(row_of(path, 1), mine) == 0 && strcmp(row_of(path, 2), "OtherCore+Mine") == 0 &&
              strcmp(row_of(path, 3), want) == 0 && row_of(path, 0)[0] == '\0' && row_of(path, 4)[0] == '\0',
          "e: the grown rows: '%s' '%s' '%s' '%s' '%s'", row_of(path, 0), row_of(path, 1), row_of(path, 2),
          row_of(path, 3), row_of(path, 4));
    unlink(path);
    unlink(grown);
}

/* f: the --trials column and the report's line */
static char *report_of(const char *path) {
    mimod_err err = {0};
    int64_t file = -1;
    summary_task s;
    summary_analysis a;
    summary_options o;
    summary_options_default(&o);
    static char text[8192];
    text[0] = '\0';
    if (summary_open(path, &file, &err) || summary_read_task(file, "wm", &s, &err)) {
        CHECK(0, "f: reading %s: %s", path, err.msg);
        summary_close(file);
        return text;
    }
    if (summary_analyze(&s, &o, &a, &err) == MIMOD_OK) {
        FILE *out = tmpfile();
        summary_print(out, &a, &o, SUMMARY_TEXT, 1);
        rewind(out);
        size_t n = fread(text, 1, sizeof text - 1, out);
        text[n] = '\0';
        fclose(out);
        summary_analysis_free(&a);
    } else {
        CHECK(0, "f: summary_analyze: %s", err.msg);
    }
    summary_task_free(&s);
    summary_close(file);
    return text;
}

/* Column `name` of mimod-summary --trials for the file's wm group: checks
 * that it comes right after column `prev` and that row p holds expect[p]
 * (`tag` starts the failure messages). */
static void check_trials_column(const char *path, const char *name, const char *prev,
                                const char (*expect)[RESULTS_KERNEL_LEN], const char *tag) {
    mimod_err err = {0};
    int64_t file = -1;
    summary_task s;
    if (summary_open(path, &file, &err) || summary_read_task(file, "wm", &s, &err)) {
        CHECK(0, "%s: %s", tag, err.msg);
        summary_close(file);
        return;
    }
    const summary_task *tasks[1] = {&s};
    FILE *out = tmpfile();
    CHECK(summary_table_csv(out, SUMMARY_TABLE_TRIALS, file, tasks, 1, &err) == MIMOD_OK, "%s: %s", tag,
          err.msg);
    rewind(out);
    char line[4096];
    int col = -1, row = 0;
    while (fgets(line, sizeof line, out)) {
        line[strcspn(line, "\n")] = '\0';
        char *fields[64];
        int n = 0;
        /* no quoted fields in this table: split at commas, empty fields kept */
        for (char *p = line; n < 64;) {
            fields[n++] = p;
            char *c = strchr(p, ',');
            if (!c) break;
            *c = '\0';
            p = c + 1;
        }
        if (col < 0) {
            int after = -1;
            for (int i = 0; i < n; i++) {
                if (strcmp(fields[i], name) == 0) col = i;
                if (strcmp(fields[i], prev) == 0) after = i + 1;
            }
            CHECK(col >= 0 && col == after, "%s: --trials has %s after %s (column %d)", tag, name, prev, col);
            if (col < 0) break;
            continue;
        }
        CHECK(row < P && col < n && strcmp(fields[col], expect[row]) == 0,
              "%s: --trials row %d %s '%s', expected '%s'", tag, row, name, col < n ? fields[col] : "?",
              row < P ? expect[row] : "?");
        row++;
    }
    CHECK(row == P, "%s: %d rows", tag, row);
    fclose(out);
    summary_task_free(&s);
    summary_close(file);
}

static void test_summary(const char *path) {
    if (make_file(path)) return;
    results_file *f = open_file(path, P);
    if (!f) return;
    for (int p = 0; p < 3; p++) finish(f, p, 0);
    progress(f, 3, 0); /* running: not in the line */
    close_file(f);

    /* one kernel */
    char *text = report_of(path);
    char want[512];
    snprintf(want, sizeof want, "\nOpenBLAS kernels: %s (3 finished trials)\n", mine);
    CHECK(strstr(text, want) != NULL, "f: one kernel: '%s' not in:\n%s", want, text);
    CHECK(!strstr(text, "warning"), "f: one kernel, no warning:\n%s", text);

    /* --trials: the column, each row's value */
    set_row(path, 1, "OtherCore");
    set_row(path, 2, "");
    char expect[P][RESULTS_KERNEL_LEN];
    for (int p = 0; p < P; p++) snprintf(expect[p], sizeof expect[p], "%s", p == 1 ? "OtherCore" : p == 2 ? "" : mine);
    check_trials_column(path, "blas_kernel", "fail_reason", (const char (*)[RESULTS_KERNEL_LEN])expect, "f");

    /* kernels mixed: each with its count, unrecorded last, and the warning */
    text = report_of(path);
    char a[64], b[64];
    /* equal counts: by name */
    if (strcmp(mine, "OtherCore") < 0) {
        snprintf(a, sizeof a, "%s (1)", mine);
        snprintf(b, sizeof b, "OtherCore (1)");
    } else {
        snprintf(a, sizeof a, "OtherCore (1)");
        snprintf(b, sizeof b, "%s (1)", mine);
    }
    snprintf(want, sizeof want, "\nOpenBLAS kernels: %s, %s, unrecorded (1) — warning: trials computed by "
             "different kernels differ at the rounding level\n", a, b);
    CHECK(strstr(text, want) != NULL, "f: mixed kernels: '%s' not in:\n%s", want, text);
    /* most trials first */
    set_row(path, 2, "OtherCore");
    text = report_of(path);
    snprintf(want, sizeof want, "\nOpenBLAS kernels: OtherCore (2), %s (1) — warning", mine);
    CHECK(strstr(text, want) != NULL, "f: by count: '%s' not in:\n%s", want, text);
    /* a file without the dataset: unrecorded */
    drop_kernel_dataset(path);
    text = report_of(path);
    CHECK(strstr(text, "\nOpenBLAS kernels: unrecorded (3 finished trials)\n") != NULL,
          "f: a file without blas_kernel:\n%s", text);
    unlink(path);
}

/* g: the build row (schema.h) is kept like blas_kernel, by the same code:
 * this build's commit on a point that starts here, "<old>+<mine>" and
 * "?+<mine>" on resumes, added to a file made before it, read and grown; the
 * --trials column after blas_kernel; the report's line and its warning. */
static void test_build(const char *path) {
    mimod_err err = {0};
    char want[2 * RESULTS_KERNEL_LEN + 512];
    if (make_file(path)) return;
    results_file *f = open_file(path, P);
    if (!f) return;
    progress(f, 0, 0);
    finish(f, 0, S);
    close_file(f);
    CHECK(strcmp(build_of(path, 0), my_build) == 0, "g: a new point's build: '%s', expected '%s'",
          build_of(path, 0), my_build);
    CHECK(build_of(path, 1)[0] == '\0', "g: a point not written: '%s'", build_of(path, 1));
    /* resumed after another build, and with an empty row */
    set_build(path, 1, "0123456789ab");
    f = open_file(path, P);
    if (!f) return;
    progress(f, 1, 3);
    progress(f, 2, 2);
    finish(f, 1, S);
    finish(f, 2, S);
    close_file(f);
    snprintf(want, sizeof want, "0123456789ab+%s", my_build);
    CHECK(strcmp(build_of(path, 1), want) == 0, "g: resumed after another build: '%s', expected '%s'",
          build_of(path, 1), want);
    snprintf(want, sizeof want, "?+%s", my_build);
    CHECK(strcmp(build_of(path, 2), want) == 0, "g: an empty row resumed: '%s', expected '%s'",
          build_of(path, 2), want);

    /* the report: several builds among the 3 finished trials, with the warning */
    char *text = report_of(path);
    CHECK(strstr(text, "\nmimod builds: ") && strstr(text, "— warning: trials computed by different builds"),
          "g: mixed builds, no warning line in:\n%s", text);
    snprintf(want, sizeof want, "%s (1)", my_build);
    CHECK(strstr(text, want) != NULL, "g: '%s' not in:\n%s", want, text);

    /* --trials: the build column right after blas_kernel (the rows read
     * before the summary opens the file) */
    char expect[P][RESULTS_KERNEL_LEN];
    for (int p = 0; p < P; p++) snprintf(expect[p], sizeof expect[p], "%s", build_of(path, p));
    check_trials_column(path, "build", "blas_kernel", (const char (*)[RESULTS_KERNEL_LEN])expect, "g");

    /* a file made before the row: read with empty rows, grown, and given it
     * (empty) when opened for writing */
    drop_dataset(path, "/wm/" SCHEMA_BUILD);
    CHECK(strcmp(build_of(path, 0), "(no dataset)") == 0, "g: the dataset was deleted");
    text = report_of(path);
    CHECK(strstr(text, "\nmimod builds: unrecorded (3 finished trials)\n") != NULL,
          "g: a file without build:\n%s", text);
    char grown[64];
    snprintf(grown, sizeof grown, "%s.grown", path);
    results_task_desc d6 = desc(P + 2);
    const int n_old[1] = {P};
    CHECK(copy_file(path, grown) == 0, "copying %s", path);
    CHECK(results_grow_serial(grown, &meta, 1, &d6, n_old, "seed 4, 5", &err) == MIMOD_OK,
          "g: a file without build grows: %s", err.msg);
    CHECK(build_of(grown, 0)[0] == '\0' && build_of(grown, 5)[0] == '\0', "g: the grown file's rows: '%s' '%s'",
          build_of(grown, 0), build_of(grown, 5));
    f = open_file(path, P);
    if (!f) return;
    CHECK(build_of(path, 0)[0] == '\0', "g: opened for writing, the old rows empty: '%s'", build_of(path, 0));
    progress(f, 3, 0);
    close_file(f);
    CHECK(strcmp(build_of(path, 3), my_build) == 0, "g: then written: '%s'", build_of(path, 3));
    unlink(path);
    unlink(grown);
}

int main(void) {
    snprintf(my_build, sizeof my_build, "%.12s", mimod_git_commit());
    snprintf(mine, sizeof mine, "%s", mimod_blas_corename());
    CHECK(mine[0] != '\0' && strcmp(mine, "OtherCore") != 0, "this kernel's name: '%s'", mine);
    printf("test_blas_kernel: OpenBLAS kernel %s\n", mine);
    layout_add(&lay, "w_rec", N, N, 1);
    fill_results();
    test_rows("test_blas_kernel.h5");
    test_single_trial("test_blas_kernel_one.h5");
    test_old_file("test_blas_kernel_old.h5");
    test_summary("test_blas_kernel_sum.h5");
    test_build("test_blas_kernel_build.h5");
    return check_report("test_blas_kernel");
}
