/* test_makespan.c — the sweep makespan model (makespan.h) on schedules whose
 * length is worked out by hand: the `--dry-run` estimate and the running
 * sweep's ETA both come from it. */
#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/makespan.h"

/* trials of the given seconds, each with s2 = 1.5 and no cap */
#define T(x) {(x), 1.5, 0, 0, 0}

int main(void) {
    /* a point's remaining time from its record: 30 s for 100 of 400 steps → 90 s */
    CHECK_CLOSE(makespan_point_remaining(30, 100, 400), 90.0, 1e-12, 0, "remaining 300 steps");
    CHECK(makespan_point_remaining(30, 0, 400) < 0, "no record yet: no estimate");
    CHECK(makespan_point_remaining(30, 400, 400) == 0, "at its end: 0");
    CHECK(makespan_point_remaining(NAN, 100, 400) < 0, "no time: no estimate");
    /* Amdahl from the 2-thread speed-up: s2 = 1.5 → p = 2(1 − 1/1.5) = 2/3;
     * s(4) = 1 / (1/3 + 1/6) = 2 */
    CHECK_CLOSE(makespan_speedup(1.5, 1), 1.0, 1e-12, 0, "s(1)");
    CHECK_CLOSE(makespan_speedup(1.5, 2), 1.5, 1e-12, 0, "s(2) = s2");
    CHECK_CLOSE(makespan_speedup(1.5, 4), 2.0, 1e-12, 0, "s(4)");
    CHECK_CLOSE(makespan_speedup(1.0, 8), 1.0, 1e-12, 0, "no parallel share");
    CHECK_CLOSE(makespan_speedup(3.0, 2), 2.0, 1e-12, 0, "s2 capped at 2 (perfect)");

    /* 3 equal trials of 100 s on 2 workers: 100 + 100 = 200 s without
     * lending; with it the third runs on 2 threads from t = 100: 100 + 100/1.5 */
    const makespan_trial eq[] = {T(100), T(100), T(100)};
    CHECK_CLOSE(makespan_simulate(eq, 3, 2, 1, 0, 0), 200.0, 1e-9, 0, "3 on 2, no lending");
    CHECK_CLOSE(makespan_simulate(eq, 3, 2, 1, 0, 1), 100.0 + 100.0 / 1.5, 1e-9, 0,
                "3 on 2, lending");
    /* the same on two nodes of one worker: nothing can be lent across nodes */
    CHECK_CLOSE(makespan_simulate(eq, 3, 2, 1, 1, 1), 200.0, 1e-9, 0, "3 on 2 nodes");

    /* longest first, 4 trials on 2 workers: {300, 100, 100, 100}. Worker 0
     * runs 300; worker 1 runs 100, 100, 100 and ends at 300 — no lending gain.
     * Reversed order {100, 100, 100, 300}: worker 0 100 then the 4th at 100,
     * worker 1 100, then the third at 100 until 200; idle from 200 it lends:
     * the 300-s trial has 200 s left at t = 200, 200/1.5 more: 333.3 */
    const makespan_trial longest[] = {T(300), T(100), T(100), T(100)},
                         shortest[] = {T(100), T(100), T(100), T(300)};
    CHECK_CLOSE(makespan_simulate(longest, 4, 2, 1, 0, 1), 300.0, 1e-9, 0, "longest first");
    CHECK_CLOSE(makespan_simulate(shortest, 4, 2, 1, 0, 0), 400.0, 1e-9, 0,
                "shortest first, no lending");
    CHECK_CLOSE(makespan_simulate(shortest, 4, 2, 1, 0, 1), 200.0 + 200.0 / 1.5, 1e-9, 0,
                "shortest first, lending");

    /* The running sweep's ETA: a worker's running point is a list entry with
     * its seconds left, an idle worker one of 0 s (it takes the next point at
     * once). Workers 0 and 2 run points with 50 and 10 s left, worker 1 is
     * idle, one point of 40 s is queued. Worker 1 takes it at t = 0. Worker 2
     * ends at 10 with nothing queued and lends to the running point with the
     * fewest lent threads, the first such: worker 0's, which then runs at
     * s(2) = 1.5 and ends at 10 + 40/1.5. Then workers 0 and 2 both lend to
     * worker 1, whose point has 40 − t1 s of one-thread work left and runs at
     * s(3) = 1 / (1/3 + (2/3)/3) = 1.8. */
    const makespan_trial eta_list[] = {T(50), T(0), T(10), T(40)};
    const double t1 = 10 + 40 / 1.5;                   /* worker 0 ends */
    const double left1 = 40 - t1;                      /* worker 1's point then */
    const double s3 = 1.0 / (1.0 / 3.0 + (2.0 / 3.0) / 3.0);
    CHECK_CLOSE(makespan_speedup(1.5, 3), s3, 1e-12, 0, "s(3)");
    CHECK_CLOSE(makespan_simulate(eta_list, 4, 3, 1, 0, 1), t1 + left1 / s3, 1e-9, 0,
                "ETA list with an idle worker");
    CHECK_CLOSE(makespan_simulate(eta_list, 4, 3, 1, 0, 0), 50.0, 1e-9, 0,
                "ETA list, no lending");

    /* a cap: one trial of 100 s on 4 workers with lending: the 3 idle
     * workers lend to it, so it runs on 4 threads, s(4) = 2 by Amdahl from
     * s2 = 1.5; capped at 1.8 it takes 100 / 1.8 */
    const makespan_trial one[] = {T(100)}, one_cap18[] = {{100, 1.5, 1.8, 0, 0}},
                         one_cap0[] = {{100, 1.5, 0, 0, 0}};
    CHECK_CLOSE(makespan_simulate(one, 1, 4, 1, 0, 1), 50.0, 1e-9, 0, "4 threads, no cap");
    CHECK_CLOSE(makespan_simulate(one_cap18, 1, 4, 1, 0, 1), 100.0 / 1.8, 1e-9, 0, "4 threads, cap 1.8");
    CHECK_CLOSE(makespan_simulate(one_cap0, 1, 4, 1, 0, 1), 50.0, 1e-9, 0, "cap 0 is none");
    /* a trial of a task carries that task's measured speed-up and cap */
    const makespan_trial sep = makespan_trial_of(&mimod_task_sep, 1, 5, 7.0);
    CHECK(sep.work == 7.0 && sep.s2 == mimod_task_sep.speedup2 &&
          sep.cap == mimod_task_sep.speedup_cap && sep.task == 1 && sep.point == 5,
          "makespan_trial_of(SEP)");
    /* the measured speed-ups and caps the model uses are sane */
    CHECK(mimod_task_wm.speedup2 >= 1 && mimod_task_wm.speedup2 <= 2, "WM s2 in [1, 2]");
    CHECK(mimod_task_sep.speedup2 >= 1 && mimod_task_sep.speedup2 <= 2, "SEP s2 in [1, 2]");
    CHECK(mimod_task_sep.speedup_cap >= mimod_task_sep.speedup2, "SEP cap ≥ its s2");

    /* edge cases */
    CHECK_CLOSE(makespan_simulate(NULL, 0, 4, 1, 0, 1), 0.0, 0, 0, "no trials");
    CHECK(makespan_simulate(eq, 3, 0, 1, 0, 1) < 0, "no workers is an error");
    CHECK(makespan_simulate(NULL, 3, 2, 1, 0, 1) < 0, "missing times is an error");
    CHECK_CLOSE(makespan_simulate(eq, 3, 8, 1, 0, 0), 100.0, 1e-9, 0, "more workers than trials");

    /* The one policy (the scheduler's order, the dry run's): most work first,
     * ties by task, then point. */
    makespan_trial order[] = {{100, 1.5, 0, 1, 0}, {300, 1.5, 0, 1, 2}, {100, 1.5, 0, 0, 3},
                              {100, 1.5, 0, 1, 1}, {300, 1.5, 0, 0, 9}};
    makespan_order(order, 5);
    const int want_task[] = {0, 1, 0, 1, 1}, want_point[] = {9, 2, 3, 0, 1};
    int ok = 1;
    for (int i = 0; i < 5; i++) ok &= order[i].task == want_task[i] && order[i].point == want_point[i];
    CHECK(ok, "policy: most work first, then task, then point");
    /* the dry run's estimate takes the trials in the policy's order whatever
     * order they come in: the shortest-first list above (in FLOPs at 2 FLOP/s)
     * gives the longest-first makespan */
    makespan_trial flops[] = {T(200), T(200), T(200), T(600)};
    CHECK_CLOSE(makespan_estimate(flops, 4, 2.0, 2, 1, 0, 1), 300.0, 1e-9, 0,
                "estimate: the policy's order, FLOPs at the rate");
    CHECK(makespan_estimate(flops, 4, 0.0, 2, 1, 0, 1) < 0, "a rate must be positive");
    return check_report("test_makespan");
}
