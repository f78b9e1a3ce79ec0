/* gru.c — GRU of task SEP (SPEC §3, paper Eq. 3).
 *
 *   z  = σ(W_z x + U_z h_{t-1} + b_z),  r = σ(W_r x + U_r h_{t-1} + b_r)
 *   h̃ = tanh(W_h x + U_h (r ⊙ h_{t-1}) + b_h)      reset before (paper, default)
 *   h̃ = tanh(W_h x + r ⊙ (U_h h_{t-1}) + b_h)      reset after (Keras default)
 *   h_t = (1-z) ⊙ h_{t-1} + z ⊙ h̃
 *
 * Keras' reset_after GRU has a second, recurrent bias inside r ⊙ (U_h h + b_rh);
 * we keep the single bias b_h in both variants, for one parameter layout; the
 * reset-after model therefore lacks the gated bias term r ⊙ b_rh (a documented
 * simplification: b_rh starts at zero in Keras too).
 *
 * Rows of the [3N]-wide tensors (w_x, u, b, the cache and the gate buffers) are
 * the blocks z | r | h̃, so the z and r products are one GEMM of 2N outputs. */
#include "mimod/gru.h"

#include <math.h>
#include <string.h>

#include "mimod/init.h"
#include "mimod/gru_step.h"
#include "models_math.h"

void gru_layout(const gru_dims *d, double out_l2_factor, mimod_layout *l) {
    int N = d->n_units;
    memset(l, 0, sizeof *l);
    layout_add(l, "w_x", 3 * N, d->n_in, 1.0);
    layout_add(l, "u", 3 * N, N, 1.0);
    layout_add(l, "b", 3 * N, 1, 0.0);
    layout_add(l, "w_out", d->n_out, N, out_l2_factor);
    layout_add(l, "b_out", d->n_out, 1, 0.0);
}

void gru_bind(gru_params *p, const mimod_layout *l, real *buf) {
    p->w_x = buf + l->t[0].offset;
    p->u = buf + l->t[1].offset;
    p->b = buf + l->t[2].offset;
    p->w_out = buf + l->t[3].offset;
    p->b_out = buf + l->t[4].offset;
}

/* Keras: kernel (n_in × 3N) Glorot with fan_in n_in, fan_out 3N — stored
 * transposed here, which does not change the distribution. Recurrent kernel
 * (N × 3N) 'orthogonal' has orthonormal rows; our u [3N][N] is its transpose,
 * i.e. orthonormal columns, which is what init_semi_orthogonal produces for a
 * 3N × N shape directly (same QR of a Gaussian, no transposition needed). */
void gru_init(gru_params *p, const gru_dims *d, mimod_rng *rng) {
    int N = d->n_units;
    init_glorot_uniform(p->w_x, (size_t)3 * N * d->n_in, d->n_in, 3 * N, rng);
    init_semi_orthogonal(p->u, 3 * N, N, rng);
    init_glorot_uniform(p->w_out, (size_t)d->n_out * N, N, d->n_out, rng);
    memset(p->b, 0, (size_t)3 * N * sizeof(real));
    memset(p->b_out, 0, (size_t)d->n_out * sizeof(real));
}

size_t gru_cache_size(const gru_dims *d, int B, int T) {
    return (size_t)3 * (size_t)T * (size_t)B * (size_t)d->n_units;
}

/* The step kernel's part of the forward scratch (reset before): W_x and U
 * packed transposed for the z|r block (2N columns) and the h̃ block (N), and
 * the pre-activations of both blocks and the biases b_z|b_r and b_h, each
 * with rows padded by gru_step_padded (the pad columns zero). */
static size_t forward_packed_size(const gru_dims *d, int B) {
    size_t p2 = (size_t)gru_step_padded(2 * d->n_units), p1 = (size_t)gru_step_padded(d->n_units);
    return ((size_t)d->n_in + (size_t)d->n_units + (size_t)B + 1) * (p2 + p1);
}

size_t gru_scratch_size(const gru_dims *d, int B) {
    size_t BN = (size_t)B * (size_t)d->n_units;
    /* gates [B][3N] + rec [B][3N], then the reset-before step kernel's packed
     * weights and pre-activations (forward_packed_size) */
    size_t fwd = 6 * BN + forward_packed_size(d, B);
    size_t bwd = (size_t)GRU_GRAD_CHUNK * 4 * BN + 3 * BN; /* da, aux; dh, dprev, tmp */
    return fwd > bwd ? fwd : bwd;
}

