/* cost.c — the FLOP model of cost.h (SPEC §8). */
#include "mimod/cost.h"

#include <math.h>

#include "mimod/gru.h"
#include "mimod/mine.h"
#include "mimod/task_models.h"

double cost_sm_update_flops(const mimod_config *c) {
    /* each network's input: two groups (pairs) or all N units (one_vs_rest);
     * K = 2 pairs: one network on all N units */
    int K = c->n_groups;
    double n = (double)c->batch * config_learned_len(c), H = c->sm_hidden;
    double d = c->mi_pairing == MI_ONE_VS_REST ? (double)c->n_units : 2.0 * (c->n_units / K);
    return (double)config_n_mi_nets(c) * (12.0 * n * H * H + 6.0 * n * d * H);
}

double cost_mm_forward_flops(const mimod_config *c) { return c->task->mm_forward_flops(c); }

double cost_trial_flops(const mimod_config *c) {
    double mine = cost_sm_update_flops(c), mm_fwd = cost_mm_forward_flops(c);
    double sm_step = mine + mm_fwd;
    double mm_step = 3.0 * mm_fwd + mine;
    double n_sm = (double)c->n_sm_pre + (double)c->n_mm_steps * c->n_sm_per_mm;
    return n_sm * sm_step + (double)c->n_mm_steps * mm_step;
}

/* ------------------------------------------------ the parts, product by product
 *
 * Every count below is read off the calls in the source named, with the
 * sizes of task_dims_of: N units, n_in inputs, n_out outputs, B sequences,
 * T_trans transient and L learned steps (T = T_trans + L), n = L·B samples
 * handed to MINE, H the statistics network's hidden width. A product
 * C[m][n] = A[m][k]·B[k][n] is m·n·k multiply-adds, 2·m·n·k FLOP. */

static void term(cost_terms *ts, const char *what, double flops, double m, double n, double k) {
    if (ts->n >= COST_MAX_TERMS) return; /* cannot happen: a part has at most 18 */
    ts->t[ts->n++] = (cost_term){what, flops, (int)m, (int)n, (int)k};
}

static double total(const cost_terms *ts) {
    double s = 0;
    for (int i = 0; i < ts->n; i++) s += ts->t[i].flops;
    return s;
}

static double finish(const cost_terms *ts, cost_terms *out) {
    if (out) *out = *ts;
    return total(ts);
}

/* The main model's forward over a batch of B sequences (task_models.c runs
 * the transient, then the learned segment; keep_cache: the MM step's run,
 * which keeps the GRU's gates for the backward). */
static int forward_terms(const mimod_config *c, const task_dims *d, int keep_cache, cost_terms *ts) {
    const double N = d->N, I = d->n_in, B = d->B, T = (double)d->T_trans + d->L;
    if (c->task->model == &task_model_gru && !c->gru_reset_after) {
        /* gru.c forward_reset_before, per step: gru_step_product(B, n_in, N,
         * 2N) — out[B][2N] = x_t[B][n_in]·W_zrᵀ + h_{t-1}[B][N]·U_zrᵀ, one
         * chain of n_in + N multiply-adds per element — then the same with N
         * columns for h̃ from r ⊙ h_{t-1}. The kernel runs on columns padded
         * to 16 (2N = 200 → 208, N = 100 → 112 in SEP): 6.7 % more
         * multiply-adds than counted here, on zeros. */
        term(ts, "GRU step z|r x·W_zrᵀ+h·U_zrᵀ (step kernel)", 2 * T * B * 2 * N * (I + N), B,
             2 * N, I + N);
        term(ts, "GRU step h̃ x·W_hᵀ+(r⊙h)·U_hᵀ (step kernel)", 2 * T * B * N * (I + N), B, N,
             I + N);
        return 0;
    }
    if (c->task->model == &task_model_gru) {
        /* gru.c gru_forward, reset after: x_t·W_xᵀ [B][3N]×n_in per step (one
         * [L·B][3N]×n_in GEMM for the learned segment when it keeps the
         * cache), and h_{t-1}·Uᵀ [B][3N]×N per step */
        term(ts, "GRU input x·W_xᵀ", 2 * T * B * 3 * N * I, keep_cache ? d->L * B : B, 3 * N, I);
        term(ts, "GRU recurrent h·Uᵀ", 2 * T * B * 3 * N * N, B, 3 * N, N);
        return 0;
    }
    if (c->task->model == &task_model_leaky) {
        /* leaky_rnn.c leaky_forward, per call (transient, then learned
         * segment): x·W_inᵀ for all its steps in one GEMM [steps·B][N]×n_in,
         * then per step r_{t-1}·W_recᵀ [B][N]×N */
        const int longer = d->L > d->T_trans ? d->L : d->T_trans;
        term(ts, "RNN input x·W_inᵀ (all steps)", 2 * T * B * N * I, (double)longer * B, N, I);
        term(ts, "RNN recurrent r·W_recᵀ", 2 * T * B * N * N, B, N, N);
        return 0;
    }
    return -1;
}

