/* optim.c — RMSprop and Adam with Keras/TF2 semantics over a flat parameter
 * buffer (see optim.h for the exact update rules).
 *
 * Keras/TF2 details reproduced here, because the paper's code ran on them:
 *  - RMSprop (tf.keras optimizer_v2, momentum 0, not centered) keeps a slot
 *    "rms" created by add_slot(), whose default initializer is zeros; so v
 *    starts at 0 (unlike TF1's tf.train.RMSPropOptimizer, which started its
 *    mean square at 1). ε is added outside the square root.
 *  - Adam folds the bias correction into the learning rate and does not
 *    correct ε ("epsilon hat" of Kingma & Ba).
 *  - clipnorm clips each gradient tensor separately (tf.clip_by_norm);
 *    clipvalue clamps each element; clipnorm is applied first. */
#include "mimod/optim.h"

#include <math.h>

#ifdef MIMOD_DOUBLE
#define sqrtr sqrt
#else
#define sqrtr sqrtf
#endif

int optim_init(optimizer *o, const opt_settings *s, size_t n_params, mimod_err *err) {
    o->s = *s;
    o->n = n_params;
    o->m = NULL;
    o->v = NULL;
    o->step = 0;
    if (s->kind != OPT_RMSPROP && s->kind != OPT_ADAM)
        return mimod_errf(err, MIMOD_EINVAL, "optim_init: unknown optimiser kind %d", (int)s->kind);
    if (!(s->lr > 0.0) || !(s->eps >= 0.0) || s->clipnorm < 0.0 || s->clipvalue < 0.0)
        return mimod_errf(err, MIMOD_EINVAL,
                          "optim_init: bad settings (lr %g, eps %g, clipnorm %g, clipvalue %g)",
                          s->lr, s->eps, s->clipnorm, s->clipvalue);
    if (s->kind == OPT_RMSPROP && !(s->rho >= 0.0 && s->rho < 1.0))
        return mimod_errf(err, MIMOD_EINVAL, "optim_init: RMSprop rho %g not in [0,1)", s->rho);
    if (s->kind == OPT_ADAM && !(s->beta1 >= 0.0 && s->beta1 < 1.0 && s->beta2 >= 0.0 && s->beta2 < 1.0))
        return mimod_errf(err, MIMOD_EINVAL, "optim_init: Adam betas (%g, %g) not in [0,1)",
                          s->beta1, s->beta2);
    o->v = mimod_calloc(n_params, sizeof(real));
    if (s->kind == OPT_ADAM) o->m = mimod_calloc(n_params, sizeof(real));
    if (!o->v || (s->kind == OPT_ADAM && !o->m)) {
        optim_free(o);
        return mimod_errf(err, MIMOD_ENOMEM, "optim_init: cannot allocate moments for %zu parameters",
                          n_params);
    }
    return MIMOD_OK;
}

void optim_free(optimizer *o) {
    if (!o) return;
    mimod_free(o->m);
    mimod_free(o->v);
    o->m = o->v = NULL;
}

/* g[0..n) ← g · clipnorm / max(‖g‖₂, clipnorm); the norm is summed in double
 * so a large float tensor does not lose precision. */
static void clip_tensor_norm(real *g, size_t n, double clipnorm) {
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) ss += (double)g[i] * (double)g[i];
    double norm = sqrt(ss);
    if (norm <= clipnorm) return;
    real f = (real)(clipnorm / norm);
    for (size_t i = 0; i < n; i++) g[i] *= f;
}

void optim_clip(const opt_settings *s, const mimod_layout *l, real *grads) {
    if (s->clipnorm > 0.0) {
        for (int t = 0; t < l->n_tensors; t++)
            clip_tensor_norm(grads + l->t[t].offset, tensor_size(&l->t[t]), s->clipnorm);
    }
    if (s->clipvalue > 0.0) {
        real c = (real)s->clipvalue;
        for (size_t i = 0; i < l->n_params; i++) {
            real g = grads[i];
            grads[i] = g > c ? c : (g < -c ? -c : g);
        }
    }
}

/* v ← ρ v + (1−ρ) g²;  p ← p − lr · g / (√v + ε) */
static void rmsprop_update(const opt_settings *s, size_t n, real *p, const real *g, real *v) {
    const real rho = (real)s->rho, one_m_rho = (real)(1.0 - s->rho);
    const real lr = (real)s->lr, eps = (real)s->eps;
    for (size_t i = 0; i < n; i++) {
        real vi = rho * v[i] + one_m_rho * g[i] * g[i];
        v[i] = vi;
        p[i] -= lr * g[i] / (sqrtr(vi) + eps);
    }
}

/* m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  p ← p − lr_t · m / (√v + ε),
 * lr_t = lr·√(1−β2^t)/(1−β1^t) computed in double. */
static void adam_update(const opt_settings *s, int64_t t, size_t n, real *p, const real *g,
                        real *m, real *v) {
    const real b1 = (real)s->beta1, b2 = (real)s->beta2;
    const real one_m_b1 = (real)(1.0 - s->beta1), one_m_b2 = (real)(1.0 - s->beta2);
    const double td = (double)t;
    const real lr_t = (real)(s->lr * sqrt(1.0 - pow(s->beta2, td)) / (1.0 - pow(s->beta1, td)));
    const real eps = (real)s->eps;
    for (size_t i = 0; i < n; i++) {
        real mi = b1 * m[i] + one_m_b1 * g[i];
        real vi = b2 * v[i] + one_m_b2 * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr_t * mi / (sqrtr(vi) + eps);
    }
}

void optim_step(optimizer *o, const mimod_layout *l, real *params, real *grads) {
    optim_clip(&o->s, l, grads);
    o->step++;
    if (o->s.kind == OPT_RMSPROP)
        rmsprop_update(&o->s, o->n, params, grads, o->v);
    else
        adam_update(&o->s, o->step, o->n, params, grads, o->m, o->v);
}
