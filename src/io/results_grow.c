/* results_grow.c — a result file grown by the points of values added to its
 * sweep's axes (results_h5.h: results_grow_serial; docs/sweep.md, "Growing a
 * sweep").
 *
 * The datasets are contiguous and allocated in full when the file is made
 * (so that any rank writes a point's rows at fixed offsets and a reader of a
 * file being written never meets metadata that changes): they cannot be
 * extended in place. The grown file is therefore made beside the old one, as
 * "<path>.growing", with the new number of points; every row of the old
 * points is copied into it byte for byte (the file's own types, no
 * conversion) and read back and compared; then it replaces the old file by a
 * rename. The old file is never written: until the rename it is the result
 * file, whole, and a failure or a kill meanwhile leaves it as it was (the
 * rerun removes the half-made "<path>.growing"). */
#include <mpi.h> /* first: results_h5.h then declares the MPI-IO functions too */
#include "mimod/results_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mimod/h5_cause.h"

static int h5err(mimod_err *err, const char *what, const char *name) {
    char cause[160] = "";
    h5_note_cause(cause, sizeof cause);
    return mimod_errf(err, MIMOD_EIO, "HDF5: %s '%s' failed%s%s", what, name, cause[0] ? ": " : "",
                      cause);
}

/* (Re)write a fixed-length string attribute. */
static int write_attr(hid_t loc, const char *name, const char *value, mimod_err *err) {
    if (H5Aexists(loc, name) > 0 && H5Adelete(loc, name) < 0) return h5err(err, "delete attribute", name);
    size_t len = strlen(value);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, len ? len : 1);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, type, len ? value : "");
    int out = rc < 0 ? h5err(err, "write attribute", name) : MIMOD_OK;
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return out;
}

/* The datasets under a group, by path ("status", "timecourse/mi", …). */
typedef struct { char (*name)[256]; int n, cap, oom; } name_list;

static herr_t note_dataset(hid_t g, const char *name, const H5O_info_t *info, void *data) {
    (void)g;
    name_list *l = data;
    if (info->type != H5O_TYPE_DATASET) return 0;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        void *p = realloc(l->name, (size_t)cap * sizeof *l->name);
        if (!p) { l->oom = 1; return -1; }
        l->name = p;
        l->cap = cap;
    }
    snprintf(l->name[l->n++], sizeof l->name[0], "%s", name);
    return 0;
}

static int list_datasets(hid_t g, name_list *l, mimod_err *err) {
    memset(l, 0, sizeof *l);
    if (H5Ovisit(g, H5_INDEX_NAME, H5_ITER_INC, note_dataset, l) < 0 || l->oom)
        return l->oom ? mimod_errf(err, MIMOD_ENOMEM, "out of memory") : h5err(err, "list", "datasets");
    return MIMOD_OK;
}

/* Dimensions of a dataset (rank ≤ 4); its rank, or −1. */
static int dims_of(hid_t ds, hsize_t dims[4]) {
    hid_t sp = H5Dget_space(ds);
    int r = H5Sget_simple_extent_ndims(sp);
    if (r < 1 || r > 4) r = -1;
    else H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    return r;
}

