/* test_claims.c — the claim checker (mimod-summary --claims, summary_claims.c).
 *
 * Hand-made result files (written with serial HDF5 as docs/hdf5-layout.md
 * describes, the way test_summary.c does) whose values make every answer
 * computable by hand:
 *  - claims_a.h5, /wm: λ_I ∈ {0.1, 0} × seeds 1..4, λ_reg 0.02 only in
 *    config_yaml; seed 4 of each condition unfinished (pending / running) and
 *    filled with 999 so that a checker ignoring `status` gets every number wrong.
 *  - claims_b.h5, /wm: λ_I ∈ {0.1, 0} × λ_reg ∈ {0.02, 0} × seeds: conditions
 *    with 1 finished trial (+1 failed), 0 finished, 3 and 2 finished.
 *  - claims_c.h5, /sep with time courses for `earlier` (records at MM steps 0,
 *    25, 50, 75, 100), and a /wm whose time course has a single record.
 *
 * Reference values. Student t for {4,5,6} vs {1,2,3}: pooled var 1, se √(2/3),
 * t = 3/√(2/3) = 3.6742, df 4. Two-sided p from the closed forms of the t
 * distribution for small df (x = df/(df+t²), u = |t|/√3):
 *   df 1: p = 1 − (2/π)·atan|t|          df 2: p = 1 − |t|/√(2+t²)
 *   df 3: p = 1 − (2/π)·(atan u + u/(1+u²))   df 4: p = 1 − √(1−x)·(1+x/2)
 * The one non-integer df (Welch against a paper's n = 20) was computed with
 * mpmath at 40 digits, p = I_{df/(df+t²)}(df/2, ½) (mpmath.betainc):
 *   ours {1,2,3} (2 ± 1, n 3) vs paper 2.2 ± 0.5 (n 20): t = −0.34009212075908174,
 *   df = 2.1524938742620336, p = 0.764135904322674.
 * Every other reference is worked out beside its check. */
#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/summary.h"
#include "mimod/summary_claims.h"

#include <fcntl.h>
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXP 16
#define MAXR 8
#define GARBAGE 999.0


/* closed-form two-sided p values (see the head of the file) */
static double p_df1(double t) { return 1.0 - 2.0 / M_PI * atan(fabs(t)); }
static double p_df2(double t) { return 1.0 - fabs(t) / sqrt(2.0 + t * t); }
static double p_df3(double t) {
    double u = fabs(t) / sqrt(3.0);
    return 1.0 - 2.0 / M_PI * (atan(u) + u / (1.0 + u * u));
}
static double p_df4(double t) {
    double x = 4.0 / (4.0 + t * t);
    return 1.0 - sqrt(1.0 - x) * (1.0 + x / 2.0);
}

/* ---- a hand-made task group */

typedef struct {
    const char *name;   /* "wm" or "sep" */
    const char *config; /* config_yaml: the base λ */
    int has_lr_axis;    /* axes lambda_I,lambda_reg,seed (else lambda_I,seed) */
    int n_out;          /* outputs (0: the paper's, WM 2, SEP 6) */
    int n_points, n_records;
    double li[MAXP], lr[MAXP];
    int64_t seed[MAXP];
    int32_t status[MAXP];
    double fin[SQ_COUNT][MAXP];
    double tc[SQ_COUNT][MAXP][MAXR];
    int64_t rstep[MAXR];
} fake_task;

static void fake_init(fake_task *f, const char *name, const char *config, int has_lr_axis, int P,
                      int R) {
    memset(f, 0, sizeof *f);
    f->name = name;
    f->config = config;
    f->has_lr_axis = has_lr_axis;
    f->n_points = P;
    f->n_records = R;
    for (int q = 0; q < SQ_COUNT; q++)
        for (int p = 0; p < MAXP; p++) {
            f->fin[q][p] = NAN;
            for (int r = 0; r < MAXR; r++) f->tc[q][p][r] = NAN;
        }
    for (int p = 0; p < MAXP; p++) f->status[p] = RESULTS_DONE;
    for (int r = 0; r < MAXR; r++) f->rstep[r] = 25 * r;
}

/* point p: λ values, seed, status; an unfinished point gets garbage everywhere */
static void fake_point(fake_task *f, int p, double li, double lr, int seed, int status) {
    f->li[p] = li;
    f->lr[p] = lr;
    f->seed[p] = seed;
    f->status[p] = status;
    if (status != RESULTS_DONE)
        for (int q = 0; q < SQ_COUNT; q++) {
            f->fin[q][p] = GARBAGE;
            for (int r = 0; r < MAXR; r++) f->tc[q][p][r] = GARBAGE;
        }
}

/* final values of quantity q for points p0, p0+1, … */
static void fake_fin(fake_task *f, int q, int p0, int n, const double *v) {
    for (int i = 0; i < n; i++) f->fin[q][p0 + i] = v[i];
}

static void fake_tc(fake_task *f, int q, int p, const double *v) {
    for (int r = 0; r < f->n_records; r++) f->tc[q][p][r] = v[r];
}

static void attr_i64(hid_t obj, const char *name, int64_t v) {
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Sclose(sp);
}

static void attr_str(hid_t obj, const char *name, const char *v) {
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, strlen(v) + 1);
    hid_t a = H5Acreate2(obj, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, ty, v);
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

static void write_group(hid_t f, const fake_task *t) {
    hid_t g = H5Gcreate2(f, t->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_str(g, "config_yaml", t->config);
    attr_str(g, "axes", t->has_lr_axis ? "lambda_I,lambda_reg,seed" : "lambda_I,seed");
    attr_str(g, "preset", "test");
    attr_i64(g, "n_points", t->n_points);
    attr_i64(g, "n_records", t->n_records);
    attr_i64(g, "n_units", 4);
    const int sep = strcmp(t->name, "sep") == 0, n_out = t->n_out ? t->n_out : sep ? 6 : 2;
    attr_i64(g, "n_in", sep ? 3 : 2 * n_out);
    attr_i64(g, "n_out", n_out);
    attr_i64(g, "n_mm_steps", 100);
    hsize_t dP[1] = {(hsize_t)t->n_points}, dR[1] = {(hsize_t)t->n_records},
            dPR[2] = {(hsize_t)t->n_points, (hsize_t)t->n_records};
    dset(g, "coords/lambda_I", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, t->li);
    if (t->has_lr_axis) dset(g, "coords/lambda_reg", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, t->lr);
    dset(g, "coords/seed", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dP, t->seed);
    dset(g, "status", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, dP, t->status);
    dset(g, "record_step", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, dR, t->rstep);
    static double tc[MAXP * MAXR];
    for (int q = 0; q < SQ_COUNT; q++) {
        char path[64];
        snprintf(path, sizeof path, "final/%s", summary_quantity_name(q));
        dset(g, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dP, t->fin[q]);
        if (q == SQ_I_N) continue;
        for (int p = 0; p < t->n_points; p++)
            for (int r = 0; r < t->n_records; r++) tc[p * t->n_records + r] = t->tc[q][p][r];
        snprintf(path, sizeof path, "timecourse/%s", summary_quantity_name(q));
        dset(g, path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 2, dPR, tc);
    }
    H5Gclose(g);
}

static int write_file(const char *path, const fake_task *a, const fake_task *b) {
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return -1;
    attr_i64(f, "format_version", 1);
    if (a) write_group(f, a);
    if (b) write_group(f, b);
    H5Fclose(f);
    return 0;
}

static const char *const WM_CONFIG = "task: wm\npreset: test\nlambda_I: 0.1\nlambda_reg: 0.02\n";
static const char *const SEP_CONFIG = "task: sep\npreset: test\nlambda_I: 0.005\nlambda_reg: 0.0002\n";

/* claims_a.h5: see the head of the file. Finished trials (MI p0–p2 / no MI p4–p6): */
static void make_file_a_with(const char *path, const char *config) {
    static fake_task t;
    fake_init(&t, "wm", config, 0, 8, 5);
    for (int s = 0; s < 4; s++) {
        fake_point(&t, s, 0.1, NAN, s + 1, s == 3 ? RESULTS_PENDING : RESULTS_DONE);
        fake_point(&t, 4 + s, 0.0, NAN, s + 1, s == 3 ? RESULTS_RUNNING : RESULTS_DONE);
    }
    const double one23[3] = {1, 2, 3}, four56[3] = {4, 5, 6}, ones[3] = {1, 1, 1};
    const double twos[3] = {2, 2, 2}, zeros[3] = {0, 0, 0};
    fake_fin(&t, SQ_TASK_LOSS, 0, 3, one23);
    fake_fin(&t, SQ_TASK_LOSS, 4, 3, one23);
    fake_fin(&t, SQ_ACCURACY, 0, 3, (const double[]){0.95, 0.92, 0.85});
    fake_fin(&t, SQ_ACCURACY, 4, 3, (const double[]){0.95, 0.95, 0.95});
    fake_fin(&t, SQ_Q_COR, 0, 3, four56);
    fake_fin(&t, SQ_Q_COR, 4, 3, one23);
    fake_fin(&t, SQ_Q_STR, 0, 3, one23);
    fake_fin(&t, SQ_Q_STR, 4, 3, twos);
    fake_fin(&t, SQ_D_COR, 0, 3, four56);
    fake_fin(&t, SQ_D_COR, 4, 3, zeros);
    fake_fin(&t, SQ_D_OUT, 0, 3, ones);
    fake_fin(&t, SQ_D_OUT, 4, 3, ones);
    fake_fin(&t, SQ_D_IN, 0, 3, (const double[]){2, 4, 9});
    fake_fin(&t, SQ_D_IN, 4, 3, zeros);
    fake_fin(&t, SQ_MI, 0, 3, (const double[]){1, 3, 2});
    fake_fin(&t, SQ_MI, 4, 3, one23);
    fake_fin(&t, SQ_I_N, 0, 3, one23);
    fake_fin(&t, SQ_I_N, 4, 3, (const double[]){0.5, NAN, NAN});
    CHECK(write_file(path, &t, NULL) == 0, "write %s", path);
}

static void make_file_a(const char *path) { make_file_a_with(path, WM_CONFIG); }

/* claims_a.h5's numbers from WM trials with 3 bits (wm_bits: 3, 3 outputs). */
static void make_file_3bits(const char *path) {
    make_file_a_with(path, WM_CONFIG);
    /* rewrite n_out: the group's attribute is all that says how many bits */
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), g = H5Gopen2(f, "wm", H5P_DEFAULT);
    H5Adelete(g, "n_out");
    H5Adelete(g, "n_in");
    attr_i64(g, "n_out", 3);
    attr_i64(g, "n_in", 6);
    H5Gclose(g);
    H5Fclose(f);
}

