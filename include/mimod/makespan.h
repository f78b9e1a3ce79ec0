/* makespan.h — how long a sweep takes on K ranks, with and without idle
 * ranks lending their cores to the trials still running (issue 14).
 *
 * The scheduler hands out trials by one policy, longest first (SPEC §8 cost
 * model; makespan_order below); a sweep ends when its last trial does, so
 * its time is not total work / workers but the makespan of that list
 * schedule. With lending (lending.h) a worker that
 * finds no work left gives its threads to a running trial on its node, which
 * then runs faster by the measured per-thread speed-up. This model simulates
 * both, event by event, on the trials' expected seconds at one thread.
 *
 * Per-thread speed-up: Amdahl's law s(t) = 1 / ((1 − p) + p / t), with p
 * from the measured speed-up at 2 threads (docs/threads.md): p = 2 (1 − 1/s(2)),
 * capped per task where a part stays serial however many threads there are
 * (the task's measured speedup2 and speedup_cap, task.h). Beyond 2 threads
 * this is a model, not a measurement: the development machine has 2 cores. */
#ifndef MIMOD_MAKESPAN_H
#define MIMOD_MAKESPAN_H

#include "mimod/task.h"

/* s(t) for a trial whose speed-up at 2 threads is s2 (≥ 1). */
double makespan_speedup(double s2, int threads);

/* A running point's remaining training time from its latest record: `wall`
 * seconds for `step` of `total` MM steps, the rest at the same rate;
 * -1 before its first record (step ≤ 0: no estimate yet). The one estimate of
 * a point's end that the sweep's heartbeat and the status view both print;
 * a sweep's ETA is never shorter than the longest of them. */
double makespan_point_remaining(double wall, long long step, long long total);

/* One trial as the schedule sees it: which grid point (task index in the
 * sweep, point), its work at one thread — seconds where a time comes out
 * (makespan_simulate), or FLOPs where only order and ratios matter (the
 * scheduler's list) —, its speed-up at 2 threads and the most it can gain
 * (≤ 0: no cap). */
typedef struct {
    double work, s2, cap;
    int task, point;
} makespan_trial;

/* Grid point (task, point) of `kind` with `work`, its task's measured
 * speed-up and cap. */
makespan_trial makespan_trial_of(const mimod_task *kind, int task, int point, double work);

/* THE scheduling policy — the order in which the scheduler hands points out,
 * in which the dry run's estimate takes them, and so the order the makespan
 * model assumes: the most work first (a sweep ends when its last trial does:
 * a long trial started late is its tail), ties by task, then point. */
void makespan_order(makespan_trial *trials, int n);

/* Seconds until the last of n trials ends, the trials handed out in the
 * order given: the first `workers` start at once on workers 0, 1, … (an
 * entry of 0 s is an idle worker: it takes the next at once), the rest as
 * workers come free. `workers` training ranks of `threads` threads each,
 * `per_node` of them on each node (lending stays on a node; ≤ 0: all on one
 * node). lend: idle workers' threads go to the running trial on their node
 * with the fewest lent threads, moving when it ends. A running sweep's ETA
 * (scheduler.c): its running points with their seconds left, then the
 * points not handed out in the policy's order. Negative on bad arguments or
 * if out of memory. */
double makespan_simulate(const makespan_trial *trials, int n, int workers, int threads,
                         int per_node, int lend);

/* A sweep's duration before it starts (mimod-sweep --dry-run): its trials'
 * work in FLOPs at `rate` FLOP/s per thread, handed out by the policy
 * (makespan_order), simulated. */
double makespan_estimate(const makespan_trial *trials, int n, double rate, int workers,
                         int threads, int per_node, int lend);

#endif
