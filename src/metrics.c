/* metrics.c — the analysis of SPEC §5 (formulas in docs/analysis.md):
 * modularity Q of a fixed partition, D indices, correlation matrices, NMI,
 * sign accuracy and R². Everything is accumulated in double.
 *
 * These run at record points, not per training step. Functions that return
 * a value have no error channel, so they avoid allocation where an O(n²) loop
 * over a few hundred units is just as good; the correlations, whose sample
 * count can be 500 000, allocate a workspace and fall back to a slower
 * allocation-free path if that fails. */
#include "mimod/metrics.h"

#include <cblas.h>
#include <math.h>

/* Group of unit i: the given label, or the fixed halves g1 = 0..n/2−1 -> 0,
 * g2 -> 1. */
static inline int group_of(const int *groups, int i, int n) {
    return groups ? groups[i] : (i < n / 2 ? 0 : 1);
}

/* ---- modularity ---- */

double modularity_q(const double *A, int n, const int *groups) {
    /* Q = (1/2m) Σ_ij A_ij δ(g_i,g_j) − Σ_c (K_c / 2m)², K_c = Σ_{i∈c} k_i,
     * with the diagonal of A read as 0. K_c is summed when c's first member
     * is met, which keeps this allocation-free at O(n²). */
    double two_m = 0.0, inside = 0.0, sum_k2 = 0.0;
    for (int i = 0; i < n; i++) {
        const int gi = group_of(groups, i, n);
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            two_m += A[(size_t)i * n + j];
            if (group_of(groups, j, n) == gi) inside += A[(size_t)i * n + j];
        }
    }
    if (two_m == 0.0) return 0.0;
    for (int i = 0; i < n; i++) {
        const int gi = group_of(groups, i, n);
        int first = 1;
        for (int u = 0; u < i && first; u++)
            if (group_of(groups, u, n) == gi) first = 0;
        if (!first) continue;
        double K = 0.0;
        for (int u = i; u < n; u++) {
            if (group_of(groups, u, n) != gi) continue;
            for (int v = 0; v < n; v++)
                if (v != u) K += A[(size_t)u * n + v];
        }
        sum_k2 += (K / two_m) * (K / two_m);
    }
    return inside / two_m - sum_k2;
}

void sym_abs_matrix(const real *W, int n, int ldw, double *A) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            A[(size_t)i * n + j] =
                i == j ? 0.0 : fabs((double)W[(size_t)i * ldw + j]) + fabs((double)W[(size_t)j * ldw + i]);
}

void abs_zero_diag(const double *C, int n, double *A) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) A[(size_t)i * n + j] = i == j ? 0.0 : fabs(C[(size_t)i * n + j]);
}

/* ---- correlations ----
 * r_ij = S_ij / √(S_xx,i · S_yy,j) with S the centred cross-product sums.
 * Centring first (means in double) and summing the products in double avoids
 * the cancellation of the one-pass Σxy − m·x̄ȳ form. The products go through
 * cblas_dgemm / cblas_dsyrk on chunks of centred rows converted to double:
 * the metrics are double whatever `real` is, so mm_gemm (typed on `real`)
 * does not fit here. */

#define CORR_CHUNK_ROWS 256

/* How a computed correlation r_ij lands in R: stored, or |r_ij|·weight added. */
typedef enum { CORR_STORE, CORR_ADD_ABS } corr_mode;

static inline double corr_from_sums(double sxy, double sxx, double syy) {
    if (!(sxx > 0.0) || !(syy > 0.0)) return 0.0; /* a constant column */
    double r = sxy / sqrt(sxx * syy);
    return r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r); /* rounding can overshoot */
}

static inline void corr_put(double *dst, double r, corr_mode mode, double weight) {
    if (mode == CORR_STORE) *dst = r;
    else *dst += weight * fabs(r);
}

/* Mean of a strided column. A constant column gets its value back exactly
 * (a summed mean of m copies of 0.1 is not 0.1), so that it centres to exact
 * zeros and reads as constant: rounding residue must not turn into a
 * correlation. */
