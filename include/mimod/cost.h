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

#endif
