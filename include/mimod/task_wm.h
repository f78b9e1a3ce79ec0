/* task_wm.h — the K-bit working-memory task (SPEC §2 with K = 2; wm_bits,
 * issue 27; src/task_wm.c): its descriptor and its data generator. Output is
 * time-major: x[t][b][k], target[t][b][j]. */
#ifndef MIMOD_TASK_WM_H
#define MIMOD_TASK_WM_H

#include "mimod/common.h"
#include "mimod/rng.h"
#include "mimod/task.h"

extern const mimod_task mimod_task_wm;

/* ---- the data ----
 * 2K channels [ON1, OFF1, …, ONK, OFFK]; a pulse starts in a channel at a step
 * with probability pulse_prob, independently, and is 1.0 for pulse_len steps
 * (overlaps stay 1.0). Bit j: s_j(t) = +1 if ON_j starts at t, else −1 if OFF_j
 * starts at t, else s_j(t−1); s_j(−1) = −1. Target y*_j(t) = clip(y*_j(t−1) +
 * ramp_step · s_j(t), −1, 1), y*_j(−1) = 0. */
#define WM_MAX_BITS 8 /* the key wm_bits' range (config_keys.c) */
typedef struct {
    double pulse_prob; /* 0.002 */
    int pulse_len;     /* 40 */
    double ramp_step;  /* 0.1 */
    int bits;          /* K, 1..WM_MAX_BITS: 2 is the paper's task */
} wm_task;

/* Generates B independent sequences of T steps (transient + learned) into
 * x [T][B][2K] and target [T][B][K]. Per step, one uniform per channel in
 * channel order. Sequence b uses rng_split(rng, b) only, so results do not
 * depend on B's other sequences. */
void wm_generate(const wm_task *t, int B, int T, const mimod_rng *rng, real *x, real *target);

#endif