/* Rows [p0, p0+n) of a dataset, raw in its own type, into or out of buf. */
static herr_t rows_io(hid_t ds, hid_t type, int rank, const hsize_t *dims, hsize_t p0, hsize_t n,
                      void *buf, int write) {
    hsize_t start[4] = {0}, count[4];
    for (int i = 0; i < rank; i++) count[i] = dims[i];
    start[0] = p0;
    count[0] = n;
    hid_t fs = H5Dget_space(ds);
    herr_t rc = H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t ms = H5Screate_simple(rank, count, NULL);
    if (rc >= 0) rc = write ? H5Dwrite(ds, type, ms, fs, H5P_DEFAULT, buf)
                            : H5Dread(ds, type, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    return rc;
}

/* 1 if `name` ("timecourse/mi") exists under g, its parent groups too. */
static int path_exists(hid_t g, const char *name) {
    char part[256];
    for (const char *sl = strchr(name, '/'); sl; sl = strchr(sl + 1, '/')) {
        snprintf(part, sizeof part, "%.*s", (int)(sl - name), name);
        if (H5Lexists(g, part, H5P_DEFAULT) <= 0) return 0;
    }
    return H5Lexists(g, name, H5P_DEFAULT) > 0;
}

/* Copy one dataset's first n_old rows from the old group into the new one,
 * and compare what the new file then holds with the old. "coords/…" rows
 * were written when the grown file was made (the view's order: the old
 * points first) and are only compared; record_step is compared whole. */
static int copy_dataset(hid_t og, hid_t ng, const char *task, const char *name, hsize_t n_old,
                        hsize_t n_new, mimod_err *err) {
    if (!path_exists(ng, name))
        return mimod_errf(err, MIMOD_EINVAL, "/%s/%s is in the file but not in the layout of this "
                          "build's file", task, name);
    hid_t od = H5Dopen2(og, name, H5P_DEFAULT), nd = H5Dopen2(ng, name, H5P_DEFAULT);
    hid_t ot = od >= 0 ? H5Dget_type(od) : -1, nt = nd >= 0 ? H5Dget_type(nd) : -1;
    hsize_t odims[4] = {0}, ndims[4] = {0};
    int rc = MIMOD_OK;
    int orank = od >= 0 ? dims_of(od, odims) : -1, nrank = nd >= 0 ? dims_of(nd, ndims) : -1;
    int per_point = strcmp(name, "record_step") != 0;
    int same = od >= 0 && nd >= 0 && ot >= 0 && nt >= 0 && orank > 0 && orank == nrank &&
               H5Tequal(ot, nt) > 0 && (per_point ? odims[0] == n_old && ndims[0] == n_new
                                                   : odims[0] == ndims[0]);
    for (int i = 1; same && i < orank; i++) same = odims[i] == ndims[i];
    if (!same) {
        rc = mimod_errf(err, MIMOD_EINVAL, "/%s/%s has another type or shape in the file (%d "
                        "dimensions, %llu rows) than this sweep needs (%d, %llu rows)", task, name,
                        orank, (unsigned long long)odims[0], nrank,
                        (unsigned long long)(per_point ? n_old : ndims[0]));
    }
    size_t row = 0;
    if (!rc) {
        row = H5Tget_size(ot);
        for (int i = 1; i < orank; i++) row *= (size_t)odims[i];
    }
    hsize_t total = per_point ? n_old : odims[0];
    hsize_t block = row ? (hsize_t)((32u << 20) / row) : 1;
    if (block < 1) block = 1;
    if (block > total) block = total ? total : 1;
    char *a = rc ? NULL : malloc(block * row), *b = rc ? NULL : malloc(block * row);
    if (!rc && (!a || !b)) rc = mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    int copy = per_point && strncmp(name, "coords/", 7) != 0;
    for (hsize_t p0 = 0; !rc && p0 < total; p0 += block) {
        hsize_t n = total - p0 < block ? total - p0 : block;
        if (rows_io(od, ot, orank, odims, p0, n, a, 0) < 0) rc = h5err(err, "read", name);
        else if (copy && rows_io(nd, ot, orank, ndims, p0, n, a, 1) < 0) rc = h5err(err, "write", name);
        else if (rows_io(nd, ot, orank, ndims, p0, n, b, 0) < 0) rc = h5err(err, "read back", name);
        else if (memcmp(a, b, (size_t)n * row) != 0)
            rc = mimod_errf(err, MIMOD_EIO, "/%s/%s: rows %llu to %llu differ in the grown file from "
                            "the file's", task, name, (unsigned long long)p0,
                            (unsigned long long)(p0 + n - 1));
    }
    free(a);
    free(b);
    if (ot >= 0) H5Tclose(ot);
    if (nt >= 0) H5Tclose(nt);
    if (od >= 0) H5Dclose(od);
    if (nd >= 0) H5Dclose(nd);
    return rc;
}

/* Every dataset of one task group: the old one's copied, and the new one
 * with none the old lacks (its old rows would be only fill values) but
 * blas_kernel and build: a file made before them grows into one whose old
 * points' rows are empty (unrecorded), as resuming it would have added them. */
static int copy_group(hid_t old, hid_t new, const results_task_desc *d, int n_old, mimod_err *err) {
    hid_t og = H5Gopen2(old, d->name, H5P_DEFAULT), ng = H5Gopen2(new, d->name, H5P_DEFAULT);
    int rc = og < 0 || ng < 0 ? h5err(err, "open group", d->name) : MIMOD_OK;
    name_list ol = {0}, nl = {0};
    if (!rc) rc = list_datasets(og, &ol, err);
    if (!rc) rc = list_datasets(ng, &nl, err);
    for (int i = 0; !rc && i < nl.n; i++)
        if (!path_exists(og, nl.name[i]) && strcmp(nl.name[i], SCHEMA_BLAS_KERNEL) != 0 &&
            strcmp(nl.name[i], SCHEMA_BUILD) != 0)
            rc = mimod_errf(err, MIMOD_EINVAL, "the file lacks /%s/%s, which this build writes (it "
                            "was made by an older mimod); grow it into a new file with "
                            "--new-output, or summarise the two files together", d->name, nl.name[i]);
    for (int i = 0; !rc && i < ol.n; i++)
        rc = copy_dataset(og, ng, d->name, ol.name[i], (hsize_t)n_old, (hsize_t)d->n_points, err);
    free(ol.name);
    free(nl.name);
    if (og >= 0) H5Gclose(og);
    if (ng >= 0) H5Gclose(ng);
    return rc;
}

static void fsync_path(const char *path, int dir) {
    char copy[PATH_MAX + 32];
    snprintf(copy, sizeof copy, "%s", path);
    int fd = open(dir ? dirname(copy) : copy, O_RDONLY | (dir ? O_DIRECTORY : 0));
    if (fd >= 0) {
        if (fsync(fd) != 0) { /* best effort */ }
        close(fd);
    }
}

int results_grow_serial(const char *path, const results_meta *meta, int n_tasks,
                        const results_task_desc *tasks, const int *n_old, const char *what,
                        mimod_err *err) {
    char tmp[PATH_MAX + 16], tmp2[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.growing", path);
    snprintf(tmp2, sizeof tmp2, "%s.creating", tmp);
    unlink(tmp);  /* left by a growth that was killed: the caller holds the lock */
    unlink(tmp2);
    results_meta m = *meta;
    m.overwrite = 1;
    results_file *nf = NULL;
    int rc = results_create_serial(tmp, &m, n_tasks, tasks, &nf, err);
    if (!rc) rc = results_close(nf, err);
    hid_t old = -1, new = -1;
    if (!rc) {
        hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
        H5Pset_file_locking(fapl, 0, 1); /* a reader's lock must not stop us, nor ours it */
        old = H5Fopen(path, H5F_ACC_RDONLY, fapl);
        if (old < 0) rc = h5err(err, "open", path);
        if (!rc && (new = H5Fopen(tmp, H5F_ACC_RDWR, fapl)) < 0) rc = h5err(err, "open", tmp);
        H5Pclose(fapl);
    }
    for (int i = 0; !rc && i < n_tasks; i++) rc = copy_group(old, new, &tasks[i], n_old[i], err);
    /* root attributes: the old creation time, and which definition each
     * range of points came from */
    char *created = rc ? NULL : h5_attr_read_str(old, "created");
    char *old_hash = rc ? NULL : h5_attr_read_str(old, "sweep_hash");
    char *history = rc ? NULL : h5_attr_read_str(old, "sweep_history");
    if (!rc && created) rc = write_attr(new, "created", created, err);
    if (!rc) {
        size_t cap = (history ? strlen(history) : 0) + 2048 + 256 * (size_t)n_tasks;
        char *h = malloc(cap);
        if (!h) rc = mimod_errf(err, MIMOD_ENOMEM, "out of memory");
        else {
            h[0] = '\0';
            if (history) {
                snprintf(h, cap, "%s\n", history);
            } else {
                snprintf(h, cap, "%s: created,", created ? created : "?");
                for (int i = 0; i < n_tasks; i++)
                    snprintf(h + strlen(h), cap - strlen(h), " %s points 0-%d", tasks[i].name, n_old[i] - 1);
                snprintf(h + strlen(h), cap - strlen(h), ", sweep_hash %s\n", old_hash ? old_hash : "?");
            }
            char now[32];
            time_t t = time(NULL);
            strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
            snprintf(h + strlen(h), cap - strlen(h), "%s: grown,", now);
            for (int i = 0; i < n_tasks; i++)
                if (tasks[i].n_points > n_old[i])
                    snprintf(h + strlen(h), cap - strlen(h), " %s points %d-%d", tasks[i].name, n_old[i],
                             tasks[i].n_points - 1);
            snprintf(h + strlen(h), cap - strlen(h), " (%s), sweep_hash %s", what ? what : "",
                     meta->sweep_hash ? meta->sweep_hash : "?");
            rc = write_attr(new, "sweep_history", h, err);
            free(h);
        }
    }
    free(created);
    free(old_hash);
    free(history);
    if (new >= 0 && H5Fclose(new) < 0 && !rc) rc = h5err(err, "close", tmp);
    if (old >= 0) H5Fclose(old);
    if (!rc) {
        fsync_path(tmp, 0);
        if (rename(tmp, path) != 0)
            rc = mimod_errf(err, MIMOD_EIO, "rename %s -> %s: %s", tmp, path, strerror(errno));
        else
            fsync_path(path, 1);
    }
    if (rc) {
        unlink(tmp);
        unlink(tmp2);
        mimod_err_prefix(err, "growing %s (the file is as it was)", path);
    }
    return rc;
}
