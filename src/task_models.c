/* task_models.c — the leaky-integrator RNN and the GRU as task models
 * (task_models.h): their state for one trial, their run over a batch of the
 * trial's buffers and back. The layers themselves are leaky_rnn.c and gru.c. */
#include "mimod/task_models.h"

#include <stdlib.h>

#include "mimod/gru.h"
#include "mimod/leaky_rnn.h"

/* ------------------------------------------------------------ leaky RNN */

/* A trial's leaky RNN: its dimensions and weight views, and buffers for
 * B_max sequences: ξ and r [T][B][N], and the backward's scratch. */
typedef struct {
    task_dims d;
    leaky_dims ld;
    leaky_params p;
    double noise_std, w_rec_scale;
    real *xi, *r, *scratch;
} leaky_state;

static leaky_dims leaky_dims_of(const mimod_config *c, const task_dims *d) {
    return (leaky_dims){c->n_units, d->n_in, d->n_out, c->alpha, c->noise_inside};
}

static void leaky_model_layout(const mimod_config *c, const task_dims *d, mimod_layout *l) {
    leaky_dims ld = leaky_dims_of(c, d);
    leaky_layout(&ld, c->out_l2_factor, l);
}

static void leaky_model_destroy(void *m) {
    leaky_state *s = m;
    if (!s) return;
    mimod_free(s->xi);
    mimod_free(s->r);
    mimod_free(s->scratch);
    free(s);
}

static void *leaky_model_create(const mimod_config *c, const task_dims *d) {
    leaky_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->d = *d;
    s->ld = leaky_dims_of(c, d);
    s->noise_std = c->noise_std;
    s->w_rec_scale = c->w_rec_scale;
    size_t TBN = (size_t)d->T * d->B_max * d->N;
    s->xi = mimod_calloc(TBN, sizeof(real));
    s->r = mimod_calloc(TBN, sizeof(real));
    s->scratch = mimod_calloc(leaky_scratch_size(&s->ld, d->B_max, d->L), sizeof(real));
    if (!s->xi || !s->r || !s->scratch) {
        leaky_model_destroy(s);
        return NULL;
    }
    return s;
}

static void leaky_model_bind(void *m, const mimod_layout *l, real *params) {
    leaky_bind(&((leaky_state *)m)->p, l, params);
}

static void leaky_model_init(void *m, mimod_rng *rng) {
    leaky_state *s = m;
    leaky_init(&s->p, &s->ld, s->w_rec_scale, rng);
}

/* ξ for every step, the transient without gradient, then the learned
 * segment from the transient's last state. */
static void leaky_model_forward(void *m, const task_batch *b, const mimod_rng *noise, int keep_grad) {
    (void)keep_grad; /* h and r are all the backward needs */
    leaky_state *s = m;
    const int B = b->B, N = s->d.N, T_trans = s->d.T_trans;
    mimod_rng rng = *noise;
    rng_fill_normal(&rng, s->xi, (size_t)s->d.T * B * N, 0.0, s->noise_std);
    const real *h_start = b->h0;
    if (T_trans > 0) {
        leaky_forward(&s->p, &s->ld, B, T_trans, b->x, b->h0, s->xi, b->h, s->r);
        h_start = b->h + (size_t)(T_trans - 1) * B * N;
    }
    size_t off = (size_t)T_trans * B;
    leaky_forward(&s->p, &s->ld, B, s->d.L, b->x + off * s->d.n_in, h_start, s->xi + off * N,
                  b->h + off * N, s->r + off * N);
}

/* The activity is the rate r = tanh(h). */
static const real *leaky_model_activity(const void *m, const task_batch *b) {
    const leaky_state *s = m;
    return s->r + (size_t)s->d.T_trans * b->B * s->d.N;
}

static void leaky_model_backward(void *m, const task_batch *b, const mimod_layout *l,
                                 const real *d_act, real *grad) {
    leaky_state *s = m;
    const int B = b->B, N = s->d.N;
    leaky_params g;
    leaky_bind(&g, l, grad);
    size_t off = (size_t)s->d.T_trans * B;
    const real *h_start = s->d.T_trans > 0 ? b->h + (off - B) * N : b->h0;
    leaky_backward(&s->p, &g, &s->ld, B, s->d.L, b->x + off * s->d.n_in, h_start, b->h + off * N,
                   s->r + off * N, d_act, s->scratch);
}

