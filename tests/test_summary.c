/* test_summary.c — mimod-summary: the statistics functions on hand-known
 * samples, then a synthetic result file written here with serial HDF5 exactly
 * as docs/hdf5-layout.md describes (root attributes, /wm with coords, status
 * including unfinished and failed points, final/<q>, timecourse/<q>, record_step,
 * weights/<name>, final/corr, final/unit_out_corr), read back and analysed, and the
 * figures drawn and checked (PNG signature, IHDR width and height).
 *
 * Reference numbers were computed independently with Python 3 (this machine's
 * python3, no GSL): means and sds with the `statistics` module (exact rational
 * arithmetic inside), Pearson r with statistics.correlation, t and Welch df
 * from the textbook formulas, and two-sided p values from the regularised
 * incomplete beta function, p = I_{df/(df+t²)}(df/2, 1/2), evaluated with
 * mpmath.betainc at 40 digits — a different route from GSL's t CDFs. The
 * script (same data formula as final_value() below):
 *
 *   import math, statistics, mpmath; mpmath.mp.dps = 40
 *   def final_value(q, p, li, lr):
 *       w = math.sin(1.7*p + 0.9*q + 0.3)
 *       if q == 1: return 0.9 + 0.05*w + 0.01*(li > 0)
 *       if q == 4: return 0.1 + 0.06*w + 0.03*(li > 0)
 *       return 0.5 + ((0.2 + 0.05*q) if li > 0 else 0.0) + 0.1*(lr > 0) + 0.08*w
 *   points = [(li, lr, s) for li in (0.1, 0.0) for lr in (0.02, 0.0) for s in range(1, 6)]
 *   status = [2]*20; status[4] = 1; status[14] = 3; status[18] = 0
 *   conds = [[p for p in range(20) if points[p][:2] == (li, lr) and status[p] == 2]
 *            for li in (0.1, 0.0) for lr in (0.02, 0.0)]
 *   def pt(t, df):
 *       x = mpmath.mpf(df) / (df + mpmath.mpf(t)**2)
 *       return float(mpmath.betainc(mpmath.mpf(df)/2, mpmath.mpf(1)/2, 0, x, regularized=True))
 *   then statistics.mean / stdev / variance / correlation over conds[c], and
 *   t = d/√(sp²(1/na+1/nb)), Welch t = d/√(va/na+vb/nb),
 *   df_W = (va/na+vb/nb)²/((va/na)²/(na−1)+(vb/nb)²/(nb−1)), r → t = r√((n−2)/(1−r²)). */
#include "check.h"
#include "mimod/tasks.h"
#include "mimod/summary.h"
#include "mimod/summary_carried.h"
#include "mimod/summary_claims.h"
#include "mimod/summary_plot.h"
#include "mimod/summary_report.h"
#include "mimod/summary_tables.h"

#include <dirent.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define P 20
#define R 5
#define N 8
#define O 2
#define S 100
static const double LAMBDA_I[2] = {0.1, 0.0}, LAMBDA_REG[2] = {0.02, 0.0};

static double final_value(int q, int p, double li, double lr) {
    double w = sin(1.7 * p + 0.9 * q + 0.3);
    if (q == SQ_ACCURACY) return 0.9 + 0.05 * w + 0.01 * (li > 0);
    if (q == SQ_Q_STR) return 0.1 + 0.06 * w + 0.03 * (li > 0);
    return 0.5 + (li > 0 ? 0.2 + 0.05 * q : 0.0) + 0.1 * (lr > 0) + 0.08 * w;
}

/* ---- HDF5 writing helpers (the writer of the real files is mimod-sweep) */

static void attr_i64(hid_t obj, const char *name, hid_t ftype, int64_t v) {
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Sclose(sp);
}

/* vlen = 1: variable-length string; 0: fixed length, null-terminated; 2: fixed,
 * null-padded at the exact length, no NUL (as src/io/results_h5.c writes).
 * All three must be readable. */
static void attr_str(hid_t obj, const char *name, const char *v, int vlen) {
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, vlen == 1 ? H5T_VARIABLE : strlen(v) + (vlen == 0));
    if (vlen == 2) H5Tset_strpad(ty, H5T_STR_NULLPAD);
    hid_t a = H5Acreate2(obj, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (vlen == 1) H5Awrite(a, ty, &v);
    else H5Awrite(a, ty, v);
    H5Aclose(a);
    H5Tclose(ty);
    H5Sclose(sp);
}

static void dset(hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank,
                 const hsize_t *dims, const void *data) {
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(g, name, ftype, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d);
    H5Sclose(sp);
    H5Pclose(lcpl);
}

static int status_of(int p) {
    if (p == 4) return RESULTS_RUNNING;  /* (0.1, 0.02, seed 5) */
    if (p == 14) return RESULTS_FAILED;  /* (0, 0.02, seed 5) */
    if (p == 18) return RESULTS_PENDING; /* (0, 0, seed 4) */
    return RESULTS_DONE;
}

/* A small /sep group beside /wm: λ_I ∈ {0.005, 0} × seeds 1..3, λ_reg only in
 * config_yaml (0.0002), N = 4 GRU units, 6 outputs; every point finished. */