/* claims_k4.h5: claims_a.h5's numbers from trials of K = 4 groups (issue 16). */
static const char *const WM_K4_CONFIG =
    "task: wm\npreset: test\nn_units: 4\nn_groups: 4\nlambda_I: 0.1\nlambda_reg: 0.02\n";

/* claims_b.h5: conditions (λ_I, λ_reg) = (0.1, 0.02) 1 finished + 1 failed;
 * (0.1, 0) 2 pending; (0, 0.02) 3 finished; (0, 0) 2 finished + 1 pending. */
static void make_file_b(const char *path) {
    static fake_task t;
    fake_init(&t, "wm", WM_CONFIG, 1, 10, 5);
    fake_point(&t, 0, 0.1, 0.02, 1, RESULTS_DONE);
    fake_point(&t, 1, 0.1, 0.02, 2, RESULTS_FAILED);
    fake_point(&t, 2, 0.1, 0.0, 1, RESULTS_PENDING);
    fake_point(&t, 3, 0.1, 0.0, 2, RESULTS_PENDING);
    for (int s = 0; s < 3; s++) fake_point(&t, 4 + s, 0.0, 0.02, s + 1, RESULTS_DONE);
    for (int s = 0; s < 3; s++) fake_point(&t, 7 + s, 0.0, 0.0, s + 1, s == 2 ? RESULTS_PENDING : RESULTS_DONE);
    fake_fin(&t, SQ_Q_COR, 0, 1, (const double[]){0.5});
    fake_fin(&t, SQ_Q_COR, 4, 3, (const double[]){1, 2, 3});
    fake_fin(&t, SQ_Q_COR, 7, 2, (const double[]){1, 2});
    fake_fin(&t, SQ_MI, 7, 2, (const double[]){3, 1});
    CHECK(write_file(path, &t, NULL) == 0, "write %s", path);
}

/* claims_c.h5: /sep, λ_I ∈ {0.005 (p0–p5, p5 pending), 0 (p6, p7)}, λ_reg
 * 0.0002 from config_yaml; time courses at MM steps 0, 25, 50, 75, 100.
 *   trial   q_cor            t½   q_str              t½   d_cor t½  d_out t½  final mi
 *   p0      0 .5 1 1 1       25   0 .25 .5 .75 1     50   25        50        5
 *   p1      0 1 1 1 1        25   0 0 0 1 1          75   25        50        4
 *   p2      0 .25 .5 .75 1   50   0 0 0 0 1          100  25        50        3
 *   p3      0 .6 1 1 1       25   0 0 .2 .6 1        75   25        50        2
 *   p4      .3 flat: no rise —    0 .25 .5 .75 1     50   25        50        1
 * /wm: one record only, 3 finished MI trials. */
static void make_file_c(const char *path) {
    static fake_task s, w;
    fake_init(&s, "sep", SEP_CONFIG, 0, 8, 5);
    for (int p = 0; p < 6; p++) fake_point(&s, p, 0.005, NAN, p + 1, p == 5 ? RESULTS_PENDING : RESULTS_DONE);
    fake_point(&s, 6, 0.0, NAN, 1, RESULTS_DONE);
    fake_point(&s, 7, 0.0, NAN, 2, RESULTS_DONE);
    const double lin[5] = {0, 0.25, 0.5, 0.75, 1};
    fake_tc(&s, SQ_Q_COR, 0, (const double[]){0, 0.5, 1, 1, 1});
    fake_tc(&s, SQ_Q_COR, 1, (const double[]){0, 1, 1, 1, 1});
    fake_tc(&s, SQ_Q_COR, 2, lin);
    fake_tc(&s, SQ_Q_COR, 3, (const double[]){0, 0.6, 1, 1, 1});
    fake_tc(&s, SQ_Q_COR, 4, (const double[]){0.3, 0.3, 0.3, 0.3, 0.3});
    fake_tc(&s, SQ_Q_STR, 0, lin);
    fake_tc(&s, SQ_Q_STR, 1, (const double[]){0, 0, 0, 1, 1});
    fake_tc(&s, SQ_Q_STR, 2, (const double[]){0, 0, 0, 0, 1});
    fake_tc(&s, SQ_Q_STR, 3, (const double[]){0, 0, 0.2, 0.6, 1});
    fake_tc(&s, SQ_Q_STR, 4, lin);
    for (int p = 0; p < 5; p++) {
        fake_tc(&s, SQ_D_COR, p, (const double[]){0, 1, 1, 1, 1});
        fake_tc(&s, SQ_D_OUT, p, (const double[]){0, 0, 1, 1, 1});
        for (int q = 0; q < SQ_COUNT; q++)
            if (q != SQ_ACCURACY && q != SQ_D_IN) s.fin[q][p] = s.tc[q][p][4];
        s.fin[SQ_MI][p] = 5 - p;
        s.fin[SQ_Q_COR][p] = 0.3 + 0.1 * p;
    }
    fake_fin(&s, SQ_Q_COR, 6, 2, (const double[]){0.01, 0.03});
    fake_init(&w, "wm", WM_CONFIG, 0, 3, 1);
    for (int p = 0; p < 3; p++) {
        fake_point(&w, p, 0.1, NAN, p + 1, RESULTS_DONE);
        w.fin[SQ_Q_COR][p] = w.tc[SQ_Q_COR][p][0] = 0.1 * p;
        w.fin[SQ_Q_STR][p] = w.tc[SQ_Q_STR][p][0] = 0.2 * p;
    }
    CHECK(write_file(path, &s, &w) == 0, "write %s", path);
}

/* ---- helpers */

typedef struct {
    summary_task t;
    summary_analysis a;
    int ok;
} loaded;

static void load(const char *path, const char *task, loaded *l) {
    memset(l, 0, sizeof *l);
    int64_t file;
    mimod_err err = {0};
    CHECK(summary_open(path, &file, &err) == MIMOD_OK, "%s", err.msg);
    if (err.code) return;
    CHECK(summary_read_task(file, task, &l->t, &err) == MIMOD_OK, "%s", err.msg);
    summary_close(file);
    if (err.code) return;
    summary_options o;
    summary_options_default(&o);
    CHECK(summary_analyze(&l->t, &o, &l->a, &err) == MIMOD_OK, "%s", err.msg);
    l->ok = err.code == 0;
}

static void unload(loaded *l) {
    if (l->ok) summary_analysis_free(&l->a);
    summary_task_free(&l->t);
}

