/* fixed_gemm.c — the statistics network's products as register-blocked
 * kernels with one fixed order of operations per element (issue 28).
 *
 * Why not OpenBLAS: MINE's products at SEP size are thin ([1280..2560][100]
 * by [100][100], or [100][100] over 1280 rows) and there OpenBLAS packs both
 * operands on every call, zeroes C for β = 0, and leaves bias, activation and
 * φ' to separate passes over the [2c][H] buffers (perf: packing, zeroing and
 * those passes were a quarter of an SEP SM update, docs/performance.md). Here
 * B is read in place (or packed once per mine_estimate: the forward's Wᵀ), a
 * block of RB rows × NV vectors of C stays in registers for the whole K loop,
 * and the epilogue (bias + φ, or · φ', or C + α·acc) is applied in registers
 * before the one store.
 *
 * Determinism, as in gru_step.c: every element of C is one chain of fused
 * multiply-adds from its init (0 or C's old value) over kk = 0 … k−1 in
 * order, then the epilogue's IEEE operations; the AVX-512, AVX2 and portable
 * kernels compute exactly that, so the bits depend on neither the CPU's
 * vector width nor how the pool splits the rows (test_fixed_gemm). */
#include "mimod/fixed_gemm.h"
#include "mimod/gemm_pool.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && !defined(MIMOD_DOUBLE)
#include <immintrin.h>
#if !defined(MIMOD_NO_SIMD_CLONES) || (defined(__AVX512F__) && defined(__FMA__))
#define FG_AVX512 1
#endif
#if !defined(MIMOD_NO_SIMD_CLONES) || (defined(__AVX2__) && defined(__FMA__))
#define FG_AVX2 1
#endif
#endif

#ifdef MIMOD_DOUBLE
#define fg_fma fma
#else
#define fg_fma fmaf
#endif

void fixed_gemm_pack_t(real *wt, int ld, const real *w, int n, int k) {
    for (int kk = 0; kk < k; kk++)
        for (int j = 0; j < n; j++) wt[(size_t)kk * ld + j] = w[(size_t)j * k + kk];
}

/* φ's factor at z: exactly 1 where z > 0, else slope (a NaN gets slope). */
static MIMOD_ALWAYS_INLINE real act_factor(real z, real slope) { return isgreater(z, (real)0) ? (real)1 : slope; }

/* Rows [r0, r1) of op: the reference kernel, and the only one of the double
 * build (the gradient checks). Each element's chain is the definition above;
 * the loops run over a row's columns innermost, in tiles of PORTABLE_COLS
 * accumulators, so that the SIMD clones compile fma() to vector FMA
 * instructions (exactly rounded like the libm call of the baseline clone:
 * the same bits). */
enum { PORTABLE_COLS = 256 };

MIMOD_SIMD_CLONES
static void rows_portable(const fixed_gemm_op *op, int r0, int r1) {
    real acc[PORTABLE_COLS];
    for (int r = r0; r < r1; r++)
        for (int j0 = 0; j0 < op->n; j0 += PORTABLE_COLS) {
            const int nj = op->n - j0 < PORTABLE_COLS ? op->n - j0 : PORTABLE_COLS;
            real *c = op->c + (size_t)r * op->ldc + j0;
            for (int j = 0; j < nj; j++) acc[j] = op->init == FG_FROM_C ? c[j] : 0;
            for (int kk = 0; kk < op->k; kk++) {
                const real av = kk < op->k1 ? op->a[(size_t)r * op->a_rs + (size_t)kk * op->a_ks]
                                            : op->a2[(size_t)r * op->a2_rs + (kk - op->k1)];
                const real *restrict b = op->b + (size_t)kk * op->ldb + j0;
                for (int j = 0; j < nj; j++) acc[j] = fg_fma(av, b[j], acc[j]);
            }
            for (int j = 0; j < nj; j++) {
                real v = acc[j];
                switch (op->epi) {
                case FG_STORE: break;
                case FG_BIAS_ACT: {
                    real z = v + op->bias[j0 + j];
                    v = z * act_factor(z, op->slope);
                    break;
                }
                case FG_MUL_ACTGRAD:
                    v = v * act_factor(op->g[(size_t)r * op->ldg + j0 + j], op->slope);
                    break;
                case FG_AXPY: v = fg_fma(op->alpha, v, c[j]); break;
                }
                c[j] = v;
                if (op->c2) op->c2[(size_t)r * op->ldc + j0 + j] = v;
            }
        }
}