#define SP 6
#define SR 3
#define SN 4
#define SO 6
static void write_sep(hid_t f) {
    hid_t g = H5Gcreate2(f, "sep", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_str(g, "config_yaml", "task: sep\npreset: paper\nlambda_I: 0.005\nlambda_reg: 0.0002\n", 0);
    attr_str(g, "axes", "lambda_I,seed", 0);
    attr_i64(g, "n_points", H5T_STD_I64LE, SP);
    attr_i64(g, "n_records", H5T_STD_I64LE, SR);
    attr_i64(g, "n_units", H5T_STD_I64LE, SN);
    attr_i64(g, "n_in", H5T_STD_I64LE, 3);
    attr_i64(g, "n_out", H5T_STD_I64LE, SO);
    attr_i64(g, "n_mm_steps", H5T_STD_I64LE, 40);
    attr_str(g, "preset", "paper", 0);
    static double li[SP], fin[SP], tc[SP * SR], corr[SP * SN * SN], uoc[SP * SN * SO];
    static int64_t seed[SP], fail_step[SP], rstep[SR] = {0, 20, 40};
    static int32_t status[SP];
    static float w_x[SP * 3 * SN * 3], u[SP * 3 * SN * SN], b[SP * 3 * SN], w_out[SP * SO * SN],
        b_out[SP * SO];
    for (int p = 0; p < SP; p++) {
        li[p] = p < 3 ? 0.005 : 0.0;
        seed[p] = p % 3 + 1;
        status[p] = RESULTS_DONE;
        fail_step[p] = -1;
    }
    hsize_t dP[1] = {SP}, dR[1] = {SR}, dPR[2] = {SP, SR}, dPNN[3] = {SP, SN, SN},
            dPNO[3] = {SP, SN, SO}, dPx[3] = {SP, 3 * SN, 3}, dPu[3] = {SP, 3 * SN, SN},
            dPb[3] = {SP, 3 * SN, 1}, dPo[3] = {SP, SO, SN}, dPo1[3] = {SP, SO, 1};
    dset(g, "coords/lambda_I", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, li);
    dset(g, "coords/seed", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dP, seed);
    dset(g, "status", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, dP, status);
    dset(g, "fail_step", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dP, fail_step);
    dset(g, "record_step", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dR, rstep);
    for (int q = 0; q < SQ_COUNT; q++) {
        for (int p = 0; p < SP; p++) {
            fin[p] = q == SQ_ACCURACY || q == SQ_D_IN ? NAN : final_value(q, p, li[p], 0.0002);
            for (int r = 0; r < SR; r++) tc[p * SR + r] = fin[p] * r / (SR - 1.0);
        }
        char path[64];
        snprintf(path, sizeof path, "final/%s", summary_quantity_name(q));
        dset(g, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, fin);
        if (q == SQ_I_N) continue;
        snprintf(path, sizeof path, "timecourse/%s", summary_quantity_name(q));
        dset(g, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dPR, tc);
    }
    for (int p = 0; p < SP; p++)
        for (int i = 0; i < SN; i++) {
            for (int j = 0; j < SN; j++)
                corr[(p * SN + i) * SN + j] = i == j ? 1.0 : ((i < 2) == (j < 2) ? 0.8 : 0.1);
            for (int k = 0; k < SO; k++)
                uoc[(p * SN + i) * SO + k] = (i < 2) == (k < 3) ? 0.7 : 0.1;
        }
    /* u stacks U_z, U_r, U_h: the U_h block (rows 2N..3N-1) is the one drawn */
    for (int i = 0; i < SP * 3 * SN * SN; i++) u[i] = (float)(((i / SN) % (3 * SN)) >= 2 * SN ? 0.3 : 5.0);
    for (int i = 0; i < SP * 3 * SN * 3; i++) w_x[i] = 0.1f;
    for (int i = 0; i < SP * SO * SN; i++) w_out[i] = (float)(0.1 * (i % 7));
    dset(g, "final/corr", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dPNN, corr);
    dset(g, "final/unit_out_corr", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dPNO, uoc);
    dset(g, "weights/w_x", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPx, w_x);
    dset(g, "weights/u", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPu, u);
    dset(g, "weights/b", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPb, b);
    dset(g, "weights/w_out", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPo, w_out);
    dset(g, "weights/b_out", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPo1, b_out);
    H5Gclose(g);
}

static int write_file(const char *path) {
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return -1;
    attr_i64(f, "format_version", H5T_STD_I32LE, 1);
    attr_str(f, "mimod_version", "0.1.0", 1);
    attr_str(f, "git_commit", "test", 1);
    attr_str(f, "created", "2026-01-01T00:00:00Z", 1);
    attr_i64(f, "n_ranks", H5T_STD_I32LE, 1);
    attr_str(f, "sweep_yaml", "task: wm\n", 1);
    attr_str(f, "sweep_hash", "0123abcd", 1);

    hid_t g = H5Gcreate2(f, "wm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_str(g, "config_yaml", "task: wm\npreset: paper\nn_units: 8\nlambda_I: 0.1\nlambda_reg: 0.02\n", 2);
    attr_str(g, "axes", "lambda_I,lambda_reg,seed", 2);
    attr_i64(g, "n_points", H5T_STD_I64LE, P);
    attr_i64(g, "n_records", H5T_STD_I64LE, R);
    attr_i64(g, "n_units", H5T_STD_I64LE, N);
    attr_i64(g, "n_in", H5T_STD_I64LE, 4);
    attr_i64(g, "n_out", H5T_STD_I64LE, O);
    attr_i64(g, "n_mm_steps", H5T_STD_I64LE, S);
    attr_str(g, "preset", "paper", 2);

    static double li[P], lr[P], wall[P], fin[P], tc[P * R], tc_r2[P * R * O], fin_r2[P * O];
    static double train[P * S], corr[P * N * N], uoc[P * N * O];
    static int64_t seed[P], fail_step[P], rstep[R];
    static int32_t status[P], communities[P * N];
    static char reason[P][RESULTS_REASON_LEN];
    static float w_in[P * N * 4], w_rec[P * N * N], b[P * N], w_out[P * O * N], b_out[P * O];
    for (int p = 0; p < P; p++) {
        li[p] = LAMBDA_I[p / 10];
        lr[p] = LAMBDA_REG[(p / 5) % 2];
        seed[p] = p % 5 + 1;
        status[p] = status_of(p);
        fail_step[p] = status[p] == RESULTS_FAILED ? 42 : -1;
        if (status[p] == RESULTS_FAILED) snprintf(reason[p], RESULTS_REASON_LEN, "NaN in the task loss");
        wall[p] = 1.0 + p;
    }
    hsize_t dP[1] = {P}, dR[1] = {R}, dPR[2] = {P, R}, dPRO[3] = {P, R, O}, dPO[2] = {P, O},
            dPS[2] = {P, S}, dPN[2] = {P, N}, dPNN[3] = {P, N, N}, dPNO[3] = {P, N, O},
            dPN4[3] = {P, N, 4}, dPN1[3] = {P, N, 1}, dPON[3] = {P, O, N}, dPO1[3] = {P, O, 1};
    dset(g, "coords/lambda_I", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, li);
    dset(g, "coords/lambda_reg", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, lr);
    dset(g, "coords/seed", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dP, seed);
    dset(g, "status", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, dP, status);
    dset(g, "fail_step", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dP, fail_step);
    {
        hid_t ty = H5Tcopy(H5T_C_S1);
        H5Tset_size(ty, RESULTS_REASON_LEN);
        dset(g, "fail_reason", ty, ty, 1, dP, reason);
        H5Tclose(ty);
    }
    dset(g, "wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, wall);
    for (int r = 0; r < R; r++) rstep[r] = r < R - 1 ? 25 * r : S;
    dset(g, "record_step", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dR, rstep);

    for (int q = 0; q < SQ_COUNT; q++) {
        for (int p = 0; p < P; p++) {
            /* Unfinished rows: NaN as the layout says, except the failed point,
             * which holds finite garbage so that a reader ignoring status fails. */
            double v = q == SQ_R2_MEAN ? NAN : final_value(q, p, li[p], lr[p]);
            if (status[p] == RESULTS_FAILED) v = 999.0;
            else if (status[p] != RESULTS_DONE) v = NAN;
            fin[p] = v;
            for (int r = 0; r < R; r++) /* a ramp from 0 to the final value, with a wiggle */
                tc[p * R + r] = v * (double)r / (R - 1) + 0.01 * sin(p + r) * (r < R - 1);
        }
        char path[64];
        snprintf(path, sizeof path, "final/%s", summary_quantity_name(q));
        dset(g, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, fin);
        if (q == SQ_I_N) continue; /* i_n is computed at the end only */
        snprintf(path, sizeof path, "timecourse/%s", summary_quantity_name(q));
        dset(g, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dPR, tc);
    }
    for (int i = 0; i < P * R * O; i++) tc_r2[i] = NAN;
    for (int i = 0; i < P * O; i++) fin_r2[i] = NAN;
    dset(g, "timecourse/r2", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dPRO, tc_r2);
    dset(g, "final/r2", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dPO, fin_r2);
    for (int i = 0; i < P * S; i++) train[i] = 1.0 / (1.0 + i % S);
    dset(g, "train/task_loss", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dPS, train);
    dset(g, "train/mi", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dPS, train);
    for (int p = 0; p < P; p++)
        for (int i = 0; i < N; i++) {
            communities[p * N + i] = i >= N / 2;
            for (int j = 0; j < N; j++) {
                int same = (i < N / 2) == (j < N / 2);
                corr[(p * N + i) * N + j] = i == j ? 1.0 : (same ? 0.7 : -0.1) + 0.05 * cos(i + j + p);
                w_rec[(p * N + i) * N + j] = (float)((same ? 0.5 : 0.05) * sin(3.0 * i + j + p));
            }
            for (int k = 0; k < O; k++)
                uoc[(p * N + i) * O + k] = ((i < N / 2) == (k == 0) ? 0.8 : 0.2) + 0.01 * i;
            for (int c = 0; c < 4; c++) w_in[(p * N + i) * 4 + c] = (float)(0.1 * (c + 1) - 0.01 * i);
            b[p * N + i] = 0.0f;
        }
    for (int p = 0; p < P; p++)
        for (int k = 0; k < O; k++) {
            b_out[p * O + k] = 0.0f;
            for (int i = 0; i < N; i++) w_out[(p * O + k) * N + i] = (float)((i < N / 2) == (k == 0) ? 1.0 : -0.2);
        }
    dset(g, "final/communities", H5T_STD_I32LE, H5T_NATIVE_INT32, 2, dPN, communities);
    dset(g, "final/corr", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dPNN, corr);
    dset(g, "final/unit_out_corr", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, dPNO, uoc);
    dset(g, "weights/w_in", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPN4, w_in);
    dset(g, "weights/w_rec", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPNN, w_rec);
    dset(g, "weights/b", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPN1, b);
    dset(g, "weights/w_out", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPON, w_out);
    dset(g, "weights/b_out", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 3, dPO1, b_out);
    H5Gclose(g);
    write_sep(f);
    H5Fclose(f);
    return 0;
}

/* ---- PNG check: 8-byte signature, then the IHDR chunk with width and height */

static int png_size(const char *path, uint32_t *w, uint32_t *h, long *bytes) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    unsigned char head[24];
    size_t got = fread(head, 1, sizeof head, fp);
    fseek(fp, 0, SEEK_END);
    *bytes = ftell(fp);
    fclose(fp);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (got < 24 || memcmp(head, sig, 8) != 0 || memcmp(head + 12, "IHDR", 4) != 0) return -2;
    *w = (uint32_t)head[16] << 24 | (uint32_t)head[17] << 16 | (uint32_t)head[18] << 8 | head[19];
    *h = (uint32_t)head[20] << 24 | (uint32_t)head[21] << 16 | (uint32_t)head[22] << 8 | head[23];
    return 0;
}

static void check_png(const char *dir, const char *base) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s.png", dir, base);
    uint32_t w = 0, h = 0;
    long bytes = 0;
    int rc = png_size(path, &w, &h, &bytes);
    CHECK(rc == 0, "%s: missing or not a PNG (%d)", path, rc);
    CHECK(bytes > 1000, "%s: only %ld bytes", path, bytes);
    CHECK(w == SUMMARY_FIG_WIDTH && h == SUMMARY_FIG_HEIGHT, "%s: %ux%u, expected %dx%d", path, w,
          h, SUMMARY_FIG_WIDTH, SUMMARY_FIG_HEIGHT);
    snprintf(path, sizeof path, "%s/%s.svg", dir, base);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size > 500, "%s: missing or empty", path);
}

/* ---- tests */

