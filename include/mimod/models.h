/* models.h — the main model (MM): leaky-integrator RNN (task WM), GRU (task
 * SEP), and the linear readout y = W_out a + b_out shared by both.
 *
 * Layout conventions: sequences are time-major, x[t][b][k] for t < T, b < B;
 * states h[t][b][i]. Weight matrices are [out][in] row-major. Every forward
 * stores what its backward needs in caller-provided buffers; backward passes
 * *accumulate* (+=) into the gradient buffer and into upstream gradients, so a
 * caller zeroes them once per step. No allocation inside forward/backward. */
#ifndef MIMOD_MODELS_H
#define MIMOD_MODELS_H

#include "mimod/common.h"
#include "mimod/params.h"
#include "mimod/rng.h"

/* ---------------- leaky-integrator RNN (SPEC §2) ----------------
 * h_t = (1-α) h_{t-1} + α (W_rec r_{t-1} + W_in x_t + b) + ξ_t   (noise outside, default)
 * h_t = (1-α) h_{t-1} + α (W_rec r_{t-1} + W_in x_t + b + ξ_t)   (noise_inside = 1, paper Eq. 1)
 * r_t = tanh(h_t);  the activity a_t seen by readout and MINE is r_t. */
typedef struct {
    int n_units, n_in, n_out;
    double alpha;
    int noise_inside;
} leaky_dims;

typedef struct {
    real *w_in;  /* [N][n_in]  l2 factor 1 */
    real *w_rec; /* [N][N]     l2 factor 1 */
    real *b;     /* [N]        no l2      */
    real *w_out; /* [n_out][N] l2 factor out_l2_factor */
    real *b_out; /* [n_out]    no l2      */
} leaky_params;

/* Tensor order and names: "w_in", "w_rec", "b", "w_out", "b_out". */
void leaky_layout(const leaky_dims *d, double out_l2_factor, mimod_layout *l);
void leaky_bind(leaky_params *p, const mimod_layout *l, real *buf);
/* W_rec ~ N(0, (w_rec_scale/√N)²); W_in, W_out Glorot-uniform; biases 0. */
void leaky_init(leaky_params *p, const leaky_dims *d, double w_rec_scale, mimod_rng *rng);

/* Forward over T steps.
 * x  [T][B][n_in], h0 [B][N], xi [T][B][N] (noise already scaled by its std;
 * NULL = no noise). out: h [T][B][N], r [T][B][N].  r_{-1} = tanh(h0).
 * With noise inside, the added term is α·ξ_t. h0 must not lie inside h[0..T)
 * (h first receives the input products of all steps); the state just before
 * it, as after a transient run, is fine. */
void leaky_forward(const leaky_params *p, const leaky_dims *d, int B, int T,
                   const real *x, const real *h0, const real *xi, real *h, real *r);

/* BPTT over the same T steps; h0 is a constant (no gradient to it).
 * d_r [T][B][N]: dL/dr_t from everything outside the recurrence (readout, MINE).
 * scratch: leaky_scratch_size(d,B,T) = (T+2)·B·N reals — it keeps the gradient
 * of every step's α-term pre-activation so that dW_rec and dW_in are each one
 * large GEMM over all T·B rows instead of T small ones. Accumulates into grad
 * (same layout as p). */
size_t leaky_scratch_size(const leaky_dims *d, int B, int T);
void leaky_backward(const leaky_params *p, leaky_params *grad, const leaky_dims *d, int B, int T,
                    const real *x, const real *h0, const real *h, const real *r,
                    const real *d_r, real *scratch);

/* ---------------- GRU (SPEC §3, paper Eq. 3) ----------------
 * z = σ(W_z x + U_z h + b_z), r = σ(W_r x + U_r h + b_r)
 * reset before (default):  h̃ = tanh(W_h x + U_h (r ⊙ h) + b_h)
 * reset after (Keras):     h̃ = tanh(W_h x + r ⊙ (U_h h) + b_h)
 * h_t = (1 - z) ⊙ h_{t-1} + z ⊙ h̃;  the activity a_t is h_t. */
typedef struct {
    int n_units, n_in, n_out;
    int reset_after;
} gru_dims;

typedef struct {
    real *w_x;   /* [3N][n_in] rows: z, r, h blocks     l2 factor 1 */
    real *u;     /* [3N][N]    rows: U_z, U_r, U_h      l2 factor 1 */
    real *b;     /* [3N]       no l2                               */
    real *w_out; /* [n_out][N] l2 factor out_l2_factor (SEP 0.1)   */
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

/* ---------------- readout ----------------
 * y[m][k] = Σ_i w_out[k][i] a[m][i] + b_out[k], over M = T·B rows. */
void readout_forward(const real *w_out, const real *b_out, int n_out, int n_units,
                     size_t M, const real *a, real *y);
/* Given d_y [M][n_out]: grad_w_out += d_yᵀ a, grad_b_out += Σ d_y, d_a += d_y W_out. */
void readout_backward(const real *w_out, int n_out, int n_units, size_t M, const real *a,
                      const real *d_y, real *grad_w_out, real *grad_b_out, real *d_a);

/* Glorot-uniform fill: U(−l, l), l = √(6/(fan_in+fan_out)). */
void init_glorot_uniform(real *w, size_t n, int fan_in, int fan_out, mimod_rng *rng);
/* Keras 'orthogonal' for a kernel of shape rows×cols (rows = fan-in): result has
 * orthonormal rows if rows ≤ cols, else orthonormal columns; written row-major. */
void init_semi_orthogonal(real *w, int rows, int cols, mimod_rng *rng);

#endif