#ifdef FG_AVX512
/* A block of rb ≤ 6 rows × nv ≤ 4 vectors of 16 columns: 24 accumulators, 4
 * B vectors and a broadcast fit AVX-512's 32 registers; per kk 24 FMAs for
 * 4 loads and 6 broadcasts. `full` 1: the block's last vector is whole (no
 * mask needed), as in the AVX2 kernel. */
enum { RB512 = 6, NV512 = 4 };
/* The accumulators' type: __m512 is declared may_alias, so with it every
 * load through A's float pointer could overwrite them and GCC stores all 24
 * to the stack on every term (measured: a third of OpenBLAS's rate); a plain
 * vector type may not alias a float and stays in registers. */
typedef float acc512 __attribute__((vector_size(64)));

/* acc[r][v] = fma(A(r0 + r, kk), B(kk, j + 16v), acc[r][v]) for kk in [0, K),
 * A's rows at a (stride rs, ks between terms), B's at b (ld ldb); the last
 * vector's columns outside `last` are not read. */
__attribute__((target("avx512f,fma"), always_inline)) static inline void
terms512(int rb, int nv, int full, int K, const float *a, size_t rs, size_t ks, const float *b,
         size_t ldb, __mmask16 last, acc512 acc[RB512][NV512]) {
    for (int kk = 0; kk < K; kk++) {
        const float *bk = b + (size_t)kk * ldb;
        __m512 bv[NV512];
#pragma GCC unroll 8
        for (int v = 0; v < nv - 1; v++) bv[v] = _mm512_loadu_ps(bk + 16 * v);
        bv[nv - 1] = full ? _mm512_loadu_ps(bk + 16 * (nv - 1))
                          : _mm512_maskz_loadu_ps(last, bk + 16 * (nv - 1));
        const float *ak = a + (size_t)kk * ks;
#pragma GCC unroll 8
        for (int r = 0; r < rb; r++) {
            const __m512 s = _mm512_set1_ps(ak[(size_t)r * rs]);
#pragma GCC unroll 8
            for (int v = 0; v < nv; v++)
                acc[r][v] = (acc512)_mm512_fmadd_ps(s, bv[v], (__m512)acc[r][v]);
        }
    }
}

__attribute__((target("avx512f,fma"), always_inline)) static inline void
block512(int rb, int nv, int full, const fixed_gemm_op *op, int r0, int j, __mmask16 last) {
    acc512 acc[RB512][NV512];
    const size_t ldc = (size_t)op->ldc;
    float *c = op->c + (size_t)r0 * ldc + j;
#pragma GCC unroll 8
    for (int r = 0; r < rb; r++)
#pragma GCC unroll 8
        for (int v = 0; v < nv; v++) {
            __mmask16 mk = full || v < nv - 1 ? (__mmask16)0xFFFF : last;
            acc[r][v] = (acc512)(op->init == FG_FROM_C ? _mm512_maskz_loadu_ps(mk, c + r * ldc + 16 * v)
                                                       : _mm512_setzero_ps());
        }
    terms512(rb, nv, full, op->k1, op->a + (size_t)r0 * op->a_rs, (size_t)op->a_rs,
             (size_t)op->a_ks, op->b + j, (size_t)op->ldb, last, acc);
    if (op->k1 < op->k)
        terms512(rb, nv, full, op->k - op->k1, op->a2 + (size_t)r0 * op->a2_rs, (size_t)op->a2_rs, 1,
                 op->b + (size_t)op->k1 * op->ldb + j, (size_t)op->ldb, last, acc);
    const __m512 one = _mm512_set1_ps(1.0f), slope = _mm512_set1_ps(op->slope),
                 zero = _mm512_setzero_ps(), alpha = _mm512_set1_ps(op->alpha);
#pragma GCC unroll 8
    for (int r = 0; r < rb; r++)
#pragma GCC unroll 8
        for (int v = 0; v < nv; v++) {
            __mmask16 mk = full || v < nv - 1 ? (__mmask16)0xFFFF : last;
            float *cp = c + r * ldc + 16 * v;
            __m512 x = (__m512)acc[r][v];
            if (op->epi == FG_BIAS_ACT) {
                x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mk, op->bias + j + 16 * v));
                __mmask16 pos = _mm512_cmp_ps_mask(x, zero, _CMP_GT_OQ);
                x = _mm512_mul_ps(x, _mm512_mask_blend_ps(pos, slope, one));
            } else if (op->epi == FG_MUL_ACTGRAD) {
                const float *gp = op->g + (size_t)(r0 + r) * op->ldg + j + 16 * v;
                __mmask16 pos = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(mk, gp), zero, _CMP_GT_OQ);
                x = _mm512_mul_ps(x, _mm512_mask_blend_ps(pos, slope, one));
            } else if (op->epi == FG_AXPY) {
                x = _mm512_fmadd_ps(alpha, x, _mm512_maskz_loadu_ps(mk, cp));
            }
            _mm512_mask_storeu_ps(cp, mk, x);
            if (op->c2) _mm512_mask_storeu_ps(op->c2 + (cp - op->c), mk, x);
        }
}

