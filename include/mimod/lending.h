/* lending.h — idle sweep ranks lend their cores to trials still running on
 * the same node (issue 14, "elastic tail").
 *
 * At the end of a sweep most workers have nothing left to do while a few
 * trials still run. A worker told "no more work" lends its threads to a
 * running trial on its node; that trial grows its pool (gemm_pool.h) between
 * steps. Only the number of threads changes, and a trial's results do not
 * depend on it (gemm.c, mm_gemm's fixed tiles), so the result file is the
 * same with or without lending.
 *
 * The ranks of a node share one small array (MPI_Win_allocate_shared on the
 * node's communicator, MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)): per node
 * rank, "runs a trial" and "threads lent to it". No messages: a lender writes
 * with atomic operations, a borrower reads its entry between steps. A lender
 * whose borrower's trial ended moves its threads to another running trial at
 * its next poll. */
#ifndef MIMOD_LENDING_H
#define MIMOD_LENDING_H

#include <mpi.h>
#include <stddef.h>

#include "mimod/common.h"

typedef struct mimod_lending mimod_lending;

/* Collective over `world`. `threads`: this rank's own threads (--threads);
 * `on` 0 makes every other call a no-op (the windows are still created so the
 * call stays collective). */
int lending_open(MPI_Comm world, int on, int threads, mimod_lending **out, mimod_err *err);

/* A worker starts (1) or ends (0) a trial. */
void lending_set_running(mimod_lending *l, int running);

/* A running worker, between steps: the thread count its pool should have now
 * (its own threads plus those lent to it, capped at the CPUs it may run on). */
int lending_threads_wanted(const mimod_lending *l);

/* An idle worker (no more work), every few milliseconds while it waits: lends
 * its threads to the running trial on its node with the fewest lent threads,
 * or moves them when that trial has ended. Returns the node rank it lends to
 * now if that changed (else −1), for the worker log. */
int lending_idle_step(mimod_lending *l);

/* How many nodes the world communicator spans (for the ETA's makespan). */
int lending_n_nodes(const mimod_lending *l);

/* This rank's rank on its node (for log lines). */
int lending_node_rank(const mimod_lending *l);

/* Collective over the world communicator given to lending_open; NULL is fine
 * only if every rank passes NULL. */
void lending_close(mimod_lending *l);

#endif
