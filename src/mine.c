/* mine.c — the MINE statistics network T and the Donsker–Varadhan estimate
 * Î = mean_i T(x_i, y_i) − log mean_i exp T(x_i, y_π(i)), with its gradient
 * w.r.t. T's parameters and w.r.t. the inputs x, y (SPEC §4, §8).
 *
 * How the work is organised (this is most of the project's compute):
 *  - x_i Wxᵀ is computed once per chunk and continued by the joint and the
 *    marginal rows' y terms (both use x_i). The marginal rows' y_π(i) are gathered into the
 *    chunk and multiplied there (see layer1_forward for why this beats
 *    looking rows up in an all-sample Y Wyᵀ); the gathered rows serve dWy too.
 *  - Samples are processed chunk_rows (c) at a time; a chunk's joint rows and
 *    marginal rows are stacked into one [2c][H] matrix so each layer is one
 *    product. Every product is fixed_gemm (one fixed FMA chain per element,
 *    src/fixed_gemm.c), which also applies bias + φ, or φ', in registers.
 *  - The log-mean-exp and its gradient are done in the same pass as the
 *    forward (online softmax): with M the running max of the marginal T
 *    values, marginal row i is back-propagated with upstream weight
 *    e^{T_i − M}; when M grows, the marginal parameter-gradient sums and the
 *    running Σ e^{T−M} are rescaled by e^{M_old − M_new}. Joint and marginal
 *    parameter gradients are kept in separate accumulators and combined at the
 *    end: dÎ/dθ = (1/n) Σ_joint dT/dθ − (Σ_marg e^{T−M} dT/dθ) / Σ e^{T−M}.
 *    Marginal input gradients are stored per row with the M of their chunk
 *    and rescaled (and, for y, scattered to row π(i)) at the end.
 *  Nothing is recomputed and nothing is allocated per call. */
#include "mimod/mine.h"
#include "mimod/fixed_gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Default chunk: about 1 MB per [2c][H] float buffer (c = 2^17 / H, rounded
 * down to a multiple of 64: 256 rows for H = 512, 1280 for H = 100). Measured
 * on one AVX-512 core (mimod-bench, min of three runs each): WM's SM update is
 * the same for 256 and 512 rows (0.61 s), SEP's is 7 % faster with 512–1280
 * rows than with 2560 (0.55 vs 0.59 s): once the element-wise passes ran at
 * full vector width, keeping the chunk's buffers near the L2 cache mattered
 * more than the taller GEMMs. */
static int default_chunk(int hidden) {
    int c = (1 << 17) / hidden;
    c -= c % 64;
    return c < 256 ? 256 : (c > 8192 ? 8192 : c);
}

int mine_chunk_rows(int hidden, size_t n_max, int chunk_rows) {
    int c = chunk_rows > 0 ? chunk_rows : default_chunk(hidden);
    return (size_t)c > n_max ? (int)n_max : c;
}

struct mine_workspace {
    mine_dims d;
    size_t n_max;
    int chunk;          /* c: samples per chunk */
    size_t n_chunks;    /* chunks for n_max samples */
    mimod_layout layout;
    real *h1;           /* [2c][H] layer-1 activations (joint rows, then marginal rows) */
    real *h2;           /* [2c][H] layer-2 activations, then in place dT/dz2            */
    real *dh1;          /* [2c][H] scratch for Y Wyᵀ in the forward; dT/dh1, then in place dT/dpre1 */
    real *t;            /* [2c] T of the chunk's rows                                  */
    real *dt;           /* [2c] upstream weights: 1 (joint), e^{T−M} (marginal)        */
    real *xy_perm;      /* [c][dx+dy] the marginal inputs (x_i, y_π(i)) of the chunk    */
    real *w1t;          /* [dx+dy][H] W1ᵀ = [Wx | Wy]ᵀ, packed once per mine_estimate   */
    real *w2t;          /* [H][H] W2ᵀ, packed once per mine_estimate                     */
    real *acc;          /* [2][n_params] parameter-gradient sums, joint then marginal  */
    /* Views into acc. Their wx and wy are not the layout's two blocks but the
     * column blocks of one [H][dx+dy] matrix dW1 = [dWx | dWy] (ld dx+dy, same
     * total size), so the marginal dW1 is one GEMM over (x_i, y_π(i)) rows, and
     * so is the joint one when x and y lie side by side in the caller's rows. */
    mine_params acc_joint, acc_marg;
    real *dx_marg;      /* [n_max][dx] marginal dT/dx_i · e^{T_i − M_chunk}            */
    real *dy_marg;      /* [n_max][dy] marginal dT/dy_π(i) · e^{T_i − M_chunk}, row i  */
    double *chunk_max;  /* [n_chunks] the running max M used for that chunk           */
};

