/* text.h — reading a text file whole and "did you mean" hints, one rule for
 * every reader of user files (sweep files, claims files); a growing string
 * for texts built piece by piece (a sweep's hash input, its messages). */
#ifndef MIMOD_TEXT_H
#define MIMOD_TEXT_H

#include <stddef.h>
#include "mimod/common.h"

/* Reads the regular file `path` whole into *text (malloc'd, NUL-terminated;
 * *len bytes; a NUL byte inside is the caller's to check). Refuses what is not
 * a regular file, naming it ("it is a directory, not a <what> (text)"), and a file of
 * more than max_bytes ("<path>:1:1: the <what> has N bytes; at most M are
 * allowed<why_limit>"). Opening never waits (a FIFO is refused, not read). */
int mimod_read_text_file(const char *path, size_t max_bytes, const char *what,
                         const char *why_limit, char **text, size_t *len, mimod_err *err);

/* Levenshtein distance, ignoring case (a key typed as SM_HIDDEN is one edit
 * from nothing); 99 when a string is longer than 63. */
int mimod_edit_distance(const char *a, const char *b);

/* " (did you mean 'x'?)" into buf when one of names[n] (other than `word`
 * itself) is within min(3, len/3 + 1) edits of `word`; else "". */
void mimod_suggest(const char *word, const char *const *names, int n, char *buf, size_t cap);

/* A growing NUL-terminated string, {0} when empty; s is the caller's to free.
 * An append that cannot grow it sets oom and leaves the text as it was. */
typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} text_buf;

void text_buf_add(text_buf *b, const char *t);
/* Appends the formatted text, cut at 1023 bytes. */
void text_buf_addf(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