/* The numbers of every table: one rule per kind (summary_report.h), worked by hand. */
static void test_number_formats(void) {
    static const struct {
        double mean, sd;
        const char *want;
    } ms[] = {
        {0.9281, 0.0186, "0.928 ± 0.019"},       /* sd to 2 digits, mean to its place */
        {-0.05042, 0.0259, "-0.050 ± 0.026"},
        {2.254, 0.18, "2.25 ± 0.18"},
        {-0.015344, 0.00061, "-0.01534 ± 0.00061"},
        {-92.4, 102.0, "-92 ± 102"},             /* sd ≥ 10: whole numbers */
        {5.0, 1.0, "5.0 ± 1.0"},
        {2.25, 0.0, "2.25 ± 0"},                 /* all trials equal */
        {2.25, NAN, "2.25"},                     /* one trial */
        {NAN, NAN, "—"},
        {1234.5, 0.001, "1234.50 ± 1.0e-03"},    /* at most 6 digits of the mean */
    };
    char buf[64];
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        summary_fmt_mean_sd(buf, sizeof buf, ms[i].mean, ms[i].sd);
        CHECK(strcmp(buf, ms[i].want) == 0, "mean ± sd of (%g, %g): '%s', expected '%s'",
              ms[i].mean, ms[i].sd, buf, ms[i].want);
    }
    static const struct {
        double p;
        const char *want;
    } ps[] = {{0.0213, "0.021"}, {0.9978, "0.998"}, {1.0, "1.000"}, {0.001, "0.001"},
              {5.61e-13, "5.6e-13"}, {0.0, "0"}, {NAN, "—"}};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        summary_fmt_p(buf, sizeof buf, ps[i].p);
        CHECK(strcmp(buf, ps[i].want) == 0, "p %g: '%s', expected '%s'", ps[i].p, buf, ps[i].want);
    }
    summary_fmt_t(buf, sizeof buf, -24.8412);
    CHECK(strcmp(buf, "-24.84") == 0, "t: '%s'", buf);
    summary_fmt_r(buf, sizeof buf, 0.705836);
    CHECK(strcmp(buf, "0.706") == 0, "r: '%s'", buf);
    summary_fmt_df(buf, sizeof buf, 14.0);
    CHECK(strcmp(buf, "14") == 0, "Student df: '%s'", buf);
    summary_fmt_df(buf, sizeof buf, 2.152);
    CHECK(strcmp(buf, "2.2") == 0, "Welch df: '%s'", buf);
    summary_csv_stat(buf, sizeof buf, 0.021311641129);
    CHECK(strcmp(buf, "0.02131164113") == 0, "csv statistic: '%s'", buf);
    summary_csv_stat(buf, sizeof buf, NAN);
    CHECK(buf[0] == '\0', "csv NaN statistic: '%s'", buf);
    /* exact CSV numbers: the shortest decimal that reads back as the same double */
    static const struct {
        double x;
        const char *want;
    } ex[] = {{0.1, "0.1"}, {1.0 / 3.0, "0.3333333333333333"}, {(double)0.9149f, "0.914900004863739"},
              {-0.0, "-0"}, {1e300, "1e+300"}, {2.0 / 3.0, "0.6666666666666666"},
              {0.30000000000000004, "0.30000000000000004"}};
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        summary_csv_exact(buf, sizeof buf, ex[i].x);
        CHECK(strcmp(buf, ex[i].want) == 0, "exact %.17g: '%s', expected '%s'", ex[i].x, buf,
              ex[i].want);
    }
    summary_csv_exact(buf, sizeof buf, NAN);
    CHECK(buf[0] == '\0', "csv NaN value: '%s'", buf);
    /* many doubles: each reads back exactly, and no fewer digits would */
    uint64_t state = 88172645463325252ull;
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        double x;
        uint64_t bits = state;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x)) continue;
        if (i % 2) x = (double)(float)((state >> 11) * 0x1.0p-53 * 4.0 - 2.0); /* float results */
        summary_csv_exact(buf, sizeof buf, x);
        int digits = 0;
        int leading = 1; /* significant digits: leading zeros do not count */
        for (const char *c = buf; *c && *c != 'e'; c++) {
            if (*c >= '1' && *c <= '9') leading = 0;
            digits += !leading && *c >= '0' && *c <= '9';
        }
        char shorter[400];
        snprintf(shorter, sizeof shorter, "%.*g", digits > 1 ? digits - 1 : 1, x);
        if (strtod(buf, NULL) != x || (digits > 1 && strtod(shorter, NULL) == x)) bad++;
    }
    CHECK(bad == 0, "%d doubles not written exactly in the fewest digits", bad);
}

static void test_stats_by_hand(void) {
    int n;
    double mean, sd;
    const double x[8] = {2, 4, 4, 4, 5, 5, 7, 9};
    summary_mean_sd(x, 8, &n, &mean, &sd);
    CHECK(n == 8, "n = %d", n);
    CHECK_CLOSE(mean, 5.0, 0, 1e-15, "mean of 2,4,4,4,5,5,7,9");
    CHECK_CLOSE(sd, sqrt(32.0 / 7.0), 0, 1e-15, "sd (n−1) of 2,4,4,4,5,5,7,9");
    /* non-finite values are skipped */
    const double y[5] = {1, NAN, 3, INFINITY, 5};
    summary_mean_sd(y, 5, &n, &mean, &sd);
    CHECK(n == 3 && mean == 3.0 && sd == 2.0, "skip non-finite: n %d mean %g sd %g", n, mean, sd);
    /* two-pass: a one-pass formula returns garbage for a large offset */
    const double big[3] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
    summary_mean_sd(big, 3, &n, &mean, &sd);
    CHECK_CLOSE(sd, 1.0, 0, 1e-9, "sd with offset 1e9");
    summary_mean_sd(y, 1, &n, &mean, &sd);
    CHECK(n == 1 && mean == 1.0 && isnan(sd), "one value: sd NaN");

    /* t-test by hand: a = {1,2,3}, b = {4,5,6}: pooled var 1, se √(2/3), t = −3/√(2/3) */
    const double a[3] = {1, 2, 3}, bb[3] = {4, 5, 6};
    summary_ttest_result res;
    mimod_err err = {0};
    CHECK(summary_ttest(a, 3, bb, 3, 0, &res, &err) == MIMOD_OK, "%s", err.msg);
    CHECK_CLOSE(res.t, -3.0 / sqrt(2.0 / 3.0), 0, 1e-14, "t by hand");
    CHECK(res.df == 4.0, "df %g", res.df);
    /* with df = 4, t = −√13.5: p = I_{4/17.5}(2, 1/2) by hand: for a = 2,
     * I_x(2, ½) = 1 − √(1−x)·(1 + x/2) → 0.01950... (checked with mpmath) */
    double xx = 4.0 / (4.0 + 13.5);
    CHECK_CLOSE(res.p, 1.0 - sqrt(1.0 - xx) * (1.0 + xx / 2.0), 0, 1e-12, "p by closed form");
    CHECK(summary_t_two_sided_p(0.0, 7.0) == 1.0, "p(t=0) = 1");
    CHECK_CLOSE(summary_t_two_sided_p(-2.5, 10.0), summary_t_two_sided_p(2.5, 10.0), 0, 1e-15,
                "p symmetric in t");
    CHECK_CLOSE(res.se, sqrt(2.0 / 3.0), 0, 1e-15, "se by hand");

    /* TOST (Schuirmann): Δ̂ 0.1, se 0.05, df 10, δ 0.2: the one-sided t's are
     * 6 and −2, so p = max(Q(6), P(−2)) = P_t10(−2); the 90 % CI is 0.1 ±
     * t(0.95, 10)·0.05. References from SciPy 1.10 (stats.t). */
    summary_tost_result e;
    CHECK(summary_tost_t(0.1, 0.05, 10.0, 0.2, 0.05, &e, &err) == MIMOD_OK, "%s", err.msg);
    CHECK_CLOSE(e.p, 0.036694017385370196, 0, 1e-9, "TOST p = P_t10(-2) (SciPy)");
    CHECK_CLOSE(e.ci_lo, 0.009376943859463333, 0, 1e-8, "TOST CI low (SciPy)");
    CHECK_CLOSE(e.ci_hi, 0.19062305614053668, 0, 1e-8, "TOST CI high (SciPy)");
    CHECK(e.equivalent && e.margin == 0.2, "equivalent within 0.2");
    /* the interval and the test agree: a margin just inside the CI's end is not enough */
    CHECK(summary_tost_t(0.1, 0.05, 10.0, 0.19, 0.05, &e, NULL) == MIMOD_OK && !e.equivalent &&
              e.p > 0.05,
          "not equivalent within 0.19 (CI reaches 0.1906): p %g", e.p);
    /* symmetric in the sign of the difference */
    summary_tost_result e2;
    summary_tost_t(-0.1, 0.05, 10.0, 0.2, 0.05, &e2, NULL);
    CHECK_CLOSE(e2.p, 0.036694017385370196, 0, 1e-9, "TOST p of −Δ̂ equals that of Δ̂");
    CHECK_CLOSE(e2.ci_hi, -0.009376943859463333, 0, 1e-8, "mirrored CI");
    CHECK(summary_tost_t(0.1, 0.0, 10.0, 0.2, 0.05, &e, NULL) == MIMOD_EINVAL && isnan(e.p),
          "se 0 is an error");
    CHECK(summary_tost_t(0.1, 0.05, 10.0, 0.0, 0.05, &e, NULL) == MIMOD_EINVAL, "margin 0");
    CHECK(summary_tost_t(0.1, 0.05, 10.0, 0.2, 0.5, &e, NULL) == MIMOD_EINVAL, "alpha 0.5");
    /* Pearson: r 0.1, n 30, |ρ| < 0.5: Fisher z = atanh(0.1), se 1/√27 (SciPy norm) */
    CHECK(summary_tost_pearson(0.1, 30, 0.5, 0.05, &e, &err) == MIMOD_OK, "%s", err.msg);
    CHECK_CLOSE(e.p, 0.009826154061368381, 0, 1e-9, "Pearson TOST p (SciPy)");
    CHECK_CLOSE(e.ci_lo, -0.21290935605377187, 0, 1e-9, "Pearson CI low (SciPy)");
    CHECK_CLOSE(e.ci_hi, 0.3943051471491742, 0, 1e-9, "Pearson CI high (SciPy)");
    CHECK(e.equivalent, "|ρ| < 0.5 shown at n = 30");
    CHECK(summary_tost_pearson(0.1, 10, 0.5, 0.05, &e, NULL) == MIMOD_OK && !e.equivalent,
          "not shown at n = 10 (p %g)", e.p);
    CHECK(summary_tost_pearson(0.1, 3, 0.5, 0.05, &e, NULL) == MIMOD_EINVAL, "n = 3");
    CHECK(summary_tost_pearson(1.0, 30, 0.5, 0.05, &e, NULL) == MIMOD_EINVAL, "|r| = 1");

    /* too few values / zero variance are errors, not numbers */
    CHECK(summary_ttest(a, 1, bb, 3, 0, &res, NULL) == MIMOD_EINVAL && isnan(res.p), "n = 1");
    const double c3[3] = {2, 2, 2}, d3[3] = {3, 3, 3};
    CHECK(summary_ttest(c3, 3, d3, 3, 1, &res, NULL) == MIMOD_EINVAL, "zero variance");

    /* Pearson: exact line → r = ±1, p = 0; independent-ish pattern by hand */
    const double px[4] = {1, 2, 3, 4}, py[4] = {3, 5, 7, 9}, pz[4] = {1, 3, 2, 4};
    double r, p;
    CHECK(summary_pearson(px, py, 4, &n, &r, &p, NULL) == MIMOD_OK, "pearson ok");
    CHECK(r == 1.0 && p == 0.0, "r %g p %g", r, p);
    /* x = 1..4, z = 1,3,2,4: Sxy = 4, Sxx = Syy = 5 → r = 0.8; t = 0.8·√(2/0.36),
     * df 2: p = 1 − t/√(2+t²) (closed form of the t CDF for 2 df) */
    CHECK(summary_pearson(px, pz, 4, &n, &r, &p, NULL) == MIMOD_OK, "pearson ok");
    CHECK_CLOSE(r, 0.8, 0, 1e-15, "r = 0.8");
    double t = 0.8 * sqrt(2.0 / 0.36);
    CHECK_CLOSE(p, 1.0 - t / sqrt(2.0 + t * t), 0, 1e-12, "p (2 df closed form)");
    CHECK(summary_pearson(px, py, 2, &n, &r, &p, NULL) == MIMOD_EINVAL && isnan(r), "n = 2");
}