/* Parse one claim given as YAML flow-mapping fields and check it. */
static int check_one(const loaded *l, const char *fields, summary_claim_result *r) {
    char text[1024];
    snprintf(text, sizeof text, "claims:\n  - {id: T, text: t, paper: p, %s}\n", fields);
    summary_claims cs;
    mimod_err err = {0};
    int rc = summary_claims_parse("inline.yaml", text, &cs, &err);
    CHECK(rc == MIMOD_OK && cs.n == 1, "claim {%s}: %s", fields, err.msg);
    if (rc) {
        memset(r, 0, sizeof *r);
        r->verdict = SUMMARY_NOT_TESTABLE;
        return -1;
    }
    summary_claim_check(&cs.claims[0], l && l->ok ? &l->a : NULL, r);
    summary_claims_free(&cs);
    return 0;
}

static const char *vname(summary_verdict v) {
    return v == SUMMARY_HOLDS          ? "holds"
           : v == SUMMARY_FAILS        ? "fails"
           : v == SUMMARY_INCONCLUSIVE ? "inconclusive"
                                       : "not testable";
}

#define EXPECT(r, v, fields)                                                                \
    CHECK((r).verdict == (v), "{%s}: verdict %s (%s), expected %s", fields, vname((r).verdict), \
          (r).note, vname(v))

#define EXPECT_NT(r, reason, fields)                                                        \
    do {                                                                                    \
        EXPECT(r, SUMMARY_NOT_TESTABLE, fields);                                            \
        CHECK(strcmp((r).note, reason) == 0, "{%s}: reason '%s', expected '%s'", fields,    \
              (r).note, reason);                                                            \
        CHECK(isnan((r).p), "{%s}: no p when not testable (p = %g)", fields, (r).p);        \
    } while (0)

/* ---- the kinds on claims_a.h5 */

static void test_two_sample(const loaded *l) {
    summary_claim_result r;
    const double t_ref = 3.0 / sqrt(2.0 / 3.0), p_ref = p_df4(t_ref); /* 3.6742, 0.021312 */
    CHECK_CLOSE(p_ref, 0.021311641128756723, 0, 1e-12, "closed form df 4 (mpmath value)");

    const char *f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true}, b: {mi: false}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK_CLOSE(r.statistic, t_ref, 0, 1e-12, "greater: t");
    CHECK(r.df == 4.0, "greater: df %g", r.df);
    CHECK_CLOSE(r.p, p_ref, 0, 1e-9, "greater: p");
    CHECK(r.n_a == 3 && r.n_b == 3 && r.mean_a == 5.0 && r.mean_b == 2.0 && r.sd_a == 1.0,
          "greater: unfinished points (999) must not count: n %d %d means %g %g", r.n_a, r.n_b,
          r.mean_a, r.mean_b);
    CHECK(strcmp(r.ours, "5.0 ± 1.0 (n=3) vs 2.0 ± 1.0 (n=3)") == 0, "ours '%s'", r.ours);
    CHECK(strcmp(r.test, "t(4) = 3.67, p = 0.021") == 0, "test '%s'", r.test);

    f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true}, b: {mi: false}, alpha: 0.01";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f); /* p = 0.0213 ≥ 0.01 */
    CHECK(strstr(r.note, "not significant") != NULL, "note '%s'", r.note);
    CHECK(strstr(r.test, "α = 0.01") != NULL, "test shows α: '%s'", r.test);

    f = "task: wm, kind: less, quantity: q_cor, a: {mi: true}, b: {mi: false}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK(strcmp(r.note, "wrong direction") == 0, "note '%s'", r.note);
    f = "task: wm, kind: less, quantity: q_cor, a: {mi: false}, b: {mi: true}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK_CLOSE(r.statistic, -t_ref, 0, 1e-12, "less: t");
    f = "task: wm, kind: greater, quantity: q_cor, a: {mi: false}, b: {mi: true}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);

    /* unequal variances: d_in {2,4,9} vs {0,0,0}: Student pools them, sp² = (2·13)/4 = 6.5,
     * t = 5/√(6.5·2/3) = 5/√(13/3) = 2.4019, df 4 (Welch would give df 2) → p = 0.074 */
    f = "task: wm, kind: greater, quantity: d_in, a: {mi: true}, b: {mi: false}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK_CLOSE(r.statistic, 5.0 / sqrt(13.0 / 3.0), 0, 1e-12, "Student t, unequal variances");
    CHECK(r.df == 4.0, "Student df %g (Welch would be 2)", r.df);
    CHECK_CLOSE(r.p, p_df4(5.0 / sqrt(13.0 / 3.0)), 0, 1e-9, "Student p, unequal variances");
    CHECK(strcmp(r.note, "not significant: p ≥ 0.05") == 0, "note '%s'", r.note);

    /* task_loss {1,2,3} in both: t = 0, p = 1; se √(2/3), df 4. Equivalence
     * (TOST) within ±3: the one-sided t's are ±3/√(2/3) = ±t_ref, so the TOST
     * p is p_ref/2; the 90 % CI is 0 ± t(0.95, 4)·√(2/3) = ±1.7406 (SciPy). */
    f = "task: wm, kind: no_difference, quantity: task_loss, a: {mi: true}, b: {mi: false}, "
        "margin: 3";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK(r.statistic == 0.0 && r.p == 1.0, "no_difference: t %g p %g", r.statistic, r.p);
    CHECK_CLOSE(r.p_equiv, p_ref / 2.0, 0, 1e-9, "TOST p = p_ref/2");
    CHECK_CLOSE(r.p_equiv, 0.010655820564378363, 0, 1e-9, "TOST p (SciPy)");
    CHECK_CLOSE(r.ci_hi, 1.7406456080228583, 0, 1e-8, "90 %% CI upper end (SciPy; GSL's inverse t is good to ~1e-9)");
    CHECK(r.ci_lo == -r.ci_hi && r.margin == 3.0, "CI symmetric about 0, margin %g", r.margin);
    CHECK(strstr(r.test, "; TOST ±3: p = 0.011") != NULL, "test '%s'", r.test);
    CHECK(strcmp(r.note, "equivalent within ±3: 90 % CI [-1.74, 1.74]") == 0, "note '%s'", r.note);
    /* the same data, margin 1: no difference found, none ruled out: inconclusive */
    f = "task: wm, kind: no_difference, quantity: task_loss, a: {mi: true}, b: {mi: false}, "
        "margin: 1";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_INCONCLUSIVE, f);
    CHECK(strstr(r.note, "n too small") != NULL, "note '%s'", r.note);
    f = "task: wm, kind: no_difference, quantity: q_cor, a: {mi: true}, b: {mi: false}, margin: 1";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK_CLOSE(r.p, p_ref, 0, 1e-9, "no_difference: p");
    CHECK(strstr(r.note, "significant difference: p < 0.05") == r.note, "note '%s'", r.note);
    /* the same q_cor, margin 5: the 90 % CI of the difference, 3 ± 1.7406 = [1.26, 4.74],
     * lies inside ±5, and the difference is significant (p = 0.021): equivalent, though
     * different — holds, and the note says both */
    f = "task: wm, kind: no_difference, quantity: q_cor, a: {mi: true}, b: {mi: false}, margin: 5";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK_CLOSE(r.ci_lo, 3.0 - 1.7406456080228583, 0, 1e-8, "90 %% CI lower end");
    CHECK(strcmp(r.note, "equivalent within ±5, though different: 90 % CI [1.26, 4.74], and the "
                         "difference is significant (p = 0.021): smaller than the margin, not "
                         "zero") == 0, "note '%s'", r.note);

    /* edge cases */
    f = "task: wm, kind: greater, quantity: d_out, a: {mi: true}, b: {mi: false}";
    check_one(l, f, &r);
    EXPECT_NT(r, "both samples have zero variance (1 and 1): t undefined", f);
    f = "task: wm, kind: greater, quantity: i_n, a: {mi: true}, b: {mi: false}";
    check_one(l, f, &r);
    EXPECT_NT(r, "b {mi: false} needs ≥ 2 finished trials with i_n, has 1 (of 3 finished)", f);
    f = "task: wm, kind: greater, quantity: r2_mean, a: {mi: true}, b: {mi: false}";
    check_one(l, f, &r);
    EXPECT_NT(r, "the wm task has no r2_mean", f);
    f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true, l2: false}, b: {mi: false}";
    check_one(l, f, &r);
    EXPECT_NT(r, "a: no condition with MI and no L2 in this file's grid", f);
    f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true}, b: {l2: true, mi: true}";
    check_one(l, f, &r);
    EXPECT_NT(r, "a {mi: true} and b {mi: true, l2: true} select the same condition", f);
    /* the file has no /sep group: the CLI passes NULL */
    f = "task: sep, kind: greater, quantity: q_cor, a: {mi: true}, b: {mi: false}";
    check_one(NULL, f, &r);
    EXPECT_NT(r, "file has no /sep group", f);
}

