/* leaky_rnn.c — leaky-integrator RNN of task WM (SPEC §2, paper Eq. 1–2).
 *
 *   pre_t = W_rec r_{t-1} + W_in x_t + b
 *   h_t   = (1-α) h_{t-1} + α pre_t + ξ_t          (noise outside, default [code])
 *   h_t   = (1-α) h_{t-1} + α (pre_t + ξ_t)        (noise inside, paper Eq. 1)
 *   r_t   = tanh(h_t),  r_{-1} = tanh(h0)
 *
 * The noise is additive and independent of the parameters, so both variants
 * share one backward pass. */
#include "mimod/leaky_rnn.h"

#include <math.h>
#include <string.h>

#include "mimod/init.h"
#include "models_math.h"

void leaky_layout(const leaky_dims *d, double out_l2_factor, mimod_layout *l) {
    int N = d->n_units;
    memset(l, 0, sizeof *l);
    layout_add(l, "w_in", N, d->n_in, 1.0);
    layout_add(l, "w_rec", N, N, 1.0);
    layout_add(l, "b", N, 1, 0.0);
    layout_add(l, "w_out", d->n_out, N, out_l2_factor);
    layout_add(l, "b_out", d->n_out, 1, 0.0);
}

void leaky_bind(leaky_params *p, const mimod_layout *l, real *buf) {
    p->w_in = buf + l->t[0].offset;
    p->w_rec = buf + l->t[1].offset;
    p->b = buf + l->t[2].offset;
    p->w_out = buf + l->t[3].offset;
    p->b_out = buf + l->t[4].offset;
}

void leaky_init(leaky_params *p, const leaky_dims *d, double w_rec_scale, mimod_rng *rng) {
    int N = d->n_units;
    rng_fill_normal(rng, p->w_rec, (size_t)N * N, 0.0, w_rec_scale / sqrt((double)N));
    init_glorot_uniform(p->w_in, (size_t)N * d->n_in, d->n_in, N, rng);
    init_glorot_uniform(p->w_out, (size_t)d->n_out * N, N, d->n_out, rng);
    memset(p->b, 0, (size_t)N * sizeof(real));
    memset(p->b_out, 0, (size_t)d->n_out * sizeof(real));
}

/* x [T][B][n_in], h0 [B][N], xi [T][B][N] or NULL -> h [T][B][N], r [T][B][N].
 * No workspace: h[t] first receives the input product W_in x_t (one GEMM for
 * all T steps), then W_rec r_{t-1} is added by a GEMM with beta = 1, then the
 * leak is applied in place. r_{-1} = tanh(h0) is parked in r[0] until r[0] is
 * written. */
void leaky_forward(const leaky_params *p, const leaky_dims *d, int B, int T,
                   const real *x, const real *h0, const real *xi, real *h, real *r) {
    int N = d->n_units, n_in = d->n_in;
    size_t BN = (size_t)B * N;
    real alpha = (real)d->alpha, keep = (real)(1.0 - d->alpha);
    /* with noise inside the α-term, ξ enters scaled by α */
    real xi_scale = d->noise_inside ? alpha : (real)1;
    if (T <= 0) return;

    /* h[t][b][i] = Σ_k x[t][b][k] W_in[i][k]  for all T·B rows at once */
    mm_gemm(0, 1, T * B, N, n_in, 1, x, n_in, p->w_in, n_in, 0, h, N);
    for (size_t j = 0; j < BN; j++) r[j] = mm_tanh(h0[j]);

    for (int t = 0; t < T; t++) {
        real *h_t = h + (size_t)t * BN, *r_t = r + (size_t)t * BN;
        const real *h_prev = t ? h_t - BN : h0;
        const real *r_prev = t ? r_t - BN : r; /* r[0] holds tanh(h0) at t = 0 */
        const real *xi_t = xi ? xi + (size_t)t * BN : NULL;
        /* h_t (= W_in x_t so far) += r_{t-1} W_recᵀ: [B][N]·[N][N] */
        mm_gemm(0, 1, B, N, N, 1, r_prev, N, p->w_rec, N, 1, h_t, N);
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                size_t j = (size_t)b * N + i;
                real v = keep * h_prev[j] + alpha * (h_t[j] + p->b[i]);
                if (xi_t) v += xi_scale * xi_t[j];
                h_t[j] = v;
            }
        }
        for (size_t j = 0; j < BN; j++) r_t[j] = mm_tanh(h_t[j]);
    }
}

size_t leaky_scratch_size(const leaky_dims *d, int B, int T) {
    return ((size_t)T + 2) * (size_t)B * (size_t)d->n_units;
}

/* Backward through time. With g_t = dL/dh_t and dpre_t = α g_t:
 *   dr_t    = d_r[t] + dpre_{t+1} W_rec        (r_t feeds pre_{t+1})
 *   g_t     = dr_t ⊙ (1 - r_t²) + (1-α) g_{t+1}
 *   dW_rec += Σ_t dpre_tᵀ r_{t-1},  dW_in += Σ_t dpre_tᵀ x_t,  db += Σ_t,b dpre_t
 * scratch: dpre [T][B][N], g [B][N], tanh(h0) [B][N]. */
void leaky_backward(const leaky_params *p, leaky_params *grad, const leaky_dims *d, int B, int T,
                    const real *x, const real *h0, const real *h, const real *r,
                    const real *d_r, real *scratch) {
    int N = d->n_units, n_in = d->n_in;
    size_t BN = (size_t)B * N;
    real alpha = (real)d->alpha, keep = (real)(1.0 - d->alpha);
    real *dpre = scratch;
    real *g = dpre + (size_t)T * BN;
    real *r_init = g + BN;
    (void)h; /* r = tanh(h) already holds all the backward needs */
    if (T <= 0) return;

    memset(g, 0, BN * sizeof(real));
    for (int t = T - 1; t >= 0; t--) {
        real *dpre_t = dpre + (size_t)t * BN;
        const real *r_t = r + (size_t)t * BN;
        memcpy(dpre_t, d_r + (size_t)t * BN, BN * sizeof(real));
        /* dr_t += dpre_{t+1} · W_rec: [B][N]·[N][N] */
        if (t + 1 < T) mm_gemm(0, 0, B, N, N, 1, dpre_t + BN, N, p->w_rec, N, 1, dpre_t, N);
        for (size_t j = 0; j < BN; j++) {
            g[j] = dpre_t[j] * (1 - r_t[j] * r_t[j]) + keep * g[j];
            dpre_t[j] = alpha * g[j];
        }
    }

    /* grad_W_in [N][n_in] += dpreᵀ · x over all T·B rows */
    mm_gemm(1, 0, N, n_in, T * B, 1, dpre, N, x, n_in, 1, grad->w_in, n_in);
    /* grad_W_rec [N][N] += dpre_tᵀ r_{t-1}: steps 1..T-1 in one GEMM (r[0..T-2]
     * is contiguous), step 0 with r_{-1} = tanh(h0) */
    if (T > 1) mm_gemm(1, 0, N, N, (T - 1) * B, 1, dpre + BN, N, r, N, 1, grad->w_rec, N);
    for (size_t j = 0; j < BN; j++) r_init[j] = mm_tanh(h0[j]);
    mm_gemm(1, 0, N, N, B, 1, dpre, N, r_init, N, 1, grad->w_rec, N);
    for (size_t m = 0; m < (size_t)T * B; m++)
        for (int i = 0; i < N; i++) grad->b[i] += dpre[m * N + i];
}
