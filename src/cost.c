/* cost.c — the FLOP model of cost.h (SPEC §8). */
#include "mimod/cost.h"

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
