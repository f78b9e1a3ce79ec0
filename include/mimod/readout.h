/* readout.h — the linear readout y = W_out a + b_out shared by both models (src/readout.c).
 * Layout conventions as in models.h: time-major sequences, [out][in] weights,
 * caller-provided buffers, backward passes accumulate (+=). */
#ifndef MIMOD_READOUT_H
#define MIMOD_READOUT_H

#include <stddef.h>
#include "mimod/common.h"

/* ---------------- readout ----------------
 * y[m][k] = Σ_i w_out[k][i] a[m][i] + b_out[k], over M = T·B rows. */
void readout_forward(const real *w_out, const real *b_out, int n_out, int n_units,
                     size_t M, const real *a, real *y);
/* Given d_y [M][n_out]: grad_w_out += d_yᵀ a, grad_b_out += Σ d_y, d_a += d_y W_out. */
void readout_backward(const real *w_out, int n_out, int n_units, size_t M, const real *a,
                      const real *d_y, real *grad_w_out, real *grad_b_out, real *d_a);

#endif
