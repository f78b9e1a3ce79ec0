/* summary.h — mimod-summary: statistics across seeds, tests between conditions,
 * tables and figures from a result file (docs/hdf5-layout.md, SPEC §6).
 *
 * Three layers, each testable on its own:
 *  - summary_stats.c: sample statistics, t-tests and Pearson correlation on plain
 *    double arrays (two-pass formulas; p values from GSL's t CDFs).
 *  - summary_read.c:  reads one task group of a result file into a summary_task
 *    (serial HDF5, read only).
 *  - summary_report.c / summary_plot.c: groups points into conditions, runs the
 *    tests, prints text/markdown/csv tables, draws the figures with PLplot;
 *    summary_claims.c checks the paper's claims; summary_carried.c says which
 *    unit group carries which output.
 * summary_main() is the whole command line tool; the executable only calls it. */
#ifndef MIMOD_SUMMARY_H
#define MIMOD_SUMMARY_H

/* The parts, one header per file: summary_stats.h, summary_read.h,
 * summary_report.h, summary_plot.h, summary_claims.h, summary_carried.h. This one is
 * summary_cli.c's. */

/* The whole tool (argument parsing included); returns the process exit status. */
int summary_main(int argc, char **argv);

#endif
