/* gemm_pool.h — the process's pool of worker threads for intra-trial
 * parallelism (issue 14).
 *
 * Results must not depend on the number of threads (SPEC: a trial's result
 * depends only on its configuration and seed). So the pool never decides how
 * work is divided: the caller splits it into tasks whose boundaries depend
 * only on the problem (mm_gemm: fixed tiles of C chosen from the shape, see
 * gemm.c), and the pool only decides which thread runs which task. Every
 * task writes its own part of the output, so the bits are the same whether
 * one thread runs all tasks in order or eight threads share them.
 *
 * One pool per process, sized by mimod_pool_set_threads (mimod_blas_setup
 * calls it with --threads). The size may change between calls of
 * mimod_pool_run (the sweep lends idle ranks' cores to running trials), but
 * only from the thread that calls mimod_pool_run, and only while no other
 * thread can call it (trial.c's data thread is always idle between steps,
 * where the sweep resizes). Worker threads block every signal, so
 * SIGTERM/SIGINT still reach the main thread's handler.
 *
 * Two threads may call mimod_pool_run at once (the main thread and trial.c's
 * data thread): the first takes the pool, the other runs its own tasks in
 * order on itself and never waits for the pool, so there is no deadlock, and
 * since a job's tasks write disjoint outputs the bits are the same. */
#ifndef MIMOD_GEMM_POOL_H
#define MIMOD_GEMM_POOL_H

#include "mimod/common.h"

/* Most threads a pool may have (the caller's thread included). */
#define MIMOD_POOL_MAX_THREADS 4096

/* Run tasks 0 … n_tasks−1 as fn(arg, task), the calling thread included;
 * returns when all have finished. Tasks may run in any order and
 * concurrently. With a pool of 1 thread, or when another thread is using the
 * pool, they run in order on the calling thread. */
typedef void (*mimod_pool_fn)(void *arg, int task);
void mimod_pool_run(int n_tasks, mimod_pool_fn fn, void *arg);

/* Make the pool n threads in all (the caller's thread counts as one: n = 1
 * means no worker threads). Starts or stops workers as needed. */
int mimod_pool_set_threads(int n, mimod_err *err);

/* k of the pool's threads (the caller's included) are busy with other work
 * until called again with 0: jobs then get at most threads − 1 − k workers,
 * none when that is ≤ 0 (the caller runs the tasks itself). trial.c reserves
 * one for its data thread while it prefetches, so that --threads 2 means two
 * busy threads, not three. Which threads run the tasks never changes the
 * bits. Any thread may call it at any time (trial.c: the main thread
 * reserves, the data thread releases as soon as its batch is made). */
void mimod_pool_reserve(int k);

/* Threads a job may use now: threads − reserved, at least 1. */
int mimod_pool_available(void);

/* Threads the pool has now (≥ 1). */
int mimod_pool_threads(void);

/* Stop and join every worker (the pool is then 1 thread; it can be grown
 * again). Call before exit so leak checkers see nothing left behind. */
void mimod_pool_shutdown(void);

#endif