/* ---------------------------------------------------------------- layout */

void mine_layout(const mine_dims *d, mimod_layout *l) {
    memset(l, 0, sizeof *l);
    const int H = d->hidden;
    layout_add(l, "wx", H, d->dx, 0.0);
    layout_add(l, "wy", H, d->dy, 0.0);
    layout_add(l, "b1", H, 1, 0.0);
    layout_add(l, "w2", H, H, 0.0);
    layout_add(l, "b2", H, 1, 0.0);
    layout_add(l, "w3", 1, H, 0.0);
    if (d->out_bias) layout_add(l, "b3", 1, 1, 0.0);
}

void mine_bind(mine_params *p, const mine_dims *d, const mimod_layout *l, real *buf) {
    p->wx = buf + l->t[0].offset;
    p->wy = buf + l->t[1].offset;
    p->b1 = buf + l->t[2].offset;
    p->w2 = buf + l->t[3].offset;
    p->b2 = buf + l->t[4].offset;
    p->w3 = buf + l->t[5].offset;
    p->b3 = d->out_bias ? buf + l->t[6].offset : NULL;
}

/* The tensors of a mine_params as (pointer, length) pairs, in layout order;
 * returns how many. Lets whole-parameter loops work on bound views that need
 * not be one contiguous buffer. */
static int mine_tensors(const mine_params *p, const mine_dims *d, real *ptr[7], size_t len[7]) {
    const size_t H = (size_t)d->hidden;
    ptr[0] = p->wx; len[0] = H * (size_t)d->dx;
    ptr[1] = p->wy; len[1] = H * (size_t)d->dy;
    ptr[2] = p->b1; len[2] = H;
    ptr[3] = p->w2; len[3] = H * H;
    ptr[4] = p->b2; len[4] = H;
    ptr[5] = p->w3; len[5] = H;
    if (!d->out_bias) return 6;
    ptr[6] = p->b3; len[6] = 1;
    return 7;
}

/* Glorot-uniform: U(−l, l), l = √(6 / (fan_in + fan_out)). */
static real glorot(mimod_rng *rng, int fan_in, int fan_out) {
    double lim = sqrt(6.0 / (double)(fan_in + fan_out));
    return (real)(lim * (2.0 * rng_uniform(rng) - 1.0));
}

void mine_init(mine_params *p, const mine_dims *d, mimod_rng *rng) {
    const int H = d->hidden, dxy = d->dx + d->dy;
    /* Keras builds one Dense kernel [dx+dy][H] over the concatenated input;
     * draw it in that order (input row k, then unit h) and split it. */
    for (int k = 0; k < dxy; k++)
        for (int h = 0; h < H; h++) {
            real w = glorot(rng, dxy, H);
            if (k < d->dx)
                p->wx[(size_t)h * d->dx + k] = w;
            else
                p->wy[(size_t)h * d->dy + (k - d->dx)] = w;
        }
    /* Keras kernel of layer 2 is [in][out]; ours is W2[out][in]. */
    for (int k = 0; k < H; k++)
        for (int h = 0; h < H; h++) p->w2[(size_t)h * H + k] = glorot(rng, H, H);
    for (int h = 0; h < H; h++) p->w3[h] = glorot(rng, H, 1);
    memset(p->b1, 0, (size_t)H * sizeof(real));
    memset(p->b2, 0, (size_t)H * sizeof(real));
    if (d->out_bias) p->b3[0] = 0;
}

