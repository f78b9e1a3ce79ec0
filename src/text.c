/* text.c — see text.h. */
#include "mimod/text.h"

#include <ctype.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *file_kind(mode_t m) {
    return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device"
           : S_ISBLK(m) ? "a block device" : S_ISFIFO(m) ? "a pipe"
           : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

int mimod_read_text_file(const char *path, size_t max_bytes, const char *what,
                         const char *why_limit, char **text, size_t *len, mimod_err *err) {
    *text = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below) */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return mimod_errf(err, MIMOD_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc = MIMOD_OK;
    if (fstat(fd, &st) != 0)
        rc = mimod_errf(err, MIMOD_EIO, "%s: cannot read: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = mimod_errf(err, MIMOD_EIO, "%s: cannot read: it is %s, not a %s (text)", path,
                        file_kind(st.st_mode), what);
    else if ((unsigned long long)st.st_size > max_bytes)
        rc = mimod_errf(err, MIMOD_EINVAL, "%s:1:1: the %s has %lld bytes; at most %zu are allowed%s",
                        path, what, (long long)st.st_size, max_bytes, why_limit ? why_limit : "");
    char *buf = rc ? NULL : malloc(max_bytes + 2);
    if (!rc && !buf) rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", path);
    size_t n = 0;
    while (!rc && n < max_bytes + 1) {
        ssize_t got = read(fd, buf + n, max_bytes + 1 - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) rc = mimod_errf(err, MIMOD_EIO, "%s: cannot read: %s", path, strerror(errno));
        if (got <= 0) break;
        n += (size_t)got;
    }
    close(fd);
    if (!rc && n > max_bytes) /* it grew while we read */
        rc = mimod_errf(err, MIMOD_EINVAL, "%s:1:1: the %s has more than %zu bytes%s", path, what,
                        max_bytes, why_limit ? why_limit : "");
    if (rc) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return MIMOD_OK;
}

int mimod_edit_distance(const char *a, const char *b) {
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

void mimod_suggest(const char *word, const char *const *names, int n, char *buf, size_t cap) {
    const char *best = NULL;
    int best_d = 99;
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], word) == 0) continue; /* "did you mean" the same word is no help */
        int dist = mimod_edit_distance(word, names[i]);
        if (dist < best_d) {
            best_d = dist;
            best = names[i];
        }
    }
    int limit = (int)strlen(word) / 3 + 1;
    if (best && best_d <= (limit > 3 ? 3 : limit)) snprintf(buf, cap, " (did you mean '%s'?)", best);
    else buf[0] = '\0';
}

void text_buf_add(text_buf *b, const char *t) {
    size_t n = strlen(t);
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, t, n + 1);
    b->len += n;
}

void text_buf_addf(text_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char tmp[1024];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n >= 0) text_buf_add(b, tmp);
}
