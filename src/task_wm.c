/* task_wm.c — data of the 2-bit working-memory task (SPEC §2).
 *
 * Per sequence and step: in each of the 4 channels [ON1, OFF1, ON2, OFF2] a
 * pulse starts with probability pulse_prob (one uniform draw per channel per
 * step, channels in that order); a started pulse holds the channel at 1.0 for
 * pulse_len steps, and a start during a pulse restarts the count (overlaps stay
 * 1.0). Bit j follows ON_j / OFF_j starts (ON wins a tie) and the target ramps
 * towards the bit by ramp_step per step, clipped to [−1, 1]. */
#include "mimod/tasks.h"

/* x [T][B][4], target [T][B][2]; sequence b draws from rng_split(rng, b) only. */
void wm_generate(const wm_task *t, int B, int T, const mimod_rng *rng, real *x, real *target) {
    for (int b = 0; b < B; b++) {
        mimod_rng child;
        rng_split(&child, rng, (uint64_t)b);
        int pulse_left[4] = {0, 0, 0, 0}; /* steps the channel stays at 1.0 */
        int bit[2] = {-1, -1};            /* s_j(t−1), s_j(−1) = −1 */
        /* The target is kept as anchor + ramp_step·ramp_count, where the anchor
         * is the last clip value (or the initial 0): repeated addition of 0.1
         * drifts (ten steps up from −1 give −1.4e-16, not 0), and a target
         * that should be 0 must be exactly 0 because sign accuracy counts
         * y* = 0 as negative. */
        double anchor[2] = {0.0, 0.0};
        int ramp_count[2] = {0, 0};
        for (int s = 0; s < T; s++) {
            int started[4];
            real *xs = x + ((size_t)s * B + b) * 4;
            for (int c = 0; c < 4; c++) {
                started[c] = rng_uniform(&child) < t->pulse_prob;
                if (started[c]) pulse_left[c] = t->pulse_len;
                xs[c] = pulse_left[c] > 0 ? (real)1 : (real)0;
                if (pulse_left[c] > 0) pulse_left[c]--;
            }
            real *ys = target + ((size_t)s * B + b) * 2;
            for (int j = 0; j < 2; j++) {
                if (started[2 * j]) bit[j] = 1;
                else if (started[2 * j + 1]) bit[j] = -1;
                ramp_count[j] += bit[j];
                double y = anchor[j] + t->ramp_step * ramp_count[j];
                if (y >= 1.0 || y <= -1.0) {
                    y = y >= 1.0 ? 1.0 : -1.0;
                    anchor[j] = y;
                    ramp_count[j] = 0;
                }
                ys[j] = (real)y;
            }
        }
    }
}