/* ------------------------------------------------------------- workspace */

void mine_workspace_free(mine_workspace *ws) {
    if (!ws) return;
    mimod_free(ws->h1);
    mimod_free(ws->h2);
    mimod_free(ws->dh1);
    mimod_free(ws->t);
    mimod_free(ws->dt);
    mimod_free(ws->xy_perm);
    mimod_free(ws->w1t);
    mimod_free(ws->w2t);
    mimod_free(ws->acc);
    mimod_free(ws->dx_marg);
    mimod_free(ws->dy_marg);
    mimod_free(ws->chunk_max);
    free(ws);
}

int mine_workspace_chunk(const mine_workspace *ws) { return ws->chunk; }

int mine_workspace_create(const mine_dims *d, size_t n_max, int chunk_rows,
                          mine_workspace **out, mimod_err *err) {
    *out = NULL;
    if (d->dx < 1 || d->dy < 1 || d->hidden < 1 || n_max < 1 || chunk_rows < 0)
        return mimod_errf(err, MIMOD_EINVAL,
                          "mine_workspace_create: bad sizes (dx %d, dy %d, hidden %d, n_max %zu, "
                          "chunk_rows %d)", d->dx, d->dy, d->hidden, n_max, chunk_rows);
    if (d->act != MINE_RELU && d->act != MINE_LEAKY_RELU)
        return mimod_errf(err, MIMOD_EINVAL, "mine_workspace_create: unknown activation %d",
                          (int)d->act);
    /* The backward pass reads φ' off the activation's sign, which needs a
     * non-negative slope. */
    if (d->act == MINE_LEAKY_RELU && !(d->leaky_slope >= 0.0 && d->leaky_slope < 1.0))
        return mimod_errf(err, MIMOD_EINVAL,
                          "mine_workspace_create: leaky slope %g not in [0, 1)", d->leaky_slope);
    if (n_max > (size_t)INT32_MAX)
        return mimod_errf(err, MIMOD_EINVAL, "mine_workspace_create: n_max %zu too large", n_max);

    mine_workspace *ws = calloc(1, sizeof *ws);
    if (!ws) return mimod_errf(err, MIMOD_ENOMEM, "mine_workspace_create: out of memory");
    ws->d = *d;
    ws->n_max = n_max;
    const int c = mine_chunk_rows(d->hidden, n_max, chunk_rows);
    ws->chunk = c;
    ws->n_chunks = (n_max + (size_t)c - 1) / (size_t)c;
    mine_layout(d, &ws->layout);

    const size_t H = (size_t)d->hidden, c2 = 2 * (size_t)c, np = ws->layout.n_params;
    ws->h1 = mimod_calloc(c2 * H, sizeof(real));
    ws->h2 = mimod_calloc(c2 * H, sizeof(real));
    ws->dh1 = mimod_calloc(c2 * H, sizeof(real));
    ws->t = mimod_calloc(c2, sizeof(real));
    ws->dt = mimod_calloc(c2, sizeof(real));
    ws->xy_perm = mimod_calloc((size_t)c * (size_t)(d->dx + d->dy), sizeof(real));
    ws->w1t = mimod_calloc((size_t)(d->dx + d->dy) * H, sizeof(real));
    ws->w2t = mimod_calloc(H * H, sizeof(real));
    ws->acc = mimod_calloc(2 * np, sizeof(real));
    ws->dx_marg = mimod_calloc(n_max * (size_t)d->dx, sizeof(real));
    ws->dy_marg = mimod_calloc(n_max * (size_t)d->dy, sizeof(real));
    ws->chunk_max = mimod_calloc(ws->n_chunks, sizeof(double));
    if (!ws->h1 || !ws->h2 || !ws->dh1 || !ws->t || !ws->dt || !ws->xy_perm || !ws->w1t || !ws->w2t ||
        !ws->acc || !ws->dx_marg || !ws->dy_marg || !ws->chunk_max) {
        mine_workspace_free(ws);
        return mimod_errf(err, MIMOD_ENOMEM,
                          "mine_workspace_create: cannot allocate buffers for n_max %zu, hidden %zu",
                          n_max, H);
    }
    mine_bind(&ws->acc_joint, d, &ws->layout, ws->acc);
    mine_bind(&ws->acc_marg, d, &ws->layout, ws->acc + np);
    ws->acc_joint.wy = ws->acc_joint.wx + d->dx; /* dW1 = [dWx | dWy], see acc */
    ws->acc_marg.wy = ws->acc_marg.wx + d->dx;
    *out = ws;
    return MIMOD_OK;
}

