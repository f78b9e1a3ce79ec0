/* makespan.c — a sweep's expected duration with and without core lending;
 * see makespan.h. */
#include "mimod/makespan.h"

#include <math.h>
#include <stdlib.h>

double makespan_speedup2(mimod_task_kind task) {
    /* Measured at 2 threads on the 2-core development machine (Xeon family 6
     * model 207, SkylakeX kernels, the machine otherwise idle; docs/threads.md),
     * paper-size trials projected from mimod-bench's step times:
     *  - SEP ×1.76 (21.97 h → 12.50 h): from 2 threads the next SM step's batch
     *    is made during the update, which hides the data pass (45 % of a serial
     *    SM step);
     *  - WM ×1.36 at best (3.26 h → 2.40 h; 1.07 in a second pair of runs): on
     *    these 2 vCPUs two SGEMM threads deliver little more than one core's
     *    rate, below Amdahl's bound of ×1.75 from WM's parallel share (0.86). */
    return task == TASK_SEP ? 1.76 : 1.36;
}

double makespan_speedup_cap(mimod_task_kind task) {
    /* SEP: beyond 2 threads only the update's split products gain, and the
     * data pass (0.77 s of a 1.81 s serial step at paper size) stays serial on
     * its thread, so an SM step is never shorter than it: ×1.81/0.77 ≈ 2.3.
     * WM: its statistics network splits into tiles (parallel share 0.86); no
     * cap beyond Amdahl's law. */
    return task == TASK_SEP ? 2.3 : 0;
}

double makespan_speedup(double s2, int threads) {
    if (threads <= 1 || !(s2 > 1)) return 1;
    if (s2 > 2) s2 = 2;
    const double p = 2 * (1 - 1 / s2);
    return 1 / ((1 - p) + p / threads);
}

makespan_trial makespan_trial_of(mimod_task_kind task, double secs) {
    return (makespan_trial){secs, makespan_speedup2(task), makespan_speedup_cap(task)};
}

/* s(t) of a trial: Amdahl from its s2, at most its cap (≤ 0: none) */
static double speedup_of(const makespan_trial *t, int threads) {
    double s = makespan_speedup(t->s2, threads);
    return t->cap > 0 && s > t->cap ? t->cap : s;
}

typedef struct {
    int trial;     /* running trial, or −1 */
    double left;   /* its seconds left at one thread */
    int lent;      /* threads lent to it */
} wstate;

double makespan_estimate(const makespan_trial *trials, int n, int workers, int threads,
                         int per_node, int lend) {
    if (n < 0 || workers < 1 || threads < 1 || (n > 0 && !trials)) return -1;
    if (n == 0) return 0;
    if (per_node <= 0 || per_node > workers) per_node = workers;
    wstate *w = calloc((size_t)workers, sizeof *w);
    if (!w) return -1;
    int next = 0;
    for (int i = 0; i < workers; i++) {
        w[i].trial = next < n ? next : -1;
        w[i].left = next < n ? trials[next].secs : 0;
        if (next < n) next++;
    }
    double now = 0;
    for (;;) {
        /* lending: every idle worker (no work left) to the running trial on
         * its node with the fewest lent threads, as lending_idle_step does */
        for (int i = 0; i < workers; i++) w[i].lent = 0;
        if (lend && next >= n) {
            for (int i = 0; i < workers; i++) {
                if (w[i].trial >= 0) continue;
                const int node0 = i / per_node * per_node;
                int best = -1;
                for (int j = node0; j < node0 + per_node && j < workers; j++)
                    if (w[j].trial >= 0 && (best < 0 || w[j].lent < w[best].lent)) best = j;
                if (best >= 0) w[best].lent += threads;
            }
        }
        /* the next trial to end */
        int first = -1;
        double dt = INFINITY;
        for (int i = 0; i < workers; i++) {
            if (w[i].trial < 0) continue;
            double rate = speedup_of(&trials[w[i].trial], threads + w[i].lent);
            double t = w[i].left / rate;
            if (t < dt) dt = t, first = i;
        }
        if (first < 0) break;
        now += dt;
        for (int i = 0; i < workers; i++) {
            if (w[i].trial < 0) continue;
            w[i].left -= dt * speedup_of(&trials[w[i].trial], threads + w[i].lent);
            if (w[i].left < 1e-9 * (trials[w[i].trial].secs + 1)) w[i].left = 0;
        }
        /* every trial that ended now gets the next one (scheduler order) */
        for (int i = 0; i < workers; i++) {
            if (w[i].trial < 0 || w[i].left > 0) continue;
            w[i].trial = next < n ? next : -1;
            w[i].left = next < n ? trials[next].secs : 0;
            if (next < n) next++;
        }
    }
    free(w);
    return now;
}