/* rb rows at r0, every column: blocks of NV512 vectors, then the rest. */
__attribute__((target("avx512f,fma"), always_inline)) static inline void
rowblock512(int rb, const fixed_gemm_op *op, int r0) {
    const int nvec = (op->n + 15) / 16;
    const int tail = op->n - 16 * (nvec - 1); /* columns in the last vector, 1..16 */
    const __mmask16 full = 0xFFFF, last = (__mmask16)((1u << tail) - 1u);
    int v0 = 0;
    for (; v0 + NV512 < nvec; v0 += NV512) block512(rb, NV512, 1, op, r0, 16 * v0, full);
    switch (nvec - v0) { /* 1..4 vectors left, the last one partial or full */
    case 1: block512(rb, 1, 0, op, r0, 16 * v0, last); break;
    case 2: block512(rb, 2, 0, op, r0, 16 * v0, last); break;
    case 3: block512(rb, 3, 0, op, r0, 16 * v0, last); break;
    default: block512(rb, 4, 0, op, r0, 16 * v0, last); break;
    }
}

__attribute__((target("avx512f,fma"))) static void rows_avx512(const fixed_gemm_op *op, int r0,
                                                                  int r1) {
    int r = r0;
    for (; r + RB512 <= r1; r += RB512) rowblock512(RB512, op, r);
    switch (r1 - r) {
    case 0: break;
    case 1: rowblock512(1, op, r); break;
    case 2: rowblock512(2, op, r); break;
    case 3: rowblock512(3, op, r); break;
    case 4: rowblock512(4, op, r); break;
    default: rowblock512(5, op, r); break;
    }
}
#endif

#ifdef FG_AVX2
/* AVX2: blocks of rb ≤ 6 rows × nv ≤ 2 vectors of 8 columns: 12 accumulators,
 * 2 B vectors and a broadcast in AVX2's 16 registers (4 rows ran SEP's
 * shapes at 0.79-0.87 of OpenBLAS Haswell's rate, 6 rows at 0.93-0.95, and
 * 0.99-1.03 once whole vectors were loaded and stored without vmaskmov, which
 * is slow on AMD; AMD EPYC, 2026-12-04). Only a block's partial last vector
 * (`full` 0) uses the masked forms. */
enum { RB256 = 6, NV256 = 2 };
typedef float acc256 __attribute__((vector_size(32))); /* not may_alias: see acc512 */

