/* optim.h — RMSprop and Adam (Keras/TF2 semantics) over a flat parameter buffer,
 * with optional per-tensor L2-norm clipping and element-wise value clipping.
 *
 * Both minimise: params -= step. To maximise an objective, pass its negated
 * gradient. Clipping is applied to grads in place, before the update:
 *   clipnorm > 0:  each tensor g ← g · clipnorm / max(‖g‖₂, clipnorm)
 *   clipvalue > 0: each element g ← clamp(g, −clipvalue, clipvalue)
 * RMSprop: v ← ρ v + (1−ρ) g²;  p ← p − lr · g / (√v + ε)
 * Adam:    t ← t+1; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
 *          p ← p − lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε)      (TF2 Keras form) */
#ifndef MIMOD_OPTIM_H
#define MIMOD_OPTIM_H

#include "mimod/common.h"
#include "mimod/params.h"

typedef enum { OPT_RMSPROP = 0, OPT_ADAM = 1 } opt_kind;

typedef struct {
    opt_kind kind;
    double lr;
    double rho;          /* RMSprop */
    double beta1, beta2; /* Adam */
    double eps;
    double clipnorm;     /* 0 = off */
    double clipvalue;    /* 0 = off */
} opt_settings;

typedef struct {
    opt_settings s;
    size_t n;
    real *m;      /* Adam first moment (NULL for RMSprop) */
    real *v;      /* second moment / mean square */
    int64_t step; /* updates done */
} optimizer;

int optim_init(optimizer *o, const opt_settings *s, size_t n_params, mimod_err *err);
void optim_free(optimizer *o);
void optim_clip(const opt_settings *s, const mimod_layout *l, real *grads);
/* Clips grads in place (per settings) then updates params. */
void optim_step(optimizer *o, const mimod_layout *l, real *params, real *grads);

#endif