static double column_mean(const real *X, size_t m, int ld, int i) {
    if (m == 0) return 0.0;
    double sum = 0.0;
    int varies = 0;
    for (size_t t = 0; t < m; t++) {
        sum += X[t * ld + i];
        varies |= X[t * ld + i] != X[i];
    }
    return varies ? sum / (double)m : (double)X[i];
}

/* column_mean for all n columns in one row-major sweep (the per-sequence
 * callers have row strides of B·N, so column-wise sweeps would thrash the
 * cache). flag [n] is scratch and is left zeroed. */
static void column_means(const real *X, size_t m, int n, int ld, double *mean, double *flag) {
    for (int i = 0; i < n; i++) mean[i] = flag[i] = 0.0;
    if (m == 0) return;
    for (size_t t = 0; t < m; t++)
        for (int i = 0; i < n; i++) {
            mean[i] += X[t * ld + i];
            if (X[t * ld + i] != X[i]) flag[i] = 1.0;
        }
    for (int i = 0; i < n; i++) {
        mean[i] = flag[i] != 0.0 ? mean[i] / (double)m : (double)X[i];
        flag[i] = 0.0;
    }
}

/* Allocation-free fallback: each pair by the two-pass formula. O(m·nx·ny). */
static void corr_pairs_naive(const real *X, size_t m, int nx, int ldx, const real *Y, int ny,
                             int ldy, double *R, corr_mode mode, double weight) {
    for (int i = 0; i < nx; i++) {
        const double mx = column_mean(X, m, ldx, i);
        for (int j = 0; j < ny; j++) {
            const double my = column_mean(Y, m, ldy, j);
            double sxy = 0.0, sxx = 0.0, syy = 0.0;
            for (size_t t = 0; t < m; t++) {
                const double dx = X[t * ldx + i] - mx, dy = Y[t * ldy + j] - my;
                sxy += dx * dy;
                sxx += dx * dx;
                syy += dy * dy;
            }
            corr_put(&R[(size_t)i * ny + j], corr_from_sums(sxy, sxx, syy), mode, weight);
        }
    }
}

/* R [nx][ny] from the columns of X [m][ldx] and Y [m][ldy]. When Y is X
 * (same pointer, width, stride) the product is symmetric and dsyrk does half
 * the work; the diagonal is then set to exactly 1 (0 for a constant column). */