/* Element-wise parts of one forward step for one sequence (row of N units).
 * Separate functions with restrict parameters because GCC only trusts
 * restrict on parameters, and needs it to vectorise these loops. */

/* reset before, in place over a whole padded row of pre-activations
 * (z | r | pad, with the biases padded alike): the padded length is a whole
 * number of vectors, where N alone (100 in SEP) would leave a scalar tail of
 * sigmoids in every row. Then z and r into the gate row; s = r ⊙ h_{t-1}. */
static MIMOD_ALWAYS_INLINE void gru_row_zr(int N, int ld_pre, real *restrict pre,
                                           const real *restrict b_zr, real *restrict gzr,
                                           real *restrict s, const real *restrict h_prev) {
    for (int j = 0; j < ld_pre; j++) pre[j] = mm_sigmoid(pre[j] + b_zr[j]);
    for (int i = 0; i < 2 * N; i++) gzr[i] = pre[i];
    for (int i = 0; i < N; i++) s[i] = pre[N + i] * h_prev[i];
}

/* reset before: h̃ = tanh(a_h + b_h) in place over the padded row, then into
 * the gate row; h_t = (1-z) h_{t-1} + z h̃ */
static MIMOD_ALWAYS_INLINE void gru_row_candidate(int N, int ld_pre, real *restrict pre,
                                                  const real *restrict b_h,
                                                  const real *restrict z, real *restrict gh,
                                                  const real *restrict h_prev,
                                                  real *restrict h_t) {
    for (int j = 0; j < ld_pre; j++) pre[j] = mm_tanh(pre[j] + b_h[j]);
    for (int i = 0; i < N; i++) {
        real cand = pre[i];
        gh[i] = cand;
        h_t[i] = (1 - z[i]) * h_prev[i] + z[i] * cand;
    }
}

/* reset after: gates g* hold the input products, rec_* the recurrent ones
 * (U h_{t-1}); overwrite g* with z, r, h̃ and write h_t. b is [3N]. */
static MIMOD_ALWAYS_INLINE void gru_row_reset_after(int N, real *restrict gz, real *restrict gr,
                                                    real *restrict gh, const real *restrict rec_z,
                                                    const real *restrict rec_r,
                                                    const real *restrict rec_h,
                                                    const real *restrict h_prev, real *restrict h_t,
                                                    const real *restrict b) {
    for (int i = 0; i < N; i++) {
        real zi = mm_sigmoid(gz[i] + rec_z[i] + b[i]);
        real ri = mm_sigmoid(gr[i] + rec_r[i] + b[N + i]);
        real cand = mm_tanh(gh[i] + ri * rec_h[i] + b[2 * N + i]);
        gz[i] = zi;
        gr[i] = ri;
        gh[i] = cand;
        h_t[i] = (1 - zi) * h_prev[i] + zi * cand;
    }
}

/* The element-wise part of one step over the B sequences: gates [B][3N] and
 * rec [B][3N] or [B][N] as in gru_forward. One function per step (not per
 * row) so the SIMD clone is chosen once per step. */
MIMOD_SIMD_CLONES
static void gru_rows_zr(int B, int N, int ld_pre, real *pre, const real *b_zr, real *gates,
                        real *s, const real *h_prev) {
    for (int b = 0; b < B; b++)
        gru_row_zr(N, ld_pre, pre + (size_t)b * ld_pre, b_zr, gates + (size_t)b * 3 * N,
                   s + (size_t)b * N, h_prev + (size_t)b * N);
}

MIMOD_SIMD_CLONES
static void gru_rows_candidate(int B, int N, int ld_pre, real *pre, const real *b_h,
                               real *gates, const real *h_prev, real *h_t) {
    for (int b = 0; b < B; b++) {
        real *g = gates + (size_t)b * 3 * N;
        gru_row_candidate(N, ld_pre, pre + (size_t)b * ld_pre, b_h, g, g + 2 * N,
                          h_prev + (size_t)b * N, h_t + (size_t)b * N);
    }
}

