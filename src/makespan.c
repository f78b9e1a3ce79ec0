/* makespan.c — a sweep's expected duration with and without core lending;
 * see makespan.h. */
#include "mimod/makespan.h"

#include <math.h>
#include <stdlib.h>

double makespan_speedup(double s2, int threads) {
    if (threads <= 1 || !(s2 > 1)) return 1;
    if (s2 > 2) s2 = 2;
    const double p = 2 * (1 - 1 / s2);
    return 1 / ((1 - p) + p / threads);
}

makespan_trial makespan_trial_of(const mimod_task *kind, int task, int point, double work) {
    return (makespan_trial){work, kind->speedup2, kind->speedup_cap, task, point};
}

static int by_policy(const void *pa, const void *pb) {
    const makespan_trial *a = pa, *b = pb;
    if (a->work != b->work) return a->work < b->work ? 1 : -1;
    if (a->task != b->task) return a->task - b->task;
    return a->point - b->point;
}

void makespan_order(makespan_trial *trials, int n) {
    if (n > 1) qsort(trials, (size_t)n, sizeof *trials, by_policy);
}

double makespan_estimate(const makespan_trial *trials, int n, double rate, int workers,
                         int threads, int per_node, int lend) {
    if (n < 0 || !(rate > 0) || (n > 0 && !trials)) return -1;
    makespan_trial *t = malloc((size_t)(n > 0 ? n : 1) * sizeof *t);
    if (!t) return -1;
    for (int i = 0; i < n; i++) {
        t[i] = trials[i];
        t[i].work /= rate;
    }
    makespan_order(t, n);
    double secs = makespan_simulate(t, n, workers, threads, per_node, lend);
    free(t);
    return secs;
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

double makespan_simulate(const makespan_trial *trials, int n, int workers, int threads,
                         int per_node, int lend) {
    if (n < 0 || workers < 1 || threads < 1 || (n > 0 && !trials)) return -1;
    if (n == 0) return 0;
    if (per_node <= 0 || per_node > workers) per_node = workers;
    wstate *w = calloc((size_t)workers, sizeof *w);
    if (!w) return -1;
    int next = 0;
    for (int i = 0; i < workers; i++) {
        w[i].trial = next < n ? next : -1;
        w[i].left = next < n ? trials[next].work : 0;
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
            if (w[i].left < 1e-9 * (trials[w[i].trial].work + 1)) w[i].left = 0;
        }
        /* every trial that ended now gets the next one (scheduler order) */
        for (int i = 0; i < workers; i++) {
            if (w[i].trial < 0 || w[i].left > 0) continue;
            w[i].trial = next < n ? next : -1;
            w[i].left = next < n ? trials[next].work : 0;
            if (next < n) next++;
        }
    }
    free(w);
    return now;
}

double makespan_point_remaining(double wall, long long step, long long total) {
    if (step <= 0 || !(wall >= 0) || total <= 0) return -1;
    if (step >= total) return 0;
    return wall * (double)(total - step) / (double)step;
}
