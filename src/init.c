/* init.c — weight initialisers shared by the main models (Keras defaults the
 * paper's code relied on): Glorot-uniform and 'orthogonal' (semi-orthogonal
 * for non-square kernels). */
#include "mimod/init.h"

#include <math.h>

/* w[0..n) ~ U(−l, l), l = √(6/(fan_in+fan_out)): variance 2/(fan_in+fan_out). */
void init_glorot_uniform(real *w, size_t n, int fan_in, int fan_out, mimod_rng *rng) {
    double limit = sqrt(6.0 / (double)(fan_in + fan_out));
    for (size_t i = 0; i < n; i++) w[i] = (real)(limit * (2.0 * rng_uniform(rng) - 1.0));
}

/* Keras 'orthogonal' (gain 1) for a kernel of shape rows×cols:
 * draw A ~ N(0,1) of shape long×short (long = max(rows,cols), short = min),
 * factor A = QR with Q long×short, flip each column of Q by sign(R_kk), and
 * write Q (rows ≥ cols) or Qᵀ (rows < cols).
 *
 * Flipping by sign(diag R) makes the factorisation the unique one with R_kk > 0,
 * which is exactly what Gram–Schmidt produces; so we orthonormalise the short
 * side's vectors by classical Gram–Schmidt done twice ("twice is enough" keeps
 * the columns orthogonal to working precision). The vectors are stored in w
 * itself — column k of Q is either column k of w (rows ≥ cols) or row k
 * (rows < cols) — so no workspace is needed; all dot products accumulate in
 * double. A is drawn row-major ([long][short], one rng_normal per element),
 * which the tests rely on to rebuild A and check R = QᵀA. */
void init_semi_orthogonal(real *w, int rows, int cols, mimod_rng *rng) {
    int transposed = rows < cols;
    int n_long = transposed ? cols : rows, n_short = transposed ? rows : cols;
    /* element j of vector k (column k of Q) lives at w[k*vec_stride + j*elem_stride] */
    size_t vec_stride = transposed ? (size_t)cols : 1;
    size_t elem_stride = transposed ? 1 : (size_t)cols;
#define Q_AT(j, k) w[(size_t)(k) * vec_stride + (size_t)(j) * elem_stride]
    for (int j = 0; j < n_long; j++)
        for (int k = 0; k < n_short; k++) Q_AT(j, k) = (real)rng_normal(rng);

    for (int k = 0; k < n_short; k++) {
        for (int pass = 0; pass < 2; pass++) {
            for (int p = 0; p < k; p++) {
                double dot = 0.0;
                for (int j = 0; j < n_long; j++) dot += (double)Q_AT(j, p) * (double)Q_AT(j, k);
                for (int j = 0; j < n_long; j++)
                    Q_AT(j, k) = (real)((double)Q_AT(j, k) - dot * (double)Q_AT(j, p));
            }
        }
        double norm2 = 0.0;
        for (int j = 0; j < n_long; j++) norm2 += (double)Q_AT(j, k) * (double)Q_AT(j, k);
        /* A Gaussian matrix is of full rank with probability 1. */
        double inv = 1.0 / sqrt(norm2);
        for (int j = 0; j < n_long; j++) Q_AT(j, k) = (real)((double)Q_AT(j, k) * inv);
    }
#undef Q_AT
}