MIMOD_SIMD_CLONES
static void gru_rows_reset_after(int B, int N, real *gates, const real *rec, const real *h_prev,
                                 real *h_t, const real *bias) {
    for (int b = 0; b < B; b++) {
        real *g = gates + (size_t)b * 3 * N;
        const real *rc = rec + (size_t)b * 3 * N;
        gru_row_reset_after(N, g, g + N, g + 2 * N, rc, rc + N, rc + 2 * N, h_prev + (size_t)b * N,
                            h_t + (size_t)b * N, bias);
    }
}

/* Reset before, one step after another: per step the z|r pre-activations
 * x_t W_zrᵀ + h_{t-1} U_zrᵀ and, once r is known, x_t W_hᵀ + (r ⊙ h_{t-1}) U_hᵀ,
 * each by the step kernel (gru_step.c) on weights packed once per call. */
static void forward_reset_before(const gru_params *p, const gru_dims *d, int B, int T,
                                 const real *x, const real *h0, real *h, real *cache,
                                 real *scratch) {
    const int N = d->n_units, n_in = d->n_in;
    const int p2 = gru_step_padded(2 * N), p1 = gru_step_padded(N);
    const size_t BN = (size_t)B * N, BN3 = 3 * BN;
    real *gates_buf = scratch, *s = scratch + BN3;
    real *wt_zr = scratch + 2 * BN3, *ut_zr = wt_zr + (size_t)n_in * p2;
    real *wt_h = ut_zr + (size_t)N * p2, *ut_h = wt_h + (size_t)n_in * p1;
    real *pre_zr = ut_h + (size_t)N * p1, *pre_h = pre_zr + (size_t)B * p2;
    real *b_zr = pre_h + (size_t)B * p1, *b_h = b_zr + p2;
    for (int j = 0; j < p2; j++) b_zr[j] = j < 2 * N ? p->b[j] : 0;
    for (int j = 0; j < p1; j++) b_h[j] = j < N ? p->b[2 * N + j] : 0;
    gru_step_pack(wt_zr, p->w_x, 0, 2 * N, n_in);
    gru_step_pack(ut_zr, p->u, 0, 2 * N, N);
    gru_step_pack(wt_h, p->w_x, 2 * N, N, n_in);
    gru_step_pack(ut_h, p->u, 2 * N, N, N);
    for (int t = 0; t < T; t++) {
        const real *h_prev = t ? h + (size_t)(t - 1) * BN : h0;
        const real *x_t = x + (size_t)t * B * n_in;
        real *h_t = h + (size_t)t * BN;
        real *gates = cache ? cache + (size_t)t * BN3 : gates_buf;
        gru_step_product(B, n_in, N, 2 * N, x_t, wt_zr, h_prev, ut_zr, pre_zr);
        gru_rows_zr(B, N, p2, pre_zr, b_zr, gates, s, h_prev);
        gru_step_product(B, n_in, N, N, x_t, wt_h, s, ut_h, pre_h);
        gru_rows_candidate(B, N, p1, pre_h, b_h, gates, h_prev, h_t);
    }
}

/* x [T][B][n_in], h0 [B][N] -> h [T][B][N]; cache [T][B][3N] = (z, r, h̃) or NULL.
 * scratch: gru_scratch_size reals. */
void gru_forward(const gru_params *p, const gru_dims *d, int B, int T,
                 const real *x, const real *h0, real *h, real *cache, real *scratch) {
    int N = d->n_units, n_in = d->n_in, N3 = 3 * N;
    size_t BN = (size_t)B * N, BN3 = 3 * BN;
    real *gates_buf = scratch, *rec = scratch + BN3;
    if (T <= 0) return;
    if (!d->reset_after) {
        forward_reset_before(p, d, B, T, x, h0, h, cache, scratch);
        return;
    }

    /* Reset after (not the paper's model) keeps the BLAS products. With a
     * cache, the input products of all T steps are one GEMM written straight
     * into the cache rows, which the step then overwrites with z, r, h̃. */
    if (cache) mm_gemm(0, 1, T * B, N3, n_in, 1, x, n_in, p->w_x, n_in, 0, cache, N3);

    for (int t = 0; t < T; t++) {
        const real *h_prev = t ? h + (size_t)(t - 1) * BN : h0;
        real *h_t = h + (size_t)t * BN;
        real *gates = cache ? cache + (size_t)t * BN3 : gates_buf;
        /* gates [B][3N] = x_t · w_xᵀ */
        if (!cache)
            mm_gemm(0, 1, B, N3, n_in, 1, x + (size_t)t * B * n_in, n_in, p->w_x, n_in, 0,
                    gates, N3);
        /* rec [B][3N] = h_{t-1} · Uᵀ: all three recurrent products in one GEMM */
        mm_gemm(0, 1, B, N3, N, 1, h_prev, N, p->u, N, 0, rec, N3);
        gru_rows_reset_after(B, N, gates, rec, h_prev, h_t, p->b);
    }
}

