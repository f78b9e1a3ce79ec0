/* test_cost.c — the FLOP counts of a step's parts (cost.h, issue 28): on the
 * SEP tiny preset worked out by hand, and on several tiny trials against the
 * products the engine actually calls. This program is linked with
 * --wrap=cblas_sgemm, cblas_dgemm, cblas_sgemv, cblas_dgemv, gru_step_product
 * and fixed_gemm (tests/meson.build): every product of a step passes through
 * a counter below on its way to the real function, so a product the cost
 * model forgets, or counts at the wrong shape, shows as a difference. */
#include <cblas.h>
#include <string.h>

#include "check.h"
#include "../src/trial_internal.h"
#include "mimod/config.h"
#include "mimod/cost.h"
#include "mimod/fixed_gemm.h"
#include "mimod/gru_step.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"

/* ---- the counter: 2 FLOP per multiply-add of every product called */

static double counted;

void __real_cblas_sgemm(CBLAS_ORDER o, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n,
                        blasint k, float alpha, const float *a, blasint lda, const float *b,
                        blasint ldb, float beta, float *c, blasint ldc);
void __wrap_cblas_sgemm(CBLAS_ORDER o, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n,
                        blasint k, float alpha, const float *a, blasint lda, const float *b,
                        blasint ldb, float beta, float *c, blasint ldc) {
    counted += 2.0 * m * n * k;
    __real_cblas_sgemm(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void __real_cblas_dgemm(CBLAS_ORDER o, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n,
                        blasint k, double alpha, const double *a, blasint lda, const double *b,
                        blasint ldb, double beta, double *c, blasint ldc);
void __wrap_cblas_dgemm(CBLAS_ORDER o, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n,
                        blasint k, double alpha, const double *a, blasint lda, const double *b,
                        blasint ldb, double beta, double *c, blasint ldc) {
    counted += 2.0 * m * n * k;
    __real_cblas_dgemm(o, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void __real_cblas_sgemv(CBLAS_ORDER o, CBLAS_TRANSPOSE t, blasint m, blasint n, float alpha,
                        const float *a, blasint lda, const float *x, blasint incx, float beta,
                        float *y, blasint incy);
void __wrap_cblas_sgemv(CBLAS_ORDER o, CBLAS_TRANSPOSE t, blasint m, blasint n, float alpha,
                        const float *a, blasint lda, const float *x, blasint incx, float beta,
                        float *y, blasint incy) {
    counted += 2.0 * m * n;
    __real_cblas_sgemv(o, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
void __real_cblas_dgemv(CBLAS_ORDER o, CBLAS_TRANSPOSE t, blasint m, blasint n, double alpha,
                        const double *a, blasint lda, const double *x, blasint incx, double beta,
                        double *y, blasint incy);
void __wrap_cblas_dgemv(CBLAS_ORDER o, CBLAS_TRANSPOSE t, blasint m, blasint n, double alpha,
                        const double *a, blasint lda, const double *x, blasint incx, double beta,
                        double *y, blasint incy) {
    counted += 2.0 * m * n;
    __real_cblas_dgemv(o, t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}
/* the step kernel: out[B][cols] from n_in + N terms per element (the padded
 * columns it also computes are zeros, not counted) */
void __real_gru_step_product(int B, int n_in, int N, int cols, const real *x, const real *wt,
                             const real *a, const real *ut, real *out);
void __wrap_gru_step_product(int B, int n_in, int N, int cols, const real *x, const real *wt,
                             const real *a, const real *ut, real *out) {
    counted += 2.0 * B * cols * (n_in + N);
    __real_gru_step_product(B, n_in, N, cols, x, wt, a, ut, out);
}

/* the statistics network's fixed-order products: m·n·k multiply-adds */
void __real_fixed_gemm(const fixed_gemm_op *op);
void __wrap_fixed_gemm(const fixed_gemm_op *op) {
    counted += 2.0 * op->m * op->n * op->k;
    __real_fixed_gemm(op);
}

/* The sum of a part's terms is its total, and every term has a shape. */
static void check_terms(const cost_terms *ts, double total, const char *what) {
    double s = 0;
    int shapes = 1;
    for (int i = 0; i < ts->n; i++) {
        s += ts->t[i].flops;
        shapes &= ts->t[i].m >= 1 && ts->t[i].n >= 1 && ts->t[i].k >= 1 && ts->t[i].what;
    }
    CHECK(ts->n > 0 && s == total && shapes, "%s: %d terms sum to %.17g of %.17g, shapes %d", what,
          ts->n, s, total, shapes);
}

/* One tiny trial of task `task` with the given overrides: each part's count
 * against the products its step calls. */
static void against_the_calls(const char *task, int n_sets, const char **sets) {
    char label[256] = "";
    snprintf(label, sizeof label, "%s", task);
    for (int i = 0; i < n_sets; i++) {
        strncat(label, " ", sizeof label - strlen(label) - 1);
        strncat(label, sets[i], sizeof label - strlen(label) - 1);
    }
    char task_set[32];
    snprintf(task_set, sizeof task_set, "task=%s", task);
    char *all[8] = {task_set, "preset=tiny"};
    for (int i = 0; i < n_sets; i++) all[i + 2] = (char *)sets[i];
    mimod_config c;
    mimod_err err = {0};
    int rc = config_load_with_overrides(&c, NULL, n_sets + 2, all, &err);
    CHECK(rc == MIMOD_OK, "%s: config: %s", label, err.msg);
    if (rc) return;
    trial *t = NULL;
    rc = trial_create(&c, &t, &err);
    CHECK(rc == MIMOD_OK, "%s: trial_create: %s", label, err.msg);
    if (rc) return;
    cost_terms ts;
    double data = cost_sm_data_flops(&c, &ts);
    check_terms(&ts, data, label);
    counted = 0;
    rc = trial_sm_make_data(t, 0, &err);
    CHECK(rc == MIMOD_OK && counted == data, "%s: SM data pass: counted %.17g, cost model %.17g (%s)",
          label, counted, data, err.msg);
    double upd = cost_sm_update_gemm_flops(&c, &ts);
    check_terms(&ts, upd, label);
    double mi;
    counted = 0;
    rc = trial_sm_update(t, &mi, &err);
    CHECK(rc == MIMOD_OK && counted == upd, "%s: SM update: counted %.17g, cost model %.17g (%s)",
          label, counted, upd, err.msg);
    double mm = cost_mm_step_flops(&c, &ts);
    check_terms(&ts, mm, label);
    counted = 0;
    rc = trial_do_mm_step(t, &err);
    CHECK(rc == MIMOD_OK && counted == mm, "%s: MM step: counted %.17g, cost model %.17g (%s)",
          label, counted, mm, err.msg);
    /* the data pass is the task's own forward term (task_sep.c, task_wm.c) */
    CHECK(data == cost_mm_forward_flops(&c), "%s: data pass %.17g = the task's forward term %.17g",
          label, data, cost_mm_forward_flops(&c));
    trial_free(t);
}

int main(void) {
    mimod_err err = {0};
    mimod_config c;

    /* SEP tiny (task_sep.c): N = 8 units, n_in = 3, n_out = 6, B = 3
     * sequences, L = 400 − 100 = 300 learned steps and no transient, so
     * n = L·B = 900 samples; H = 16; K = 2 groups of 4 units: one network,
     * dx = dy = 4; λ_I = 0.005 (the paper's), the GRU resets before. */
    int rc = config_preset(&c, "tiny", &mimod_task_sep, &err);
    CHECK(rc == MIMOD_OK, "SEP tiny: %s", err.msg);
    CHECK(c.n_units == 8 && c.batch == 3 && config_learned_len(&c) == 300 && c.sm_hidden == 16 &&
          c.n_groups == 2 && c.lambda_I > 0 && !c.gru_reset_after,
          "SEP tiny is the configuration worked out below");
    /* data pass, per step: z|r 2·B·2N·(n_in+N) = 2·3·16·11 = 1056, h̃
     * 2·B·N·(n_in+N) = 2·3·8·11 = 528; × 300 steps = 475 200 */
    const double data = 300 * (1056 + 528);
    CHECK(cost_sm_data_flops(&c, NULL) == data, "SEP tiny data pass %.17g", cost_sm_data_flops(&c, NULL));
    /* SM update, 2·m·n·k per product:
     *   x·Wxᵀ 2·900·16·4 = 115 200; y·Wyᵀ and y_π·Wyᵀ 2·1800·16·4 = 230 400;
     *   layer 2 2·1800·16·16 = 921 600; output GEMV 2·1800·16 = 57 600;
     *   dpre1 = dz2·W2 ⊙ φ′ 921 600; dw3 GEMV 57 600; dW2 921 600;
     *   dW1 2·1800·16·8 = 460 800 → 3 686 400. The model of cost_sm_update_flops,
     *   12·n·H² + 6·n·d·H = 2 764 800 + 691 200 = 3 456 000, lacks the marginal
     *   y_π·Wyᵀ (2·n·dy·H = 115 200) and the GEMVs (8·n·H = 115 200). */
    const double upd = 115200 + 230400 + 921600 + 57600 + 921600 + 57600 + 921600 + 460800;
    CHECK(cost_sm_update_gemm_flops(&c, NULL) == upd, "SEP tiny SM update %.17g",
          cost_sm_update_gemm_flops(&c, NULL));
    CHECK(cost_sm_update_flops(&c) == 3456000.0 && upd - 3456000.0 == 115200.0 + 115200.0,
          "the executed update exceeds the model by y_π·Wyᵀ and the GEMVs");
    /* MM step: forward with the cache 475 200; readout 2·900·6·8 = 86 400;
     * MINE forward 115 200 + 230 400 + 921 600 + 57 600 = 1 324 800, dpre1
     * 921 600, d_x and d_y 2·1800·4·16 = 230 400 each; readout backward
     * 2 × 86 400; GRU BPTT per step ds 2·3·8·8 = 384 and dh += da_zr·U_zr
     * 2·3·8·16 = 768, × 300 = 115 200 + 230 400; weight gradients over
     * L·B = 900 rows: dW_x 2·24·3·900 = 129 600, dU_zr 2·16·8·900 = 230 400,
     * dU_h 2·8·8·900 = 115 200 → 4 262 400 */
    const double mm = 475200 + 86400 + (1324800 + 921600 + 2 * 230400) + 2 * 86400 +
                      (115200 + 230400 + 129600 + 230400 + 115200);
    cost_terms ts;
    CHECK(cost_mm_step_flops(&c, &ts) == mm, "SEP tiny MM step %.17g, expected %.17g",
          cost_mm_step_flops(&c, NULL), mm);
    check_terms(&ts, mm, "SEP tiny MM");
    /* without the MI penalty the frozen networks run forward only */
    c.lambda_I = 0;
    CHECK(cost_mm_step_flops(&c, NULL) == mm - 921600 - 2 * 230400, "SEP tiny MM step, λ_I = 0");

    /* Against the calls: both tasks, both GRU variants, K groups both ways,
     * no MI penalty, a chunk of rows that does not divide n. */
    against_the_calls("sep", 0, NULL);
    against_the_calls("sep", 1, (const char *[]){"gru_reset_after=true"});
    against_the_calls("sep", 1, (const char *[]){"lambda_I=0"});
    against_the_calls("sep", 1, (const char *[]){"sm_chunk_rows=100"});
    against_the_calls("wm", 0, NULL);
    against_the_calls("wm", 2, (const char *[]){"n_groups=4", "mi_pairing=one_vs_rest"});
    against_the_calls("wm", 1, (const char *[]){"n_groups=4"});
    return check_report("test_cost");
}
