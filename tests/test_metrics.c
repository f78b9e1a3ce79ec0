/* test_metrics.c — every metric of SPEC §5 against answers known by hand. */
#include "check.h"
#include "mimod/metrics.h"
#include "mimod/rng.h"

#include <stdlib.h>
#include <string.h>

/* ---- modularity ---- */

static void test_modularity(void) {
    /* Two disconnected K4 cliques, split along the cliques: 2m = 24, all of it
     * inside, K_c = 12 each -> Q = 1 − 2·(1/2)² = 0.5. */
    double A8[64] = {0};
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            if (i != j && (i < 4) == (j < 4)) A8[i * 8 + j] = 1.0;
    int g8[8] = {0, 0, 0, 0, 1, 1, 1, 1};
    CHECK_CLOSE(modularity_q(A8, 8, g8), 0.5, 1e-15, 0, "Q two cliques");
    CHECK_CLOSE(modularity_q(A8, 8, NULL), 0.5, 1e-15, 0, "Q two cliques, default halves");
    /* the same cliques with labels swapped and shuffled membership */
    int g8s[8] = {1, 1, 1, 1, 0, 0, 0, 0};
    CHECK_CLOSE(modularity_q(A8, 8, g8s), 0.5, 1e-15, 0, "Q label names do not matter");
    /* a wrong split of the cliques: 2 of each clique per group. Inside:
     * per group two K2 pieces (2 each) = 4, both groups 8 of 24; K_c = 12 ->
     * Q = 1/3 − 1/2 = −1/6 */
    int g8w[8] = {0, 0, 1, 1, 0, 0, 1, 1};
    CHECK_CLOSE(modularity_q(A8, 8, g8w), 1.0 / 3 - 0.5, 1e-15, 0, "Q misaligned split");

    /* Complete graph K6: no split beats 0. 3/3: inside 12 of 30, K = 15 each
     * -> 0.4 − 0.5 = −0.1. 2/4: inside 14/30, K = 10, 20 -> 14/30 − 5/9. */
    double K6[36];
    for (int i = 0; i < 36; i++) K6[i] = (i / 6 == i % 6) ? 0.0 : 1.0;
    int s33[6] = {0, 0, 0, 1, 1, 1}, s24[6] = {1, 0, 0, 0, 0, 1}, s15[6] = {0, 1, 1, 1, 1, 1};
    int s222[6] = {0, 1, 2, 0, 1, 2}, s1[6] = {0, 0, 0, 0, 0, 0}, s6[6] = {0, 1, 2, 3, 4, 5};
    CHECK_CLOSE(modularity_q(K6, 6, s33), -0.1, 1e-15, 0, "Q K6 3/3");
    CHECK_CLOSE(modularity_q(K6, 6, s24), 14.0 / 30 - 5.0 / 9, 1e-15, 0, "Q K6 2/4");
    const int *splits[] = {s33, s24, s15, s222, s1, s6};
    for (int s = 0; s < 6; s++) CHECK(modularity_q(K6, 6, splits[s]) <= 1e-15, "K6 split %d", s);
    CHECK_CLOSE(modularity_q(K6, 6, s1), 0.0, 1e-15, 0, "Q one group = 0");

    /* Weighted path 0 -1- 1 -2- 2 -3- 3, groups {0,1} {2,3}: 2m = 12,
     * k = 1 3 5 3, inside = 2·1 + 2·3 = 8, K = 4, 8 ->
     * Q = 8/12 − (1/9 + 4/9) = 1/9. A non-zero diagonal must be ignored. */
    double P[16] = {7, 1, 0, 0,  1, 0, 2, 0,  0, 2, 9, 3,  0, 0, 3, 0};
    int gp[4] = {0, 0, 1, 1};
    CHECK_CLOSE(modularity_q(P, 4, gp), 1.0 / 9, 1e-15, 0, "Q weighted path");
    int gp2[4] = {0, 1, 1, 1}; /* inside 2·2 + 2·3 = 10, K = 1, 11 -> 10/12 − 122/144 */
    CHECK_CLOSE(modularity_q(P, 4, gp2), 10.0 / 12 - 122.0 / 144, 1e-15, 0, "Q weighted path 1/3");
    double Z[16] = {0};
    CHECK(modularity_q(Z, 4, gp) == 0.0, "empty graph Q = 0");

    /* |W| + |W|ᵀ with zero diagonal, W [3][3] stored with row stride 4 */
    real W[12] = {5, -1, 0, 99,  2, 0, 0, 99,  0, -3, 7, 99};
    double S[9];
    sym_abs_matrix(W, 3, 4, S);
    double S_expect[9] = {0, 3, 0,  3, 0, 3,  0, 3, 0};
    for (int i = 0; i < 9; i++) CHECK(S[i] == S_expect[i], "sym_abs_matrix[%d] = %g", i, S[i]);
    double C[4] = {1, -0.5, -0.5, 1}, Ca[4];
    abs_zero_diag(C, 2, Ca);
    CHECK(Ca[0] == 0 && Ca[1] == 0.5 && Ca[2] == 0.5 && Ca[3] == 0, "abs_zero_diag");
}

/* ---- D indices ---- */

