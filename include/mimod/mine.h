/* mine.h — the MINE statistics network T and the Donsker–Varadhan estimate
 * (SPEC §4).
 *
 *   T(x, y) = w3ᵀ φ(W2 φ(Wx x + Wy y + b1) + b2) [+ b3]
 *   Î = mean_i T(x_i, y_i) − log mean_i exp T(x_i, y_π(i))
 *
 * x [n][dx] and y [n][dy] are the two groups' (noisy) activities (with K groups:
 * a pair of them, or one group and the rest; docs/mine.md), one sample per
 * row; π is a permutation of 0..n−1. The first layer's X Wxᵀ is computed once
 * and shared by the joint and marginal halves.
 * Work is chunked over samples so memory stays bounded; the log-mean-exp and its
 * gradient are computed in one pass with a running max (online softmax), so no
 * layer is recomputed. */
#ifndef MIMOD_MINE_H
#define MIMOD_MINE_H

#include "mimod/common.h"
#include "mimod/params.h"
#include "mimod/rng.h"

typedef enum { MINE_RELU = 0, MINE_LEAKY_RELU = 1 } mine_act;

typedef struct {
    int dx, dy, hidden;
    mine_act act;
    double leaky_slope; /* for MINE_LEAKY_RELU */
    int out_bias;       /* 1: b3 present (WM), 0: absent (SEP) */
} mine_dims;

typedef struct {
    real *wx; /* [H][dx] */
    real *wy; /* [H][dy] */
    real *b1; /* [H]     */
    real *w2; /* [H][H]  */
    real *b2; /* [H]     */
    real *w3; /* [H]  (row vector [1][H]) */
    real *b3; /* [1] or NULL when out_bias = 0 */
} mine_params;

/* Tensor names "wx","wy","b1","w2","b2","w3"[,"b3"]; l2 factors 0 (the SM is not regularised). */
void mine_layout(const mine_dims *d, mimod_layout *l);
void mine_bind(mine_params *p, const mine_dims *d, const mimod_layout *l, real *buf);
/* Keras defaults: Glorot-uniform weights (Wx and Wy as the two halves of one
 * Dense kernel of fan_in dx+dy), zero biases. */
void mine_init(mine_params *p, const mine_dims *d, mimod_rng *rng);

typedef struct mine_workspace mine_workspace;
/* Buffers for up to n_max samples, processed chunk_rows at a time (0 = default). */
int mine_workspace_create(const mine_dims *d, size_t n_max, int chunk_rows,
                          mine_workspace **ws, mimod_err *err);
void mine_workspace_free(mine_workspace *ws);
/* Samples per chunk the workspace was built with (after the automatic choice). */
int mine_workspace_chunk(const mine_workspace *ws);
/* The samples per chunk of a workspace created with these arguments (the
 * automatic choice for chunk_rows 0, at most n_max): the shapes of its
 * products, for the cost model (cost.h) without building a workspace. */
int mine_chunk_rows(int hidden, size_t n_max, int chunk_rows);

/* Computes Î (returned in *mi). If grad != NULL, ACCUMULATES scale·dÎ/dθ into it
 * (same layout as p). If d_x / d_y != NULL, ACCUMULATES scale·dÎ/dx and
 * scale·dÎ/dy ([n][dx], [n][dy], dense, ld = dx / dy): the marginal term's
 * gradient w.r.t. y_π(i) is scattered back to row π(i).
 * ldx/ldy: row strides of x and y (so x and y can be two column ranges of one
 * activity matrix). Returns MIMOD_EDIVERGED if a non-finite value appears. */
int mine_estimate(const mine_params *p, const mine_dims *d, mine_workspace *ws, size_t n,
                  const real *x, int ldx, const real *y, int ldy, const uint32_t *perm,
                  double *mi, mine_params *grad, real scale, real *d_x, real *d_y,
                  mimod_err *err);

#endif