/* Weight gradients of the steps t0..t1-1 collected in the chunk buffers:
 * da [n][B][3N] = dL/d(pre-activations of z | r | h̃), aux [n][B][N] =
 * r ⊙ h_{t-1} (reset before, the input of U_h) or dL/d(U_h h_{t-1}) (reset after). */
static void gru_flush_chunk(gru_params *grad, const gru_dims *d, int B, int t0, int t1,
                            const real *x, const real *h0, const real *h, const real *da,
                            const real *aux) {
    int N = d->n_units, n_in = d->n_in, N3 = 3 * N;
    size_t BN = (size_t)B * N;
    int rows = (t1 - t0) * B;
    real *gu_h = grad->u + (size_t)2 * N * N;

    /* grad_w_x [3N][n_in] += daᵀ · x_{t0..t1-1};  grad_b += Σ rows of da */
    mm_gemm(1, 0, N3, n_in, rows, 1, da, N3, x + (size_t)t0 * B * n_in, n_in, 1, grad->w_x, n_in);
    for (int m = 0; m < rows; m++)
        for (int j = 0; j < N3; j++) grad->b[j] += da[(size_t)m * N3 + j];

    /* The recurrent products take h_{t-1}: for t ≥ 1 that is h[t-1], contiguous
     * over the chunk; step 0 (only in the first chunk) takes h0. */
    int ta = t0 > 0 ? t0 : 1; /* first step whose h_{t-1} lies in h */
    int rows_h = (t1 - ta) * B;
    const real *da_h = da + (size_t)(ta - t0) * B * N3;
    const real *aux_h = aux + (size_t)(ta - t0) * BN;
    const real *hprev = h + (size_t)(ta - 1) * BN;
    /* grad_U_zr [2N][N] += da_zrᵀ · h_{t-1} */
    if (rows_h > 0) mm_gemm(1, 0, 2 * N, N, rows_h, 1, da_h, N3, hprev, N, 1, grad->u, N);
    if (t0 == 0) mm_gemm(1, 0, 2 * N, N, B, 1, da, N3, h0, N, 1, grad->u, N);
    if (!d->reset_after) {
        /* grad_U_h += da_h̃ᵀ · (r ⊙ h_{t-1}) */
        mm_gemm(1, 0, N, N, rows, 1, da + 2 * N, N3, aux, N, 1, gu_h, N);
    } else {
        /* grad_U_h += d(U_h h_{t-1})ᵀ · h_{t-1} */
        if (rows_h > 0) mm_gemm(1, 0, N, N, rows_h, 1, aux_h, N, hprev, N, 1, gu_h, N);
        if (t0 == 0) mm_gemm(1, 0, N, N, B, 1, aux, N, h0, N, 1, gu_h, N);
    }
}

/* BPTT. With dh = dL/dh_t (d_h[t] plus what flows back from step t+1):
 *   dh̃ = dh ⊙ z,  dz = dh ⊙ (h̃ - h_{t-1}),  dh_{t-1} = dh ⊙ (1-z) + ...
 *   da_z = dz ⊙ z(1-z),  da_h = dh̃ ⊙ (1-h̃²)
 *   reset before: ds = da_h U_h (s = r ⊙ h_{t-1}); dr = ds ⊙ h_{t-1}; dh_{t-1} += ds ⊙ r
 *   reset after:  dr = da_h ⊙ (U_h h_{t-1}); dv = da_h ⊙ r; dh_{t-1} += dv U_h
 *   da_r = dr ⊙ r(1-r);  dh_{t-1} += [da_z da_r] U_zr
 * scratch: da [C][B][3N], aux [C][B][N], dh, dprev, tmp [B][N] each. */