static void test_d_indices(void) {
    /* default groups for n = 4: units 0,1 -> g1, 2,3 -> g2 */
    double v1s[4] = {1, 2, 0, 0}, v2s[4] = {0, 0, 3, 1};
    CHECK_CLOSE(d_index(v1s, v2s, 4, NULL), 1.0, 1e-15, 0, "D specialised");
    CHECK_CLOSE(d_index(v2s, v1s, 4, NULL), 1.0, 1e-15, 0, "D specialised the other way round");
    double vm[4] = {1, 2, 3, 4};
    CHECK_CLOSE(d_index(vm, vm, 4, NULL), 0.0, 1e-15, 0, "D mixed");
    /* num = |−(0−1) − (0.5−1) + (1−0.5) + (2−0)| = 4, den = 6 -> 2/3 */
    double v1[4] = {1, 1, 0.5, 0}, v2[4] = {0, 0.5, 1, 2};
    CHECK_CLOSE(d_index(v1, v2, 4, NULL), 2.0 / 3, 1e-15, 0, "D intermediate");
    /* negative entries count by absolute value */
    double v1n[4] = {-1, 1, -0.5, 0};
    CHECK_CLOSE(d_index(v1n, v2, 4, NULL), 2.0 / 3, 1e-15, 0, "D uses |v|");
    /* explicit groups: swapping units 1 and 2 between groups:
     * g1 = {0, 2}: −(0 − 1) − (1 − 0.5) = 0.5; g2 = {1, 3}: (0.5 − 1) + (2 − 0)
     * = 1.5; num = 2, den = 6 -> 1/3 */
    int g[4] = {0, 1, 0, 1};
    CHECK_CLOSE(d_index(v1, v2, 4, g), 1.0 / 3, 1e-15, 0, "D explicit groups");
    double zero[4] = {0};
    CHECK(d_index(zero, zero, 4, NULL) == 0.0, "D with empty denominator = 0");

    /* D_out, one output per target: rows [target 1][n], [target 2][n] */
    real wo1[8] = {1, -1, 0.5, 0,  0, 0.5, -1, 2};
    CHECK_CLOSE(d_out_index(wo1, 1, 4, NULL), 2.0 / 3, 1e-7, 0, "D_out k=1");
    /* three outputs per target whose |.| sums give the same v1, v2 */
    real wo3[24] = {0.5, -0.5, 0.25, 0,   0.25, 0.5, -0.25, 0,  0.25, 0, 0, 0,
                    0, 0.25, 0.5, 1,      0, -0.25, 0.25, -0.5, 0, 0, 0.25, 0.5};
    CHECK_CLOSE(d_out_index(wo3, 3, 4, NULL), 2.0 / 3, 1e-7, 0, "D_out k=3");
    real wo_spec[8] = {1, 1, 0, 0,  0, 0, 1, 1};
    CHECK_CLOSE(d_out_index(wo_spec, 1, 4, NULL), 1.0, 1e-15, 0, "D_out specialised");

    /* D_in: W_in [n][ON1 OFF1 ON2 OFF2] with the same v1, v2 */
    real wi[16] = {0.5, -0.5, 0, 0,  1, 0, 0.25, -0.25,  0.25, 0.25, 1, 0,  0, 0, -1, 1};
    CHECK_CLOSE(d_in_index(wi, 4, NULL), 2.0 / 3, 1e-7, 0, "D_in");
    real wi_mix[16] = {1, 1, 1, 1,  1, 1, 1, 1,  2, 0, 0, 2,  1, 1, 1, 1};
    CHECK_CLOSE(d_in_index(wi_mix, 4, NULL), 0.0, 1e-15, 0, "D_in mixed");

    /* D_cor from R [n][6] (3 outputs per target, v = mean of the 3):
     * v1 = 0.8 0.3 0.1 0, v2 = 0 0.3 0.5 0.2 -> num 0.8 + 0 + 0.4 + 0.2 = 1.4,
     * den 2.2 -> 7/11 */
    double R[24] = {0.9, 0.6, 0.9, 0, 0, 0,        0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
                    0.1, 0.1, 0.1, 0.4, 0.5, 0.6,  0, 0, 0, 0.2, 0.2, 0.2};
    CHECK_CLOSE(d_cor_index(R, 4, 3, NULL), 7.0 / 11, 1e-14, 0, "D_cor");
    double R1[8] = {1, 0,  1, 0,  0, 1,  0, 1};
    CHECK_CLOSE(d_cor_index(R1, 4, 1, NULL), 1.0, 1e-15, 0, "D_cor specialised");
}

/* ---- correlations ---- */

/* Textbook two-pass Pearson correlation of two strided columns. */
static double naive_corr(const real *x, int ldx, const real *y, int ldy, size_t m) {
    double mx = 0, my = 0;
    for (size_t t = 0; t < m; t++) {
        mx += x[t * ldx];
        my += y[t * ldy];
    }
    mx /= m;
    my /= m;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t t = 0; t < m; t++) {
        double a = x[t * ldx] - mx, b = y[t * ldy] - my;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    return (sxx > 0 && syy > 0) ? sxy / sqrt(sxx * syy) : 0.0;
}

