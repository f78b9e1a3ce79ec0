/* summary_merge.h — several result files of one sweep summarised together
 * (mimod-summary a.h5 b.h5; src/summary/summary_merge.c): the same task
 * configuration, shapes and axes, apart from the grid's values — the halves of
 * a sweep run into two files (--new-output), or on two clusters. Files of
 * different sweeps, and a point that two files both hold, are refused by
 * name. Part of mimod-summary (summary.h gathers the parts). */
#ifndef MIMOD_SUMMARY_MERGE_H
#define MIMOD_SUMMARY_MERGE_H

#include "mimod/summary_read.h"

/* At most this many files on one command line. */
#define SUMMARY_MAX_FILES 64

/* Append the points of `add` (read from add_file, at add_path) to `into`
 * (read from into_file, into_path; possibly merged before), which then says
 * for every point which file holds it (summary_point_source). `add` is left
 * as it was (the caller frees it). MIMOD_EINVAL naming the difference when
 * the two are not of one sweep or share a point. */
int summary_merge_task(summary_task *into, int64_t into_file, const char *into_path,
                       const summary_task *add, int64_t add_file, const char *add_path,
                       mimod_err *err);

#endif