static void corr_core(const real *X, size_t m, int nx, int ldx, const real *Y, int ny, int ldy,
                      double *R, corr_mode mode, double weight) {
    const int same = X == Y && nx == ny && ldx == ldy;
    /* workspace: mean_x[nx] mean_y[ny] ss_x[nx] ss_y[ny] S[nx][ny]
     * cx[CHUNK][nx] cy[CHUNK][ny] */
    const size_t n_ws = 2 * ((size_t)nx + ny) + (size_t)nx * ny +
                        (size_t)CORR_CHUNK_ROWS * ((size_t)nx + ny);
    double *ws = mimod_calloc(n_ws, sizeof(double));
    if (!ws) {
        corr_pairs_naive(X, m, nx, ldx, Y, ny, ldy, R, mode, weight);
        return;
    }
    double *mean_x = ws, *mean_y = mean_x + nx, *ss_x = mean_y + ny, *ss_y = ss_x + nx;
    double *S = ss_y + ny, *cx = S + (size_t)nx * ny, *cy = cx + (size_t)CORR_CHUNK_ROWS * nx;

    column_means(X, m, nx, ldx, mean_x, ss_x);
    if (same) for (int j = 0; j < ny; j++) mean_y[j] = mean_x[j];
    else column_means(Y, m, ny, ldy, mean_y, ss_y);

    for (size_t t0 = 0; t0 < m; t0 += CORR_CHUNK_ROWS) {
        const int rows = (int)(m - t0 < CORR_CHUNK_ROWS ? m - t0 : CORR_CHUNK_ROWS);
        for (int r = 0; r < rows; r++) {
            const real *xr = X + (t0 + r) * ldx;
            for (int i = 0; i < nx; i++) cx[(size_t)r * nx + i] = xr[i] - mean_x[i];
            if (!same) {
                const real *yr = Y + (t0 + r) * ldy;
                for (int j = 0; j < ny; j++) cy[(size_t)r * ny + j] = yr[j] - mean_y[j];
            }
        }
        if (same) {
            /* S (upper triangle) += cxᵀ cx */
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, nx, rows, 1.0, cx, nx, 1.0, S, nx);
        } else {
            /* S [nx][ny] += cxᵀ [nx][rows] · cy [rows][ny] */
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nx, ny, rows, 1.0, cx, nx, cy, ny,
                        1.0, S, ny);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < nx; i++) ss_x[i] += cx[(size_t)r * nx + i] * cx[(size_t)r * nx + i];
                for (int j = 0; j < ny; j++) ss_y[j] += cy[(size_t)r * ny + j] * cy[(size_t)r * ny + j];
            }
        }
    }

    if (same) {
        for (int i = 0; i < nx; i++) ss_x[i] = ss_y[i] = S[(size_t)i * nx + i];
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < nx; j++) {
                double r;
                if (i == j) r = ss_x[i] > 0.0 ? 1.0 : 0.0;
                else {
                    const double sij = i < j ? S[(size_t)i * nx + j] : S[(size_t)j * nx + i];
                    r = corr_from_sums(sij, ss_x[i], ss_x[j]);
                }
                corr_put(&R[(size_t)i * nx + j], r, mode, weight);
            }
    } else {
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++)
                corr_put(&R[(size_t)i * ny + j], corr_from_sums(S[(size_t)i * ny + j], ss_x[i], ss_y[j]),
                         mode, weight);
    }
    mimod_free(ws);
}

void corr_matrix(const real *X, size_t m, int n, int ld, double *C) {
    corr_core(X, m, n, ld, X, n, ld, C, CORR_STORE, 1.0);
}

void cross_corr(const real *X, size_t m, int nx, int ldx, const real *Y, int ny, int ldy, double *R) {
    corr_core(X, m, nx, ldx, Y, ny, ldy, R, CORR_STORE, 1.0);
}

/* Sequence b of a time-major [T][B][N] array is the matrix of rows t with
 * stride B·N starting at b·N. */
void corr_abs_per_sequence(const real *h, int T, int B, int N, int skip, double *A) {
    for (size_t i = 0; i < (size_t)N * N; i++) A[i] = 0.0;
    if (B <= 0) return;
    const size_t m = T > skip ? (size_t)(T - skip) : 0;
    const int ld = B * N;
    for (int b = 0; b < B; b++)
        corr_core(h + (size_t)skip * ld + (size_t)b * N, m, N, ld, h + (size_t)skip * ld + (size_t)b * N,
                  N, ld, A, CORR_ADD_ABS, 1.0 / B);
    for (int i = 0; i < N; i++) A[(size_t)i * N + i] = 0.0;
}

void cross_corr_abs_per_sequence(const real *h, const real *y, int T, int B, int N, int K,
                                 int skip, double *R) {
    for (size_t i = 0; i < (size_t)N * K; i++) R[i] = 0.0;
    if (B <= 0) return;
    const size_t m = T > skip ? (size_t)(T - skip) : 0;
    for (int b = 0; b < B; b++)
        corr_core(h + (size_t)skip * B * N + (size_t)b * N, m, N, B * N,
                  y + (size_t)skip * B * K + (size_t)b * K, K, B * K, R, CORR_ADD_ABS, 1.0 / B);
}

/* ---- D indices ----
 * D = |Σ_i (−1)^{s_i} (|v2_i| − |v1_i|)| / Σ_i (|v1_i| + |v2_i|): g1 units
 * (s_i = 1) count negative, g2 units positive, so a network whose g1 serves
 * target 1 only and g2 target 2 only (or the reverse) has D = 1. */

