/* fixed_gemm.h — products whose every element is one fixed chain of fused
 * multiply-adds (src/fixed_gemm.c), for the statistics network (issue 28).
 *
 * C [m][n] from A [m][k] and B [k][n]:
 *   acc(r, j) = init, then acc = fma(A(r, kk), B(kk, j), acc) for kk = 0 … k−1
 *   in that order; init is 0 (FG_ZERO) or C(r, j) itself (FG_FROM_C);
 *   then the epilogue writes C(r, j).
 * The blocking decides only which elements are computed together, never the
 * order of one element's terms, so the bits do not depend on the CPU's vector
 * width (AVX-512, AVX2 and the portable kernel, which calls fma/fmaf, agree
 * exactly; test_fixed_gemm) nor on how rows are split between threads. */
#ifndef MIMOD_FIXED_GEMM_H
#define MIMOD_FIXED_GEMM_H

#include "mimod/common.h"

typedef enum { FG_ZERO, FG_FROM_C } fg_init;

typedef enum {
    FG_STORE,       /* C = acc                                               */
    FG_BIAS_ACT,    /* C = φ(acc + bias[j]), φ(z) = z if z > 0 else slope·z   */
    FG_MUL_ACTGRAD, /* C = acc · φ'(G(r, j)), φ' = 1 if G > 0 else slope      */
    FG_AXPY,        /* C = fma(alpha, acc, C)                                */
} fg_epilogue;

typedef struct {
    int m, n, k;
    /* A(r, kk) = a[r·a_rs + kk·a_ks] for kk < k1, and a2[r·a2_rs + (kk − k1)]
     * for kk ≥ k1 (two column blocks of one logical A; k1 = k: a alone). */
    const real *a;
    int a_rs, a_ks;
    const real *a2;
    int a2_rs, k1;
    const real *b; /* B(kk, j) = b[kk·ldb + j], j < n (nothing past n is read) */
    int ldb;
    real *c;
    int ldc;
    real *c2;         /* if set, C's new values are also written here (ld ldc) */
    fg_init init;
    fg_epilogue epi;
    real alpha;       /* FG_AXPY                    */
    const real *bias; /* FG_BIAS_ACT: [n]           */
    const real *g;    /* FG_MUL_ACTGRAD: G, ld ldg  */
    int ldg;
    real slope;       /* φ's slope below 0 (0: ReLU) */
} fixed_gemm_op;

/* Run op on this thread and the pool's free workers (rows split between
 * them; the bits are the same whatever the split). */
void fixed_gemm(const fixed_gemm_op *op);

/* Which kernel fixed_gemm runs on this CPU: "avx512", "avx2" or "scalar". */
const char *fixed_gemm_kernel(void);

/* fixed_gemm with the named kernel on this thread alone, for tests; −1 (and
 * nothing written) when this build or CPU cannot run it. */
int fixed_gemm_using(const char *kernel, const fixed_gemm_op *op);

/* Pack rows [0, n) of w [n][k] (row-major) transposed, wt[kk·ld + j] =
 * w[j·k + kk]: a B operand for x·wᵀ. */
void fixed_gemm_pack_t(real *wt, int ld, const real *w, int n, int k);

#endif
