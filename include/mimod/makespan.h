/* makespan.h — how long a sweep takes on K ranks, with and without idle
 * ranks lending their cores to the trials still running (issue 14).
 *
 * The scheduler hands out trials longest first (SPEC §8 cost model); a sweep
 * ends when its last trial does, so its time is not total work / workers but
 * the makespan of that list schedule. With lending (lending.h) a worker that
 * finds no work left gives its threads to a running trial on its node, which
 * then runs faster by the measured per-thread speed-up. This model simulates
 * both, event by event, on the trials' expected seconds at one thread.
 *
 * Per-thread speed-up: Amdahl's law s(t) = 1 / ((1 − p) + p / t), with p
 * from the measured speed-up at 2 threads (docs/threads.md): p = 2 (1 − 1/s(2)),
 * capped per task where a part stays serial however many threads there are
 * (the task's measured speedup2 and speedup_cap, task.h). Beyond 2 threads this is a model, not a measurement:
 * the development machine has 2 cores. */
#ifndef MIMOD_MAKESPAN_H
#define MIMOD_MAKESPAN_H

#include "mimod/task.h"

/* s(t) for a trial whose speed-up at 2 threads is s2 (≥ 1). */
double makespan_speedup(double s2, int threads);

/* One trial as the model sees it: its seconds at one thread, its speed-up at
 * 2 threads and the most it can gain (≤ 0: no cap). */
typedef struct {
    double secs, s2, cap;
} makespan_trial;

/* A trial of `task` expected to take `secs` at one thread, with the task's
 * measured speed-up and cap. */
makespan_trial makespan_trial_of(const mimod_task *task, double secs);

/* Seconds until the last of n trials ends; the trials are taken in the order
 * given (the scheduler's: longest first). `workers` training ranks of
 * `threads` threads each, `per_node` of them on each node (lending stays on a
 * node; ≤ 0: all on one node). lend: idle workers' threads go to the running
 * trial on their node with the fewest lent threads, moving when it ends.
 * Returns a negative value on bad arguments or if out of memory. */
double makespan_estimate(const makespan_trial *trials, int n, int workers, int threads,
                         int per_node, int lend);

#endif