/* The running sums of one unit's contribution. */
static inline void d_add(double v1, double v2, int group, double *num, double *den) {
    v1 = fabs(v1);
    v2 = fabs(v2);
    *num += (group == 0 ? -1.0 : 1.0) * (v2 - v1);
    *den += v1 + v2;
}

static inline double d_finish(double num, double den) { return den > 0.0 ? fabs(num) / den : 0.0; }

double d_index(const double *v1, const double *v2, int n, const int *groups) {
    double num = 0.0, den = 0.0;
    for (int i = 0; i < n; i++) d_add(v1[i], v2[i], group_of(groups, i, n), &num, &den);
    return d_finish(num, den);
}

/* Unit i's weight for each of n_targets targets, v[0..n_targets), for D_out,
 * D_in and D_cor; shared by the two-group indices and the K-group ones below. */
static inline void out_weights(const real *w_out, int n_targets, int k_per_target, int n, int i,
                               double *v) {
    for (int j = 0; j < n_targets; j++) {
        v[j] = 0.0;
        for (int k = 0; k < k_per_target; k++)
            v[j] += fabs((double)w_out[(size_t)(j * k_per_target + k) * n + i]);
    }
}

/* w_in [n][2·n_targets]: [ON_1, OFF_1, ON_2, OFF_2, …] */
static inline void in_weights(const real *w_in, int n_targets, int i, double *v) {
    const real *row = w_in + (size_t)i * 2 * n_targets;
    for (int j = 0; j < n_targets; j++)
        v[j] = fabs((double)row[2 * j]) + fabs((double)row[2 * j + 1]);
}

/* R [n][n_targets·k_per_target] */
static inline void cor_weights(const double *R, int n_targets, int k_per_target, int i, double *v) {
    const int n_out = n_targets * k_per_target;
    for (int j = 0; j < n_targets; j++) {
        double s = 0.0;
        for (int k = 0; k < k_per_target; k++) s += R[(size_t)i * n_out + j * k_per_target + k];
        v[j] = s / k_per_target;
    }
}

double d_out_index(const real *w_out, int k_per_target, int n, const int *groups) {
    double num = 0.0, den = 0.0;
    for (int i = 0; i < n; i++) {
        double v[2];
        out_weights(w_out, 2, k_per_target, n, i, v);
        d_add(v[0], v[1], group_of(groups, i, n), &num, &den);
    }
    return d_finish(num, den);
}

double d_in_index(const real *w_in, int n, const int *groups) {
    double num = 0.0, den = 0.0;
    for (int i = 0; i < n; i++) {
        double v[2];
        in_weights(w_in, 2, i, v);
        d_add(v[0], v[1], group_of(groups, i, n), &num, &den);
    }
    return d_finish(num, den);
}

double d_cor_index(const double *R, int n, int k_per_target, const int *groups) {
    double num = 0.0, den = 0.0;
    for (int i = 0; i < n; i++) {
        double v[2];
        cor_weights(R, 2, k_per_target, i, v);
        d_add(v[0], v[1], group_of(groups, i, n), &num, &den);
    }
    return d_finish(num, den);
}

/* ---- D indices for T targets and K groups (docs/analysis.md) ----
 * M[j][g] = Σ_{i in group g} |v^(j)_i| (T targets, K groups), S = Σ M. An
 * assignment gives every target a group so that the groups hold ⌊T/K⌋ or
 * ⌈T/K⌉ targets each (T ≤ K: distinct groups); it puts P = Σ_j M[j][a_j] / S
 * of the weight "where it belongs". The assignments are closed under
 * relabelling the groups, so every target meets every group equally often
 * and P averages exactly 1/K (the even share): D = (max P − 1/K) / (1 − 1/K)
 * lies in [0, 1]. T = 2 is issue 16's index (max over a ≠ b of
 * M[0][a] + M[1][b]); T = K = 2 is d_index's formula. */
