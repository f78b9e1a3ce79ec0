/* h5_cause.c — see h5_cause.h. */
#include "mimod/h5_cause.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

void h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct {
    char *buf;
    size_t n;
    int system; /* buf holds the system's message */
} cause_walk;

static void put(cause_walk *w, const char *s, size_t len) {
    if (len >= w->n) len = w->n - 1;
    memcpy(w->buf, s, len);
    w->buf[len] = '\0';
}

/* Downward: from the API call to the innermost failure. The system's message
 * ("error message = '...'") wins; else the innermost description. */
static herr_t visit(unsigned i, const H5E_error2_t *e, void *user) {
    (void)i;
    cause_walk *w = user;
    if (w->system || !e->desc || !e->desc[0]) return 0;
    const char *m = strstr(e->desc, "error message = '");
    if (m) {
        m += strlen("error message = '");
        put(w, m, strcspn(m, "'"));
        w->system = 1;
    } else {
        put(w, e->desc, strlen(e->desc));
    }
    return 0;
}

const char *h5_note_cause(char *buf, size_t n) {
    if (!buf || n == 0) return "";
    buf[0] = '\0';
    cause_walk w = {buf, n, 0};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, visit, &w);
    return buf;
}

char *h5_attr_read_str(hid_t loc, const char *name) {
    if (H5Aexists(loc, name) <= 0) return NULL;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return NULL;
    hid_t ftype = H5Aget_type(a);
    char *out = NULL;
    if (H5Tget_class(ftype) == H5T_STRING && !H5Tis_variable_str(ftype)) {
        size_t n = H5Tget_size(ftype);
        hid_t mtype = H5Tcopy(H5T_C_S1);
        H5Tset_size(mtype, n);
        H5Tset_strpad(mtype, H5T_STR_NULLPAD);
        out = calloc(n + 1, 1);
        if (out && H5Aread(a, mtype, out) < 0) { free(out); out = NULL; }
        H5Tclose(mtype);
    }
    H5Tclose(ftype);
    H5Aclose(a);
    return out;
}
