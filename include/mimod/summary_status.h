/* summary_status.h — `mimod-summary FILE --status`: every point of a result
 * file that a sweep may still be writing, with how far it is
 * (src/summary/summary_status.c). Part of mimod-summary. */
#ifndef MIMOD_SUMMARY_STATUS_H
#define MIMOD_SUMMARY_STATUS_H

#include <stdio.h>
#include "mimod/summary_read.h"

/* The status table of one task: per point its status, MM step reached (the
 * last record's), records in the file, the latest task loss, Q_cor, Q_str and
 * Î, training time so far and (running points) an ETA; then the counts and an
 * estimate of the time left. */
void summary_status_print(FILE *out, const summary_task *t);
/* The same, knowing whether a run is writing the file now (run_alive 1, as
 * summary_status_print assumes) or not (0: the run was killed): then points
 * whose status is still "running" are shown as "stopped", without an ETA. */
void summary_status_print_run(FILE *out, const summary_task *t, int run_alive);

/* MM step reached by point p: the record_step of its last record in the file
 * (−1 before the first). */
int64_t summary_status_step(const summary_task *t, int64_t p);

#endif