typedef struct {
    double M[METRICS_MAX_TARGETS][METRICS_MAX_GROUPS];
} dk_sums;

static void dk_add(dk_sums *s, const double *v, int n_targets, int group) {
    for (int j = 0; j < n_targets; j++) s->M[j][group] += fabs(v[j]);
}

/* The largest Σ_j M[j][a_j] over the balanced assignments: groups one at a
 * time, each taking a set of ⌊T/K⌋ or ⌈T/K⌉ of the targets not yet placed
 * (best[mask]: the most weight for the targets in mask placed in the groups
 * so far, −1 if no balanced way). O(K·3^T). For T = 2 every sum is of the
 * same two terms as issue 16's a ≠ b loop, so the result is the same bits. */
static double dk_best(const dk_sums *s, int T, int K) {
    double best[1 << METRICS_MAX_TARGETS], next[1 << METRICS_MAX_TARGETS]; /* 16 KiB */
    const int full = (1 << T) - 1, lo = T / K, hi = (T + K - 1) / K;
    for (int m = 0; m <= full; m++) best[m] = -1.0;
    best[0] = 0.0;
    for (int g = 0; g < K; g++) {
        for (int m = 0; m <= full; m++) next[m] = -1.0;
        for (int m = 0; m <= full; m++) {
            if (best[m] < 0.0) continue;
            const int rest = full & ~m;
            /* every subset of rest, the empty one included */
            for (int sub = rest;; sub = (sub - 1) & rest) {
                const int size = __builtin_popcount((unsigned)sub);
                if (size >= lo && size <= hi) {
                    double w = 0.0;
                    for (int j = 0; j < T; j++)
                        if (sub >> j & 1) w += s->M[j][g];
                    const double v = best[m] + w;
                    if (v > next[m | sub]) next[m | sub] = v;
                }
                if (sub == 0) break;
            }
        }
        for (int m = 0; m <= full; m++) best[m] = next[m];
    }
    return best[full];
}

static double dk_finish(const dk_sums *s, int T, int K) {
    double S = 0.0;
    for (int g = 0; g < K; g++) {
        double col = 0.0;
        for (int j = 0; j < T; j++) col += s->M[j][g];
        S += col;
    }
    if (!(S > 0.0)) return 0.0;
    double even = 1.0 / K, d = (dk_best(s, T, K) / S - even) / (1.0 - even);
    return d < 0.0 ? 0.0 : (d > 1.0 ? 1.0 : d); /* only rounding can leave [0, 1] */
}

/* whether K and T are in range and every label is in 0..K−1 */
static int dk_ok(const int *groups, int n, int n_targets, int K) {
    if (K < 2 || K > METRICS_MAX_GROUPS || n_targets < 1 || n_targets > METRICS_MAX_TARGETS ||
        !groups)
        return 0;
    for (int i = 0; i < n; i++)
        if (groups[i] < 0 || groups[i] >= K) return 0;
    return 1;
}

double d_index_k(const double *v, int n_targets, int n, const int *groups, int K) {
    if (!dk_ok(groups, n, n_targets, K)) return NAN;
    dk_sums s = {{{0}}};
    double vi[METRICS_MAX_TARGETS];
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n_targets; j++) vi[j] = v[(size_t)j * n + i];
        dk_add(&s, vi, n_targets, groups[i]);
    }
    return dk_finish(&s, n_targets, K);
}

double d_out_index_k(const real *w_out, int n_targets, int k_per_target, int n, const int *groups,
                     int K) {
    if (!dk_ok(groups, n, n_targets, K)) return NAN;
    dk_sums s = {{{0}}};
    double v[METRICS_MAX_TARGETS];
    for (int i = 0; i < n; i++) {
        out_weights(w_out, n_targets, k_per_target, n, i, v);
        dk_add(&s, v, n_targets, groups[i]);
    }
    return dk_finish(&s, n_targets, K);
}

