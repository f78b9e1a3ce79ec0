/* task_copy.c — a third task in one file, to show what a task is (issue 24;
 * docs/design.md, "Adding a task"): delayed copy. Two input channels carry
 * a random sign each step; output j must give channel j's sign COPY_DELAY
 * steps earlier (0 before that). The leaky RNN of task_models.h learns it;
 * every quantity every task records, plus the sign accuracy.
 *
 * tests/meson.build builds mimod-train, mimod-sweep and mimod-summary with
 * this file: each program's own main is renamed (-Dmain=PROGRAM_MAIN) and
 * the main below registers the task — one line — before calling it.
 * tests/test_third_task.sh runs the three. */
#include <stdio.h>

#include "mimod/metrics.h"
#include "mimod/task_models.h"
#include "mimod/tasks.h"

#define COPY_DELAY 5

/* Every key the key table leaves to the tasks (config_keys.c), at test size. */
static const task_setting tiny[] = {
    {"n_units", "8"},        {"batch", "4"},          {"transient", "10"},
    {"seq_len", "40"},       {"loss_skip", "5"},      {"test_batch", "4"},
    {"n_mm_steps", "6"},     {"n_sm_per_mm", "2"},    {"n_sm_pre", "5"},
    {"lambda_I", "0.1"},     {"lambda_reg", "0.01"},  {"mm_optimizer", "rmsprop"},
    {"mm_lr", "0.002"},      {"mm_clipnorm", "4"},    {"sm_hidden", "16"},
    {"sm_activation", "relu"}, {"sm_out_bias", "true"}, {"sm_noise_std", "0.1"},
    {"sm_optimizer", "rmsprop"}, {"sm_lr", "0.003"},  {"sm_clipnorm", "4"},
    {"sm_clipvalue", "0"},   {"record_every", "3"},   {NULL, NULL},
};
static const task_preset presets[] = {{"tiny", NULL, tiny}, {NULL, NULL, NULL}};

static int copy_n_io(const mimod_config *c) { (void)c; return 2; }
static int copy_transient(const mimod_config *c) { return c->transient; }
static int copy_learned_len(const mimod_config *c) { return c->seq_len; }
static int copy_n_targets(int n_out) { return n_out; }
static void copy_name(int n_out, int k, char *buf, size_t n) {
    (void)n_out;
    snprintf(buf, n, "channel %d", k + 1);
}

static int copy_validate(const mimod_config *c, mimod_err *err) {
    if (c->seq_len <= c->loss_skip)
        return mimod_errf(err, MIMOD_EINVAL, "keys 'seq_len', 'loss_skip': seq_len (%d) must be "
                          "greater than loss_skip (%d)", c->seq_len, c->loss_skip);
    return MIMOD_OK;
}

/* x [T][B][2] random signs; target [T][B][2] the signs COPY_DELAY steps back. */
static void copy_generate(const mimod_config *c, void *work, const task_batch *b,
                          const mimod_rng *rng) {
    (void)work;
    const int T = copy_transient(c) + copy_learned_len(c), B = b->B;
    for (int s = 0; s < B; s++) {
        mimod_rng child;
        rng_split(&child, rng, (uint64_t)s);
        for (int t = 0; t < T; t++)
            for (int j = 0; j < 2; j++) {
                b->x[((size_t)t * B + s) * 2 + j] = rng_uniform(&child) < 0.5 ? (real)-1 : (real)1;
                b->target[((size_t)t * B + s) * 2 + j] =
                    t < COPY_DELAY ? (real)0 : b->x[((size_t)(t - COPY_DELAY) * B + s) * 2 + j];
            }
    }
}

/* Sign accuracy and the correlations, pooled over (batch × step) samples. */
static void copy_record(task_record *r) {
    const int K = r->d->n_out;
    const size_t n = (size_t)r->d->L * r->B;
    r->tc[TC_ACCURACY] = sign_accuracy(r->y, r->target, n * K);
    task_correlations_pooled(r);
}

static double copy_mm_forward_flops(const mimod_config *c) {
    double N = c->n_units;
    return 2.0 * c->batch * N * (N + 2) * (copy_transient(c) + copy_learned_len(c));
}

const mimod_task mimod_task_copy = {
    .name = "copy",
    .title = "delayed copy (test)",
    .presets = presets,
    .n_in = copy_n_io,
    .n_out = copy_n_io,
    .transient = copy_transient,
    .learned_len = copy_learned_len,
    .n_targets = copy_n_targets,
    .output_name = copy_name,
    .target_name = copy_name,
    .validate = copy_validate,
    .quantities = SCHEMA_BIT(TC_ACCURACY),
    .success_quantity = TC_ACCURACY,
    .model = &task_model_leaky,
    .random_h0 = 1,
    .generate = copy_generate,
    .record = copy_record,
    .mm_forward_flops = copy_mm_forward_flops,
    .speedup2 = 1,
};

#ifdef PROGRAM_MAIN
int PROGRAM_MAIN(int argc, char **argv);
#undef main
int main(int argc, char **argv) {
    mimod_err err = {0};
    if (mimod_task_register(&mimod_task_copy, &err) != MIMOD_OK) { /* the one line */
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    return PROGRAM_MAIN(argc, argv);
}
#endif