static const summary_test *find_test(const summary_analysis *a, int ca, int cb, int q) {
    for (int i = 0; i < a->n_tests; i++)
        if (a->tests[i].cond_a == ca && a->tests[i].cond_b == cb && a->tests[i].quantity == q)
            return &a->tests[i];
    return NULL;
}

/* SEP: λ_reg from config_yaml, paper columns, r2_mean success, 8 quantities.
 * References from the same Python script (mean/stdev of r2_mean per condition;
 * Student t and mpmath-betainc p). */
static void test_sep(int64_t file) {
    summary_task t;
    mimod_err err = {0};
    CHECK(summary_read_task(file, "sep", &t, &err) == MIMOD_OK, "%s", err.msg);
    if (err.code) return;
    summary_options o;
    summary_options_default(&o);
    summary_analysis a;
    CHECK(summary_analyze(&t, &o, &a, &err) == MIMOD_OK, "%s", err.msg);
    summary_claims_paper_columns(summary_paper_claims(NULL), &a);
    CHECK(t.n_axes == 2 && t.base_lambda_reg == 0.0002, "sep axes / base λ_reg");
    CHECK(a.n_conditions == 2 && a.n_tests == 8, "sep: %d conditions, %d tests", a.n_conditions,
          a.n_tests);
    if (a.n_conditions == 2) {
        const summary_condition *c0 = &a.conditions[0], *c1 = &a.conditions[1];
        CHECK(strcmp(c0->paper_name, "MI + L2") == 0, "MI + L2: %s", c0->paper_name);
        CHECK(strcmp(c1->paper_name, "no MI") == 0, "SEP no MI: %s", c1->paper_name);
        /* the paper's values come from sweeps/paper_claims.yaml (built in) */
        CHECK(strcmp(c0->paper[SQ_R2_MEAN], "0.973 ± 0.013") == 0, "paper R² MI + L2");
        CHECK(strcmp(c1->paper[SQ_I_N], "0.018 ± 0.014") == 0, "paper I_n no MI");
        CHECK(!c1->paper[SQ_R2_MEAN][0], "no paper R² without MI");
        CHECK_CLOSE(c0->mean[SQ_R2_MEAN], 0.8878882973369537, 0, 1e-12, "sep r2_mean mean");
        CHECK_CLOSE(c0->sd[SQ_R2_MEAN], 0.0703937528274744, 0, 1e-9, "sep r2_mean sd");
        CHECK_CLOSE(c1->sd[SQ_R2_MEAN], 0.07345939950450976, 0, 1e-9, "sep r2_mean sd (no MI)");
        CHECK(c0->n[SQ_ACCURACY] == 0 && c0->n[SQ_D_IN] == 0, "no accuracy / d_in for SEP");
        CHECK(c0->n_success == 1 && c0->n_success_known == 3 && c1->n_success == 0,
              "success r2_mean > 0.9");
        const summary_test *s = find_test(&a, 0, 1, SQ_R2_MEAN);
        CHECK(s && s->ok, "r2_mean test");
        if (s) {
            CHECK_CLOSE(s->res.t, 4.732128449461089, 0, 1e-9, "sep t");
            CHECK_CLOSE(s->res.p, 0.009089801617806193, 0, 1e-6, "sep p");
        }
        CHECK(find_test(&a, 0, 1, SQ_D_IN) == NULL && find_test(&a, 0, 1, SQ_ACCURACY) == NULL,
              "no WM-only tests");
        CHECK(summary_default_trial(&a) == 2, "sep default trial");
    }
    summary_analysis_free(&a);
    o.success_threshold = 0.85; /* configurable: 0.969 and 0.851 pass, 0.844 does not */
    CHECK(summary_analyze(&t, &o, &a, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(a.n_conditions == 2 && a.conditions[0].n_success == 2, "threshold 0.85");
    summary_analysis_free(&a);
    summary_task_free(&t);
}

static void test_file(const char *path) {
    int64_t file;
    mimod_err err = {0};
    CHECK(summary_open(path, &file, &err) == MIMOD_OK, "%s", err.msg);
    if (err.code) return;
    CHECK(summary_has_task(file, "wm") && summary_has_task(file, "sep"), "groups");
    summary_task t;
    CHECK(summary_read_task(file, "wm", &t, &err) == MIMOD_OK, "%s", err.msg);
    if (err.code) {
        summary_close(file);
        return;
    }
    CHECK(t.n_points == P && t.n_records == R && t.n_units == N && t.n_out == O, "sizes");
    CHECK(t.n_axes == 3 && strcmp(t.axis_names[2], "seed") == 0, "axes");
    CHECK(strcmp(t.preset, "paper") == 0, "preset '%s'", t.preset);
    CHECK(t.base_lambda_I == 0.1 && t.base_lambda_reg == 0.02, "base lambdas from config_yaml");
    /* a file made before issue 16 has no n_groups in config_yaml: two groups */
    CHECK(t.base_n_groups == 2 && summary_point_groups(&t, 0) == 2, "K = 2 when config_yaml lacks it");
    CHECK(t.record_step[R - 1] == S && t.fail_step[14] == 42, "record_step, fail_step");
    CHECK(strcmp(t.fail_reason[14], "NaN in the task loss") == 0, "fail_reason '%s'",
          t.fail_reason[14]);

    summary_options o;
    summary_options_default(&o);
    summary_analysis a;
    CHECK(summary_analyze(&t, &o, &a, &err) == MIMOD_OK, "%s", err.msg);
    summary_claims_paper_columns(summary_paper_claims(NULL), &a);
    CHECK(a.n_finished == 17 && a.n_running == 1 && a.n_failed == 1 && a.n_pending == 1,
          "status counts %d %d %d %d", a.n_finished, a.n_running, a.n_failed, a.n_pending);
    CHECK(a.n_conditions == 4, "conditions %d", a.n_conditions);
    /* 4 one-axis pairs (not the 2 diagonal ones) × 9 WM quantities */
    CHECK(a.n_tests == 4 * 9, "tests %d", a.n_tests);
    if (a.n_conditions == 4) {
        const summary_condition *c0 = &a.conditions[0], *c1 = &a.conditions[1];
        const summary_condition *c2 = &a.conditions[2], *c3 = &a.conditions[3];
        CHECK(c0->n_points == 4 && c1->n_points == 5 && c2->n_points == 4 && c3->n_points == 4,
              "n per condition");
        CHECK(c0->lambda_I == 0.1 && c0->lambda_reg == 0.02 && c2->lambda_I == 0.0, "labels");
        /* paper columns (SPEC §6): WM λ_I 0.1 → "MI", λ_I 0 → "no MI" */
        CHECK(strcmp(c0->paper_name, "MI") == 0, "paper MI: %s", c0->paper_name);
        CHECK(strcmp(c0->paper[SQ_Q_COR], "0.299 ± 0.153") == 0, "paper Q_cor MI");
        /* a rate claim beside the value, or alone */
        CHECK(strcmp(c0->paper[SQ_Q_STR], "0.114 ± 0.049 (10/20 above 0.1)") == 0, "paper Q_str: %s",
              c0->paper[SQ_Q_STR]);
        CHECK(strcmp(c0->paper[SQ_ACCURACY], "20/20 succeed") == 0, "paper accuracy");
        CHECK(strcmp(c2->paper_name, "no MI") == 0, "paper no MI");
        /* WM paper conditions have λ_reg = 0.02: λ_reg = 0 matches no paper column */
        CHECK(!c1->paper_name[0] && !c3->paper_name[0] && !c1->paper[SQ_Q_COR][0],
              "λ_reg 0 is not the paper's WM");
        CHECK(strstr(c0->paper[SUMMARY_PAPER_PEARSON], "0.0046"), "paper r(Î, loss)");
        CHECK(!c0->paper[SQ_MI][0], "no paper mean for Î");
        /* python reference (see the head of this file) */
        CHECK_CLOSE(c0->mean[SQ_TASK_LOSS], 0.7980443401004508, 0, 1e-12, "c1 task_loss mean");
        CHECK_CLOSE(c0->sd[SQ_TASK_LOSS], 0.06178940429367268, 0, 1e-9, "c1 task_loss sd");
        CHECK_CLOSE(c0->mean[SQ_ACCURACY], 0.9124301414004012, 0, 1e-12, "c1 accuracy mean");
        CHECK_CLOSE(c0->sd[SQ_ACCURACY], 0.03983500008043634, 0, 1e-9, "c1 accuracy sd");
        CHECK_CLOSE(c0->mean[SQ_Q_COR], 0.9545527153238269, 0, 1e-12, "c1 q_cor mean");
        CHECK_CLOSE(c0->sd[SQ_Q_COR], 0.06468099079039012, 0, 1e-9, "c1 q_cor sd");
        CHECK_CLOSE(c1->mean[SQ_MI], 1.1310773104188376, 0, 1e-12, "c2 mi mean");
        CHECK_CLOSE(c1->sd[SQ_MI], 0.06463747152945966, 0, 1e-9, "c2 mi sd");
        CHECK_CLOSE(c2->mean[SQ_Q_STR], 0.10507017608476742, 0, 1e-12, "c3 q_str mean");
        CHECK_CLOSE(c2->sd[SQ_Q_STR], 0.05154825541687585, 0, 1e-9, "c3 q_str sd");
        CHECK_CLOSE(c3->mean[SQ_Q_COR], 0.47255646520960226, 0, 1e-12, "c4 q_cor mean");
        CHECK_CLOSE(c3->sd[SQ_Q_COR], 0.04914928326859091, 0, 1e-9, "c4 q_cor sd");
        CHECK(c0->n[SQ_R2_MEAN] == 0, "r2_mean absent for WM");
        CHECK(c0->n_success == 3 && c0->n_success_known == 4, "c1 success %d", c0->n_success);
        CHECK(c1->n_success == 2 && c2->n_success == 2 && c3->n_success == 2, "success");
        CHECK(c0->n_struct == 2 && c1->n_struct == 4 && c2->n_struct == 2 && c3->n_struct == 1,
              "q_str > 0.1 counts");
        CHECK_CLOSE(c0->pearson_r, -0.28159862139714437, 0, 1e-9, "c1 r(mi, loss)");
        CHECK_CLOSE(c0->pearson_p, 0.7184013786028557, 0, 1e-6, "c1 p(r)");
        CHECK_CLOSE(c1->pearson_r, -0.29286490543148996, 0, 1e-9, "c2 r(mi, loss)");
        CHECK_CLOSE(c1->pearson_p, 0.6325140053610219, 0, 1e-6, "c2 p(r)");
        CHECK_CLOSE(c3->pearson_r, 0.26285137940412234, 0, 1e-9, "c4 r(mi, loss)");
        CHECK_CLOSE(c3->pearson_p, 0.7371486205958776, 0, 1e-6, "c4 p(r)");

        const struct {
            int ca, cb, q;
            double t, df, p;
        } student[] = {
            {0, 2, SQ_TASK_LOSS, 4.483483905923747, 6, 0.00417683304121149},
            {0, 2, SQ_Q_COR, 7.75095663552619, 6, 0.00024239262166781412},
            {0, 2, SQ_Q_STR, 0.6971123035770942, 6, 0.5118245952827731},
            {0, 1, SQ_TASK_LOSS, 2.261564307850456, 7, 0.05819696382529673},
            {0, 1, SQ_Q_COR, 2.803251412186919, 7, 0.02640061513192407},
            {0, 1, SQ_Q_STR, -0.07225031939327753, 7, 0.944423742385978},
        };
        for (size_t i = 0; i < sizeof student / sizeof student[0]; i++) {
            const summary_test *s = find_test(&a, student[i].ca, student[i].cb, student[i].q);
            CHECK(s && s->ok, "Student test %zu present", i);
            if (!s) continue;
            CHECK_CLOSE(s->res.t, student[i].t, 0, 1e-9, "Student t");
            CHECK_CLOSE(s->res.df, student[i].df, 0, 1e-12, "Student df");
            CHECK_CLOSE(s->res.p, student[i].p, 0, 1e-6, "Student p");
        }
        CHECK(find_test(&a, 0, 3, SQ_Q_COR) == NULL, "no test across two axes");
        CHECK(find_test(&a, 1, 2, SQ_Q_COR) == NULL, "no test across two axes");
        const summary_test *s = find_test(&a, 0, 2, SQ_Q_COR);
        CHECK(s && strcmp(t.axis_names[s->axis], "lambda_I") == 0, "axis of c1 vs c3");
        s = find_test(&a, 0, 1, SQ_Q_COR);
        CHECK(s && strcmp(t.axis_names[s->axis], "lambda_reg") == 0, "axis of c1 vs c2");
        CHECK(summary_default_trial(&a) == 2, "default trial (lower median q_cor of c1)");
    }
    summary_analysis_free(&a);

    /* Welch */
    o.welch = 1;
    CHECK(summary_analyze(&t, &o, &a, &err) == MIMOD_OK, "%s", err.msg);
    const struct {
        int ca, cb, q;
        double t, df, p;
    } welch[] = {
        {0, 2, SQ_TASK_LOSS, 4.483483905923747, 5.965687368848675, 0.004235968855247142},
        {0, 2, SQ_Q_COR, 7.75095663552619, 5.9975135765609595, 0.0002428839723405957},
        {0, 1, SQ_TASK_LOSS, 2.2475925255131375, 6.404249904323546, 0.06288838529778011},
        {0, 1, SQ_Q_COR, 2.78580117076169, 6.402935485212618, 0.029664117537183624},
        {0, 1, SQ_Q_STR, -0.0717367952166532, 6.3781114301946955, 0.9450083960523394},
    };
    for (size_t i = 0; i < sizeof welch / sizeof welch[0]; i++) {
        const summary_test *s = find_test(&a, welch[i].ca, welch[i].cb, welch[i].q);
        CHECK(s && s->ok, "Welch test %zu present", i);
        if (!s) continue;
        CHECK_CLOSE(s->res.t, welch[i].t, 0, 1e-9, "Welch t");
        CHECK_CLOSE(s->res.df, welch[i].df, 0, 1e-9, "Welch df");
        CHECK_CLOSE(s->res.p, welch[i].p, 0, 1e-6, "Welch p");
    }
    summary_analysis_free(&a);

    double m[N * 4];
    int64_t rows, cols;
    CHECK(summary_read_point_matrix(file, "wm", "weights/w_in", 3, m, N * 4, &rows, &cols, &err) ==
              MIMOD_OK, "%s", err.msg);
    CHECK(rows == N && cols == 4 && fabs(m[4 * 1 + 2] - (0.3 - 0.01)) < 1e-6, "w_in row");
    summary_task_free(&t);
    test_sep(file);
    summary_close(file);
}

/* The texts of a PLplot SVG, one per line: <text> elements with their tags
 * dropped (sub- and superscripts joined: "λ#dI#u" reads "λI") and &#xHH;
 * decoded to UTF-8. NULL if the file cannot be read; free the result. */
static char *svg_texts(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    rewind(fp);
    char *svg = malloc((size_t)size + 1), *out = malloc((size_t)size + 1);
    if (!svg || !out || fread(svg, 1, (size_t)size, fp) != (size_t)size) {
        fclose(fp);
        free(svg);
        free(out);
        return NULL;
    }
    fclose(fp);
    svg[size] = '\0';
    size_t n = 0;
    for (char *s = strstr(svg, "<text"); s; s = strstr(s, "<text")) {
        char *end = strstr(s, "</text>");
        if (!end) break;
        int in_tag = 0;
        for (char *c = s; c < end; c++) {
            if (*c == '<') in_tag = 1;
            else if (*c == '>') in_tag = 0;
            else if (!in_tag && *c == '&' && c[1] == '#' && c[2] == 'x') {
                unsigned cp = (unsigned)strtoul(c + 3, &c, 16); /* c at ';' */
                if (cp < 0x80) out[n++] = (char)cp;
                else if (cp < 0x800) out[n++] = (char)(0xC0 | cp >> 6), out[n++] = (char)(0x80 | (cp & 0x3F));
                else out[n++] = (char)(0xE0 | cp >> 12), out[n++] = (char)(0x80 | (cp >> 6 & 0x3F)),
                out[n++] = (char)(0x80 | (cp & 0x3F));
            } else if (!in_tag && *c != '\n' && *c != '\r' && (*c != ' ' || (n && out[n - 1] != '\n'))) {
                out[n++] = *c;
            }
        }
        while (n && out[n - 1] == ' ') n--;
        out[n++] = '\n';
        s = end + 7;
    }
    out[n] = '\0';
    free(svg);
    return out;
}

static int count_of(const char *text, const char *what) {
    int k = 0;
    for (const char *s = strstr(text, what); s; s = strstr(s + 1, what)) k++;
    return k;
}

/* What the figures say: y-labels with the quantity and its unit, a legend by
 * λ, one quantity per axis; the live view per condition (issue 26). */
static void test_figure_texts(const char *path) {
    const char *dir = "test_summary_figures";
    char svg[512];
    snprintf(svg, sizeof svg, "%s/wm_modularity.svg", dir);
    char *tx = svg_texts(svg);
    CHECK(tx != NULL, "%s unreadable", svg);
    if (tx) {
        CHECK(count_of(tx, "Qcor (modularity)\n") == 1 && count_of(tx, "Qstr (modularity)\n") == 1,
              "wm_modularity: a panel per quantity, y-labels with the unit:\n%s", tx);
        /* the four conditions in one legend, by λ, with n */
        CHECK(strstr(tx, "λI = 0.1, λreg = 0.02 (n = 4)\n") && strstr(tx, "λI = 0.1, λreg = 0 (n = 5)\n") &&
                  strstr(tx, "λI = 0, λreg = 0.02 (n = 4)\n") && strstr(tx, "λI = 0, λreg = 0 (n = 4)\n"),
              "wm_modularity: the legend by λ:\n%s", tx);
        CHECK(!strstr(tx, "index"), "a y-label 'index':\n%s", tx);
        free(tx);
    }
    snprintf(svg, sizeof svg, "%s/wm_learning.svg", dir);
    tx = svg_texts(svg);
    CHECK(tx && strstr(tx, "task loss (MSE)\n") && strstr(tx, "accuracy (fraction)\n") && strstr(tx, "Î (nats)\n"),
          "wm_learning: loss, accuracy and Î on their own axes:\n%s", tx ? tx : "");
    free(tx);
    snprintf(svg, sizeof svg, "%s/wm_lambda_I0.1_lambda_reg0.02_seed3_w_out.svg", dir);
    tx = svg_texts(svg);
    CHECK(tx && strstr(tx, "wm, λI = 0.1, λreg = 0.02, seed 3 (point 2): |Wout|\n"),
          "the trial's title names λ and the seed:\n%s", tx ? tx : "");
    free(tx);

    /* --status --figures: running points in three conditions (point 4 of the
     * file, and here 9 and 19 as if they ran, with their rows so far) */
    mimod_err err = {0};
    int64_t file;
    summary_task t;
    CHECK(summary_open(path, &file, &err) == MIMOD_OK, "%s", err.msg);
    if (err.code) return;
    CHECK(summary_read_task(file, "wm", &t, &err) == MIMOD_OK, "%s", err.msg);
    summary_close(file);
    if (err.code) return;
    t.status[9] = t.status[19] = RESULTS_RUNNING;
    t.records_done[9] = t.records_done[19] = 3;
    for (int q = 0; q < SQ_COUNT; q++)
        for (int p = 9; p <= 19; p += 10)
            for (int r = 3; r < R; r++) t.timecourse[((size_t)q * P + p) * R + r] = NAN;
    CHECK(summary_status_figures(&t, dir, NULL, &err) == MIMOD_OK, "%s", err.msg);
    snprintf(svg, sizeof svg, "%s/wm_live.svg", dir);
    tx = svg_texts(svg);
    CHECK(tx != NULL, "%s unreadable", svg);
    if (tx) {
        /* one legend entry per condition with running points, none averaged together */
        CHECK(count_of(tx, " running, ") == 3, "three conditions with running points:\n%s", tx);
        CHECK(strstr(tx, "λI = 0.1, λreg = 0.02: 1 running, 4 done\n") &&
                  strstr(tx, "λI = 0.1, λreg = 0: 1 running, 4 done\n") &&
                  strstr(tx, "λI = 0, λreg = 0: 1 running, 3 done\n"),
              "the live legend per condition:\n%s", tx);
        /* MSE, nats and modularity each on their own axis */
        CHECK(count_of(tx, "task loss (MSE)\n") == 1 && count_of(tx, "Î (nats)\n") == 1 &&
                  count_of(tx, "Qcor (modularity)\n") == 1 && count_of(tx, "Qstr (modularity)\n") == 1,
              "the live panels' y-labels:\n%s", tx);
        free(tx);
    }
    summary_task_free(&t);
}

static void test_tool(const char *path) {
    const char *dir = "test_summary_figures";
    char *argv_fig[] = {"mimod-summary", (char *)path, "--figures", (char *)dir, NULL};
    if (!summary_have_png_device()) {
        /* without plplot-driver-cairo the tool must say so and fail, not crash */
        fprintf(stderr, "note: no PNG device in PLplot; figure checks skipped\n");
        CHECK(summary_main(4, argv_fig) == 1, "--figures without a PNG device fails");
    } else {
        CHECK(summary_main(4, argv_fig) == 0, "mimod-summary with figures");
        /* the conditions overlaid; each condition; the default trial (point 2:
         * λ_I 0.1, λ_reg 0.02, seed 3) — names by λ and seed, not c1/trial2 */
        const char *bases[] = {"wm_modularity", "wm_dindex", "wm_learning",
                               "wm_lambda_I0.1_lambda_reg0.02_modularity",
                               "wm_lambda_I0.1_lambda_reg0.02_dindex", "wm_lambda_I0_lambda_reg0_modularity",
                               "wm_lambda_I0_lambda_reg0_dindex",
                               "wm_lambda_I0.1_lambda_reg0.02_seed3_unit_out_scatter",
                               "wm_lambda_I0.1_lambda_reg0.02_seed3_corr",
                               "wm_lambda_I0.1_lambda_reg0.02_seed3_w_rec",
                               "wm_lambda_I0.1_lambda_reg0.02_seed3_w_out"};
        for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) check_png(dir, bases[i]);
        const char *sep_bases[] = {"sep_modularity", "sep_learning", "sep_lambda_I0.005_modularity",
                                   "sep_lambda_I0_dindex", "sep_lambda_I0.005_seed3_unit_out_scatter",
                                   "sep_lambda_I0.005_seed3_corr", "sep_lambda_I0.005_seed3_u_h",
                                   "sep_lambda_I0.005_seed3_w_out"};
        for (size_t i = 0; i < sizeof sep_bases / sizeof sep_bases[0]; i++)
            check_png(dir, sep_bases[i]);
    }
    char *argv_md[] = {"mimod-summary", (char *)path, "--format", "markdown", "--welch", NULL};
    CHECK(summary_main(5, argv_md) == 0, "markdown, Welch");
    char *argv_csv[] = {"mimod-summary", (char *)path, "--format=csv", "--success-threshold",
                        "0.95", NULL};
    CHECK(summary_main(5, argv_csv) == 0, "csv");
    /* errors: an unfinished trial, a missing task, a bad option, a missing file */
    char *argv_bad_trial[] = {"mimod-summary", (char *)path, "--figures", (char *)dir,
                              "--trial", "4", "--format", "csv", NULL};
    CHECK(summary_main(8, argv_bad_trial) != 0, "--trial of a running point is refused");
    /* a point that does not exist is refused before any figure is written */
    char fresh[512];
    snprintf(fresh, sizeof fresh, "%s-bad-trial", dir);
    char *argv_no_point[] = {"mimod-summary", (char *)path, "--figures", fresh,
                             "--trial", "99", "--format", "csv", NULL};
    CHECK(summary_main(8, argv_no_point) == 1, "--trial 99 is refused");
    DIR *fd = opendir(fresh);
    int n_files = 0;
    if (fd) {
        for (struct dirent *e; (e = readdir(fd));)
            if (e->d_name[0] != '.') n_files++;
        closedir(fd);
    }
    CHECK(n_files == 0, "--trial 99 wrote %d files into %s before failing", n_files, fresh);
    char *argv_sep[] = {"mimod-summary", (char *)path, "--task", "sep", NULL};
    CHECK(summary_main(4, argv_sep) == 0, "--task sep");
    char *argv_opt[] = {"mimod-summary", (char *)path, "--format", "html", NULL};
    CHECK(summary_main(4, argv_opt) == 2, "bad --format");
    char *argv_missing[] = {"mimod-summary", "no-such-file.h5", NULL};
    CHECK(summary_main(2, argv_missing) != 0, "missing file");
}

/* What each group carries, on matrices whose answer is known by hand. */
static void test_carried(void) {
    /* The split of issue 23's medium SEP trial, 4 units (g1 = units 0–1, g2 =
     * 2–3), outputs Lx Ly Lz Rx Ry Rz: g1 carries Rössler x (0.88) and z
     * (0.45), g2 Rössler y (0.69), both Lorenz — split within Rössler. */
    const double within[4 * 6] = {
        0.50, 0.40, 0.30, 0.90, 0.10, 0.50, /* unit 0 */
        0.30, 0.20, 0.10, 0.86, 0.05, 0.40, /* unit 1 */
        0.45, 0.35, 0.25, 0.10, 0.70, 0.20, /* unit 2 */
        0.35, 0.25, 0.15, 0.06, 0.68, 0.10, /* unit 3 */
    };
    summary_carried c;
    mimod_err err = {0};
    CHECK(summary_carried_of(within, 4, 6, 2, 3, &c, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.n_targets == 2 && c.n_groups == 2, "targets %d groups %d", c.n_targets, c.n_groups);
    CHECK_CLOSE(c.mean_abs[0][3], 0.88, 0, 1e-15, "g1 Rx = (0.90 + 0.86)/2");
    CHECK_CLOSE(c.mean_abs[1][4], 0.69, 0, 1e-15, "g2 Ry = (0.70 + 0.68)/2");
    CHECK_CLOSE(c.mean_abs[0][0], 0.40, 0, 1e-15, "g1 Lx");
    CHECK_CLOSE(c.mean_abs[1][0], 0.40, 0, 1e-15, "g2 Lx (a tie goes to the first group)");
    const int want_within[6] = {0, 0, 0, 0, 1, 0};
    for (int k = 0; k < 6; k++)
        CHECK(c.carrier[k] == want_within[k], "carrier of output %d: g%d", k, c.carrier[k] + 1);
    CHECK(!c.by_target, "not split by target");
    static const char *const names[2] = {"Lorenz", "Rössler"};
    char v[96];
    summary_carried_verdict(&c, names, v, sizeof v);
    CHECK(strcmp(v, "split within Rössler") == 0, "verdict '%s'", v);

    /* separated by source, group 2 Lorenz and group 1 Rössler; signs do not matter */
    const double by[4 * 6] = {
        0.1, -0.1, 0.1, 0.8, -0.7, 0.6,
        0.1, 0.1, -0.1, 0.8, 0.7, 0.6,
        -0.9, 0.8, 0.7, 0.1, 0.1, -0.1,
        0.9, 0.8, 0.7, 0.1, -0.1, 0.1,
    };
    CHECK(summary_carried_of(by, 4, 6, 2, 3, &c, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.by_target, "split by target");
    summary_carried_verdict(&c, names, v, sizeof v);
    CHECK(strcmp(v, "by target: g2 Lorenz, g1 Rössler") == 0, "verdict '%s'", v);

    /* one group carries both targets */
    const double both[4 * 6] = {
        0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9,
        0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
    };
    CHECK(summary_carried_of(both, 4, 6, 2, 3, &c, &err) == MIMOD_OK, "%s", err.msg);
    summary_carried_verdict(&c, names, v, sizeof v);
    CHECK(!c.by_target && strcmp(v, "one group carries two targets") == 0, "verdict '%s'", v);

    /* WM (one output per bit), K = 3 groups of 1 unit: bit 1 in g3, bit 2 in g1 */
    const double wm[3 * 2] = {0.2, 0.9, 0.1, 0.1, 0.8, 0.3};
    CHECK(summary_carried_of(wm, 3, 2, 3, 1, &c, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.carrier[0] == 2 && c.carrier[1] == 0 && c.by_target, "WM K = 3: g%d g%d",
          c.carrier[0] + 1, c.carrier[1] + 1);
    /* K targets (issue 27): WM with 3 bits, one output each, units one per group */
    static const char *const bits[4] = {"bit 1", "bit 2", "bit 3", "bit 4"};
    /* 3 groups, bit k in group k+1 mod 3: by target */
    const double t3k3[3 * 3] = {0.1, 0.1, 0.9,   0.9, 0.1, 0.1,   0.1, 0.9, 0.2};
    CHECK(summary_carried_of(t3k3, 3, 3, 3, 1, &c, &err) == MIMOD_OK, "%s", err.msg);
    summary_carried_verdict(&c, bits, v, sizeof v);
    CHECK(c.by_target && strcmp(v, "by target: g2 bit 1, g3 bit 2, g1 bit 3") == 0, "3 bits, 3 groups: '%s'", v);
    /* 2 groups hold 3 bits as 2 + 1 at best: that is by target */
    const double t3k2[2 * 3] = {0.9, 0.8, 0.1,   0.2, 0.1, 0.7};
    CHECK(summary_carried_of(t3k2, 2, 3, 2, 1, &c, &err) == MIMOD_OK, "%s", err.msg);
    summary_carried_verdict(&c, bits, v, sizeof v);
    CHECK(c.by_target && strcmp(v, "by target: g1 bit 1, g1 bit 2, g2 bit 3") == 0, "3 bits, 2 groups: '%s'", v);
    /* one of 2 groups carrying all 3 is not */
    const double t3k2one[2 * 3] = {0.9, 0.8, 0.7,   0.2, 0.1, 0.1};
    CHECK(summary_carried_of(t3k2one, 2, 3, 2, 1, &c, &err) == MIMOD_OK, "%s", err.msg);
    summary_carried_verdict(&c, bits, v, sizeof v);
    CHECK(!c.by_target && strcmp(v, "g1 carries 3 targets") == 0, "3 bits in one of 2 groups: '%s'", v);
    /* 4 bits in 3 groups as 2 + 2 + 0: the third group is idle, not by target */
    const double t4k3[3 * 4] = {0.9, 0.9, 0.1, 0.1,   0.1, 0.1, 0.9, 0.9,   0.2, 0.2, 0.2, 0.2};
    CHECK(summary_carried_of(t4k3, 3, 4, 3, 1, &c, &err) == MIMOD_OK, "%s", err.msg);
    summary_carried_verdict(&c, bits, v, sizeof v);
    CHECK(!c.by_target && strcmp(v, "g3 carries no target") == 0, "4 bits as 2 + 2 + 0: '%s'", v);
    /* sizes out of range are errors */
    CHECK(summary_carried_of(wm, 3, 2, 2, 1, &c, NULL) == MIMOD_EINVAL, "3 units in 2 groups");
    CHECK(summary_carried_of(wm, 3, 2, 3, 4, &c, NULL) == MIMOD_EINVAL, "2 outputs in targets of 4");
}

/* ---- per-trial tables (--trials, --timecourse) against the datasets */

/* One CSV line split into fields (RFC 4180 quotes); returns the count. */
static int csv_split(char *line, char **f, int max) {
    int n = 0;
    char *w = line, *r = line;
    line[strcspn(line, "\n")] = '\0';
    while (n < max) {
        f[n++] = w;
        if (*r == '"') {
            r++;
            for (;;) {
                if (*r == '"' && r[1] == '"') *w++ = '"', r += 2;
                else if (*r == '"') { r++; break; }
                else if (!*r) break;
                else *w++ = *r++;
            }
        } else {
            while (*r && *r != ',') *w++ = *r++;
        }
        int more = *r == ',';
        *w++ = '\0';
        if (!more) break;
        r++;
    }
    return n;
}

/* dataset /task/name read straight with HDF5 into out (doubles); 0, or −1 if absent */
static int h5_doubles(hid_t f, const char *task, const char *name, double *out) {
    char path[128];
    snprintf(path, sizeof path, "/%s/%s", task, name);
    if (H5Lexists(f, path, H5P_DEFAULT) <= 0) return -1;
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    herr_t rc = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    H5Dclose(d);
    return rc < 0 ? -1 : 0;
}

/* field == value: the same double (NaN ⇔ empty) */
static int same_value_field(const char *field, double want) {
    if (isnan(want)) return field[0] == '\0';
    char *end;
    double got = strtod(field, &end);
    return *field && !*end && got == want;
}

static void h5_ints(hid_t f, const char *path, hid_t mtype, void *out) {
    hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    H5Dclose(d);
}

static void test_tables(const char *path) {
    mimod_err err = {0};
    int64_t file;
    CHECK(summary_open(path, &file, &err) == MIMOD_OK, "%s", err.msg);
    if (err.code) return;
    summary_task t[2];
    CHECK(summary_read_task(file, "wm", &t[0], &err) == MIMOD_OK, "%s", err.msg);
    CHECK(summary_read_task(file, "sep", &t[1], &err) == MIMOD_OK, "%s", err.msg);
    const summary_task *tasks[2] = {&t[0], &t[1]};
    hid_t h = (hid_t)file; /* the datasets read straight with HDF5, not by the reader */
    static const char *q_names[] = {"task_loss", "reg_loss", "mi", "accuracy", "r2_mean", "q_cor",
                                    "q_str", "d_cor", "d_out", "d_in", "i_n"};
    static char line[8192], head_line[8192];
    char *head[64], *f[64];

    /* --trials: one row per point, every value the dataset's */
    FILE *out = tmpfile();
    CHECK(summary_table_csv(out, SUMMARY_TABLE_TRIALS, file, tasks, 2, &err) == MIMOD_OK, "%s", err.msg);
    rewind(out);
    CHECK(fgets(head_line, sizeof head_line, out) != NULL, "trials header");
    int nh = csv_split(head_line, head, 64);
    CHECK(nh == 13 + 11 + 6, "trials: %d columns", nh);
    const char *want_head[] = {"task", "point", "lambda_I", "lambda_reg", "seed", "status", "records_done",
                               "mm_step", "wall_seconds", "fail_step", "fail_reason", "blas_kernel",
                               "build", "task_loss"};
    for (int i = 0; i < 14 && i < nh; i++)
        CHECK(strcmp(head[i], want_head[i]) == 0, "trials column %d: '%s', expected '%s'", i, head[i],
              want_head[i]);
    CHECK(nh == 30 && strcmp(head[23], "i_n") == 0 && strcmp(head[24], "r2_0") == 0 &&
              strcmp(head[29], "r2_5") == 0, "trials: the quantities in schema order, then r2_0..r2_5");
    int rows[2] = {0, 0}, bad = 0;
    while (fgets(line, sizeof line, out)) {
        int n = csv_split(line, f, 64);
        if (n != nh) {
            CHECK(0, "trials row with %d fields: %s", n, line);
            continue;
        }
        int k = strcmp(f[0], "wm") == 0 ? 0 : 1;
        const summary_task *tk = &t[k];
        int Pk = (int)tk->n_points, Rk = (int)tk->n_records, p = atoi(f[1]);
        CHECK(p == rows[k], "%s row %d is point %d", f[0], rows[k], p);
        rows[k]++;
        if (p < 0 || p >= Pk) continue;
        double v[64], step[16];
        int64_t seed[64];
        int32_t st[64];
        /* coordinates and status */
        h5_doubles(h, f[0], "coords/lambda_I", v);
        bad += !same_value_field(f[2], v[p]);
        if (k == 0) {
            h5_doubles(h, f[0], "coords/lambda_reg", v);
            bad += !same_value_field(f[3], v[p]);
        } else {
            bad += f[3][0] != '\0'; /* the sep group has no lambda_reg axis */
        }
        h5_ints(h, k ? "/sep/coords/seed" : "/wm/coords/seed", H5T_NATIVE_INT64, seed);
        bad += strtoll(f[4], NULL, 10) != seed[p];
        h5_ints(h, k ? "/sep/status" : "/wm/status", H5T_NATIVE_INT32, st);
        CHECK(strcmp(f[5], schema_status_name(st[p])) == 0, "%s point %d status '%s'", f[0], p, f[5]);
        /* records_done (this file predates it: the leading finite task_loss rows) and the MM step */
        double tl[64 * 8];
        h5_doubles(h, f[0], "timecourse/task_loss", tl);
        int done = 0;
        while (done < Rk && isfinite(tl[p * Rk + done])) done++;
        CHECK(atoi(f[6]) == done, "%s point %d records_done %s, expected %d", f[0], p, f[6], done);
        h5_doubles(h, f[0], "record_step", step);
        bad += done ? !same_value_field(f[7], step[done - 1]) : f[7][0] != '\0';
        if (h5_doubles(h, f[0], "wall_seconds", v) == 0)
            bad += !same_value_field(f[8], st[p] == RESULTS_PENDING ? NAN : v[p]);
        else
            bad += f[8][0] != '\0';
        int failed = st[p] == RESULTS_FAILED;
        CHECK(failed ? strcmp(f[9], "42") == 0 && strcmp(f[10], "NaN in the task loss") == 0
                     : f[9][0] == '\0' && f[10][0] == '\0',
              "%s point %d fail_step '%s' fail_reason '%s'", f[0], p, f[9], f[10]);
        /* this file predates blas_kernel and build: unrecorded, empty fields */
        CHECK(f[11][0] == '\0', "%s point %d blas_kernel '%s' of a file without it", f[0], p, f[11]);
        CHECK(f[12][0] == '\0', "%s point %d build '%s' of a file without it", f[0], p, f[12]);
        /* final values: the datasets' for finished points, empty otherwise (the
         * failed point's 999 garbage included) and where the file lacks one */
        for (int q = 0; q < 11; q++) {
            char name[64];
            snprintf(name, sizeof name, "final/%s", q_names[q]);
            double want = NAN;
            if (h5_doubles(h, f[0], name, v) == 0 && st[p] == RESULTS_DONE &&
                task_records(mimod_task_find(k == 0 ? "wm" : "sep"), q))
                want = v[p];
            CHECK(same_value_field(f[13 + q], want), "%s point %d %s: '%s', dataset %.17g", f[0], p,
                  q_names[q], f[13 + q], want);
        }
        double r2[64 * 8];
        int have_r2 = h5_doubles(h, f[0], "final/r2", r2) == 0;
        for (int o = 0; o < 6; o++)
            bad += !same_value_field(f[24 + o], k == 1 && have_r2 && st[p] == RESULTS_DONE
                                                    ? r2[p * tk->n_out + o] : NAN);
    }
    CHECK(bad == 0, "%d trials fields differ from the datasets", bad);
    CHECK(rows[0] == P && rows[1] == SP, "trials: %d wm and %d sep rows", rows[0], rows[1]);
    fclose(out);

    /* --timecourse: the written records of every started point, each value the dataset's */
    out = tmpfile();
    CHECK(summary_table_csv(out, SUMMARY_TABLE_TIMECOURSE, file, tasks, 2, &err) == MIMOD_OK, "%s",
          err.msg);
    rewind(out);
    CHECK(fgets(head_line, sizeof head_line, out) != NULL, "timecourse header");
    CHECK(strcmp(head_line, "task,point,lambda_I,lambda_reg,seed,status,record,mm_step,quantity,value\n") == 0,
          "timecourse header: %s", head_line);
    long n_rows = 0, want_rows = 0;
    bad = 0;
    while (fgets(line, sizeof line, out)) {
        int n = csv_split(line, f, 64);
        if (n != 10) {
            CHECK(0, "timecourse row with %d fields", n);
            continue;
        }
        n_rows++;
        int k = strcmp(f[0], "wm") == 0 ? 0 : 1, p = atoi(f[1]), r = atoi(f[6]);
        const summary_task *tk = &t[k];
        double v[64 * 8], step[16];
        char name[64];
        snprintf(name, sizeof name, "timecourse/%s", f[8]);
        if (h5_doubles(h, f[0], name, v) != 0) {
            CHECK(0, "%s: no dataset for quantity '%s'", f[0], f[8]);
            continue;
        }
        h5_doubles(h, f[0], "record_step", step);
        bad += !same_value_field(f[9], v[p * tk->n_records + r]) || !same_value_field(f[7], step[r]);
        bad += tk->status[p] == RESULTS_PENDING || r >= tk->records_done[p];
    }
    /* every started point × its records × the quantities of its task (this file
     * has no reg_loss, and timecourse/r2 only in /wm, where it is not SEP's) */
    for (int k = 0; k < 2; k++)
        for (int64_t p = 0; p < t[k].n_points; p++) {
            if (t[k].status[p] == RESULTS_PENDING) continue;
            int n_q = 0;
            for (int q = 0; q < TC_COUNT; q++) n_q += task_records(mimod_task_find(k == 0 ? "wm" : "sep"), q) && q != TC_REG_LOSS;
            want_rows += (long)t[k].records_done[p] * n_q;
        }
    CHECK(bad == 0, "%d time-course rows differ from the datasets or are not written records", bad);
    CHECK(n_rows == want_rows, "timecourse: %ld rows, expected %ld", n_rows, want_rows);
    fclose(out);

    /* the command line: each table alone, with --task; not with the summary's options */
    char *argv_trials[] = {"mimod-summary", (char *)path, "--trials", "--task", "sep", NULL};
    CHECK(summary_main(5, argv_trials) == 0, "--trials --task sep");
    char *argv_both[] = {"mimod-summary", (char *)path, "--trials", "--timecourse", NULL};
    CHECK(summary_main(4, argv_both) == 2, "--trials with --timecourse is refused");
    char *argv_fig[] = {"mimod-summary", (char *)path, "--timecourse", "--figures", "x", NULL};
    CHECK(summary_main(5, argv_fig) == 2, "--timecourse with --figures is refused");
    char *argv_missing[] = {"mimod-summary", "no-such-file.h5", "--trials", NULL};
    CHECK(summary_main(3, argv_missing) == 1, "--trials of a missing file");
    summary_task_free(&t[0]);
    summary_task_free(&t[1]);
    summary_close(file);
}

int main(void) {
    const char *path = "test_summary.h5";
    test_stats_by_hand();
    test_carried();
    test_number_formats();
    CHECK(write_file(path) == 0, "write %s", path);
    test_file(path);
    test_tool(path);
    if (summary_have_png_device()) test_figure_texts(path);
    test_tables(path);
    return check_report("test_summary");
}