/* Lane i of the mask is on when i < cols (cols 1..8). */
__attribute__((target("avx2,fma"), always_inline)) static inline __m256i mask256(int cols) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), idx);
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
terms256(int rb, int nv, int full, int K, const float *a, size_t rs, size_t ks, const float *b,
         size_t ldb, __m256i last, acc256 acc[RB256][NV256]) {
    for (int kk = 0; kk < K; kk++) {
        const float *bk = b + (size_t)kk * ldb;
        __m256 bv[NV256];
#pragma GCC unroll 8
        for (int v = 0; v < nv - 1; v++) bv[v] = _mm256_loadu_ps(bk + 8 * v);
        bv[nv - 1] = full ? _mm256_loadu_ps(bk + 8 * (nv - 1))
                          : _mm256_maskload_ps(bk + 8 * (nv - 1), last);
        const float *ak = a + (size_t)kk * ks;
#pragma GCC unroll 8
        for (int r = 0; r < rb; r++) {
            const __m256 s = _mm256_broadcast_ss(ak + (size_t)r * rs);
#pragma GCC unroll 8
            for (int v = 0; v < nv; v++)
                acc[r][v] = (acc256)_mm256_fmadd_ps(s, bv[v], (__m256)acc[r][v]);
        }
    }
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
block256(int rb, int nv, int full, const fixed_gemm_op *op, int r0, int j, __m256i last) {
    acc256 acc[RB256][NV256];
    const size_t ldc = (size_t)op->ldc;
    float *c = op->c + (size_t)r0 * ldc + j;
#pragma GCC unroll 8
    for (int r = 0; r < rb; r++)
#pragma GCC unroll 8
        for (int v = 0; v < nv; v++) {
            const int whole = full || v < nv - 1;
            const float *cp = c + r * ldc + 8 * v;
            acc[r][v] = (acc256)(op->init != FG_FROM_C ? _mm256_setzero_ps()
                                 : whole               ? _mm256_loadu_ps(cp)
                                                       : _mm256_maskload_ps(cp, last));
        }
    terms256(rb, nv, full, op->k1, op->a + (size_t)r0 * op->a_rs, (size_t)op->a_rs,
             (size_t)op->a_ks, op->b + j, (size_t)op->ldb, last, acc);
    if (op->k1 < op->k)
        terms256(rb, nv, full, op->k - op->k1, op->a2 + (size_t)r0 * op->a2_rs, (size_t)op->a2_rs, 1,
                 op->b + (size_t)op->k1 * op->ldb + j, (size_t)op->ldb, last, acc);
    const __m256 one = _mm256_set1_ps(1.0f), slope = _mm256_set1_ps(op->slope),
                 zero = _mm256_setzero_ps(), alpha = _mm256_set1_ps(op->alpha);
#pragma GCC unroll 8
    for (int r = 0; r < rb; r++)
#pragma GCC unroll 8
        for (int v = 0; v < nv; v++) {
            const int whole = full || v < nv - 1;
            float *cp = c + r * ldc + 8 * v;
            __m256 x = (__m256)acc[r][v];
            if (op->epi == FG_BIAS_ACT) {
                const float *bp = op->bias + j + 8 * v;
                x = _mm256_add_ps(x, whole ? _mm256_loadu_ps(bp) : _mm256_maskload_ps(bp, last));
                __m256 pos = _mm256_cmp_ps(x, zero, _CMP_GT_OQ);
                x = _mm256_mul_ps(x, _mm256_blendv_ps(slope, one, pos));
            } else if (op->epi == FG_MUL_ACTGRAD) {
                const float *gp = op->g + (size_t)(r0 + r) * op->ldg + j + 8 * v;
                __m256 gv = whole ? _mm256_loadu_ps(gp) : _mm256_maskload_ps(gp, last);
                __m256 pos = _mm256_cmp_ps(gv, zero, _CMP_GT_OQ);
                x = _mm256_mul_ps(x, _mm256_blendv_ps(slope, one, pos));
            } else if (op->epi == FG_AXPY) {
                x = _mm256_fmadd_ps(alpha, x, whole ? _mm256_loadu_ps(cp) : _mm256_maskload_ps(cp, last));
            }
            if (whole) {
                _mm256_storeu_ps(cp, x);
                if (op->c2) _mm256_storeu_ps(op->c2 + (cp - op->c), x);
            } else {
                _mm256_maskstore_ps(cp, last, x);
                if (op->c2) _mm256_maskstore_ps(op->c2 + (cp - op->c), last, x);
            }
        }
}

__attribute__((target("avx2,fma"), always_inline)) static inline void
rowblock256(int rb, const fixed_gemm_op *op, int r0) {
    const int nvec = (op->n + 7) / 8, tail = op->n - 8 * (nvec - 1); /* 1..8 */
    const __m256i last = mask256(tail);
    int v0 = 0;
    for (; v0 + NV256 < nvec; v0 += NV256) block256(rb, NV256, 1, op, r0, 8 * v0, last);
    /* the last block: plain loads and stores where its last vector is whole */
    if (nvec - v0 == 1) {
        if (tail == 8) block256(rb, 1, 1, op, r0, 8 * v0, last);
        else block256(rb, 1, 0, op, r0, 8 * v0, last);
    } else {
        if (tail == 8) block256(rb, 2, 1, op, r0, 8 * v0, last);
        else block256(rb, 2, 0, op, r0, 8 * v0, last);
    }
}

__attribute__((target("avx2,fma"))) static void rows_avx2(const fixed_gemm_op *op, int r0, int r1) {
    int r = r0;
    for (; r + RB256 <= r1; r += RB256) rowblock256(RB256, op, r);
    switch (r1 - r) {
    case 0: break;
    case 1: rowblock256(1, op, r); break;
    case 2: rowblock256(2, op, r); break;
    case 3: rowblock256(3, op, r); break;
    case 4: rowblock256(4, op, r); break;
    default: rowblock256(5, op, r); break;
    }
}
#endif

typedef void rows_fn(const fixed_gemm_op *op, int r0, int r1);


/* The kernels this build contains, widest first; the portable one last. */
static const struct {
    const char *name;
    rows_fn *fn;
    int (*cpu_runs)(void);
} kernels[] = {
#ifdef FG_AVX512
    {"avx512", rows_avx512, mimod_cpu_runs_avx512_fma},
#endif
#ifdef FG_AVX2
    {"avx2", rows_avx2, mimod_cpu_runs_avx2_fma},
#endif
    {"scalar", rows_portable, NULL},
};
enum { N_KERNELS = sizeof kernels / sizeof kernels[0] };

static int kernel_runs(int i) { return !kernels[i].cpu_runs || kernels[i].cpu_runs(); }

static int pick(void) {
    int i = 0;
    while (!kernel_runs(i)) i++;
    return i;
}

const char *fixed_gemm_kernel(void) { return kernels[pick()].name; }

/* A product is split into row tasks of at least this many multiply-adds
 * (a pool hand-off costs microseconds), at most FG_MAX_TASKS of them, each a
 * whole number of FG_ROW_ALIGN rows so that every task runs full register
 * blocks. Any split gives the same bits; this only decides the speed. */
enum { FG_MAX_TASKS = 8, FG_ROW_ALIGN = 12 };
#define FG_TASK_MIN_WORK (1024.0 * 1024.0)

typedef struct {
    const fixed_gemm_op *op;
    rows_fn *fn;
    int tasks;
} fg_job;

static int task_row(const fg_job *j, int t) {
    const int blocks = (j->op->m + FG_ROW_ALIGN - 1) / FG_ROW_ALIGN;
    int r = (int)((long long)t * blocks / j->tasks) * FG_ROW_ALIGN;
    return r < j->op->m ? r : j->op->m;
}

static void fg_task(void *p, int t) {
    const fg_job *j = p;
    j->fn(j->op, task_row(j, t), task_row(j, t + 1));
}

/* An empty product writes nothing. */
static int valid(const fixed_gemm_op *op) { return op->m > 0 && op->n > 0 && op->k >= 0; }

/* op with k1 = k where there is no second A block. */
static fixed_gemm_op normalised(const fixed_gemm_op *op) {
    fixed_gemm_op o = *op;
    if (!o.a2 || o.k1 > o.k || o.k1 < 0) o.k1 = o.k;
    return o;
}

void fixed_gemm(const fixed_gemm_op *op_in) {
    if (!valid(op_in)) return;
    const fixed_gemm_op o = normalised(op_in), *op = &o;
    fg_job j = {op, kernels[pick()].fn, 1};
    const double work = (double)op->m * op->n * (op->k > 0 ? op->k : 1);
    const int blocks = (op->m + FG_ROW_ALIGN - 1) / FG_ROW_ALIGN;
    if (mimod_pool_available() > 1 && work >= 2 * FG_TASK_MIN_WORK) {
        int t = (int)(work / FG_TASK_MIN_WORK);
        t = t < FG_MAX_TASKS ? t : FG_MAX_TASKS;
        j.tasks = t < blocks ? t : blocks;
    }
    if (j.tasks == 1) {
        j.fn(op, 0, op->m);
        return;
    }
    mimod_pool_run(j.tasks, fg_task, &j);
}

int fixed_gemm_using(const char *kernel, const fixed_gemm_op *op) {
    for (int i = 0; i < N_KERNELS; i++)
        if (strcmp(kernel, kernels[i].name) == 0 && kernel_runs(i)) {
            if (valid(op)) {
                const fixed_gemm_op o = normalised(op);
                kernels[i].fn(&o, 0, o.m);
            }
            return 0;
        }
    return -1;
}
