/* sweep_grow.h — an existing result file against the sweep that reruns it
 * (src/io/sweep_grow.c; docs/sweep.md, "Growing a sweep").
 *
 * A file holds the points of one sweep definition. The rerun's definition
 * either is the file's (same sweep_hash: resume), or is the file's with
 * values added to its grid axes (the same tasks, base configurations and
 * axes, every point of the file among the sweep's): the file grows, its
 * points first in their order and the new ones after (results_grow_serial,
 * results_h5.h). Anything else is refused, naming what differs and which
 * points are missing or new. */
#ifndef MIMOD_SWEEP_GROW_H
#define MIMOD_SWEEP_GROW_H

#include "mimod/common.h"
#include "mimod/sweep.h"

typedef struct {
    int n_tasks;
    int *n_old;        /* [n_tasks] points the file holds */
    int **order;       /* [n_tasks][n_points]: file point p is the sweep's point order[i][p]
                          (its index in the Cartesian product); the file's points first,
                          then the new ones in the product's order */
    int grow;          /* some task has points the file lacks */
    char added[512];   /* "wm: 2 new points (seed=2 lambda_I=0, seed=2 lambda_I=0.1)" */
} sweep_grow_plan;

/* Read the file at `path` (without HDF5's lock, serial) and match its points
 * to the sweep's. MIMOD_OK with the plan (grow = 0: the same points, a
 * resume), or MIMOD_EINVAL with what differs. */
int sweep_grow_match(const char *path, const sweep_def *s, sweep_grow_plan *plan, mimod_err *err);
void sweep_grow_plan_free(sweep_grow_plan *plan);

#endif