/* ------------------------------------------------------------ the layers */

/* The activation's slope at z: 1 if z > 0, else `slope` (0 for ReLU), as
 * m + (1−m)·slope with m ∈ {0, 1}, which is exact. Written without a branch
 * or select, and with the quiet comparison isgreater(), because GCC will not
 * vectorise a loop with a (signalling) `z > 0` under the default
 * -ftrapping-math. A NaN gets factor `slope` and so still propagates. */
static inline real act_slope(real z, real slope) {
    real m = (real)isgreater(z, (real)0);
    return m + (1 - m) * slope;
}
static inline real act_fwd(real z, real slope) { return z * act_slope(z, slope); }
/* φ' read from the activation a = φ(z): a > 0 exactly when z > 0 (slope ≥ 0). */
static inline real act_grad(real a, real slope) { return act_slope(a, slope); }

/* Rows gathered through π are prefetched this many rows ahead. */
enum { PREFETCH_ROWS = 8 };

/* Ask the cache for every 64-byte line of a row of `len` reals. */
static inline void prefetch_row(const real *row, int len) {
    const char *b = (const char *)row, *e = (const char *)(row + len);
    for (; b < e; b += 64) __builtin_prefetch(b, 0, 0);
}

/* xy [c][dx+dy] = the marginal inputs (x_{i0+i}, y_π(i0+i)), i < c. π sends
 * each y read to a random row of an [n][·] matrix much larger than the cache,
 * so rows are requested a few ahead; without that the copy stalls on every
 * line. */
static void gather_marginal(real *xy, const real *x, int ldx, int dx, const real *y, int ldy,
                            int dy, const uint32_t *perm, size_t i0, int c) {
    const int dxy = dx + dy;
    for (int i = 0; i < c; i++) {
        if (i + PREFETCH_ROWS < c)
            prefetch_row(y + (size_t)perm[i0 + (size_t)i + PREFETCH_ROWS] * ldy, dy);
        real *row = xy + (size_t)i * dxy;
        memcpy(row, x + (i0 + (size_t)i) * ldx, (size_t)dx * sizeof(real));
        memcpy(row + dx, y + (size_t)perm[i0 + (size_t)i] * ldy, (size_t)dy * sizeof(real));
    }
}

/* One product of the statistics network: C [m][n] = A·B through fixed_gemm
 * (one fixed chain per element, src/fixed_gemm.c). A(r, kk) = a[r·a_rs +
 * kk·a_ks], B(kk, j) = b[kk·ldb + j]. */
static fixed_gemm_op product(int m, int n, int k, const real *a, int a_rs, int a_ks, const real *b,
                             int ldb, real *c, int ldc) {
    fixed_gemm_op op = {.m = m, .n = n, .k = k, .k1 = k, .a = a, .a_rs = a_rs, .a_ks = a_ks,
                        .b = b, .ldb = ldb, .c = c, .ldc = ldc, .init = FG_ZERO, .epi = FG_STORE};
    return op;
}