/* The statistics networks on the n samples of a batch (mine.c
 * mine_estimate), per network with inputs of dx and dy units, chunks of ch
 * samples, 2ch rows (joint, then marginal) per layer:
 *   forward  layer 1: x·Wxᵀ [ch][H]×dx once for both halves, then y·Wyᵀ and
 *            the gathered y_π·Wyᵀ [ch][H]×dy each, continuing its chains
 *            (fixed_gemm, bias and φ in the kernel); layer 2: [2ch][H]×H;
 *            output h2·w3: a GEMV, [2ch]×H;
 *   backward (param_grad or input_grad) dpre1 = (dz2·W2) ⊙ φ′ [2ch][H]×H;
 *   param_grad: dw3 += h2ᵀ·dt (GEMV, H×ch per half), dW2 += dz2ᵀ·h1 [H][H]×ch
 *            per half, dW1 = [dWx | dWy] += dpre1ᵀ·[x y] [H][dx+dy]×ch per half;
 *   input_grad: d_x = dpre1·Wx [ch][dx]×H and d_y = dpre1·Wy [ch][dy]×H per half.
 * Every chunk does the same per row, so the totals are these with ch → n. */
static void mine_terms(const mimod_config *c, const task_dims *d, int param_grad, int input_grad,
                       cost_terms *ts) {
    const int K = c->n_groups, g = d->N / K;
    const double nets = config_n_mi_nets(c), n = (double)d->L * d->B, H = c->sm_hidden;
    const double dx = g, dy = c->mi_pairing == MI_ONE_VS_REST ? d->N - g : g;
    /* the trial's workspace holds L·max(B, B_eval) samples (trial_create) */
    const size_t n_max = (size_t)d->L * (size_t)(d->B > d->B_eval ? d->B : d->B_eval);
    double ch = mine_chunk_rows(c->sm_hidden, n_max, c->sm_chunk);
    if (ch > n) ch = n;
    term(ts, "MINE layer 1 x·Wxᵀ", nets * 2 * n * H * dx, ch, H, dx);
    term(ts, "MINE layer 1 y·Wyᵀ, y_π·Wyᵀ (+b1, φ)", nets * 2 * 2 * n * H * dy, ch, H, dy);
    term(ts, "MINE layer 2 h1·W2ᵀ", nets * 2 * 2 * n * H * H, 2 * ch, H, H);
    term(ts, "MINE output h2·w3 (GEMV)", nets * 2 * 2 * n * H, 2 * ch, 1, H);
    if (param_grad || input_grad)
        term(ts, "MINE dpre1 = dz2·W2 ⊙ φ′", nets * 2 * 2 * n * H * H, 2 * ch, H, H);
    if (param_grad) {
        term(ts, "MINE dw3 += h2ᵀ·dt (GEMV)", nets * 2 * 2 * n * H, H, 1, ch);
        term(ts, "MINE dW2 += dz2ᵀ·h1", nets * 2 * 2 * n * H * H, H, H, ch);
        term(ts, "MINE dW1 += dpre1ᵀ·[x y]", nets * 2 * 2 * n * H * (dx + dy), H, dx + dy, ch);
    }
    if (input_grad) {
        term(ts, "MINE d_x = dpre1·Wx", nets * 2 * 2 * n * dx * H, ch, dx, H);
        term(ts, "MINE d_y = dpre1·Wy", nets * 2 * 2 * n * dy * H, ch, dy, H);
    }
}