static void test_correlations(void) {
    mimod_rng rng;
    rng_init(&rng, 7, RNG_STREAM_TEST, 1);
    /* X [m][ld = 9], 7 columns used; m spans several chunks and is not a
     * multiple of the chunk size. Column 3 is constant, 4 = 2·col0 + 3,
     * 5 = −col0, 6 has a large mean (centring matters), 1 and 2 share a part. */
    const size_t m = 5003;
    const int n = 7, ld = 9;
    real *X = calloc(m * ld, sizeof(real));
    for (size_t t = 0; t < m; t++) {
        real *r = X + t * ld;
        double common = rng_normal(&rng);
        r[0] = (real)rng_normal(&rng);
        r[1] = (real)(common + rng_normal(&rng));
        r[2] = (real)(common + 0.5 * rng_normal(&rng));
        r[3] = (real)0.1;
        r[4] = 2 * r[0] + 3;
        r[5] = -r[0];
        r[6] = (real)(1000.0 + rng_normal(&rng) + 0.3 * r[1]);
        r[7] = r[8] = (real)12345; /* padding, must not be read */
    }
    double C[49];
    corr_matrix(X, m, n, ld, C);
    double worst = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double ref = i == j ? (i == 3 ? 0.0 : 1.0) : naive_corr(X + i, ld, X + j, ld, m);
            double d = fabs(C[i * n + j] - ref);
            if (d > worst) worst = d;
        }
    CHECK(worst < 1e-12, "corr_matrix vs naive two-pass: max diff %g", worst);
    for (int j = 0; j < n; j++)
        CHECK(C[3 * n + j] == 0.0 && C[j * n + 3] == 0.0, "constant column has correlation 0 (%d)", j);
    CHECK_CLOSE(C[0 * n + 4], 1.0, 1e-6, 0, "corr(x, 2x+3) = 1");
    CHECK_CLOSE(C[0 * n + 5], -1.0, 1e-12, 0, "corr(x, −x) = −1");
    CHECK(C[1 * n + 2] > 0.5 && C[1 * n + 2] < 0.75, "shared component gives r = 0.63: %g", C[1 * n + 2]);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) CHECK(C[i * n + j] == C[j * n + i], "C symmetric (%d,%d)", i, j);

    /* cross_corr: columns 0..2 against columns 4..6 of the same rows */
    double Rx[9];
    cross_corr(X, m, 3, ld, X + 4, 3, ld, Rx);
    worst = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double d = fabs(Rx[i * 3 + j] - naive_corr(X + i, ld, X + 4 + j, ld, m));
            if (d > worst) worst = d;
        }
    CHECK(worst < 1e-12, "cross_corr vs naive: max diff %g", worst);
    double Rc[3];
    cross_corr(X + 3, m, 1, ld, X, 3, ld, Rc); /* constant column against others */
    CHECK(Rc[0] == 0 && Rc[1] == 0 && Rc[2] == 0, "cross_corr of a constant column = 0");

    /* per-sequence versions: h [T][B][N], y [T][B][K], skipping the first steps */
    const int T = 300, B = 3, N = 4, K = 2, skip = 50;
    real *h = calloc((size_t)T * B * N, sizeof(real)), *y = calloc((size_t)T * B * K, sizeof(real));
    for (int t = 0; t < T; t++)
        for (int b = 0; b < B; b++) {
            real *hr = h + ((size_t)t * B + b) * N, *yr = y + ((size_t)t * B + b) * K;
            /* each sequence has its own correlation sign, so averaging |r|
             * and averaging r would differ; the skipped steps are wild */
            double u = rng_normal(&rng), sgn = b % 2 ? -1.0 : 1.0;
            for (int i = 0; i < N; i++) hr[i] = (real)(sgn * (i + 1) * u + rng_normal(&rng));
            for (int k = 0; k < K; k++) yr[k] = (real)(u + rng_normal(&rng));
            if (t < skip) hr[0] = yr[0] = (real)(t * t);
        }
    double A[16], Rs[8];
    corr_abs_per_sequence(h, T, B, N, skip, A);
    cross_corr_abs_per_sequence(h, y, T, B, N, K, skip, Rs);
    double wa = 0, wr = 0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            double ref = 0;
            if (i != j)
                for (int b = 0; b < B; b++)
                    ref += fabs(naive_corr(h + ((size_t)skip * B + b) * N + i, B * N,
                                           h + ((size_t)skip * B + b) * N + j, B * N, T - skip)) / B;
            wa = fmax(wa, fabs(A[i * N + j] - ref));
        }
        for (int k = 0; k < K; k++) {
            double ref = 0;
            for (int b = 0; b < B; b++)
                ref += fabs(naive_corr(h + ((size_t)skip * B + b) * N + i, B * N,
                                       y + ((size_t)skip * B + b) * K + k, B * K, T - skip)) / B;
            wr = fmax(wr, fabs(Rs[i * K + k] - ref));
        }
    }
    CHECK(wa < 1e-12, "corr_abs_per_sequence vs naive: %g", wa);
    CHECK(wr < 1e-12, "cross_corr_abs_per_sequence vs naive: %g", wr);
    CHECK(A[0] == 0 && A[5] == 0 && A[10] == 0 && A[15] == 0, "per-sequence diagonal zeroed");
    /* h_0 vs y_1 has r = +0.5 in sequences 0, 2 and −0.5 in sequence 1:
     * the mean of |r| is 0.5, the mean of r would be 0.17 */
    CHECK(Rs[0 * K + 1] > 0.4, "per-sequence |r| does not cancel across signs: %g", Rs[1]);
    free(h);
    free(y);
    free(X);
}

/* ---- CNM and NMI ---- */

