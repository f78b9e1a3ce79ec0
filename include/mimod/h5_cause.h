/* h5_cause.h — HDF5's error stack read into our messages. HDF5 would print
 * its stack to stderr; h5_quiet() stops that, and after a failing call
 * h5_note_cause() keeps the cause (the system's message when there is one,
 * e.g. "No space left on device", else the innermost description, e.g. "file
 * signature not found") for the caller's message — read at once: any later
 * HDF5 call clears the stack. Used by the writer (src/io/results_h5.c) and the
 * summary reader (src/summary/summary_read.c). */
#ifndef MIMOD_H5_CAUSE_H
#define MIMOD_H5_CAUSE_H

#include <stddef.h>

/* Switch HDF5's automatic error printing off (process-wide). */
void h5_quiet(void);

/* The cause of the last HDF5 failure into buf (""); returns buf. */
const char *h5_note_cause(char *buf, size_t n);

#endif