double d_in_index_k(const real *w_in, int n_targets, int n, const int *groups, int K) {
    if (!dk_ok(groups, n, n_targets, K)) return NAN;
    dk_sums s = {{{0}}};
    double v[METRICS_MAX_TARGETS];
    for (int i = 0; i < n; i++) {
        in_weights(w_in, n_targets, i, v);
        dk_add(&s, v, n_targets, groups[i]);
    }
    return dk_finish(&s, n_targets, K);
}

double d_cor_index_k(const double *R, int n, int n_targets, int k_per_target, const int *groups,
                     int K) {
    if (!dk_ok(groups, n, n_targets, K)) return NAN;
    dk_sums s = {{{0}}};
    double v[METRICS_MAX_TARGETS];
    for (int i = 0; i < n; i++) {
        cor_weights(R, n_targets, k_per_target, i, v);
        dk_add(&s, v, n_targets, groups[i]);
    }
    return dk_finish(&s, n_targets, K);
}

/* ---- normalised mutual information ----
 * With counts n_u (label u in a), n_v (label v in b), n_uv (both):
 * H(a) = Σ_u (n_u/n) log(n/n_u), I = Σ_uv (n_uv/n) log(n·n_uv / (n_u·n_v)),
 * NMI = I / ((H(a) + H(b))/2). Each sum over labels is written as a sum over
 * items (item i stands for 1/n_u of its label's term), which needs no label
 * table: counts by scanning, O(n²), fine for a few hundred units. The
 * log-argument forms make NMI(a, a) exactly 1. */
double normalized_mutual_info(const int *a, const int *b, int n) {
    if (n <= 0) return 1.0;
    double h_a = 0.0, h_b = 0.0, mi = 0.0;
    const double dn = (double)n;
    for (int i = 0; i < n; i++) {
        int n_a = 0, n_b = 0, n_ab = 0;
        for (int j = 0; j < n; j++) {
            const int sa = a[j] == a[i], sb = b[j] == b[i];
            n_a += sa;
            n_b += sb;
            n_ab += sa && sb;
        }
        h_a += log(dn / n_a);
        h_b += log(dn / n_b);
        mi += log((dn * n_ab) / ((double)n_a * n_b));
    }
    h_a /= dn;
    h_b /= dn;
    mi /= dn;
    const double mean_h = 0.5 * (h_a + h_b);
    if (mean_h <= 0.0) return 1.0; /* both labelings put everything in one class */
    double nmi = mi / mean_h;
    return nmi < 0.0 ? 0.0 : (nmi > 1.0 ? 1.0 : nmi);
}

/* ---- task figures ---- */

double sign_accuracy(const real *y, const real *target, size_t n) {
    if (n == 0) return 0.0;
    size_t same = 0;
    for (size_t i = 0; i < n; i++) same += (y[i] > 0) == (target[i] > 0); /* 0 and NaN: negative */
    return (double)same / (double)n;
}

/* R²_k = 1 − Σ_t (y_tk − y*_tk)² / Σ_t (y*_tk − ȳ*_k)². A constant target
 * column has no variance to explain: R² is 1 if matched exactly, else 0 (the
 * convention of scikit-learn's r2_score). */
void r2_per_output(const real *y, const real *target, size_t m, int K, double *r2) {
    for (int k = 0; k < K; k++) {
        double mean = 0.0;
        for (size_t t = 0; t < m; t++) mean += target[t * K + k];
        mean = m ? mean / (double)m : 0.0;
        double ss_res = 0.0, ss_tot = 0.0;
        for (size_t t = 0; t < m; t++) {
            const double d = (double)y[t * K + k] - target[t * K + k];
            const double c = (double)target[t * K + k] - mean;
            ss_res += d * d;
            ss_tot += c * c;
        }
        r2[k] = ss_tot > 0.0 ? 1.0 - ss_res / ss_tot : (ss_res == 0.0 ? 1.0 : 0.0);
    }
}