static void test_nmi(void) {
    int a[6] = {0, 0, 1, 1, 2, 2}, perm[6] = {2, 2, 0, 0, 1, 1};
    CHECK(normalized_mutual_info(a, a, 6) == 1.0, "NMI(a, a) = 1 exactly");
    CHECK_CLOSE(normalized_mutual_info(a, perm, 6), 1.0, 1e-15, 0, "NMI with permuted labels");
    int x[4] = {0, 0, 1, 1}, y[4] = {0, 1, 0, 1}, z[4] = {0, 0, 0, 1}, one[4] = {5, 5, 5, 5};
    CHECK_CLOSE(normalized_mutual_info(x, y, 4), 0.0, 1e-15, 0, "NMI of independent partitions");
    /* x vs z: cells (0,0) 2, (1,0) 1, (1,1) 1; n_x 2 2, n_z 3 1.
     * I = ½ln(4/3) + ¼ln(2/3) + ¼ln2, H(x) = ln2, H(z) = ¾ln(4/3) + ¼ln4. */
    double I = 0.5 * log(4.0 / 3) + 0.25 * log(2.0 / 3) + 0.25 * log(2.0);
    double Hx = log(2.0), Hz = 0.75 * log(4.0 / 3) + 0.25 * log(4.0);
    CHECK_CLOSE(normalized_mutual_info(x, z, 4), I / (0.5 * (Hx + Hz)), 1e-14, 0, "NMI 4-item");
    CHECK_CLOSE(normalized_mutual_info(x, z, 4), 0.343711, 1e-6, 0, "NMI 4-item (decimal)");
    CHECK_CLOSE(normalized_mutual_info(z, x, 4), 0.343711, 1e-6, 0, "NMI symmetric");
    CHECK(normalized_mutual_info(x, one, 4) == 0.0, "NMI with a one-class partition = 0");
    CHECK(normalized_mutual_info(one, one, 4) == 1.0, "NMI of two one-class partitions = 1");
}

static void test_cnm(void) {
    mimod_err err = {0};
    /* Hand example: w01 = 3, w23 = 3, w12 = 1; 2m = 14, a = 3 4 4 3 (/14).
     * ΔQ(0,1) = ΔQ(2,3) = 60/196 tie -> (0,1) first; then ΔQ(2,3) = 60/196 beats
     * ΔQ({01},2) = −28/196. */
    double H[16] = {0, 3, 0, 0,  3, 0, 1, 0,  0, 1, 0, 3,  0, 0, 3, 0};
    int lab[20];
    CHECK(cnm_communities(H, 4, 3, lab, &err) == MIMOD_OK, "cnm ok");
    CHECK(lab[0] == 0 && lab[1] == 0 && lab[2] == 1 && lab[3] == 2, "cnm tie -> smallest pair: %d %d %d %d",
          lab[0], lab[1], lab[2], lab[3]);
    CHECK(cnm_communities(H, 4, 2, lab, &err) == MIMOD_OK, "cnm ok");
    CHECK(lab[0] == 0 && lab[1] == 0 && lab[2] == 1 && lab[3] == 1, "cnm 2 communities");
    CHECK(cnm_communities(H, 4, 1, lab, &err) == MIMOD_OK && lab[0] == 0 && lab[1] == 0 &&
              lab[2] == 0 && lab[3] == 0, "cnm 1 community");
    CHECK(cnm_communities(H, 4, 4, lab, &err) == MIMOD_OK && lab[0] == 0 && lab[1] == 1 &&
              lab[2] == 2 && lab[3] == 3, "cnm n_target = n: singletons");
    CHECK(cnm_communities(H, 4, 0, lab, &err) == MIMOD_EINVAL, "cnm n_target 0 rejected");
    CHECK(cnm_communities(H, 4, 5, lab, &err) == MIMOD_EINVAL && strstr(err.msg, "n_target"),
          "cnm n_target > n rejected: %s", err.msg);

    /* Disconnected cliques A = {0,1,2}, B = {3,4,5}, C = {6,7}: the cliques
     * merge first; then no connected pair is left and the best unconnected
     * ΔQ = −2 a_c a_d is the smallest product: A·C and B·C tie -> A with C. */
    double D[64] = {0};
    int cl[8] = {0, 0, 0, 1, 1, 1, 2, 2};
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            if (i != j && cl[i] == cl[j]) D[i * 8 + j] = 1.0;
    CHECK(cnm_communities(D, 8, 3, lab, &err) == MIMOD_OK, "cnm ok");
    int ok3 = 1;
    for (int i = 0; i < 8; i++) ok3 &= lab[i] == cl[i];
    CHECK(ok3, "cnm finds the three cliques");
    CHECK(cnm_communities(D, 8, 2, lab, &err) == MIMOD_OK, "cnm ok");
    int expect2[8] = {0, 0, 0, 1, 1, 1, 0, 0}, ok2 = 1;
    for (int i = 0; i < 8; i++) ok2 &= lab[i] == expect2[i];
    CHECK(ok2, "cnm merges unconnected communities by ΔQ = −2 a_c a_d, ties to the smallest pair");

    /* Planted partition: 20 nodes in two blocks of 10 placed in shuffled
     * order, strong weights inside, weak ones across (all pairs connected). */
    mimod_rng rng;
    rng_init(&rng, 3, RNG_STREAM_TEST, 2);
    const int n = 20;
    uint32_t order[20];
    rng_permutation(&rng, order, n);
    int truth[20];
    for (int i = 0; i < n; i++) truth[order[i]] = i < n / 2 ? 0 : 1;
    double *G = calloc((size_t)n * n, sizeof(double));
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double w = truth[i] == truth[j] ? 0.5 + 0.5 * rng_uniform(&rng) : 0.05 * rng_uniform(&rng);
            G[i * n + j] = G[j * n + i] = w;
        }
    CHECK(cnm_communities(G, n, 2, lab, &err) == MIMOD_OK, "cnm planted ok");
    CHECK(normalized_mutual_info(lab, truth, n) == 1.0, "CNM recovers the planted blocks: I_n = %g",
          normalized_mutual_info(lab, truth, n));
    CHECK(lab[0] == 0, "labels numbered by smallest member");
    CHECK(modularity_q(G, n, lab) > 0.4, "planted partition has high Q: %g", modularity_q(G, n, lab));
    free(G);
}

