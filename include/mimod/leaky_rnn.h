/* leaky_rnn.h — the leaky-integrator RNN of task WM (src/leaky_rnn.c).
 * Layout conventions as in models.h: time-major sequences, [out][in] weights,
 * caller-provided buffers, backward passes accumulate (+=). */
#ifndef MIMOD_LEAKY_RNN_H
#define MIMOD_LEAKY_RNN_H

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

#endif
