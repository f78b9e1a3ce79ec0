/* h5_cause.h — HDF5's error stack read into our messages. HDF5 would print
 * its stack to stderr; h5_quiet() stops that, and after a failing call
 * h5_note_cause() keeps the cause (the system's message when there is one,
 * e.g. "No space left on device", else the innermost description, e.g. "file
 * signature not found") for the caller's message — read at once: any later
 * HDF5 call clears the stack. Used by the writer (src/io/results_h5.c) and the
 * summary reader (src/summary/summary_read.c). Also the one attribute reader
 * the writer and the growing of a file share (h5_attr_read_str). */
#ifndef MIMOD_H5_CAUSE_H
#define MIMOD_H5_CAUSE_H

#include <hdf5.h>
#include <stddef.h>

/* Switch HDF5's automatic error printing off (process-wide). */
void h5_quiet(void);

/* The cause of the last HDF5 failure into buf (""); returns buf. */
const char *h5_note_cause(char *buf, size_t n);

/* malloc'd text of the fixed-length string attribute `name` of HDF5 object
 * `loc`, or NULL when it is missing, not such a string, or
 * unreadable (the caller says which attribute it wanted). */
char *h5_attr_read_str(hid_t loc, const char *name);

#endif
