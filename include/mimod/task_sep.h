/* task_sep.h — the chaotic signal separation task (SPEC §3, src/task_sep.c):
 * its descriptor and its data generator. Output is time-major: x[t][b][k],
 * target[t][b][j]. */
#ifndef MIMOD_TASK_SEP_H
#define MIMOD_TASK_SEP_H

#include "mimod/common.h"
#include "mimod/rng.h"
#include "mimod/task.h"

extern const mimod_task mimod_task_sep;

/* ---- the data ----
 * Lorenz (σ 10, ρ 28, β 8/3) sampled at n_samples equally spaced times on
 * [0, lorenz_tmax]; Rössler (a 0.2, b 0.2, c 5.7) on [0, rossler_tmax];
 * initial conditions uniform in [0,1)³; each variable min–max scaled to [0,1]
 * over its n_samples samples; the first n_drop samples dropped. Input =
 * lorenz + rössler (3), target = (lorenz, rössler) (6). Integrated by fixed-step
 * RK4 with `substeps` steps per sample interval, in double. */
typedef struct {
    int n_samples;       /* 14000 */
    int n_drop;          /* 4000 -> L = 10000 */
    double lorenz_tmax;  /* 100 */
    double rossler_tmax; /* 700 */
    int substeps;        /* RK4 steps per sample interval */
} sep_task;

/* Raw (unscaled) trajectory of one system from ic, n samples at spacing dt_sample,
 * RK4 with `substeps` per interval: out [n][3], double. system: 0 Lorenz, 1 Rössler. */
void sep_integrate(int system, const double ic[3], int n, double dt_sample, int substeps, double *out);

/* B sequences, L = n_samples − n_drop steps: x [L][B][3], target [L][B][6].
 * Sequence b uses rng_split(rng, b). work: 6·n_samples doubles. */
void sep_generate(const sep_task *t, int B, const mimod_rng *rng, real *x, real *target, double *work);

#endif