/* The main model's backward through the L learned steps (BPTT). */
static int backward_terms(const mimod_config *c, const task_dims *d, cost_terms *ts) {
    const double N = d->N, I = d->n_in, B = d->B, L = d->L;
    if (c->task->model == &task_model_gru) {
        /* gru.c gru_backward, per step: reset before ds = da_h̃·U_h
         * [B][N]×N; reset after U_h·h_{t-1} recomputed and dh_{t-1} +=
         * dv·U_h, [B][N]×N each; both dh_{t-1} += [da_z da_r]·U_zr
         * [B][N]×2N. Per block of GRU_GRAD_CHUNK steps (gru_flush_chunk),
         * rows = chunk·B: dW_x += daᵀ·x [3N][n_in]×rows, dU_zr += da_zrᵀ·h
         * [2N][N]×rows, dU_h += ·ᵀ·(r ⊙ h or h) [N][N]×rows — over all blocks
         * L·B rows each (the first step's h_{t-1} = h0 in a call of its own). */
        const double rows = (double)(d->L < GRU_GRAD_CHUNK ? d->L : GRU_GRAD_CHUNK) * B;
        if (!c->gru_reset_after) {
            term(ts, "GRU BPTT ds = da_h̃·U_h", 2 * L * B * N * N, B, N, N);
        } else {
            term(ts, "GRU BPTT U_h·h (recomputed)", 2 * L * B * N * N, B, N, N);
            term(ts, "GRU BPTT dh += dv·U_h", 2 * L * B * N * N, B, N, N);
        }
        term(ts, "GRU BPTT dh += da_zr·U_zr", 2 * L * B * N * 2 * N, B, N, 2 * N);
        term(ts, "GRU dW_x += daᵀ·x", 2 * L * B * 3 * N * I, 3 * N, I, rows);
        term(ts, "GRU dU_zr += da_zrᵀ·h", 2 * L * B * 2 * N * N, 2 * N, N, rows);
        term(ts, "GRU dU_h += da_h̃ᵀ·(r⊙h)", 2 * L * B * N * N, N, N, rows);
        return 0;
    }
    if (c->task->model == &task_model_leaky) {
        /* leaky_rnn.c leaky_backward: per step but the last dr_t += dpre_{t+1}·W_rec
         * [B][N]×N; then dW_in += dpreᵀ·x [N][n_in]×L·B and dW_rec +=
         * dpreᵀ·r_{t-1} [N][N]×(L−1)·B plus [N][N]×B for r_{-1} */
        term(ts, "RNN BPTT dr += dpre·W_rec", 2 * (L - 1) * B * N * N, B, N, N);
        term(ts, "RNN dW_in += dpreᵀ·x", 2 * L * B * N * I, N, I, L * B);
        term(ts, "RNN dW_rec += dpreᵀ·r", 2 * L * B * N * N, N, N, (L > 1 ? L - 1 : 1) * B);
        return 0;
    }
    return -1;
}

double cost_sm_data_flops(const mimod_config *c, cost_terms *terms) {
    /* trial.c sm_data: trial_make_batch (the task's generator, then the
     * model's forward without cache), then mine_inputs_into (noise,
     * permutation): products only in the forward */
    task_dims d;
    task_dims_of(c, &d);
    cost_terms ts = {0};
    if (forward_terms(c, &d, 0, &ts)) {
        if (terms) terms->n = 0;
        return NAN;
    }
    return finish(&ts, terms);
}

double cost_sm_update_gemm_flops(const mimod_config *c, cost_terms *terms) {
    /* trial.c trial_sm_update: every network's mine_estimate with the
     * parameter gradient, no input gradient; then optim_step (element-wise) */
    task_dims d;
    task_dims_of(c, &d);
    cost_terms ts = {0};
    mine_terms(c, &d, 1, 0, &ts);
    return finish(&ts, terms);
}

double cost_mm_step_flops(const mimod_config *c, cost_terms *terms) {
    /* trial.c trial_mm_loss with a gradient, then optim_step (element-wise):
     * the forward with the cache; readout_forward y = a·W_outᵀ [n][n_out]×N;
     * the task loss, L2 penalty and MINE inputs (element-wise); the frozen
     * networks, with the input gradient only when λ_I > 0 (want_dx);
     * readout_backward dW_out += d_yᵀ·a [n_out][N]×n and d_a += d_y·W_out
     * [n][N]×n_out; the model's backward. readout.c splits n into blocks of
     * 2^24 rows, never reached at the presets' n. */
    task_dims d;
    task_dims_of(c, &d);
    cost_terms ts = {0};
    const double n = (double)d.L * d.B, N = d.N, O = d.n_out;
    const double rows = n < (1 << 24) ? n : (1 << 24);
    if (forward_terms(c, &d, 1, &ts)) {
        if (terms) terms->n = 0;
        return NAN;
    }
    term(&ts, "readout y = a·W_outᵀ", 2 * n * O * N, rows, O, N);
    mine_terms(c, &d, 0, c->lambda_I > 0.0, &ts);
    term(&ts, "readout dW_out += d_yᵀ·a", 2 * n * O * N, O, N, rows);
    term(&ts, "readout d_a += d_y·W_out", 2 * n * N * O, rows, N, O);
    backward_terms(c, &d, &ts);
    return finish(&ts, terms);
}
