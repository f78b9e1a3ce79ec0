/* gru_step.h — the products of one GRU step (src/gru_step.c), used by gru.c. */
#ifndef MIMOD_GRU_STEP_H
#define MIMOD_GRU_STEP_H

#include "mimod/common.h"

/* Columns of a packed block are padded to a multiple of this (one AVX-512
 * vector of floats, two AVX2 ones). */
enum { GRU_STEP_PAD = 16 };

static inline int gru_step_padded(int cols) {
    return (cols + GRU_STEP_PAD - 1) / GRU_STEP_PAD * GRU_STEP_PAD;
}

/* Pack rows [row0, row0 + cols) of w [·][k] (row-major, k columns) transposed
 * into wt [k][ld], ld = gru_step_padded(cols); the pad columns are zero. */
void gru_step_pack(real *wt, const real *w, int row0, int cols, int k);

/* out [B][ld] (ld = gru_step_padded(cols)):
 *   out[b][j] = Σ_{k<n_in} x[b][k]·wt[k][j] + Σ_{k<N} a[b][k]·ut[k][j]
 * summed as one chain of fused multiply-adds from 0, input terms first, then
 * k = 0, 1, …, N−1. x [B][n_in], a [B][N] (row-major, ld n_in and N); wt, ut
 * packed by gru_step_pack. Every element gets exactly that chain whatever the
 * vector width, so the result does not depend on which kernel ran. */
void gru_step_product(int B, int n_in, int N, int cols, const real *x, const real *wt,
                      const real *a, const real *ut, real *out);

/* Which kernel gru_step_product runs on this CPU: "avx512", "avx2" or "scalar". */
const char *gru_step_kernel(void);

/* gru_step_product with the named kernel, for tests; −1 (and nothing
 * written) when this build or CPU cannot run it. */
int gru_step_product_using(const char *kernel, int B, int n_in, int N, int cols, const real *x,
                           const real *wt, const real *a, const real *ut, real *out);

#endif