static void test_value_rate_corr(const loaded *l) {
    summary_claim_result r;
    /* ours q_str {1,2,3} (2 ± 1, n 3) vs paper 2.5 ± 1 (n 3): Welch with equal n
     * and sd is Student: t = −0.5/√(2/3), df = (2/3)²/((1/3)²/2·2) = 4 */
    const char *f = "task: wm, kind: value, quantity: q_str, condition: {mi: true}, "
                    "paper_mean: 2.5, paper_sd: 1, paper_n: 3";
    check_one(l, f, &r);
    /* p = 0.57 is no evidence of agreement: the 90 % CI of the difference,
     * −0.5 ± 1.74, is far wider than the default margin (the paper's sd, 1) */
    EXPECT(r, SUMMARY_INCONCLUSIVE, f);
    double t = -0.5 / sqrt(2.0 / 3.0);
    CHECK_CLOSE(r.statistic, t, 0, 1e-12, "value: t");
    CHECK_CLOSE(r.df, 4.0, 0, 1e-12, "value: Welch df");
    CHECK_CLOSE(r.p, p_df4(t), 0, 1e-9, "value: p (0.5734)");
    CHECK(strcmp(r.ours, "2.0 ± 1.0 (n=3)") == 0, "ours '%s'", r.ours);
    CHECK(r.margin == 1.0, "value: margin defaults to the paper's sd (%g)", r.margin);
    CHECK_CLOSE(r.p_equiv, 0.28669612691267776, 0, 1e-9, "value: TOST p (SciPy)");
    CHECK_CLOSE(r.ci_lo, -0.5 - 1.7406456080228583, 0, 1e-8, "value: CI low");
    CHECK(strcmp(r.note, "n too small: no significant difference, but the 90 % CI [-2.24, 1.24] "
                         "is not inside ±1") == 0,
          "note '%s'", r.note);
    /* with a margin of 3 the interval fits: equivalent */
    f = "task: wm, kind: value, quantity: q_str, condition: {mi: true}, "
        "paper_mean: 2.5, paper_sd: 1, paper_n: 3, margin: 3";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK_CLOSE(r.p_equiv, 0.01879505575557323, 0, 1e-9, "value: TOST p, margin 3 (SciPy)");
    f = "task: wm, kind: value, quantity: q_str, condition: {mi: true}, "
        "paper_mean: 5, paper_sd: 1, paper_n: 3";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK_CLOSE(r.p, p_df4(3.0 / sqrt(2.0 / 3.0)), 0, 1e-9, "value: p (0.0213)");
    /* default paper_n 20: non-integer df (mpmath reference, head of the file) */
    f = "task: wm, kind: value, quantity: q_str, condition: {mi: true}, "
        "paper_mean: 2.2, paper_sd: 0.5";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_INCONCLUSIVE, f);
    CHECK(r.n_b == 20, "paper_n default %d", r.n_b);
    CHECK_CLOSE(r.statistic, -0.34009212075908174, 0, 1e-12, "Welch t");
    CHECK_CLOSE(r.df, 2.1524938742620336, 0, 1e-12, "Welch df");
    CHECK_CLOSE(r.p, 0.764135904322674, 0, 1e-8, "Welch p");
    CHECK(strncmp(r.test, "Welch (paper n=20) t(2.2) = -0.34, p = 0.764; TOST ±0.5: p = ",
                  strlen("Welch (paper n=20) t(2.2) = -0.34, p = 0.764; TOST ±0.5: p = ")) == 0,
          "test '%s'", r.test);
    /* zero variance: noMI d_out {1,1,1} vs a paper sd of 0 (the margin given) */
    f = "task: wm, kind: value, quantity: d_out, condition: {mi: false}, paper_mean: 1, paper_sd: 0, "
        "margin: 0.1";
    check_one(l, f, &r);
    EXPECT_NT(r, "our sd and the paper's are both zero: t undefined", f);

    /* rate: accuracy {0.95, 0.92, 0.85} > 0.9 → 2/3 */
    f = "task: wm, kind: rate, quantity: accuracy, condition: {mi: true}, above: 0.9, min_fraction: 0.6";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK(r.k == 2 && r.n_a == 3, "rate %d/%d", r.k, r.n_a);
    CHECK(strcmp(r.ours, "2/3 with accuracy > 0.9") == 0, "ours '%s'", r.ours);
    CHECK(strcmp(r.test, "—") == 0 && isnan(r.p), "rate has no test: '%s'", r.test);
    f = "task: wm, kind: rate, quantity: accuracy, condition: {mi: true}, above: 0.9, min_fraction: 1";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK(strcmp(r.note, "2/3 = 0.667 < 1") == 0, "note '%s'", r.note);
    /* strictly above: 0.95 is not above 0.95 */
    f = "task: wm, kind: rate, quantity: accuracy, condition: {mi: false}, above: 0.95, min_fraction: 0.1";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK(r.k == 0, "rate: 0.95 > 0.95 counted (%d)", r.k);
    f = "task: wm, kind: rate, quantity: r2_mean, condition: {mi: true}, above: 0.9, min_fraction: 1";
    check_one(l, f, &r);
    EXPECT_NT(r, "the wm task has no r2_mean", f);

    /* uncorrelated: mi {1,3,2} vs task_loss {1,2,3}: Sxy = 1, Sxx = Syy = 2 →
     * r = 0.5, t = 0.5·√(1/0.75) = 1/√3, df 1 → p = 1 − (2/π)·(π/6) = 2/3 */
    f = "task: wm, kind: uncorrelated, x: mi, y: task_loss, condition: {mi: true}, margin: 0.5";
    check_one(l, f, &r);
    /* n = 3: no interval for ρ (Fisher's z needs n ≥ 4): not significant, not shown small */
    EXPECT(r, SUMMARY_INCONCLUSIVE, f);
    CHECK_CLOSE(r.statistic, 0.5, 0, 1e-14, "r");
    CHECK_CLOSE(r.p, 2.0 / 3.0, 0, 1e-9, "p(r)");
    CHECK_CLOSE(r.p, p_df1(1.0 / sqrt(3.0)), 0, 1e-9, "p(r) closed form");
    CHECK(r.df == 1.0, "df %g", r.df);
    /* exactly linear: q_cor {4,5,6} vs q_str {1,2,3} → r = 1, p = 0 */
    f = "task: wm, kind: uncorrelated, x: q_cor, y: q_str, condition: {mi: true}, margin: 0.5";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK(r.statistic == 1.0 && r.p == 0.0, "linear: r %g p %g", r.statistic, r.p);
    f = "task: wm, kind: uncorrelated, x: q_str, y: d_out, condition: {mi: true}, margin: 0.5";
    check_one(l, f, &r);
    EXPECT_NT(r, "d_out is constant over the 3 trials: r undefined", f);
}

static void test_paired(const loaded *l) {
    summary_claim_result r;
    /* d_cor − d_out = {3,4,5}: mean 4, sd 1, t = 4√3 = 6.928, df 2 */
    const char *f = "task: wm, kind: paired_greater, a_quantity: d_cor, b_quantity: d_out, "
                    "condition: {mi: true}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK_CLOSE(r.statistic, 4.0 * sqrt(3.0), 0, 1e-12, "paired t");
    CHECK(r.df == 2.0, "paired df %g", r.df);
    CHECK_CLOSE(r.p, p_df2(4.0 * sqrt(3.0)), 0, 1e-9, "paired p (0.0202)");
    CHECK(r.mean_d == 4.0 && r.sd_d == 1.0, "d %g ± %g", r.mean_d, r.sd_d);
    /* the means at the difference's decimal places (sd 1: one decimal) */
    char want[128];
    snprintf(want, sizeof want, "d_cor %.1f vs d_out %.1f, difference 4.0 ± 1.0 (n=3)", r.mean_a,
             r.mean_b);
    CHECK(strcmp(r.ours, want) == 0, "ours '%s', expected '%s'", r.ours, want);
    /* d_in − d_out = {1,3,8}: mean 4, sd √13, t = 4/(√13/√3) = 1.9215 → p = 0.1946 */
    f = "task: wm, kind: paired_greater, a_quantity: d_in, b_quantity: d_out, condition: {mi: true}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    double t = 4.0 / (sqrt(13.0) / sqrt(3.0));
    CHECK_CLOSE(r.statistic, t, 0, 1e-12, "paired t (2)");
    CHECK_CLOSE(r.p, p_df2(t), 0, 1e-9, "paired p (2)");
    CHECK_CLOSE(r.p, 0.1946127337431708, 0, 1e-9, "paired p (mpmath)");
    /* q_cor − q_str = {3,3,3}: zero variance, n = 3 → by the sign */
    f = "task: wm, kind: paired_greater, a_quantity: q_cor, b_quantity: q_str, condition: {mi: true}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK(strcmp(r.note, "all 3 differences equal 3: p undefined, verdict by the sign") == 0,
          "note '%s'", r.note);
    CHECK(isnan(r.p) && strcmp(r.test, "—") == 0, "no p for equal differences");
    f = "task: wm, kind: paired_greater, a_quantity: q_str, b_quantity: q_cor, condition: {mi: true}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK(strstr(r.note, "all 3 differences equal -3") != NULL, "note '%s'", r.note);
    f = "task: wm, kind: paired_greater, a_quantity: r2_mean, b_quantity: q_str, condition: {mi: true}";
    check_one(l, f, &r);
    EXPECT_NT(r, "the wm task has no r2_mean", f);
    /* the time courses of claims_a.h5 are all NaN */
    f = "task: wm, kind: earlier, first: q_cor, then: q_str, condition: {mi: true}";
    check_one(l, f, &r);
    EXPECT_NT(r, "the file has no time course of q_cor in this condition's finished trials", f);
}

