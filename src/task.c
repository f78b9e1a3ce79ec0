/* task.c — what follows from a task's descriptor for any task (task.h). */
#include "mimod/task.h"

#include <math.h>

#include "mimod/metrics.h"

int task_records(const mimod_task *t, int q) {
    if (q < 0 || q >= Q_COUNT) return 0;
    return ((SCHEMA_COMMON | (t ? t->quantities : 0u)) >> q) & 1u;
}

void task_dims_of(const mimod_config *c, task_dims *d) {
    const mimod_task *t = c->task;
    d->N = c->n_units;
    d->n_in = t->n_in(c);
    d->n_out = t->n_out(c);
    d->T_trans = t->transient(c);
    d->L = t->learned_len(c);
    d->T = d->T_trans + d->L;
    d->B = c->batch;
    d->B_eval = c->test_batch;
    d->B_max = d->B > d->B_eval ? d->B : d->B_eval;
}

void task_correlations_pooled(task_record *r) {
    const int N = r->d->N, K = r->d->n_out;
    const size_t n = (size_t)r->d->L * r->B;
    corr_matrix(r->states, n, N, N, r->corr_c);
    cross_corr(r->states, n, N, N, r->dcor_with, K, K, r->unit_out);
    for (size_t i = 0; i < (size_t)N * K; i++) r->unit_out[i] = fabs(r->unit_out[i]);
    abs_zero_diag(r->corr_c, N, r->corr_a);
}