void gru_backward(const gru_params *p, gru_params *grad, const gru_dims *d, int B, int T,
                  const real *x, const real *h0, const real *h, const real *cache,
                  const real *d_h, real *scratch) {
    int N = d->n_units, N3 = 3 * N;
    size_t BN = (size_t)B * N, BN3 = 3 * BN;
    const real *u_h = p->u + (size_t)2 * N * N;
    real *da_chunk = scratch;
    real *aux_chunk = da_chunk + (size_t)GRU_GRAD_CHUNK * BN3;
    real *dh = aux_chunk + (size_t)GRU_GRAD_CHUNK * BN;
    real *dprev = dh + BN;
    real *tmp = dprev + BN;
    if (T <= 0) return;

    memset(dh, 0, BN * sizeof(real));
    for (int t1 = T; t1 > 0;) {
        int t0 = t1 > GRU_GRAD_CHUNK ? t1 - GRU_GRAD_CHUNK : 0;
        for (int t = t1 - 1; t >= t0; t--) {
            const real *h_prev = t ? h + (size_t)(t - 1) * BN : h0;
            const real *c_t = cache + (size_t)t * BN3;
            const real *dh_ext = d_h + (size_t)t * BN;
            real *da = da_chunk + (size_t)(t - t0) * BN3;
            real *aux = aux_chunk + (size_t)(t - t0) * BN;

            if (d->reset_after) /* U_h h_{t-1} was not cached: recompute it */
                mm_gemm(0, 1, B, N, N, 1, h_prev, N, u_h, N, 0, tmp, N);
            for (int b = 0; b < B; b++) {
                const real *c = c_t + (size_t)b * N3;
                const real *hp = h_prev + (size_t)b * N;
                real *db_ = da + (size_t)b * N3;
                real *ax = aux + (size_t)b * N;
                real *dp = dprev + (size_t)b * N;
                real *dhb = dh + (size_t)b * N;
                const real *uh = tmp + (size_t)b * N;
                for (int i = 0; i < N; i++) {
                    real zi = c[i], ri = c[N + i], cand = c[2 * N + i];
                    real g = dhb[i] + dh_ext[(size_t)b * N + i];
                    real da_h = g * zi * (1 - cand * cand);
                    db_[i] = g * (cand - hp[i]) * zi * (1 - zi);
                    db_[2 * N + i] = da_h;
                    dp[i] = g * (1 - zi);
                    if (!d->reset_after) {
                        ax[i] = ri * hp[i];
                    } else {
                        db_[N + i] = da_h * uh[i] * ri * (1 - ri);
                        ax[i] = da_h * ri;
                    }
                }
            }
            if (!d->reset_after) {
                /* tmp = ds = da_h · U_h: [B][N]·[N][N] */
                mm_gemm(0, 0, B, N, N, 1, da + 2 * N, N3, u_h, N, 0, tmp, N);
                for (int b = 0; b < B; b++) {
                    const real *c = c_t + (size_t)b * N3;
                    const real *hp = h_prev + (size_t)b * N;
                    const real *ds = tmp + (size_t)b * N;
                    real *db_ = da + (size_t)b * N3;
                    real *dp = dprev + (size_t)b * N;
                    for (int i = 0; i < N; i++) {
                        real ri = c[N + i];
                        db_[N + i] = ds[i] * hp[i] * ri * (1 - ri);
                        dp[i] += ds[i] * ri;
                    }
                }
            } else {
                /* dprev += dv · U_h */
                mm_gemm(0, 0, B, N, N, 1, aux, N, u_h, N, 1, dprev, N);
            }
            /* dprev += [da_z da_r] · U_zr: [B][2N]·[2N][N] */
            mm_gemm(0, 0, B, N, 2 * N, 1, da, N3, p->u, N, 1, dprev, N);
            real *swap = dh;
            dh = dprev;
            dprev = swap;
        }
        gru_flush_chunk(grad, d, B, t0, t1, x, h0, h, da_chunk, aux_chunk);
        t1 = t0;
    }
}