/* ---- K groups (issue 16) ---- */

/* K disconnected cliques of m units, split along the cliques: all weight is
 * inside (first term 1) and the K groups have equal degree sums (each 1/K of
 * 2m), so Q = 1 − K·(1/K)² = 1 − 1/K. CNM stopped at K finds the cliques. */
static void test_k_cliques(void) {
    mimod_err err = {0};
    for (int K = 2; K <= 6; K++) {
        const int m = 5, n = K * m;
        double *A = calloc((size_t)n * n, sizeof(double));
        int *g = malloc(n * sizeof(int)), *lab = malloc(n * sizeof(int));
        for (int i = 0; i < n; i++) {
            g[i] = i / m;
            for (int j = 0; j < n; j++) A[i * n + j] = (i != j && i / m == j / m) ? 1.0 : 0.0;
        }
        CHECK(fabs(modularity_q(A, n, g) - (1.0 - 1.0 / K)) < 1e-14, "K = %d cliques: Q %.17g = 1 − 1/K",
              K, modularity_q(A, n, g));
        CHECK(cnm_communities(A, n, K, lab, &err) == MIMOD_OK, "cnm at K = %d: %s", K, err.msg);
        CHECK(normalized_mutual_info(lab, g, n) == 1.0, "K = %d: CNM at K finds the cliques (I_n %g)", K,
              normalized_mutual_info(lab, g, n));
        /* the same graph split into K−1 groups cannot score as high */
        for (int i = 0; i < n; i++) lab[i] = g[i] == K - 1 ? 0 : g[i];
        CHECK(modularity_q(A, n, lab) < 1.0 - 1.0 / K - 1e-3, "K = %d: a coarser split scores lower", K);
        free(A);
        free(g);
        free(lab);
    }
    /* planted K = 4 blocks in shuffled order, dense weak links across: CNM at 4 recovers them */
    mimod_rng rng;
    rng_init(&rng, 5, RNG_STREAM_TEST, 7);
    const int n = 24, K = 4;
    uint32_t order[24];
    int truth[24], lab[24];
    rng_permutation(&rng, order, n);
    for (int i = 0; i < n; i++) truth[order[i]] = i % K;
    double *G = calloc((size_t)n * n, sizeof(double));
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            G[i * n + j] = G[j * n + i] =
                truth[i] == truth[j] ? 0.5 + 0.5 * rng_uniform(&rng) : 0.05 * rng_uniform(&rng);
    CHECK(cnm_communities(G, n, K, lab, &err) == MIMOD_OK, "cnm planted K = 4: %s", err.msg);
    CHECK(normalized_mutual_info(lab, truth, n) == 1.0, "CNM at 4 recovers 4 planted blocks (I_n %g)",
          normalized_mutual_info(lab, truth, n));
    CHECK(normalized_mutual_info(lab, truth, n) == 1.0 && modularity_q(G, n, truth) > 0.6,
          "4 planted blocks: Q %g", modularity_q(G, n, truth));
    free(G);
}

/* Two targets' weights v1, v2 [n] as the [2][n] array d_index_k takes. */
static double dk2(const double *v1, const double *v2, int n, const int *g, int K) {
    double v[2 * 64];
    memcpy(v, v1, sizeof(double) * (size_t)n);
    memcpy(v + n, v2, sizeof(double) * (size_t)n);
    return d_index_k(v, 2, n, g, K);
}

/* Issue 16's two-target K-group index as it was written (max over a ≠ b of
 * M[0][a] + M[1][b]): the T-target version must give the same bits, so K-group
 * result files made before it stay reproducible. */
static double dk2_issue16(const double *v1, const double *v2, int n, const int *g, int K) {
    double M[2][8] = {{0}}, S = 0.0, best = -1.0;
    for (int i = 0; i < n; i++) {
        M[0][g[i]] += fabs(v1[i]);
        M[1][g[i]] += fabs(v2[i]);
    }
    for (int k = 0; k < K; k++) S += M[0][k] + M[1][k];
    if (!(S > 0.0)) return 0.0;
    for (int a = 0; a < K; a++)
        for (int b = 0; b < K; b++)
            if (a != b && M[0][a] + M[1][b] > best) best = M[0][a] + M[1][b];
    double even = 1.0 / K, d = (best / S - even) / (1.0 - even);
    return d < 0.0 ? 0.0 : (d > 1.0 ? 1.0 : d);
}

/* The generalised D index on weights whose answer is known by hand, and its
 * equality with the two-group formula at K = 2. */
