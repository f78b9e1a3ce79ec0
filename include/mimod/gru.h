/* gru.h — the GRU of task SEP (src/gru.c).
 * Layout conventions as in models.h: time-major sequences, [out][in] weights,
 * caller-provided buffers, backward passes accumulate (+=). */
#ifndef MIMOD_GRU_H
#define MIMOD_GRU_H

#include "mimod/common.h"
#include "mimod/params.h"
#include "mimod/rng.h"

/* ---------------- GRU (SPEC §3, paper Eq. 3) ----------------
 * z = σ(W_z x + U_z h + b_z), r = σ(W_r x + U_r h + b_r)
 * reset before (default):  h̃ = tanh(W_h x + U_h (r ⊙ h) + b_h)
 * reset after (Keras):     h̃ = tanh(W_h x + r ⊙ (U_h h) + b_h)
 * h_t = (1 - z) ⊙ h_{t-1} + z ⊙ h̃;  the activity a_t is h_t. */
typedef struct {
    int n_units, n_in, n_out;
    int reset_after;
} gru_dims;

/* Steps per block in the backward pass: the gate gradients of this many steps
 * are collected and turned into weight gradients by a few GEMMs with
 * K = GRU_GRAD_CHUNK·B, keeping the scratch independent of T. (Here, not in
 * gru.c, because the cost model (cost.h) names those GEMMs' shapes.) */
#define GRU_GRAD_CHUNK 32

typedef struct {
    real *w_x;   /* [3N][n_in] rows: z, r, h blocks     l2 factor 1 */
    real *u;     /* [3N][N]    rows: U_z, U_r, U_h      l2 factor 1 */
    real *b;     /* [3N]       no l2                               */
    real *w_out; /* [n_out][N] l2 factor out_l2_factor              */
    real *b_out; /* [n_out]    no l2                               */
} gru_params;

/* Tensor names: "w_x", "u", "b", "w_out", "b_out". Q_str uses rows 2N..3N-1 of u. */
void gru_layout(const gru_dims *d, double out_l2_factor, mimod_layout *l);
void gru_bind(gru_params *p, const mimod_layout *l, real *buf);
/* w_x, w_out Glorot-uniform (per Keras kernel: fan_in n_in, fan_out 3N); u semi-orthogonal
 * (QR of a Gaussian, Keras 'orthogonal' on the N×3N kernel); biases 0. */
void gru_init(gru_params *p, const gru_dims *d, mimod_rng *rng);

/* Per-step cache the backward needs: [T][B][3N], each row holding z, r, h̃ of
 * one (step, sequence) — 3·T·B·N reals = gru_cache_size(d,B,T) (600 MB in float
 * at SEP paper size, besides h). r ⊙ h_{t-1} (reset before) is recomputed from r
 * and h; U_h h_{t-1} (reset after) is recomputed by one B×N×N GEMM per step in
 * the backward pass instead of being stored as a 4th tensor. */
size_t gru_cache_size(const gru_dims *d, int B, int T);
/* x [T][B][n_in], h0 [B][N] -> h [T][B][N]. cache may be NULL (no backward needed,
 * e.g. evaluation or SM batches). Forward and backward both need scratch of
 * gru_scratch_size() reals (independent of T: the backward accumulates the
 * weight gradients with one GEMM per chunk of steps). */
size_t gru_scratch_size(const gru_dims *d, int B);
void gru_forward(const gru_params *p, const gru_dims *d, int B, int T,
                 const real *x, const real *h0, real *h, real *cache, real *scratch);
/* d_h [T][B][N]: dL/dh_t from outside the recurrence. scratch: gru_scratch_size reals. */
void gru_backward(const gru_params *p, gru_params *grad, const gru_dims *d, int B, int T,
                  const real *x, const real *h0, const real *h, const real *cache,
                  const real *d_h, real *scratch);

#endif
