/* prefetch.h — one background thread that runs one job at a time (issue 13:
 * the next SM step's data pass, computed while the current step's update
 * runs; see trial.c and docs/threads.md).
 *
 * The thread is started by the first mimod_bg_start and lives until
 * mimod_bg_free. It blocks every signal, so SIGTERM/SIGINT/SIGUSR1 still reach
 * the main thread's handler (as the pool's workers do). Every start must be
 * followed by a wait before the next start or the free; the wait is the point
 * after which the job's writes are visible to the caller. */
#ifndef MIMOD_PREFETCH_H
#define MIMOD_PREFETCH_H

#include "mimod/common.h"

typedef struct mimod_bg mimod_bg;
typedef int (*mimod_bg_fn)(void *arg);

/* Run fn(arg) on the background thread of *bg (created, and *bg set, on the
 * first call). Fails (nothing started) only if the thread cannot be made. */
int mimod_bg_start(mimod_bg **bg, mimod_bg_fn fn, void *arg, mimod_err *err);

/* Wait until the job started last has returned; its return value. */
int mimod_bg_wait(mimod_bg *bg);

/* Stop and join the thread (NULL: nothing). No job may be running. */
void mimod_bg_free(mimod_bg *bg);

#endif
