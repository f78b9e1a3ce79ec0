/* cost.h — the cost model of a trial (SPEC §8): floating-point operations
 * counted from the configuration. One model for the sweep's ordering and ETA,
 * mimod-sweep --dry-run and mimod-bench's GFLOP/s. */
#ifndef MIMOD_COST_H
#define MIMOD_COST_H

#include "mimod/config.h"

/* One SM update (T forward + backward on the n = B·L samples of a batch) of
 * every statistics network: n_nets · (12·n·H² + 6·n·d·H), with n_nets and each
 * network's input width d from n_groups K and mi_pairing (docs/mine.md):
 * pairs K(K−1)/2 networks of d = 2N/K, one_vs_rest K networks of d = N.
 * K = 2 pairs: one network, d = N (SPEC §8). */
double cost_sm_update_flops(const mimod_config *c);

/* The MM forward pass that makes one batch (the task's cost term: its
 * model over every step of a sequence, transient included). */
double cost_mm_forward_flops(const mimod_config *c);

/* A whole trial: every SM step (update + forward) and every MM step (~3
 * passes of the MM plus the MI term). */
double cost_trial_flops(const mimod_config *c);

/* ---- The parts of a step, product by product (issue 28: each part against
 * its arithmetic bound, mimod-bench). Counted from the products the code
 * calls (mm_gemm, mm_gemv, the GRU step kernel) at the shapes it calls them
 * with, 2 FLOP per multiply-add; nothing element-wise (activations, gates,
 * noise, gathers, log-mean-exp, losses, Adam) is counted: that work is what
 * a part's time beyond its bound is made of. */

/* One kind of product in a part: its FLOP over the whole part, and the shape
 * of one call, C[m][n] = op(A)[m][k]·op(B)[k][n] — what mimod-bench measures
 * the SGEMM rate at. */
typedef struct {
    const char *what; /* e.g. "MINE layer 2 h1·W2ᵀ" */
    double flops;
    int m, n, k;
} cost_term;

enum { COST_MAX_TERMS = 24 };
typedef struct {
    int n;
    cost_term t[COST_MAX_TERMS];
} cost_terms;

/* The data pass of an SM step (trial_sm_make_data): the batch through the
 * main model, without the backward's cache. Equals cost_mm_forward_flops for
 * the two models (the task's own term), here derived from the calls. The
 * total; its terms into *terms if not NULL. NaN (no terms) for a main model
 * the cost model does not know. */
double cost_sm_data_flops(const mimod_config *c, cost_terms *terms);

/* The SM update (trial_sm_update) as executed: every statistics network's
 * forward and parameter backward on the n = B·L samples. More than
 * cost_sm_update_flops's model by the marginal half's own y_π·Wyᵀ
 * (2·n·dy·H per network, mine.c's layer1_forward says why) and the output
 * layer's GEMVs (8·n·H). */
double cost_sm_update_gemm_flops(const mimod_config *c, cost_terms *terms);

/* An MM step (trial_do_mm_step): the batch forward with the cache, readout,
 * the frozen statistics networks' forward and (λ_I > 0) input gradient, the
 * readout's and the model's backward. NaN as cost_sm_data_flops. */
double cost_mm_step_flops(const mimod_config *c, cost_terms *terms);

#endif