/* W1ᵀ = [Wx | Wy]ᵀ [dx+dy][H] and W2ᵀ [H][H]: the forward's B operands. */
static void pack_weights(mine_workspace *ws, const mine_params *p) {
    const mine_dims *d = &ws->d;
    const int H = d->hidden;
    fixed_gemm_pack_t(ws->w1t, H, p->wx, H, d->dx);
    fixed_gemm_pack_t(ws->w1t + (size_t)d->dx * H, H, p->wy, H, d->dy);
    fixed_gemm_pack_t(ws->w2t, H, p->w2, H, H);
}

/* Layer 1 for a chunk of c samples.
 * x_c [c][dx] (ld ldx), y_c [c][dy] (ld ldy), xy_perm [c][dx+dy] → h1 [2c][H]:
 *   h1[i]   = φ([x_i y_i] W1ᵀ + b1)        joint
 *   h1[c+i] = φ([x_i y_π(i)] W1ᵀ + b1)     marginal
 * each element one chain over x's terms, then y's, then + b1 and φ. The
 * chain over x's terms is the same for both halves: it is computed once and
 * stored in both (a chain's value is a float after every step, so continuing
 * it from memory gives the bits of one unbroken chain), then each half
 * continues over its y terms with bias and φ in the same kernel. Computing
 * y_π(i)·Wyᵀ here from the gathered rows, rather than looking rows up in a
 * Y Wyᵀ of all n samples, costs 2·n·dy·H more FLOP (< 6 % at SEP size, < 1 %
 * at WM) but keeps every operand in cache. */
static void layer1_forward(real *h1, const real *x_c, int ldx, const real *y_c, int ldy,
                           const real *xy_perm, int c, const mine_workspace *ws,
                           const mine_params *p, real slope) {
    const mine_dims *d = &ws->d;
    const int H = d->hidden, dxy = d->dx + d->dy;
    real *joint = h1, *marg = h1 + (size_t)c * H;
    const real *wyt = ws->w1t + (size_t)d->dx * H; /* Wyᵀ: W1ᵀ's rows dx … */
    fixed_gemm_op op = product(c, H, d->dx, x_c, ldx, 1, ws->w1t, H, joint, H);
    op.c2 = marg;
    fixed_gemm(&op);
    for (int half = 0; half < 2; half++) {
        op = half ? product(c, H, d->dy, xy_perm + d->dx, dxy, 1, wyt, H, marg, H)
                  : product(c, H, d->dy, y_c, ldy, 1, wyt, H, joint, H);
        op.init = FG_FROM_C;
        op.epi = FG_BIAS_ACT;
        op.bias = p->b1;
        op.slope = slope;
        fixed_gemm(&op);
    }
}

/* Layer 2: h1 [rows][H] → h2 [rows][H] = φ(h1 W2ᵀ + b2). */
static void layer2_forward(real *h2, const real *h1, int rows, const mine_workspace *ws,
                           const mine_params *p, real slope) {
    const int H = ws->d.hidden;
    fixed_gemm_op op = product(rows, H, H, h1, H, 1, ws->w2t, H, h2, H);
    op.epi = FG_BIAS_ACT;
    op.bias = p->b2;
    op.slope = slope;
    fixed_gemm(&op);
}

/* Output: h2 [rows][H] → t [rows] = h2 w3 + b3. */
static void output_forward(real *t, const real *h2, int rows, const mine_params *p, int H) {
    mm_gemv(0, rows, H, 1, h2, H, p->w3, 0, t);
    if (p->b3) {
        const real b3 = p->b3[0];
        for (int i = 0; i < rows; i++) t[i] += b3;
    }
}

/* Output backward for one half (joint or marginal) of the chunk:
 * dt [rows] upstream; accumulates dw3 += h2ᵀ dt, db3 += Σ dt into g (if
 * non-NULL); overwrites h2 with dz2 [rows][H] = dt_i · w3 ⊙ φ'(h2), and
 * accumulates db2 += Σ_rows dz2 in the same pass. */
