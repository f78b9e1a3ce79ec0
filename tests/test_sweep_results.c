/* test_sweep_results — the result file (results_h5.c) with synthetic trial
 * results: every dataset of docs/hdf5-layout.md exists with its shape, fill
 * values of unwritten rows, one written row read back value by value, the
 * status-last rule, refusal to overwrite, and resume with the same / another
 * sweep_hash. Serial driver (no MPI needed). */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/config.h"
#include "mimod/results_h5.h"

#define P 3
#define R 4
#define N 4
#define O 2
#define S 5

static double read_d(hid_t f, const char *path, size_t idx) {
    hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
    if (ds < 0) return -999;
    hid_t sp = H5Dget_space(ds);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    double *buf = malloc((size_t)n * sizeof(double));
    H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    double v = idx < (size_t)n ? buf[idx] : -998;
    free(buf);
    H5Sclose(sp);
    H5Dclose(ds);
    return v;
}

static int ndims_of(hid_t f, const char *path, hsize_t *dims) {
    hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
    if (ds < 0) return -1;
    hid_t sp = H5Dget_space(ds);
    int r = H5Sget_simple_extent_ndims(sp);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    H5Dclose(ds);
    return r;
}

int main(void) {
    const char *path = "test_sweep_results.h5";
    unlink(path);
    mimod_err err = {0};

    mimod_layout lay = {0};
    layout_add(&lay, "w_in", N, 4, 1);
    layout_add(&lay, "w_rec", N, N, 1);
    layout_add(&lay, "b", N, 1, 0);
    const char *axes[] = {"seed", "lambda_I"};
    double coords[P * 2] = {0, 0.0, 1, 0.0, 0, 0.1};
    int64_t rstep[R] = {0, 2, 4, 5};
    results_task_desc d = {.name = "wm", .config_yaml = "task: wm\nn_units: 4\nlambda_reg: 0.02\n",
                           .preset = "tiny", .n_points = P, .n_axes = 2, .axis_names = axes,
                           .coords = coords, .n_records = R, .n_units = N, .n_in = 4, .n_out = O,
                           .n_mm_steps = S, .record_step = rstep, .layout = &lay};
    results_meta meta = {"grid: {}\n", "00112233445566778899aabbccddeeff", 1, 0};
    results_file *f = NULL;
    int rc = results_create_serial(path, &meta, 1, &d, &f, &err);
    CHECK(rc == MIMOD_OK, "create: %s", err.msg);
    if (rc) return check_report("test_sweep_results");

    /* synthetic results of a finished trial at point 1; records 0..2 done of 4 */
    double tc_store[TC_COUNT][R], r2[R * O], tl[S], tmi[S], corr[N * N], uoc[N * O];
    int comm[N] = {0, 0, 1, 1};
    trial_results res = {0};
    res.n_records = R;
    res.n_done = 3;
    for (int q = 0; q < TC_COUNT; q++) {
        res.tc[q] = tc_store[q];
        for (int r = 0; r < R; r++) tc_store[q][r] = 100 * q + r;
    }
    for (int i = 0; i < R * O; i++) r2[i] = 0.5 + i;
    for (int i = 0; i < S; i++) { tl[i] = 10 + i; tmi[i] = 20 + i; }
    for (int i = 0; i < N * N; i++) corr[i] = i / 16.0;
    for (int i = 0; i < N * O; i++) uoc[i] = i / 8.0;
    res.r2 = r2; res.train_loss = tl; res.train_mi = tmi;
    res.corr = corr; res.unit_out_corr = uoc; res.communities = comm;
    res.i_n = 0.75; res.wall_seconds = 12.5;
    real params[64];
    for (size_t i = 0; i < lay.n_params; i++) params[i] = (real)(0.25 * (double)i);
    results_point_data pd = {&res, &lay, params, 4, 1, 0};
    rc = results_write_point_data(f, 0, 1, &pd, RESULTS_DONE, -1, NULL, &err);
    CHECK(rc == MIMOD_OK, "write point: %s", err.msg);
    /* point 2 diverged at MM step 3 */
    res.n_done = 1;
    results_point_data pf = {&res, &lay, params, 3, 0, 0};
    rc = results_write_point_data(f, 0, 2, &pf, RESULTS_FAILED, 3, "NaN in h at step 3", &err);
    CHECK(rc == MIMOD_OK, "write failed point: %s", err.msg);
    CHECK(results_write_point_data(f, 0, 7, &pd, RESULTS_DONE, -1, NULL, &err) == MIMOD_EINVAL,
          "out-of-range point refused");
    int st[P];
    CHECK(results_read_status(f, 0, st, &err) == MIMOD_OK, "read status");
    CHECK(st[0] == 0 && st[1] == 2 && st[2] == 3, "status %d %d %d", st[0], st[1], st[2]);
    CHECK(results_close(f, &err) == MIMOD_OK, "close");

    /* read back with plain HDF5 */
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(h >= 0, "reopen");
    hsize_t dims[4];
    CHECK(ndims_of(h, "/wm/timecourse/q_cor", dims) == 2 && dims[0] == P && dims[1] == R, "tc shape");
    CHECK(ndims_of(h, "/wm/timecourse/r2", dims) == 3 && dims[2] == O, "tc r2 shape");
    CHECK(ndims_of(h, "/wm/final/corr", dims) == 3 && dims[1] == N && dims[2] == N, "corr shape");
    CHECK(ndims_of(h, "/wm/weights/w_in", dims) == 3 && dims[1] == N && dims[2] == 4, "w_in shape");
    CHECK(ndims_of(h, "/wm/train/mi", dims) == 2 && dims[1] == S, "train shape");
    CHECK(ndims_of(h, "/wm/fail_reason", dims) == 1 && dims[0] == P, "fail_reason shape");
    for (int q = 0; q < TC_COUNT; q++) {
        const char *name = schema_quantities[q].name;
        char p1[128], p2[128];
        snprintf(p1, sizeof p1, "/wm/timecourse/%s", name);
        snprintf(p2, sizeof p2, "/wm/final/%s", name);
        CHECK(read_d(h, p1, 1 * R + 2) == 100 * q + 2, "%s row 1 record 2", name);
        CHECK(isnan(read_d(h, p1, 1 * R + 3)), "%s record 3 not reached: NaN", name);
        CHECK(isnan(read_d(h, p1, 0 * R + 0)), "%s of an unwritten point: NaN", name);
        CHECK(read_d(h, p2, 1) == 100 * q + 2, "final %s = last record done", name);
        CHECK(isnan(read_d(h, p2, 2)), "final %s of the failed point: NaN", name);
    }
    CHECK(read_d(h, "/wm/timecourse/r2", (1 * R + 2) * O + 1) == r2[2 * O + 1], "r2 row");
    CHECK(read_d(h, "/wm/final/r2", 1 * O + 1) == r2[2 * O + 1], "final r2");
    CHECK(read_d(h, "/wm/train/task_loss", 1 * S + 3) == 13, "train loss");
    CHECK(isnan(read_d(h, "/wm/train/task_loss", 1 * S + 4)), "train loss past mm_done: NaN");
    CHECK(read_d(h, "/wm/train/mi", 2 * S + 2) == 22, "failed point keeps its training curve");
    CHECK(isnan(read_d(h, "/wm/train/mi", 2 * S + 3)), "failed point: NaN after it stopped");
    CHECK(read_d(h, "/wm/final/corr", 1 * N * N + 5) == 5 / 16.0, "corr");
    CHECK(read_d(h, "/wm/final/unit_out_corr", 1 * N * O + 7) == 7 / 8.0, "unit_out_corr");
    CHECK(read_d(h, "/wm/final/communities", 1 * N + 2) == 1, "communities");
    CHECK(read_d(h, "/wm/final/i_n", 1) == 0.75, "i_n");
    CHECK(read_d(h, "/wm/wall_seconds", 1) == 12.5, "wall");
    CHECK(isnan(read_d(h, "/wm/wall_seconds", 0)), "wall of a pending point");
    size_t k = (size_t)layout_find(&lay, "w_rec");
    CHECK(read_d(h, "/wm/weights/w_rec", 1 * N * N + 6) == (double)params[lay.t[k].offset + 6], "w_rec");
    CHECK(isnan(read_d(h, "/wm/weights/b", 0)), "weights of a pending point: NaN");
    CHECK(read_d(h, "/wm/fail_step", 2) == 3 && read_d(h, "/wm/fail_step", 1) == -1, "fail_step");
    CHECK(read_d(h, "/wm/coords/seed", 1) == 1 && read_d(h, "/wm/coords/lambda_I", 2) == 0.1, "coords");
    CHECK(read_d(h, "/wm/record_step", 3) == 5, "record_step");
    {
        hid_t ds = H5Dopen2(h, "/wm/fail_reason", H5P_DEFAULT);
        char rs[P][RESULTS_REASON_LEN];
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, RESULTS_REASON_LEN);
        H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, rs);
        CHECK(strcmp(rs[2], "NaN in h at step 3") == 0 && rs[1][0] == 0, "fail_reason '%s'", rs[2]);
        H5Tclose(t);
        H5Dclose(ds);
        hid_t seed_ds = H5Dopen2(h, "/wm/coords/seed", H5P_DEFAULT);
        hid_t st_ = H5Dget_type(seed_ds);
        CHECK(H5Tget_class(st_) == H5T_INTEGER && H5Tget_size(st_) == 8, "seed coords are int64");
        H5Tclose(st_);
        H5Dclose(seed_ds);
        int32_t fv = 0;
        hid_t a = H5Aopen(h, "format_version", H5P_DEFAULT);
        H5Aread(a, H5T_NATIVE_INT32, &fv);
        H5Aclose(a);
        CHECK(fv == 1, "format_version");
        CHECK(H5Aexists(h, "git_commit") > 0 && H5Aexists(h, "created") > 0 &&
              H5Aexists(h, "sweep_hash") > 0 && H5Aexists(h, "n_ranks") > 0, "root attributes");
        hid_t g = H5Gopen2(h, "/wm", H5P_DEFAULT);
        CHECK(H5Aexists(g, "config_yaml") > 0 && H5Aexists(g, "axes") > 0 && H5Aexists(g, "n_mm_steps") > 0,
              "group attributes");
        H5Gclose(g);
    }
    H5Fclose(h);

    /* refusing to overwrite; resuming with the same hash; another hash */
    f = NULL;
    CHECK(results_create_serial(path, &meta, 1, &d, &f, &err) == MIMOD_EINVAL &&
              strstr(err.msg, "refusing"), "existing file refused: %s", err.msg);
    rc = results_open_existing_serial(path, &meta, 1, &d, &f, &err);
    CHECK(rc == MIMOD_OK, "resume: %s", err.msg);
    if (!rc) {
        CHECK(results_read_status(f, 0, st, &err) == MIMOD_OK && st[1] == 2, "status survives");
        CHECK(results_mark(f, 0, 0, RESULTS_RUNNING, -1, NULL, &err) == MIMOD_OK, "mark");
        results_close(f, &err);
    }
    results_meta other = meta;
    other.sweep_hash = "ffffffffffffffffffffffffffffffff";
    results_task_desc d2 = d;
    double coords2[P * 2] = {0, 0.0, 1, 0.0, 0, 0.2};
    d2.coords = coords2;
    d2.config_yaml = "task: wm\nn_units: 4\nlambda_reg: 0.05\n";
    rc = results_open_existing_serial(path, &other, 1, &d2, &f, &err);
    CHECK(rc == MIMOD_EINVAL, "another sweep refused");
    CHECK(strstr(err.msg, "lambda_I") && strstr(err.msg, "lambda_reg: 0.02") &&
              strstr(err.msg, "--new-output"), "message says what differs: %s", err.msg);
    meta.overwrite = 1;
    rc = results_create_serial(path, &meta, 1, &d, &f, &err);
    CHECK(rc == MIMOD_OK, "overwrite when asked: %s", err.msg);
    if (!rc) {
        CHECK(results_read_status(f, 0, st, &err) == MIMOD_OK && st[1] == 0, "fresh file");
        results_close(f, &err);
    }
    /* a real (tiny) trial through mimod-train's one call */
    {
        const char *one = "test_sweep_results_one.h5";
        unlink(one);
        mimod_config c;
        trial *t = NULL;
        rc = config_preset(&c, "tiny", &mimod_task_wm, &err);
        if (!rc) rc = trial_create(&c, &t, &err);
        if (!rc) rc = trial_run(t, NULL, &err);
        CHECK(rc == MIMOD_OK, "tiny trial: %s", err.msg);
        if (!rc) {
            CHECK(results_write_single_trial(one, "task: wm\n", t, &err) == MIMOD_OK, "single: %s", err.msg);
            CHECK(results_write_single_trial(one, "task: wm\n", t, &err) == MIMOD_EINVAL,
                  "single refuses to overwrite");
            CHECK(results_write_single_trial_ex(one, "task: wm\n", t, 1, &err) == MIMOD_OK,
                  "single overwrites when asked: %s", err.msg);
            const trial_results *res = trial_get_results(t);
            hid_t g = H5Fopen(one, H5F_ACC_RDONLY, H5P_DEFAULT);
            CHECK(g >= 0, "open single");
            int last = res->n_done - 1;
            CHECK(read_d(g, "/wm/status", 0) == 2, "single: status 2");
            CHECK(read_d(g, "/wm/final/q_cor", 0) == res->tc[TC_Q_COR][last], "single: final q_cor");
            CHECK(read_d(g, "/wm/timecourse/task_loss", 1) == res->tc[TC_TASK_LOSS][1], "single: tc");
            CHECK(read_d(g, "/wm/train/mi", (size_t)c.n_mm_steps - 1) == res->train_mi[c.n_mm_steps - 1],
                  "single: train/mi");
            CHECK(read_d(g, "/wm/record_step", (size_t)last) == (double)res->step[last], "record steps agree");
            CHECK(read_d(g, "/wm/coords/seed", 0) == (double)c.seed, "single: seed coord");
            const mimod_layout *L = trial_mm_layout(t);
            int wr = layout_find(L, "w_rec");
            CHECK(wr >= 0 && read_d(g, "/wm/weights/w_rec", 3) == (double)(float)trial_mm_params(t)[L->t[wr].offset + 3],
                  "single: weights");
            H5Fclose(g);
        }
        trial_free(t);
        unlink(one);
    }
    char h1[33], h2[33], h3[33];
    results_hash_text("abc", h1);
    results_hash_text("abc", h2);
    results_hash_text("abd", h3);
    CHECK(strlen(h1) == 32 && !strcmp(h1, h2) && strcmp(h1, h3), "hash");
    unlink(path);
    return check_report("test_sweep_results");
}
