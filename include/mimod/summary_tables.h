/* summary_tables.h — a result file as per-trial tables (src/summary/summary_tables.c):
 * `mimod-summary FILE --trials` (CSV, one row per grid point: coordinates,
 * status, every final quantity) and `--timecourse` (CSV in long format, one
 * row per point, record and quantity). Values are the file's, exactly
 * (summary_csv_exact), so a table read back equals the datasets. Part of
 * mimod-summary (summary.h gathers the parts); docs/summary.md has the columns. */
#ifndef MIMOD_SUMMARY_TABLES_H
#define MIMOD_SUMMARY_TABLES_H

#include <stdio.h>
#include "mimod/summary_read.h"

typedef enum { SUMMARY_TABLE_TRIALS, SUMMARY_TABLE_TIMECOURSE } summary_table_kind;

/* One table of the tasks read from `file` (n_tasks ≥ 1; the columns are the
 * union of their axes). Each task must have been read from `file` with
 * summary_read_task, which reads status and records_done before this reads
 * the rows: in a file being written, a row counted by records_done is there
 * (docs/hdf5-layout.md). Final values are written only for finished points. */
int summary_table_csv(FILE *out, summary_table_kind kind, int64_t file,
                      const summary_task *const *tasks, int n_tasks, mimod_err *err);

/* `mimod-summary PATH --trials|--timecourse [--task T]`: open, read, print to
 * out; messages to stderr. Returns the exit status (0, or 1 when the file
 * cannot be read or lacks the task). */
int summary_tables_run(FILE *out, const char *path, const char *only_task,
                       summary_table_kind kind);

#endif