static void test_d_index_k(void) {
    /* n = 8 units in K = 4 groups of 2 */
    const int n = 8, K = 4;
    int g[8];
    for (int i = 0; i < n; i++) g[i] = i / 2;
    /* target 1 only in group 0, target 2 only in group 2: fully separated */
    double a1[8] = {1, 2, 0, 0, 0, 0, 0, 0}, a2[8] = {0, 0, 0, 0, 3, 1, 0, 0};
    CHECK_CLOSE(dk2(a1, a2, n, g, K), 1.0, 1e-15, 0, "separated targets: D = 1");
    /* every unit weighted equally by both targets: the even share, D = 0 */
    double u[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    CHECK_CLOSE(dk2(u, u, n, g, K), 0.0, 1e-15, 0, "even weights: D = 0");
    /* both targets only in group 0: the best assignment of distinct groups
     * captures half the weight, P = 1/2, D = (1/2 − 1/4)/(3/4) = 1/3 */
    double b[8] = {1, 1, 0, 0, 0, 0, 0, 0};
    CHECK_CLOSE(dk2(b, b, n, g, K), 1.0 / 3.0, 1e-15, 0, "both targets in one group: D = 1/3");
    /* target 1: 3 in group 0, 1 in group 1; target 2: 2 in group 1, 2 in group 3
     * (negative weights count by magnitude). Best: (0, 1) or (0, 3), 5 of 8:
     * D = (5/8 − 1/4)/(3/4) = 1/2 */
    double c1[8] = {2, -1, 1, 0, 0, 0, 0, 0}, c2[8] = {0, 0, -1.5, 0.5, 0, 0, 2, 0};
    CHECK_CLOSE(dk2(c1, c2, n, g, K), 0.5, 1e-15, 0, "mixed weights: D = 1/2");
    /* K = 3 on 6 units: target 1 splits 1:1 over groups 0 and 1, target 2 all
     * in group 2. Best 3 of 4 → D = (3/4 − 1/3)/(2/3) = 5/8 */
    int g3[6] = {0, 0, 1, 1, 2, 2};
    double e1[6] = {1, 0, 0, 1, 0, 0}, e2[6] = {0, 0, 0, 0, 1, 1};
    CHECK_CLOSE(dk2(e1, e2, 6, g3, 3), 5.0 / 8.0, 1e-15, 0, "K = 3: D = 5/8");
    /* the weight-matrix forms: D_in with ON/OFF of target 1 on group 1 and of
     * target 2 on group 3; D_out with 3 outputs per target (SEP layout) */
    real w_in[8 * 4] = {0};
    for (int i = 0; i < n; i++) {
        if (g[i] == 1) { w_in[i * 4 + 0] = 0.5f; w_in[i * 4 + 1] = -0.25f; }
        if (g[i] == 3) { w_in[i * 4 + 2] = 1.0f; w_in[i * 4 + 3] = 0.75f; }
    }
    CHECK_CLOSE(d_in_index_k(w_in, 2, n, g, K), 1.0, 1e-15, 0, "D_in: separated inputs give 1");
    real w_out[6 * 8] = {0};
    for (int k = 0; k < 3; k++) {
        w_out[k * n + 0] = 1; /* target 1 → group 0 */
        w_out[(3 + k) * n + 0] = 1; /* target 2 → group 0 as well */
    }
    CHECK_CLOSE(d_out_index_k(w_out, 2, 3, n, g, K), 1.0 / 3.0, 1e-15, 0, "D_out: one group for both: 1/3");
    double R[8 * 2];
    for (int i = 0; i < n; i++) { R[i * 2] = g[i] == 2 ? 0.8 : 0.0; R[i * 2 + 1] = g[i] == 0 ? 0.4 : 0.0; }
    CHECK_CLOSE(d_cor_index_k(R, n, 2, 1, g, K), 1.0, 1e-15, 0, "D_cor: separated correlations give 1");
    /* labels outside 0..K−1, K or T out of range: NaN */
    int bad[8] = {0, 0, 1, 1, 2, 2, 4, 4};
    double uu[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    CHECK(isnan(d_index_k(uu, 2, n, bad, K)) && isnan(d_index_k(uu, 2, n, g, 1)) &&
              isnan(d_index_k(uu, 0, n, g, K)) && isnan(d_index_k(uu, METRICS_MAX_TARGETS + 1, n, g, K)),
          "bad labels, K or T: NaN");

    /* K = 2: the generalised index is the paper's two-group formula, on random
     * weights and random 2-group labelings (proof in docs/analysis.md); and
     * at any K, two targets give issue 16's index bit for bit */
    mimod_rng rng;
    rng_init(&rng, 11, RNG_STREAM_TEST, 16);
    double worst = 0.0;
    int same16 = 1;
    for (int rep = 0; rep < 200; rep++) {
        const int m = 2 + (int)(rng_uniform(&rng) * 40);
        double v1[42], v2[42], Rr[42 * 6];
        int gg[42], gk[42];
        real wi[42 * 4], wo[6 * 42];
        const int Kr = 2 + rep % 5;
        for (int i = 0; i < m; i++) {
            v1[i] = rng_normal(&rng);
            v2[i] = rng_normal(&rng) * (rep % 3 == 0 ? 0.1 : 1.0);
            gg[i] = rep % 2 ? i >= m / 2 : rng_uniform(&rng) < 0.5;
            gk[i] = (int)(rng_uniform(&rng) * Kr);
            for (int k = 0; k < 4; k++) wi[i * 4 + k] = (real)rng_normal(&rng);
            for (int k = 0; k < 6; k++) { wo[k * m + i] = (real)rng_normal(&rng); Rr[i * 6 + k] = rng_uniform(&rng); }
        }
        double d[4][2] = {{d_index(v1, v2, m, gg), dk2(v1, v2, m, gg, 2)},
                          {d_in_index(wi, m, gg), d_in_index_k(wi, 2, m, gg, 2)},
                          {d_out_index(wo, 3, m, gg), d_out_index_k(wo, 2, 3, m, gg, 2)},
                          {d_cor_index(Rr, m, 3, gg), d_cor_index_k(Rr, m, 2, 3, gg, 2)}};
        for (int q = 0; q < 4; q++)
            if (fabs(d[q][0] - d[q][1]) > worst) worst = fabs(d[q][0] - d[q][1]);
        const double new_k = dk2(v1, v2, m, gk, Kr), old_k = dk2_issue16(v1, v2, m, gk, Kr);
        same16 &= memcmp(&new_k, &old_k, sizeof new_k) == 0;
    }
    CHECK(worst < 1e-12, "K = 2: generalised D equals the two-group D (worst |Δ| %.3g over 800)", worst);
    CHECK(same16, "two targets, K = 2..6 groups: issue 16's index, bit for bit (200 cases)");
}

/* D for T targets (issue 27), by hand: n units in K groups, v [T][n]. */
static void test_d_index_targets(void) {
    /* T = 3 targets, K = 3 groups of 2 (units 0–1, 2–3, 4–5) */
    int g3[6] = {0, 0, 1, 1, 2, 2};
    /* target j only in group (j + 1) mod 3: one group each, D = 1 */
    double sep3[18] = {0, 0, 1, 2, 0, 0,   0, 0, 0, 0, 3, 1,   2, 2, 0, 0, 0, 0};
    CHECK_CLOSE(d_index_k(sep3, 3, 6, g3, 3), 1.0, 1e-15, 0, "T = K = 3, one group per target: D = 1");
    double even[18];
    for (int i = 0; i < 18; i++) even[i] = 1;
    CHECK_CLOSE(d_index_k(even, 3, 6, g3, 3), 0.0, 1e-15, 0, "T = K = 3, even: D = 0");
    /* all three targets in group 0: an assignment places one of them there,
     * P = 1/3 = the even share: D = 0 */
    double one[18] = {1, 0, 0, 0, 0, 0,   1, 0, 0, 0, 0, 0,   0, 1, 0, 0, 0, 0};
    CHECK_CLOSE(d_index_k(one, 3, 6, g3, 3), 0.0, 1e-15, 0, "T = K = 3, all in one group: D = 0");
    /* targets 1, 2 in group 0 and target 3 in group 1 (weight 1 each): at best
     * 2 of 3 are placed, P = 2/3, D = (2/3 − 1/3)/(2/3) = 1/2 */
    double two[18] = {1, 0, 0, 0, 0, 0,   0, 1, 0, 0, 0, 0,   0, 0, 1, 0, 0, 0};
    CHECK_CLOSE(d_index_k(two, 3, 6, g3, 3), 0.5, 1e-15, 0, "T = K = 3, two share a group: D = 1/2");

    /* T = 3 in K = 2 groups (units 0–1, 2–3): a group holds 1 or 2 targets */
    int g2[4] = {0, 0, 1, 1};
    /* targets 1, 2 in group 0, target 3 in group 1: as separated as 2 groups
     * can be: D = 1 */
    double s21[12] = {1, 0, 0, 0,   0, 2, 0, 0,   0, 0, 1, 1};
    CHECK_CLOSE(d_index_k(s21, 3, 4, g2, 2), 1.0, 1e-15, 0, "T = 3, K = 2, 2 + 1: D = 1");
    /* all three in group 0: two of three placed, P = 2/3, D = (2/3 − 1/2)/(1/2) = 1/3 */
    double all0[12] = {1, 0, 0, 0,   1, 0, 0, 0,   0, 1, 0, 0};
    CHECK_CLOSE(d_index_k(all0, 3, 4, g2, 2), 1.0 / 3.0, 1e-15, 0, "T = 3, K = 2, one group: D = 1/3");
    /* T = 4 in K = 2: two targets per group. Targets 1–3 in group 0, target 4
     * in group 1: two of 1–3 and target 4 placed, P = 3/4, D = 1/2 */
    double t4[16] = {1, 0, 0, 0,   1, 0, 0, 0,   0, 1, 0, 0,   0, 0, 1, 0};
    CHECK_CLOSE(d_index_k(t4, 4, 4, g2, 2), 0.5, 1e-15, 0, "T = 4, K = 2, 3 + 1: D = 1/2");
    /* T = 1: D is how much of the one target's weight lies in one group */
    double t1[4] = {3, 1, 0, 0};
    CHECK_CLOSE(d_index_k(t1, 1, 4, g2, 2), 1.0, 1e-15, 0, "T = 1, one group: D = 1");
    double t1e[4] = {1, 0, 0, 1};
    CHECK_CLOSE(d_index_k(t1e, 1, 4, g2, 2), 0.0, 1e-15, 0, "T = 1, even: D = 0");

    /* the matrix forms at T = 3 (SEP with 3 sources: 3 outputs per target)
     * and T = 4 (WM with 4 bits: 8 input channels) */
    real wo[9 * 6] = {0};
    for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++) wo[(3 * j + k) * 6 + 2 * j + (k & 1)] = (real)(0.5 + k);
    CHECK_CLOSE(d_out_index_k(wo, 3, 3, 6, g3, 3), 1.0, 1e-15, 0, "D_out, T = K = 3: 1");
    double Rc[6 * 9];
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 9; k++) Rc[i * 9 + k] = k / 3 == g3[i] ? 0.9 : (k / 3 == 0 ? 0.3 : 0.0);
    /* per group: own target 0.9·2 units; target 1 also gets 0.3 on groups 1, 2.
     * M = [[1.8, .6, .6], [0, 1.8, 0], [0, 0, 1.8]], S = 6.6, best diagonal 5.4:
     * D = (5.4/6.6 − 1/3)/(2/3) = 8/11 */
    CHECK_CLOSE(d_cor_index_k(Rc, 6, 3, 3, g3, 3), 8.0 / 11.0, 1e-14, 0, "D_cor, T = K = 3: 8/11");
    int g4[8] = {0, 0, 1, 1, 2, 2, 3, 3};
    real wi[8 * 8] = {0};
    for (int i = 0; i < 8; i++) {
        const int bit = 3 - g4[i]; /* bit 4 on group 0, …, bit 1 on group 3 */
        wi[i * 8 + 2 * bit] = 1.0f;
        wi[i * 8 + 2 * bit + 1] = -0.5f;
    }
    CHECK_CLOSE(d_in_index_k(wi, 4, 8, g4, 4), 1.0, 1e-15, 0, "D_in, T = K = 4: 1");
    wi[0 * 8 + 0] = 1.5f; /* unit 0 (group 0) also listens to bit 1: 1.5 of S = 13.5 misplaced */
    CHECK_CLOSE(d_in_index_k(wi, 4, 8, g4, 4), (12.0 / 13.5 - 0.25) / 0.75, 1e-7, 0, "D_in, T = K = 4, one stray weight");

    /* Against brute force on random weights: the DP's maximum is the largest
     * P over every balanced assignment, and P averages exactly 1/K over them
     * (what makes 0 the even share). */
    mimod_rng rng;
    rng_init(&rng, 27, RNG_STREAM_TEST, 1);
    double worst_max = 0.0, worst_mean = 0.0;
    int cases = 0;
    for (int T = 1; T <= 5; T++)
        for (int K = 2; K <= 4; K++)
            for (int rep = 0; rep < 6; rep++) {
                const int n = 3 * K;
                int g[12];
                double v[5 * 12], M[5][4] = {{0}}, S = 0;
                for (int i = 0; i < n; i++) g[i] = i % K;
                for (int j = 0; j < T; j++)
                    for (int i = 0; i < n; i++) {
                        v[j * n + i] = rng_normal(&rng) * (rng_uniform(&rng) < 0.3 ? 5 : 1);
                        M[j][g[i]] += fabs(v[j * n + i]);
                        S += fabs(v[j * n + i]);
                    }
                const int lo = T / K, hi = (T + K - 1) / K;
                int total = 1, a[5];
                for (int j = 0; j < T; j++) total *= K;
                double best = -1, sum = 0;
                int count = 0;
                for (int code = 0; code < total; code++) {
                    int c = code, size[4] = {0}, ok = 1;
                    for (int j = 0; j < T; j++) { a[j] = c % K; c /= K; size[a[j]]++; }
                    for (int k = 0; k < K; k++) ok &= size[k] >= lo && size[k] <= hi;
                    if (!ok) continue;
                    double P = 0;
                    for (int j = 0; j < T; j++) P += M[j][a[j]];
                    P /= S;
                    best = fmax(best, P);
                    sum += P;
                    count++;
                }
                const double want = ((best - 1.0 / K) / (1.0 - 1.0 / K));
                worst_max = fmax(worst_max, fabs(d_index_k(v, T, n, g, K) - fmax(0, fmin(1, want))));
                worst_mean = fmax(worst_mean, fabs(sum / count - 1.0 / K));
                cases++;
            }
    CHECK(worst_max < 1e-12, "D over T ≤ 5, K ≤ 4 equals brute force (%d cases, worst %.3g)", cases, worst_max);
    CHECK(worst_mean < 1e-12, "P averages 1/K over the balanced assignments (worst %.3g)", worst_mean);
}

