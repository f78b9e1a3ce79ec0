/* metrics.h — the analysis of SPEC §5: modularity of the fixed two-group
 * partition (or K groups, issue 16: modularity_q and CNM take any labels, the
 * *_k D indices below), D indices, correlations, CNM community detection, normalised MI,
 * task figures. Everything here is computed in double. Group of unit i:
 * 0 for i < N/2 (g1), 1 otherwise (g2) unless a `groups` array is given. */
#ifndef MIMOD_METRICS_H
#define MIMOD_METRICS_H

#include "mimod/common.h"

/* Newman weighted modularity of partition groups[] (labels 0..k−1) on a
 * symmetric non-negative A [n][n] (diagonal ignored, i.e. treated as 0):
 * Q = (1/2m) Σ_ij (A_ij − k_i k_j / 2m) δ(g_i, g_j). Returns 0 if 2m = 0. */
double modularity_q(const double *A, int n, const int *groups);

/* A = |W| + |W|ᵀ with zero diagonal; W [n][n] real, row stride ldw. */
void sym_abs_matrix(const real *W, int n, int ldw, double *A);
/* A = |C| with zero diagonal. */
void abs_zero_diag(const double *C, int n, double *A);

/* Pearson correlation matrix between the n columns of X (rows = samples).
 * X [m][ld] real; C [n][n]. A constant column has correlation 0 with all. */
void corr_matrix(const real *X, size_t m, int n, int ld, double *C);
/* Correlations between columns of X [m][ldx] (nx cols) and Y [m][ldy] (ny cols):
 * R [nx][ny]. */
void cross_corr(const real *X, size_t m, int nx, int ldx, const real *Y, int ny, int ldy, double *R);

/* Time-major activity h [T][B][N]: the matrix A = mean over b of |corr over t ≥ skip
 * within sequence b| (SEP [code]), diagonal zeroed. */
void corr_abs_per_sequence(const real *h, int T, int B, int N, int skip, double *A);
/* Same idea for unit–output correlations: R [N][K] = mean over b of
 * |corr(h_i, y_k)| over t ≥ skip in sequence b. y [T][B][K]. */
void cross_corr_abs_per_sequence(const real *h, const real *y, int T, int B, int N, int K,
                                 int skip, double *R);

/* D = |Σ_i (−1)^{s_i} (|v2_i| − |v1_i|)| / Σ_i (|v1_i| + |v2_i|), s_i = 1 for g1,
 * 2 for g2 (so g1 counts negative). 0 if the denominator is 0. */
double d_index(const double *v1, const double *v2, int n, const int *groups);
/* D_out: v^(j)_i = Σ over the k_per_target outputs of target j of |W_out[k][i]|.
 * w_out [2·k_per_target][n] real. */
double d_out_index(const real *w_out, int k_per_target, int n, const int *groups);
/* D_in (WM): v^(j)_i = |W_in[i][2j]| + |W_in[i][2j+1]| (ON_j, OFF_j). w_in [n][4]. */
double d_in_index(const real *w_in, int n, const int *groups);
/* D_cor: R [n][2·k_per_target] absolute unit–output correlations;
 * v^(j)_i = mean over k of target j of R[i][k]. */
double d_cor_index(const double *R, int n, int k_per_target, const int *groups);

/* The D indices for T targets (1 ≤ T ≤ METRICS_MAX_TARGETS) and K fixed
 * groups (labels 0..K−1, 2 ≤ K ≤ METRICS_MAX_GROUPS; NaN otherwise),
 * docs/analysis.md: with M[j][g] = Σ_{i∈g} |v^(j)_i| and S = Σ M,
 *   D = (max over assignments a of Σ_j M[j][a_j] / S − 1/K) / (1 − 1/K)   ∈ [0, 1],
 * the assignments giving every group ⌊T/K⌋ or ⌈T/K⌉ of the targets (T ≤ K:
 * one group per target, distinct): the share of the targets' weight that
 * lies each in its own group, beyond the even share 1/K. 0 if S = 0. At
 * T = K = 2 it is d_index's value (to rounding); the trial keeps calling the
 * two-group functions there. The weights as above, for T targets:
 * v [T][n]; w_out [T·k_per_target][n]; w_in [n][2T] (ON_j, OFF_j of bit j);
 * R [n][T·k_per_target]. */
#define METRICS_MAX_GROUPS 64
#define METRICS_MAX_TARGETS 10
double d_index_k(const double *v, int n_targets, int n, const int *groups, int K);
double d_out_index_k(const real *w_out, int n_targets, int k_per_target, int n, const int *groups,
                     int K);
double d_in_index_k(const real *w_in, int n_targets, int n, const int *groups, int K);
double d_cor_index_k(const double *R, int n, int n_targets, int k_per_target, const int *groups,
                     int K);

/* Clauset–Newman–Moore greedy modularity merging on weighted A [n][n]
 * (symmetric, non-negative), continued until exactly n_target communities
 * remain (merging the best ΔQ pair even when ΔQ < 0). labels[i] in
 * 0..n_target−1, numbered by smallest member. Ties broken by smallest (i, j). */
int cnm_communities(const double *A, int n, int n_target, int *labels, mimod_err *err);

/* Normalised mutual information of two labelings of n items, normalised by the
 * arithmetic mean of the two entropies (paper Eq. 23); 1 if both entropies are 0. */
double normalized_mutual_info(const int *a, const int *b, int n);

/* Fraction of entries with sign(y) == sign(target), target 0 counted negative,
 * y 0 counted negative too. */
double sign_accuracy(const real *y, const real *target, size_t n);
/* R² per output column k, pooled over all m rows: 1 − SS_res/SS_tot. */
void r2_per_output(const real *y, const real *target, size_t m, int K, double *r2);

#endif