MIMOD_SIMD_CLONES
static void output_layer2_backward(real *h2, const real *dt, int rows, const mine_params *p,
                                   mine_params *g, int H, real slope) {
    const real *restrict w3 = p->w3;
    if (!g) {
        for (int i = 0; i < rows; i++) {
            real *restrict r = h2 + (size_t)i * H;
            const real di = dt[i];
            for (int h = 0; h < H; h++) r[h] = di * w3[h] * act_grad(r[h], slope);
        }
        return;
    }
    mm_gemv(1, rows, H, 1, h2, H, dt, 1, g->w3);
    if (g->b3) {
        double s = 0.0;
        for (int i = 0; i < rows; i++) s += dt[i];
        g->b3[0] += (real)s;
    }
    real *restrict db2 = g->b2;
    for (int i = 0; i < rows; i++) {
        real *restrict r = h2 + (size_t)i * H;
        const real di = dt[i];
        for (int h = 0; h < H; h++) {
            real v = di * w3[h] * act_grad(r[h], slope);
            r[h] = v;
            db2[h] += v;
        }
    }
}

/* db += Σ_rows r (the bias gradient of a half's dpre [rows][H]), rows in order. */
MIMOD_SIMD_CLONES
static void bias_grad(real *db, const real *dpre, int rows, int H) {
    real *restrict acc = db;
    for (int i = 0; i < rows; i++) {
        const real *restrict r = dpre + (size_t)i * H;
        for (int h = 0; h < H; h++) acc[h] += r[h];
    }
}

/* dW += dᵀ·in over one half's rows: dW [H][n] (ld ldw) from d [rows][H] and
 * in [rows][n] (ld ld_in), each element's chain continuing from its sum. */
static void weight_grad(real *dw, int ldw, const real *dpre, int rows, int H, const real *in,
                        int ld_in, int n) {
    fixed_gemm_op op = product(H, n, rows, dpre, 1, H, in, ld_in, dw, ldw);
    op.init = FG_FROM_C;
    fixed_gemm(&op);
}

/* Multiply an accumulator (n reals) by f. */
static void acc_scale(real *acc, size_t n, real f) {
    for (size_t j = 0; j < n; j++) acc[j] *= f;
}

/* ------------------------------------------------------------- estimate */