const task_model task_model_leaky = {
    .name = "leaky_rnn",
    .layout = leaky_model_layout,
    .create = leaky_model_create,
    .destroy = leaky_model_destroy,
    .bind = leaky_model_bind,
    .init = leaky_model_init,
    .forward = leaky_model_forward,
    .activity = leaky_model_activity,
    .backward = leaky_model_backward,
    .structural_tensor = "w_rec",
    .structural_block = 0,
    .structural_symbol = "W_rec",
    .input_tensor = "w_in",
};

/* ------------------------------------------------------------------ GRU */

/* A trial's GRU: its dimensions and weight views, the backward's cache for a
 * training batch and scratch for B_max sequences. */
typedef struct {
    task_dims d;
    gru_dims gd;
    gru_params p;
    real *cache, *scratch;
} gru_state;

static gru_dims gru_dims_of(const mimod_config *c, const task_dims *d) {
    return (gru_dims){c->n_units, d->n_in, d->n_out, c->gru_reset_after};
}

static void gru_model_layout(const mimod_config *c, const task_dims *d, mimod_layout *l) {
    gru_dims gd = gru_dims_of(c, d);
    gru_layout(&gd, c->out_l2_factor, l);
}

static void gru_model_destroy(void *m) {
    gru_state *s = m;
    if (!s) return;
    mimod_free(s->cache);
    mimod_free(s->scratch);
    free(s);
}

static void *gru_model_create(const mimod_config *c, const task_dims *d) {
    gru_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->d = *d;
    s->gd = gru_dims_of(c, d);
    s->cache = mimod_calloc(gru_cache_size(&s->gd, d->B, d->L), sizeof(real));
    s->scratch = mimod_calloc(gru_scratch_size(&s->gd, d->B_max), sizeof(real));
    if (!s->cache || !s->scratch) {
        gru_model_destroy(s);
        return NULL;
    }
    return s;
}

static void gru_model_bind(void *m, const mimod_layout *l, real *params) {
    gru_bind(&((gru_state *)m)->p, l, params);
}

static void gru_model_init(void *m, mimod_rng *rng) {
    gru_state *s = m;
    gru_init(&s->p, &s->gd, rng);
}

/* The state the learned segment starts from: h0, or the transient's last. */
static const real *gru_start(const gru_state *s, const task_batch *b) {
    return s->d.T_trans > 0 ? b->h + (size_t)(s->d.T_trans - 1) * b->B * s->d.N : b->h0;
}

/* The transient without gradient, then the learned segment from its last
 * state (SEP has no transient: one call from h0). */
static void gru_model_forward(void *m, const task_batch *b, const mimod_rng *noise, int keep_grad) {
    (void)noise; /* the GRU has no noise of its own */
    gru_state *s = m;
    const int B = b->B, N = s->d.N, T_trans = s->d.T_trans;
    if (T_trans > 0) gru_forward(&s->p, &s->gd, B, T_trans, b->x, b->h0, b->h, NULL, s->scratch);
    size_t off = (size_t)T_trans * B;
    gru_forward(&s->p, &s->gd, B, s->d.L, b->x + off * s->d.n_in, gru_start(s, b), b->h + off * N,
                keep_grad ? s->cache : NULL, s->scratch);
}

/* The activity is the state h. */
static const real *gru_model_activity(const void *m, const task_batch *b) {
    const gru_state *s = m;
    return b->h + (size_t)s->d.T_trans * b->B * s->d.N;
}

static void gru_model_backward(void *m, const task_batch *b, const mimod_layout *l,
                               const real *d_act, real *grad) {
    gru_state *s = m;
    const int B = b->B, N = s->d.N;
    gru_params g;
    gru_bind(&g, l, grad);
    size_t off = (size_t)s->d.T_trans * B;
    gru_backward(&s->p, &g, &s->gd, B, s->d.L, b->x + off * s->d.n_in, gru_start(s, b),
                 b->h + off * N, s->cache, d_act, s->scratch);
}

const task_model task_model_gru = {
    .name = "gru",
    .layout = gru_model_layout,
    .create = gru_model_create,
    .destroy = gru_model_destroy,
    .bind = gru_model_bind,
    .init = gru_model_init,
    .forward = gru_model_forward,
    .activity = gru_model_activity,
    .backward = gru_model_backward,
    .structural_tensor = "u",
    .structural_block = 2,
    .structural_symbol = "U_h",
    .structural_note = "candidate-state recurrent weights",
    .input_tensor = "w_x",
};