/* ---- task figures ---- */

static void test_task_figures(void) {
    real y[5] = {0.5, -0.2, 0, 0.1, -3}, tg[5] = {1, 0, 0, -1, -2};
    CHECK_CLOSE(sign_accuracy(y, tg, 5), 0.8, 1e-15, 0, "sign accuracy (0 counts negative)");
    real p[2] = {1, -1}, q[2] = {-1, 1};
    CHECK(sign_accuracy(p, q, 2) == 0.0, "sign accuracy all wrong");

    /* [m = 4][K = 4]: col 0 y = 1 2 3 5 vs 1 2 3 4 -> SS_res 1, SS_tot 5 -> 0.8;
     * col 1 exact -> 1; col 2 predicts the mean -> 0; col 3 constant target,
     * predicted exactly -> 1 (convention) */
    real yy[16] = {1, 1, 2.5, 7,  2, 2, 2.5, 7,  3, 3, 2.5, 7,  5, 4, 2.5, 7};
    real tt[16] = {1, 1, 1, 7,    2, 2, 2, 7,    3, 3, 3, 7,    4, 4, 4, 7};
    double r2[4];
    r2_per_output(yy, tt, 4, 4, r2);
    CHECK_CLOSE(r2[0], 0.8, 1e-15, 0, "R² col 0");
    CHECK_CLOSE(r2[1], 1.0, 1e-15, 0, "R² col 1");
    CHECK_CLOSE(r2[2], 0.0, 1e-15, 0, "R² col 2");
    CHECK_CLOSE(r2[3], 1.0, 1e-15, 0, "R² col 3");
    real yneg[4] = {4, 3, 2, 1}, tpos[4] = {1, 2, 3, 4}; /* SS_res 20, SS_tot 5 -> −3 */
    r2_per_output(yneg, tpos, 4, 1, r2);
    CHECK_CLOSE(r2[0], -3.0, 1e-15, 0, "R² can be negative");
}

int main(void) {
    test_modularity();
    test_d_indices();
    test_correlations();
    test_nmi();
    test_cnm();
    test_task_figures();
    test_k_cliques();
    test_d_index_k();
    test_d_index_targets();
    return check_report("test_metrics");
}
