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
 * K chaotic sources (sep_sources; the paper's task is K = 2):
 *   Lorenz (σ 10, ρ 28, β 8/3) sampled at n_samples equally spaced times on [0, lorenz_tmax];
 *   Rössler (a 0.2, b 0.2, c 5.7) on [0, rossler_tmax];
 *   Chen (a 35, b 3, c 28), K = 3 only, on [0, chen_tmax];
 * initial conditions uniform in [0,1)³; each variable min–max scaled to [0,1]
 * over its n_samples samples; the first n_drop samples dropped. Input = the
 * sum of the sources (3), target = each source (3K: Lorenz x,y,z, Rössler
 * x,y,z, Chen x,y,z). Integrated by fixed-step RK4 with `substeps` steps per
 * sample interval, in double. */
#define SEP_MAX_SOURCES 3 /* the key sep_sources' range (config_keys.c) */
enum { SEP_LORENZ = 0, SEP_ROSSLER = 1, SEP_CHEN = 2 }; /* source order */
typedef struct {
    int n_samples;       /* 14000 */
    int n_drop;          /* 4000 -> L = 10000 */
    double lorenz_tmax;  /* 100 */
    double rossler_tmax; /* 700 */
    double chen_tmax;    /* 50: chen_time_scale · lorenz_tmax */
    int substeps;        /* RK4 steps per sample interval */
    int sources;         /* K, 2..SEP_MAX_SOURCES */
} sep_task;

/* The data settings of a configuration. */
sep_task sep_task_of(const mimod_config *c);

/* Raw (unscaled) trajectory of one system from ic, n samples at spacing dt_sample,
 * RK4 with `substeps` per interval: out [n][3], double. system: SEP_LORENZ,
 * SEP_ROSSLER or SEP_CHEN. */
void sep_integrate(int system, const double ic[3], int n, double dt_sample, int substeps, double *out);

/* B sequences, L = n_samples − n_drop steps: x [L][B][3], target [L][B][3K].
 * Sequence b uses rng_split(rng, b). work: 3K·n_samples doubles. */
void sep_generate(const sep_task *t, int B, const mimod_rng *rng, real *x, real *target, double *work);

#endif
