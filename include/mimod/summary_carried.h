/* summary_carried.h — what each unit group carries (src/summary/summary_carried.c).
 * Part of mimod-summary (summary.h gathers the parts). */
#ifndef MIMOD_SUMMARY_CARRIED_H
#define MIMOD_SUMMARY_CARRIED_H

#include <stdio.h>
#include "mimod/summary_report.h"

/* Which group carries which output, from a trial's final |corr(a_i, y_k)|
 * (final/unit_out_corr, the matrix behind D_cor). D_cor says how much the
 * groups differ; this says how: whether the groups split the task by target
 * (SEP: one group the Lorenz system, the other the Rössler system) or split
 * the components of one target between them (group 1 Rössler x, group 2
 * Rössler y: nearly uncorrelated but dependent signals, which a weak MI
 * estimator can let pass). */

#define SUMMARY_CARRIED_MAX_OUT 16
#define SUMMARY_CARRIED_MAX_GROUPS 8

typedef struct {
    int n_groups, n_out, n_targets, out_per_target;
    /* mean over group g's units of |corr(a_i, y_k)|: [g][k] */
    double mean_abs[SUMMARY_CARRIED_MAX_GROUPS][SUMMARY_CARRIED_MAX_OUT];
    int carrier[SUMMARY_CARRIED_MAX_OUT]; /* the group with the largest mean_abs for output k */
    /* 1 if every target's outputs are carried by one group, and different targets by
     * different groups (for K = 2 groups and 2 targets: one target per group) */
    int by_target;
} summary_carried;

/* From one trial's [n_units][n_out] |corr| matrix: units in K equal contiguous
 * groups (unit i in group ⌊i·K/N⌋), outputs in consecutive blocks of
 * out_per_target per target. MIMOD_EINVAL on sizes out of range. */
int summary_carried_of(const double *unit_out_corr, int n_units, int n_out, int n_groups,
                       int out_per_target, summary_carried *c, mimod_err *err);

/* "within Rössler" / "by target" description of c into buf, with the target names. */
void summary_carried_verdict(const summary_carried *c, const char *const *target_names, char *buf,
                             size_t n);

/* For each condition of a, one row per finished trial: the group carrying each
 * output (with its mean |corr| and the other group's), and whether the groups
 * split by target; then the count. Reads final/unit_out_corr from the file.
 * Text and markdown only (nothing for CSV). */
int summary_print_carried(FILE *out, int64_t file, const summary_analysis *a, summary_format fmt,
                          mimod_err *err);

#endif