int mine_estimate(const mine_params *p, const mine_dims *d, mine_workspace *ws, size_t n,
                  const real *x, int ldx, const real *y, int ldy, const uint32_t *perm,
                  double *mi, mine_params *grad, real scale, real *d_x, real *d_y,
                  mimod_err *err) {
    const mine_dims *wd = &ws->d;
    if (d->dx != wd->dx || d->dy != wd->dy || d->hidden != wd->hidden || d->act != wd->act ||
        d->out_bias != wd->out_bias || (d->act == MINE_LEAKY_RELU && d->leaky_slope != wd->leaky_slope))
        return mimod_errf(err, MIMOD_EINVAL, "mine_estimate: dims differ from the workspace's");
    if (n < 1 || n > ws->n_max)
        return mimod_errf(err, MIMOD_EINVAL, "mine_estimate: n = %zu outside [1, n_max = %zu]", n,
                          ws->n_max);
    if (!x || !y || !perm || ldx < d->dx || ldy < d->dy)
        return mimod_errf(err, MIMOD_EINVAL, "mine_estimate: missing input or bad stride "
                          "(ldx %d < dx %d or ldy %d < dy %d)", ldx, d->dx, ldy, d->dy);
    if (d->out_bias && (!p->b3 || (grad && !grad->b3)))
        return mimod_errf(err, MIMOD_EINVAL, "mine_estimate: out_bias set but b3 is NULL");
    for (size_t i = 0; i < n; i++)
        if (perm[i] >= n)
            return mimod_errf(err, MIMOD_EINVAL, "mine_estimate: perm[%zu] = %u >= n = %zu", i,
                              perm[i], n);

    const int H = d->hidden, c_max = ws->chunk, dxy = d->dx + d->dy;
    /* x and y are two column ranges of the same rows (the trial's case) */
    const int xy_adjacent = y == x + d->dx && ldy == ldx;
    const real slope = d->act == MINE_LEAKY_RELU ? (real)d->leaky_slope : (real)0;
    const int need_back = grad || d_x || d_y;
    mine_params *gj = grad ? &ws->acc_joint : NULL;
    mine_params *gm = grad ? &ws->acc_marg : NULL;
    if (grad) memset(ws->acc, 0, 2 * ws->layout.n_params * sizeof(real));
    pack_weights(ws, p);

    double sum_joint = 0.0;   /* Σ_i T(x_i, y_i)                 */
    double run_max = -INFINITY; /* M: running max of marginal T      */
    double sum_exp = 0.0;     /* S = Σ_marg e^{T − M}             */
    size_t chunk_idx = 0;
    for (size_t i0 = 0; i0 < n; i0 += (size_t)c_max, chunk_idx++) {
        const int c = (int)((n - i0) < (size_t)c_max ? (n - i0) : (size_t)c_max);
        const real *x_c = x + i0 * (size_t)ldx;
        const real *y_c = y + i0 * (size_t)ldy;
        real *h1 = ws->h1, *h2 = ws->h2, *dh1 = ws->dh1, *t = ws->t, *dt = ws->dt;
        const size_t half = (size_t)c * H; /* offset of the marginal rows */

        /* forward: [2c] rows, joint then marginal */
        gather_marginal(ws->xy_perm, x, ldx, d->dx, y, ldy, d->dy, perm, i0, c);
        layer1_forward(h1, x_c, ldx, y_c, ldy, ws->xy_perm, c, ws, p, slope);
        layer2_forward(h2, h1, 2 * c, ws, p, slope);
        output_forward(t, h2, 2 * c, p, H);

        /* online log-mean-exp over the marginal half */
        double cmax = -INFINITY;
        for (int i = 0; i < 2 * c; i++) {
            if (!isfinite(t[i]))
                return mimod_errf(err, MIMOD_EDIVERGED,
                                  "mine_estimate: T is not finite (%g) at sample %zu (%s pair)",
                                  (double)t[i], i0 + (size_t)(i % c), i < c ? "joint" : "marginal");
            if (i < c)
                sum_joint += t[i];
            else if (t[i] > cmax)
                cmax = t[i];
        }
        if (cmax > run_max) {
            if (sum_exp > 0.0) {
                double r = exp(run_max - cmax);
                sum_exp *= r;
                if (grad) acc_scale(ws->acc + ws->layout.n_params, ws->layout.n_params, (real)r);
            }
            run_max = cmax;
        }
        ws->chunk_max[chunk_idx] = run_max;
        double s = 0.0;
        for (int i = 0; i < c; i++) {
            real w = (real)exp((double)t[c + i] - run_max);
            dt[c + i] = w;
            s += w;
            dt[i] = 1;
        }
        sum_exp += s;
        if (!need_back) continue;

        /* backward: output and layer-2 activation, each half to its accumulator */
        output_layer2_backward(h2, dt, c, p, gj, H, slope);
        output_layer2_backward(h2 + half, dt + c, c, p, gm, H, slope);
        /* layer 2: dW2 += dz2ᵀ h1 (per half), dh1 = dz2 W2 (stacked) */
        if (grad) {
            weight_grad(gj->w2, H, h2, c, H, h1, H, H);
            weight_grad(gm->w2, H, h2 + half, c, H, h1 + half, H, H);
        }
        /* dpre1 = (dz2 W2) ⊙ φ'(h1), stacked; then db1 per half */
        fixed_gemm_op op = product(2 * c, H, H, h2, H, 1, p->w2, H, dh1, H);
        op.epi = FG_MUL_ACTGRAD;
        op.g = h1;
        op.ldg = H;
        op.slope = slope;
        fixed_gemm(&op);
        if (grad) {
            bias_grad(gj->b1, dh1, c, H);
            bias_grad(gm->b1, dh1 + half, c, H);
        }

        /* layer 1: dWx += dpre1ᵀ x, dWy += dpre1ᵀ y (marginal: the y_π rows) */
        if (grad) {
            if (xy_adjacent) {
                weight_grad(gj->wx, dxy, dh1, c, H, x_c, ldx, dxy);
            } else {
                weight_grad(gj->wx, dxy, dh1, c, H, x_c, ldx, d->dx);
                weight_grad(gj->wy, dxy, dh1, c, H, y_c, ldy, d->dy);
            }
            weight_grad(gm->wx, dxy, dh1 + half, c, H, ws->xy_perm, dxy, dxy);
        }
        /* inputs: joint part straight into d_x/d_y (+= scale/n · dpre1 W),
         * marginal part kept for rescaling */
        const real joint_scale = scale / (real)n;
        for (int which = 0; which < 2; which++) {
            real *dst = which ? d_y : d_x;
            if (!dst) continue;
            const int dn = which ? d->dy : d->dx;
            const real *w = which ? p->wy : p->wx;
            real *marg = which ? ws->dy_marg : ws->dx_marg;
            op = product(c, dn, H, dh1, H, 1, w, dn, dst + i0 * (size_t)dn, dn);
            op.epi = FG_AXPY;
            op.alpha = joint_scale;
            fixed_gemm(&op);
            op = product(c, dn, H, dh1 + half, H, 1, w, dn, marg + i0 * (size_t)dn, dn);
            fixed_gemm(&op);
        }
    }

    const double mean_joint = sum_joint / (double)n;
    const double log_mean_exp = run_max + log(sum_exp / (double)n);
    *mi = mean_joint - log_mean_exp;
    if (!isfinite(*mi))
        return mimod_errf(err, MIMOD_EDIVERGED, "mine_estimate: estimate is not finite (%g)", *mi);

    if (grad) {
        /* dÎ/dθ = (1/n)·Σ_joint − Σ_marg / S, scaled and accumulated into grad */
        const real fj = (real)((double)scale / (double)n);
        const real fm = (real)((double)scale / sum_exp);
        for (int h = 0; h < H; h++)
            for (int k = 0; k < dxy; k++) {
                size_t a = (size_t)h * dxy + k;
                real v = fj * gj->wx[a] - fm * gm->wx[a];
                if (k < d->dx)
                    grad->wx[(size_t)h * d->dx + k] += v;
                else
                    grad->wy[(size_t)h * d->dy + (k - d->dx)] += v;
            }
        real *gp[7], *jp[7], *mp[7];
        size_t len[7];
        int nt = mine_tensors(grad, d, gp, len);
        mine_tensors(gj, d, jp, len);
        mine_tensors(gm, d, mp, len);
        for (int k = 2; k < nt; k++) /* b1 onwards; wx, wy done above */
            for (size_t j = 0; j < len[k]; j++) gp[k][j] += fj * jp[k][j] - fm * mp[k][j];
    }
    if (d_x || d_y) {
        chunk_idx = 0;
        for (size_t i0 = 0; i0 < n; i0 += (size_t)c_max, chunk_idx++) {
            const size_t c = (n - i0) < (size_t)c_max ? (n - i0) : (size_t)c_max;
            const real f = (real)(-(double)scale * exp(ws->chunk_max[chunk_idx] - run_max) / sum_exp);
            if (d_x) {
                real *dst = d_x + i0 * (size_t)d->dx;
                const real *src = ws->dx_marg + i0 * (size_t)d->dx;
                for (size_t j = 0; j < c * (size_t)d->dx; j++) dst[j] += f * src[j];
            }
            if (d_y) {
                for (size_t i = 0; i < c; i++) {
                    real *dst = d_y + (size_t)perm[i0 + i] * d->dy;
                    const real *src = ws->dy_marg + (i0 + i) * (size_t)d->dy;
                    for (int j = 0; j < d->dy; j++) dst[j] += f * src[j];
                }
            }
        }
    }
    return MIMOD_OK;
}
