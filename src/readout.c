/* readout.c — the linear readout y = W_out a + b_out shared by both main
 * models, applied to all T·B activity rows at once. */
#include "mimod/readout.h"

/* BLAS takes int dimensions; M = T·B rows can in principle exceed that, so the
 * row dimension is processed in blocks of at most this many rows. */
#define READOUT_MAX_ROWS (1 << 24)

/* a [M][N], w_out [n_out][N], b_out [n_out] -> y [M][n_out] */
void readout_forward(const real *w_out, const real *b_out, int n_out, int n_units,
                     size_t M, const real *a, real *y) {
    for (size_t m = 0; m < M; m++)
        for (int k = 0; k < n_out; k++) y[m * (size_t)n_out + k] = b_out[k];
    for (size_t m0 = 0; m0 < M; m0 += READOUT_MAX_ROWS) {
        int rows = (int)(M - m0 < READOUT_MAX_ROWS ? M - m0 : READOUT_MAX_ROWS);
        /* y[m][k] += Σ_i a[m][i] w_out[k][i]  (a · W_outᵀ) */
        mm_gemm(0, 1, rows, n_out, n_units, 1, a + m0 * (size_t)n_units, n_units, w_out,
                n_units, 1, y + m0 * (size_t)n_out, n_out);
    }
}

/* d_y [M][n_out] -> grad_w_out [n_out][N] += d_yᵀ a, grad_b_out [n_out] += Σ_m d_y,
 * d_a [M][N] += d_y W_out. */
void readout_backward(const real *w_out, int n_out, int n_units, size_t M, const real *a,
                      const real *d_y, real *grad_w_out, real *grad_b_out, real *d_a) {
    for (size_t m = 0; m < M; m++)
        for (int k = 0; k < n_out; k++) grad_b_out[k] += d_y[m * (size_t)n_out + k];
    for (size_t m0 = 0; m0 < M; m0 += READOUT_MAX_ROWS) {
        int rows = (int)(M - m0 < READOUT_MAX_ROWS ? M - m0 : READOUT_MAX_ROWS);
        const real *dy_blk = d_y + m0 * (size_t)n_out;
        mm_gemm(1, 0, n_out, n_units, rows, 1, dy_blk, n_out, a + m0 * (size_t)n_units, n_units,
                1, grad_w_out, n_units);
        mm_gemm(0, 0, rows, n_units, n_out, 1, dy_blk, n_out, w_out, n_units, 1,
                d_a + m0 * (size_t)n_units, n_units);
    }
}