/* ---- claims_b.h5: too few trials, several matching conditions */

static void test_conditions(const loaded *l) {
    summary_claim_result r;
    CHECK(l->a.n_conditions == 4 && l->a.n_failed == 1 && l->a.n_pending == 3,
          "claims_b: %d conditions", l->a.n_conditions);
    const char *f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true, l2: true}, "
                    "b: {mi: false, l2: true}";
    check_one(l, f, &r);
    EXPECT_NT(r, "a {mi: true, l2: true} needs ≥ 2 finished trials, has 1", f);
    CHECK(r.n_a == 1 && r.mean_a == 0.5 && r.n_b == 3, "n = 1 side: the failed point's 999 "
          "must not count (%d, %g)", r.n_a, r.mean_a);
    f = "task: wm, kind: value, quantity: q_cor, condition: {mi: true, l2: false}, paper_mean: 1, "
        "paper_sd: 1";
    check_one(l, f, &r);
    EXPECT_NT(r, "the condition needs ≥ 2 finished trials, has 0", f);
    f = "task: wm, kind: rate, quantity: q_cor, condition: {mi: false}, above: 0, min_fraction: 1";
    check_one(l, f, &r);
    EXPECT_NT(r, "2 conditions match {mi: false}: lambda_I=0, lambda_reg=0.02; lambda_I=0, "
                 "lambda_reg=0", f);
    f = "task: wm, kind: greater, quantity: q_cor, a: {l2: true}, b: {mi: false, l2: false}";
    check_one(l, f, &r);
    EXPECT_NT(r, "a: 2 conditions match {l2: true}: lambda_I=0.1, lambda_reg=0.02; lambda_I=0, "
                 "lambda_reg=0.02", f);
    /* an exact λ_reg picks one of them */
    f = "task: wm, kind: rate, quantity: q_cor, condition: {mi: false, lambda_reg: 0.02}, above: 0, "
        "min_fraction: 1";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK(r.n_a == 3 && r.k == 3, "lambda_reg 0.02 selects (0, 0.02): %d/%d", r.k, r.n_a);
    f = "task: wm, kind: rate, quantity: q_cor, condition: {mi: false, lambda_reg: 0}, above: 0, "
        "min_fraction: 1";
    check_one(l, f, &r);
    CHECK(r.n_a == 2, "lambda_reg 0 selects (0, 0): n %d", r.n_a);
    f = "task: wm, kind: rate, quantity: q_cor, condition: {lambda_reg: 0.002}, above: 0, "
        "min_fraction: 1";
    check_one(l, f, &r);
    EXPECT_NT(r, "no condition with lambda_reg = 0.002 in this file's grid", f);
    /* Pearson needs 3 pairs; (0, 0) has 2 finished (+1 pending with 999) */
    f = "task: wm, kind: uncorrelated, x: mi, y: q_cor, condition: {mi: false, l2: false}, margin: 0.5";
    check_one(l, f, &r);
    EXPECT_NT(r, "the condition needs ≥ 3 finished trials, has 2", f);
    /* the same condition with a 2-trial rate is too few as well */
    f = "task: wm, kind: rate, quantity: q_cor, condition: {mi: true, l2: true}, above: 0, "
        "min_fraction: 1";
    check_one(l, f, &r);
    EXPECT_NT(r, "the condition needs ≥ 2 finished trials, has 1", f);
    /* (0, 0) has 2 trials with q_cor {1, 2} and mi {3, 1}: paired q_cor > mi,
     * d = {−2, 1}, mean −0.5, sd 2.1213, t = −0.5/1.5 = −1/3, df 1 */
    f = "task: wm, kind: paired_greater, a_quantity: q_cor, b_quantity: mi, "
        "condition: {mi: false, l2: false}";
    check_one(l, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK_CLOSE(r.statistic, -1.0 / 3.0, 0, 1e-12, "paired t, n = 2");
    CHECK_CLOSE(r.p, p_df1(1.0 / 3.0), 0, 1e-9, "paired p, n = 2");
}

/* ---- claims_c.h5: the time courses */

static void test_earlier(const loaded *sep, const loaded *wm) {
    summary_claim_result r;
    /* p0–p3 (p4 excluded: q_cor does not rise): t½ q_cor {25,25,50,25},
     * q_str {50,75,100,75}; d = {25,50,50,50}: mean 43.75, sd 12.5,
     * t = 43.75/(12.5/2) = 7, df 3 */
    const char *f = "task: sep, kind: earlier, first: q_cor, then: q_str, "
                    "condition: {mi: true, l2: true}";
    check_one(sep, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK(r.n_a == 4 && r.n_excluded == 1, "earlier: n %d, excluded %d", r.n_a, r.n_excluded);
    CHECK(r.mean_a == 31.25 && r.mean_b == 75.0, "mean t½ %g %g", r.mean_a, r.mean_b);
    CHECK(r.mean_d == 43.75 && r.sd_d == 12.5, "d %g ± %g", r.mean_d, r.sd_d);
    CHECK_CLOSE(r.statistic, 7.0, 0, 1e-12, "earlier t");
    CHECK(r.df == 3.0, "earlier df %g", r.df);
    CHECK_CLOSE(r.p, p_df3(7.0), 0, 1e-9, "earlier p");
    CHECK_CLOSE(r.p, 0.005986255697707099, 0, 1e-8, "earlier p (mpmath)");
    CHECK(strcmp(r.ours, "t½ q_cor 31.2 vs q_str 75.0 MM steps (n=4; 1 excluded: no rise)") == 0,
          "ours '%s'", r.ours);
    CHECK(strcmp(r.test, "paired t(3) = 7.00, p = 0.006") == 0, "test '%s'", r.test);
    f = "task: sep, kind: earlier, first: q_str, then: q_cor, condition: {mi: true, l2: true}";
    check_one(sep, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK_CLOSE(r.statistic, -7.0, 0, 1e-12, "earlier t reversed");
    CHECK(strcmp(r.note, "wrong direction") == 0, "note '%s'", r.note);
    /* where final mi > 3.5: p0, p1 → q_str t½ 50 (the linear ramp) and 75;
     * d = {25, 50}: t = 37.5/(17.678/√2) = 3, df 1 → p = 1 − (2/π)·atan 3 */
    f = "task: sep, kind: earlier, first: q_cor, then: q_str, condition: {mi: true, l2: true}, "
        "where: {quantity: mi, above: 3.5}";
    check_one(sep, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    CHECK(r.n_a == 2 && r.n_where == 2 && r.mean_a == 25.0 && r.mean_b == 62.5,
          "where: n %d, mean t½ %g %g", r.n_a, r.mean_a, r.mean_b);
    CHECK_CLOSE(r.statistic, 3.0, 0, 1e-12, "where: t");
    CHECK_CLOSE(r.p, p_df1(3.0), 0, 1e-9, "where: p (0.2048)");
    CHECK(strcmp(r.ours, "t½ q_cor 25.0 vs q_str 62.5 MM steps (n=2; 2 of 5 trials with final "
                         "mi > 3.5)") == 0, "ours '%s'", r.ours);
    /* linear ramp 0 → 1 over steps 0..100: t½ = 50 (q_str of p0 and p4; all five trials
     * pass mi > 0.5: q_str t½ {50, 75, 100, 75, 50}) */
    f = "task: sep, kind: earlier, first: d_cor, then: q_str, condition: {mi: true, l2: true}, "
        "where: {quantity: mi, above: 0.5}";
    check_one(sep, f, &r);
    CHECK(r.n_a == 5 && r.mean_b == (50 + 75 + 100 + 75 + 50) / 5.0, "t½ of q_str %g", r.mean_b);
    f = "task: sep, kind: earlier, first: d_cor, then: q_str, condition: {mi: true, l2: true}, "
        "where: {quantity: mi, above: 1.5}";
    check_one(sep, f, &r); /* p0..p3 */
    CHECK(r.n_a == 4 && r.mean_b == 75.0, "where mi > 1.5: t½ of q_str %g", r.mean_b);
    /* d_cor → d_out: every d = 50 − 25 = 25: zero variance, n = 5 → by the sign */
    f = "task: sep, kind: earlier, first: d_cor, then: d_out, condition: {mi: true, l2: true}";
    check_one(sep, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK(strcmp(r.note, "all 5 differences equal 25: p undefined, verdict by the sign") == 0,
          "note '%s'", r.note);
    f = "task: sep, kind: earlier, first: d_out, then: d_cor, condition: {mi: true, l2: true}";
    check_one(sep, f, &r);
    EXPECT(r, SUMMARY_FAILS, f);
    /* … with n = 2 (mi 5, 4): not decidable */
    f = "task: sep, kind: earlier, first: d_cor, then: d_out, condition: {mi: true, l2: true}, "
        "where: {quantity: mi, above: 3.5}";
    check_one(sep, f, &r);
    EXPECT_NT(r, "all 2 differences equal 25: p undefined, and n < 3 is too few to decide by the "
                 "sign", f);
    f = "task: sep, kind: earlier, first: d_cor, then: d_out, condition: {mi: true, l2: true}, "
        "where: {quantity: mi, above: 4.5}";
    check_one(sep, f, &r);
    EXPECT_NT(r, "needs ≥ 2 finished trials with final mi > 4.5, has 1 (of 5 finished)", f);
    /* the no-MI SEP condition has no time course at all (NaN) */
    f = "task: sep, kind: earlier, first: q_cor, then: q_str, condition: {mi: false, l2: true}";
    check_one(sep, f, &r);
    EXPECT_NT(r, "the file has no time course of q_cor in this condition's finished trials", f);
    /* where keeps all five trials (mi > 0.5); p4 (flat q_cor) is excluded */
    f = "task: sep, kind: earlier, first: q_cor, then: q_str, condition: {mi: true, l2: true}, "
        "where: {quantity: mi, above: 0.5}";
    check_one(sep, f, &r);
    CHECK(r.n_excluded == 1 && r.n_a == 4, "excluded %d", r.n_excluded);
    /* SEP lacks accuracy and d_in */
    f = "task: sep, kind: rate, quantity: accuracy, condition: {mi: true}, above: 0.9, min_fraction: 1";
    check_one(sep, f, &r);
    EXPECT_NT(r, "the sep task has no accuracy", f);
    f = "task: sep, kind: earlier, first: d_cor, then: d_in, condition: {mi: true}";
    check_one(sep, f, &r);
    EXPECT_NT(r, "the sep task has no d_in", f);
    /* SEP selectors with λ_reg from config_yaml; value on the no-MI condition */
    f = "task: sep, kind: greater, quantity: q_cor, a: {mi: true, l2: true}, b: {mi: false, l2: true}";
    check_one(sep, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    CHECK(r.n_a == 5 && r.n_b == 2, "sep n %d %d", r.n_a, r.n_b);
    f = "task: sep, kind: greater, quantity: q_cor, a: {mi: true, l2: false}, b: {mi: false}";
    check_one(sep, f, &r);
    EXPECT_NT(r, "a: no condition with MI and no L2 in this file's grid", f);
    /* a time course of one record */
    f = "task: wm, kind: earlier, first: q_cor, then: q_str, condition: {mi: true}";
    check_one(wm, f, &r);
    EXPECT_NT(r, "the time course has 1 record (needs ≥ 2)", f);
}

/* ---- errors in the claims file */

static void expect_error(const char *name, const char *text, const char *where, const char *what) {
    summary_claims cs;
    mimod_err err = {0};
    int rc = summary_claims_parse(name, text, &cs, &err);
    CHECK(rc == MIMOD_EINVAL, "%s: parse should fail (rc %d)", name, rc);
    CHECK(cs.n == 0 && cs.claims == NULL, "%s: no claims after an error", name);
    CHECK(strncmp(err.msg, where, strlen(where)) == 0, "%s: message '%s' should start '%s'", name,
          err.msg, where);
    CHECK(strstr(err.msg, what) != NULL, "%s: message '%s' should contain '%s'", name, err.msg,
          what);
    if (rc == MIMOD_OK) summary_claims_free(&cs);
}

#define HEAD "claims:\n  - id: X1\n    task: wm\n    text: t\n    paper: p\n"

static void test_file_errors(void) {
    expect_error("unknown_key.yaml",
                 HEAD "    kind: greater\n    quantiy: q_cor\n    a: {mi: true}\n    b: {mi: false}\n",
                 "unknown_key.yaml:7:5: ", "claim 'X1': unknown key 'quantiy' (did you mean 'quantity'?)");
    expect_error("dup_id.yaml",
                 "claims:\n"
                 "  - {id: X1, task: wm, text: t, paper: p, kind: rate, quantity: accuracy,\n"
                 "     condition: {mi: true}, above: 0.9, min_fraction: 1}\n"
                 "  - {id: X1, task: wm, text: t, paper: p, kind: rate, quantity: accuracy,\n"
                 "     condition: {mi: false}, above: 0.9, min_fraction: 1}\n",
                 "dup_id.yaml:4:10: ", "duplicate id 'X1' (first at line 2)");
    expect_error("bad_kind.yaml", HEAD "    kind: grater\n", "bad_kind.yaml:6:11: ",
                 "unknown kind 'grater' (did you mean 'greater'?)");
    expect_error("missing.yaml", HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: true}\n",
                 "missing.yaml:2:5: ", "claim 'X1': missing key 'b' (kind greater takes:");
    /* equivalence margins: required where there is no default, and in range */
    expect_error("no_margin.yaml",
                 HEAD "    kind: no_difference\n    quantity: q_cor\n    a: {mi: true}\n    b: {mi: false}\n",
                 "no_margin.yaml:2:5: ", "claim 'X1': missing key 'margin' (kind no_difference takes:");
    expect_error("zero_sd.yaml",
                 HEAD "    kind: value\n    quantity: q_cor\n    condition: {mi: true}\n"
                      "    paper_mean: 0.3\n    paper_sd: 0\n",
                 "zero_sd.yaml:10:15: ", "paper_sd: is 0, so it cannot be the equivalence margin");
    expect_error("bad_margin.yaml",
                 HEAD "    kind: value\n    quantity: q_cor\n    condition: {mi: true}\n"
                      "    paper_mean: 0.3\n    paper_sd: 0.1\n    margin: -1\n",
                 "bad_margin.yaml:11:13: ", "margin: must be > 0, got -1");
    expect_error("r_margin.yaml",
                 HEAD "    kind: uncorrelated\n    x: mi\n    y: q_cor\n    condition: {mi: true}\n"
                      "    margin: 1\n",
                 "r_margin.yaml:10:13: ", "margin: must be in (0, 1) (a bound on |r|), got 1");
    expect_error("margin_kind.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: true}\n    b: {mi: false}\n"
                      "    margin: 0.1\n",
                 "margin_kind.yaml:10:5: ", "key 'margin' does not apply to kind greater");
    /* an exact λ_reg in a selector must agree with its l2 */
    expect_error("lambda_sel.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: true, l2: false, lambda_reg: 0.02}\n"
                      "    b: {mi: false}\n",
                 "lambda_sel.yaml:8:42: ", "a: lambda_reg: 0.02 contradicts l2: false");
    expect_error("missing_id.yaml",
                 "claims:\n  - task: wm\n    text: t\n    paper: p\n    kind: rate\n",
                 "missing_id.yaml:2:5: ", "claim 1: missing key 'id'");
    expect_error("bad_quantity.yaml",
                 HEAD "    kind: greater\n    quantity: q_corr\n    a: {mi: true}\n    b: {mi: false}\n",
                 "bad_quantity.yaml:7:15: ", "unknown quantity 'q_corr' (did you mean 'q_cor'?)");
    expect_error("bad_task.yaml",
                 "claims:\n  - {id: X1, task: wn, text: t, paper: p, kind: rate, quantity: accuracy,\n"
                 "     condition: {}, above: 0.9, min_fraction: 1}\n",
                 "bad_task.yaml:2:20: ", "unknown task 'wn' (did you mean 'wm'?)");
    expect_error("bad_alpha.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: true}\n    b: {mi: false}\n"
                      "    alpha: abc\n",
                 "bad_alpha.yaml:10:12: ", "alpha: expected a number, got 'abc'");
    expect_error("bad_selector.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: [1]\n    b: {mi: false}\n",
                 "bad_selector.yaml:8:8: ", "a: expected a condition like {mi: true, l2: false}, got a list");
    expect_error("bad_bool.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: yes}\n    b: {mi: false}\n",
                 "bad_bool.yaml:8:13: ", "mi: expected true or false, got 'yes'");
    expect_error("bad_selector_key.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: true, l3: true}\n"
                      "    b: {mi: false}\n",
                 "bad_selector_key.yaml:8:19: ", "a: unknown key 'l3' (did you mean 'l2'?)");
    expect_error("dup_key.yaml",
                 HEAD "    kind: greater\n    kind: less\n",
                 "dup_key.yaml:7:5: ", "key 'kind' appears twice (first at line 6)");
    expect_error("dup_selector_key.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: true, mi: false}\n"
                      "    b: {mi: false}\n",
                 "dup_selector_key.yaml:8:19: ", "key 'mi' appears twice");
    expect_error("not_for_kind.yaml",
                 HEAD "    kind: greater\n    quantity: q_cor\n    a: {mi: true}\n    b: {mi: false}\n"
                      "    above: 0.1\n",
                 "not_for_kind.yaml:10:5: ", "key 'above' does not apply to kind greater");
    expect_error("no_timecourse.yaml",
                 HEAD "    kind: earlier\n    first: i_n\n    then: q_str\n    condition: {mi: true}\n",
                 "no_timecourse.yaml:7:12: ", "first: i_n has no time course");
    expect_error("syntax.yaml", "claims:\n  - {id: X1, task: wm\n  - id: X2\n", "syntax.yaml:",
                 "YAML syntax: ");
    expect_error("not_a_list.yaml", "claims: {id: X1}\n", "not_a_list.yaml:1:9: ",
                 "claims: expected a list of claims, got a mapping");
    expect_error("top.yaml", "claim:\n  - id: X1\n", "top.yaml:1:1: ",
                 "top level: unknown key 'claim' (did you mean 'claims'?)");
    expect_error("empty.yaml", "", "empty.yaml:1:1: ", "empty file");
    expect_error("bad_fraction.yaml",
                 HEAD "    kind: rate\n    quantity: accuracy\n    condition: {}\n    above: 0.9\n"
                      "    min_fraction: 2\n",
                 "bad_fraction.yaml:10:19: ", "min_fraction: must be in [0, 1], got 2");

    /* a good file: defaults, an empty selector */
    summary_claims cs;
    mimod_err err = {0};
    CHECK(summary_claims_parse("good.yaml",
                               "description: two claims\n"
                               "claims:\n"
                               "  - {id: A, task: sep, text: \"x, y\", paper: p, kind: value,\n"
                               "     quantity: r2_mean, condition: {}, paper_mean: 0.9, paper_sd: 0.1}\n"
                               "  - {id: B, task: wm, text: t, paper: p, kind: earlier, first: q_cor,\n"
                               "     then: q_str, condition: {mi: true}, where: {quantity: q_str, above: 0.1}}\n",
                               &cs, &err) == MIMOD_OK,
          "good file: %s", err.msg);
    if (cs.n == 2) {
        const summary_claim *a = &cs.claims[0], *b = &cs.claims[1];
        CHECK(a->kind == SUMMARY_CLAIM_VALUE && a->quantity == SQ_R2_MEAN && a->task_def == &mimod_task_sep, "claim A");
        CHECK(a->alpha == 0.05 && a->paper_n == 20 && a->line == 3, "defaults (line %d)", a->line);
        CHECK(a->condition.mi == -1 && a->condition.l2 == -1, "empty selector");
        CHECK(strcmp(a->text, "x, y") == 0, "text '%s'", a->text);
        CHECK(b->kind == SUMMARY_CLAIM_EARLIER && b->first == SQ_Q_COR && b->then == SQ_Q_STR &&
                  b->where_quantity == SQ_Q_STR && b->where_above == 0.1 && b->condition.mi == 1,
              "claim B");
    }
    summary_claims_free(&cs);
}

/* ---- the command line */

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

static void spit(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* Run summary_main with stdout and stderr captured; returns its status. */
static int run(int argc, char **argv, char **out, char **err) {
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open("test_claims.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = open("test_claims.err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fo, 1);
    dup2(fe, 2);
    close(fo);
    close(fe);
    int rc = summary_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    *out = slurp("test_claims.out");
    *err = slurp("test_claims.err");
    if (!*out) *out = calloc(1, 1);
    if (!*err) *err = calloc(1, 1);
    return rc;
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static const char *const CLI_CLAIMS =
    "# claims for the command-line test\n"
    "claims:\n"
    "  - id: C1\n"
    "    task: wm\n"
    "    text: \"Q_cor, with MI > without\"\n"
    "    kind: greater\n"
    "    quantity: q_cor\n"
    "    a: {mi: true}\n"
    "    b: {mi: false}\n"
    "    paper: \"0.299 ± 0.153 vs -0.0162 ± 0.012\"\n"
    "  - {id: C2, task: wm, text: all succeed, paper: 20/20, kind: rate, quantity: accuracy,\n"
    "     condition: {mi: true}, above: 0.9, min_fraction: 1}\n"
    "  - {id: C3, task: wm, text: too few, paper: \"-\", kind: greater, quantity: i_n,\n"
    "     a: {mi: true}, b: {mi: false}}\n"
    "  - {id: C4, task: sep, text: R2, paper: 0.973 ± 0.013, kind: value, quantity: r2_mean,\n"
    "     condition: {mi: true, l2: true}, paper_mean: 0.973, paper_sd: 0.013}\n";

static void test_cli(const char *file_a) {
    spit("cli_claims.yaml", CLI_CLAIMS);
    char *out, *err;
    char *argv1[] = {"mimod-summary", (char *)file_a, "--claims", "cli_claims.yaml", NULL};
    int rc = run(4, argv1, &out, &err);
    CHECK(rc == 0, "--claims: exit %d (%s)", rc, err);
    CHECK(strstr(out, "claims: 1 hold, 1 fail, 0 inconclusive, 2 not testable\n") != NULL, "count line in:\n%s", out);
    CHECK(strstr(out, "C1 [wm, greater q_cor] Q_cor, with MI > without\n") != NULL,
          "head line in:\n%s", out);
    CHECK(strstr(out, "    test     t(4) = 3.67, p = 0.021\n") != NULL, "test line in:\n%s", out);
    CHECK(strstr(out, "    verdict  fails (2/3 = 0.667 < 1)\n") != NULL, "rate verdict in:\n%s", out);
    CHECK(strstr(out, "    verdict  not testable: file has no /sep group\n") != NULL,
          "missing group in:\n%s", out);
    CHECK(strstr(out, "/wm (preset test): 8 points — 6 finished, 1 running, 0 failed, 1 pending") !=
              NULL, "task line in:\n%s", out);
    for (const char *s = out; *s;) { /* readable in 100 columns */
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        int w = 0;
        for (size_t i = 0; i < len; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
        CHECK(w <= 100, "line of %d columns: %.*s", w, (int)len, s);
        s = e ? e + 1 : s + len;
    }
    free(out);
    free(err);

    char *argv_csv[] = {"mimod-summary", (char *)file_a, "--claims", "cli_claims.yaml",
                        "--format", "csv", NULL};
    rc = run(6, argv_csv, &out, &err);
    CHECK(rc == 0, "csv: exit %d", rc);
    const char *header = "id,task,kind,quantity,text,paper,ours,test,statistic,df,p,alpha,margin,"
                         "ci_lo,ci_hi,p_equiv,verdict,note\n";
    CHECK(strncmp(out, header, strlen(header)) == 0, "csv header:\n%s", out);
    CHECK(count_lines(out) == 5, "csv: header + 4 rows, got %d lines", count_lines(out));
    CHECK(strstr(out, "C1,wm,greater,q_cor,\"Q_cor, with MI > without\",") != NULL,
          "csv quoting:\n%s", out);
    CHECK(strstr(out, ",4,0.02131164113,0.05,,,,,holds,\n") != NULL, "csv numbers:\n%s", out);
    CHECK(strstr(err, "claims: 1 hold, 1 fail, 0 inconclusive, 2 not testable") != NULL,
          "csv: count line on stderr: %s", err);
    free(out);
    free(err);

    char *argv_md[] = {"mimod-summary", (char *)file_a, "--claims=cli_claims.yaml", "--format",
                       "markdown", "--task", "sep", NULL};
    rc = run(7, argv_md, &out, &err);
    CHECK(rc == 0, "markdown --task sep: exit %d", rc);
    CHECK(strstr(out, "| id | task | claim | paper | ours | test | verdict |\n") != NULL,
          "markdown table:\n%s", out);
    CHECK(strstr(out, "| C4 | sep |") != NULL && strstr(out, "| C1 |") == NULL,
          "--task sep keeps only C4:\n%s", out);
    CHECK(strstr(out, "claims: 0 hold, 0 fail, 0 inconclusive, 1 not testable") != NULL, "md count:\n%s", out);
    free(out);
    free(err);

    /* errors in the claims file: exit 1, reported as FILE:LINE:COL before
     * the result file is looked at (here it does not even exist) */
    spit("bad_claims.yaml", HEAD "    kind: greater\n    quantiy: q_cor\n");
    char *argv_bad[] = {"mimod-summary", "no-such-file.h5", "--claims", "bad_claims.yaml", NULL};
    rc = run(4, argv_bad, &out, &err);
    CHECK(rc == 1, "bad claims: exit %d", rc);
    CHECK(strstr(err, "bad_claims.yaml:7:5: claim 'X1': unknown key 'quantiy' (did you mean "
                      "'quantity'?)") != NULL, "bad claims message: %s", err);
    CHECK(strstr(err, "no-such-file") == NULL, "the result file is not opened first: %s", err);
    CHECK(out[0] == '\0', "nothing on stdout: %s", out);
    free(out);
    free(err);
    char *argv_none[] = {"mimod-summary", (char *)file_a, "--claims", "no-such-claims.yaml", NULL};
    rc = run(4, argv_none, &out, &err);
    CHECK(rc == 1 && strstr(err, "no-such-claims.yaml: cannot open") != NULL, "missing claims: %d %s",
          rc, err);
    free(out);
    free(err);
    char *argv_fig[] = {"mimod-summary", (char *)file_a, "--claims", "cli_claims.yaml", "--figures",
                        "dir", NULL};
    rc = run(6, argv_fig, &out, &err);
    CHECK(rc == 2, "--claims with --figures is a usage error: %d", rc);
    free(out);
    free(err);
    char *argv_file[] = {"mimod-summary", "no-such-file.h5", "--claims", "cli_claims.yaml", NULL};
    rc = run(4, argv_file, &out, &err);
    CHECK(rc == 1 && strstr(err, "no-such-file.h5") != NULL, "missing result file: %d", rc);
    free(out);
    free(err);
}

/* The repository's claims file (sweeps/paper_claims.yaml; meson passes the
 * source directory) parses, and every claim is checkable on a file of its task:
 * here each is checked against claims_c.h5 just to run every kind once. */
static void test_paper_claims(const loaded *sep, const loaded *wm) {
#ifndef MIMOD_SOURCE_DIR
#define MIMOD_SOURCE_DIR "../../.."
#endif
    const char *path = MIMOD_SOURCE_DIR "/sweeps/paper_claims.yaml";
    summary_claims cs;
    mimod_err err = {0};
    CHECK(summary_claims_load(path, &cs, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(cs.n >= 13, "paper_claims.yaml: %d claims", cs.n);
    int seen[SUMMARY_CLAIM_N_KINDS] = {0}, seen_wm = 0, seen_sep = 0;
    for (int i = 0; i < cs.n; i++) {
        const summary_claim *c = &cs.claims[i];
        seen[c->kind]++;
        seen_wm |= c->task_def == &mimod_task_wm;
        seen_sep |= c->task_def == &mimod_task_sep;
        summary_claim_result r;
        summary_claim_check(c, c->task_def == &mimod_task_wm ? &wm->a : &sep->a, &r);
        CHECK(r.verdict != SUMMARY_NOT_TESTABLE || r.note[0], "%s: not testable without a reason",
              c->id);
    }
    CHECK(seen_wm && seen_sep, "claims of both tasks");
    for (int k = 0; k < SUMMARY_CLAIM_N_KINDS; k++)
        CHECK(seen[k] || k == SUMMARY_CLAIM_LESS, "paper_claims.yaml uses kind %s",
              summary_claim_kind_names[k]);
    summary_claims_free(&cs);
}

/* A claim is about K groups (key groups, default 2: the paper's): it is tested
 * only on conditions of that K, so the paper's claims are not testable on a
 * K = 4 file, and a K = 4 claim is not testable on a file of two groups. */
static void test_groups(const loaded *k4, const loaded *a) {
    summary_claim_result r;
    CHECK(k4->t.base_n_groups == 4 && a->t.base_n_groups == 2 && summary_point_groups(&k4->t, 0) == 4,
          "K from config_yaml (4), and 2 when the key is absent (%d, %d)", k4->t.base_n_groups,
          a->t.base_n_groups);
    CHECK(k4->a.n_conditions == 2 && k4->a.conditions[0].n_groups == 4, "K = 4 conditions");
    const char *f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true}, b: {mi: false}";
    check_one(k4, f, &r);
    EXPECT_NT(r, "a: no condition with MI in this file's grid (the claim is about 2 groups; the "
                 "file has conditions of 4)", f);
    f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true}, b: {mi: false}, groups: 4";
    check_one(k4, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f); /* q_cor {4, 5, 6} vs {1, 2, 3}: t(4) = 3.67, p = 0.021 */
    CHECK(r.n_a == 3 && r.n_b == 3 && r.mean_a == 5.0 && r.mean_b == 2.0, "K = 4 claim uses both sides");
    check_one(a, f, &r);
    EXPECT(r, SUMMARY_NOT_TESTABLE, f);
    summary_claims cs;
    mimod_err err = {0};
    CHECK(summary_claims_parse("g.yaml", "claims:\n  - {id: T, text: t, paper: p, task: wm, kind: "
                                         "greater, quantity: q_cor, a: {mi: true}, b: {mi: false}, "
                                         "groups: 1}\n",
                               &cs, &err) == MIMOD_EINVAL &&
              strstr(err.msg, "g.yaml:2:") && strstr(err.msg, "groups: expected a whole number ≥ 2"),
          "groups: 1 refused: %s", err.msg);
}

/* A claim is about the task's paper targets unless it says otherwise (key
 * targets): the paper's claims are not testable on a 3-bit WM file, a claim
 * with targets: 3 is tested there and not on the 2-bit file; and the 3-bit
 * file gets no paper column. */
static void test_targets(const loaded *b3, const loaded *a) {
    summary_claim_result r;
    CHECK(summary_task_targets(&b3->t) == 3 && summary_task_targets(&a->t) == 2 &&
              summary_paper_targets(b3->t.task) == 2,
          "3 targets in the 3-bit file, 2 in the paper's");
    const char *f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true}, b: {mi: false}";
    check_one(b3, f, &r);
    EXPECT_NT(r, "the claim is about 2 targets; this /wm has 3 (wm_bits, sep_sources)", f);
    f = "task: wm, kind: greater, quantity: q_cor, a: {mi: true}, b: {mi: false}, targets: 3";
    check_one(b3, f, &r);
    EXPECT(r, SUMMARY_HOLDS, f);
    check_one(a, f, &r);
    EXPECT_NT(r, "the claim is about 3 targets; this /wm has 2 (wm_bits, sep_sources)", f);
    summary_claims cs;
    mimod_err err = {0};
    CHECK(summary_claims_parse("t.yaml", "claims:\n  - {id: T, text: t, paper: p, task: wm, kind: "
                                         "greater, quantity: q_cor, a: {mi: true}, b: {mi: false}, "
                                         "targets: 0}\n",
                               &cs, &err) == MIMOD_EINVAL &&
              strstr(err.msg, "t.yaml:2:") && strstr(err.msg, "targets: expected a whole number ≥ 1"),
          "targets: 0 refused: %s", err.msg);
}

int main(void) {
    const char *a = "claims_a.h5", *b = "claims_b.h5", *c = "claims_c.h5";
    make_file_a(a);
    make_file_b(b);
    make_file_c(c);
    loaded la, lb, lsep, lwm;
    load(a, "wm", &la);
    CHECK(la.ok && la.a.n_finished == 6 && la.a.n_pending == 1 && la.a.n_running == 1,
          "claims_a: partial file");
    if (la.ok) {
        test_two_sample(&la);
        test_value_rate_corr(&la);
        test_paired(&la);
    }
    load(b, "wm", &lb);
    if (lb.ok) test_conditions(&lb);
    load(c, "sep", &lsep);
    load(c, "wm", &lwm);
    if (lsep.ok && lwm.ok) {
        test_earlier(&lsep, &lwm);
        test_paper_claims(&lsep, &lwm);
    }
    unload(&la);
    unload(&lb);
    unload(&lsep);
    unload(&lwm);
    const char *k4 = "claims_k4.h5";
    make_file_a_with(k4, WM_K4_CONFIG);
    loaded lk4, la2;
    load(k4, "wm", &lk4);
    load(a, "wm", &la2);
    if (lk4.ok && la2.ok) test_groups(&lk4, &la2);
    const char *b3 = "claims_3bits.h5";
    make_file_3bits(b3);
    loaded lb3;
    load(b3, "wm", &lb3);
    if (lb3.ok && la2.ok) test_targets(&lb3, &la2);
    unload(&lb3);
    unload(&lk4);
    unload(&la2);
    test_file_errors();
    test_cli(a);
    return check_report("test_claims");
}
