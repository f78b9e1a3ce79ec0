/* summary_read.c — reads a result file (docs/hdf5-layout.md) for mimod-summary.
 * Serial HDF5, read only. Every dataset is read with a double (or int64) memory
 * type and HDF5 converts, so float32 weights and int32/int64 variants all work.
 * Datasets a task lacks (d_in for SEP, …) read as NaN rather than failing, so a
 * file from an older or partial writer still summarises. */
#include "mimod/summary_read.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "mimod/config.h"
#include "mimod/h5_cause.h"
#include "mimod/tasks.h"

/* Table order -> schema quantity. */
static const int sq_schema[SQ_COUNT] = {
    [SQ_TASK_LOSS] = TC_TASK_LOSS, [SQ_ACCURACY] = TC_ACCURACY, [SQ_R2_MEAN] = TC_R2_MEAN,
    [SQ_Q_COR] = TC_Q_COR,         [SQ_Q_STR] = TC_Q_STR,       [SQ_D_COR] = TC_D_COR,
    [SQ_D_OUT] = TC_D_OUT,         [SQ_D_IN] = TC_D_IN,         [SQ_I_N] = Q_I_N,
    [SQ_MI] = TC_MI,
};

int summary_quantity_schema(int q) { return q >= 0 && q < SQ_COUNT ? sq_schema[q] : -1; }

const char *summary_quantity_name(int q) {
    return q >= 0 && q < SQ_COUNT ? schema_quantities[sq_schema[q]].name : "?";
}

int summary_quantity_of_schema(int q) {
    for (int i = 0; i < SQ_COUNT; i++)
        if (sq_schema[i] == q) return i;
    return -1;
}

int summary_quantity_in_task(int q, const mimod_task *task) {
    return q >= 0 && q < SQ_COUNT && task_records(task, sq_schema[q]);
}

/* Why `path` is not a result file that HDF5 could open, as far as the file
 * itself tells: missing, a directory, empty, not HDF5 at all (no signature
 * where HDF5 looks: offset 0, 512, 1024, ...). NULL: it looks like HDF5. */
static const char *not_hdf5_because(const char *path, char *buf, size_t n) {
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(buf, n, "%s", strerror(errno));
        return buf;
    }
    if (S_ISDIR(st.st_mode)) return "it is a directory, not a result file";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file";
    if (st.st_size == 0) return "the file is empty (0 bytes)";
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(buf, n, "%s", strerror(errno));
        return buf;
    }
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8];
    int found = 0;
    for (long off = 0; !found && off + 8 <= (long)st.st_size; off = off ? 2 * off : 512)
        found = fseek(f, off, SEEK_SET) == 0 && fread(head, 1, 8, f) == 8 && !memcmp(head, sig, 8);
    fclose(f);
    if (!found) return "not an HDF5 file";
    return NULL;
}

int summary_open(const char *path, int64_t *file, mimod_err *err) {
    /* HDF5 prints nothing itself: failures are reported through err, with its cause */
    h5_quiet();
    /* no file lock: the writer's lock (serial sweep, mimod-train) would refuse
     * us, and ours would refuse a sweep resuming while we read. Safe because a
     * writer changes only raw data after creating the file. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0) H5Pset_file_locking(fapl, 0, 1);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, fapl >= 0 ? fapl : H5P_DEFAULT);
    char cause[160];
    h5_note_cause(cause, sizeof cause); /* before any other HDF5 call clears it */
    if (fapl >= 0) H5Pclose(fapl);
    if (f < 0) {
        char why[256];
        const char *plain = not_hdf5_because(path, why, sizeof why);
        if (plain && (!cause[0] || strstr(plain, cause)))
            return mimod_errf(err, MIMOD_EIO, "%s: cannot open it: %s", path, plain);
        if (plain)
            return mimod_errf(err, MIMOD_EIO, "%s: cannot open it: %s (HDF5: %s)", path, plain, cause);
        return mimod_errf(err, MIMOD_EIO, "%s: HDF5 cannot open it%s%s (an HDF5 file, but truncated "
                          "or damaged)", path, cause[0] ? ": " : "", cause);
    }
    *file = (int64_t)f;
    return MIMOD_OK;
}

void summary_close(int64_t file) {
    if (file >= 0) H5Fclose((hid_t)file);
}

int summary_has_task(int64_t file, const char *task) {
    return H5Lexists((hid_t)file, task, H5P_DEFAULT) > 0;
}

void summary_point_source(const summary_task *t, int64_t file, int64_t p, int64_t *src_file,
                          int64_t *src_point) {
    int merged = t->src_file && p >= 0 && p < t->n_points;
    *src_file = merged ? t->src_file[p] : file;
    *src_point = merged ? t->src_point[p] : p;
}

int summary_axis_index(const summary_task *t, const char *axis) {
    for (int i = 0; i < t->n_axes; i++)
        if (strcmp(t->axis_names[i], axis) == 0) return i;
    return -1;
}

/* MIMOD_EIO with the message and the cause of the HDF5 failure just seen
 * (h5_cause.h: read before any other HDF5 call clears it). */
static int h5_error(mimod_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int h5_error(mimod_err *err, const char *fmt, ...) {
    char cause[160], msg[512];
    h5_note_cause(cause, sizeof cause);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mimod_errf(err, MIMOD_EIO, "%s%s%s", msg, cause[0] ? ": " : "", cause);
}

/* ---- attributes */

static int attr_int64(hid_t obj, const char *name, int64_t *value, mimod_err *err) {
    if (H5Aexists(obj, name) <= 0) return mimod_errf(err, MIMOD_EIO, "attribute '%s' missing", name);
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return h5_error(err, "attribute '%s': cannot open", name);
    herr_t rc = H5Aread(a, H5T_NATIVE_INT64, value);
    if (rc < 0) rc = h5_error(err, "attribute '%s': not an integer", name);
    H5Aclose(a);
    return rc < 0 ? MIMOD_EIO : MIMOD_OK;
}

/* A string attribute, fixed or variable length, into buf[n] (truncated).
 * *text_out, if non-NULL, receives a malloc'd copy of the whole string. */
static int attr_string(hid_t obj, const char *name, char *buf, size_t n, char **text_out,
                       mimod_err *err) {
    if (buf && n) buf[0] = '\0';
    if (text_out) *text_out = NULL;
    if (H5Aexists(obj, name) <= 0) return mimod_errf(err, MIMOD_EIO, "attribute '%s' missing", name);
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return h5_error(err, "attribute '%s': cannot open", name);
    hid_t ftype = H5Aget_type(a);
    int rc = MIMOD_OK;
    char *whole = NULL;
    if (H5Tget_class(ftype) != H5T_STRING) {
        rc = mimod_errf(err, MIMOD_EIO, "attribute '%s' is not a string", name);
    } else if (H5Tis_variable_str(ftype) > 0) {
        hid_t mtype = H5Tcopy(H5T_C_S1);
        H5Tset_size(mtype, H5T_VARIABLE);
        char *s = NULL;
        if (H5Aread(a, mtype, &s) < 0 || !s) {
            rc = h5_error(err, "attribute '%s': read failed", name);
        } else {
            whole = strdup(s);
            H5free_memory(s);
        }
        H5Tclose(mtype);
    } else {
        /* Read as null-padded of the file's size into a buffer one byte longer:
         * a null-terminated memory type would drop the last character of a
         * string stored null-padded at its exact length (as results_h5.c does). */
        size_t size = H5Tget_size(ftype);
        whole = calloc(size + 1, 1);
        hid_t mtype = H5Tcopy(H5T_C_S1);
        H5Tset_size(mtype, size);
        H5Tset_strpad(mtype, H5T_STR_NULLPAD);
        if (!whole || H5Aread(a, mtype, whole) < 0)
            rc = h5_error(err, "attribute '%s': read failed", name);
        H5Tclose(mtype);
    }
    H5Tclose(ftype);
    H5Aclose(a);
    if (rc == MIMOD_OK && !whole) rc = mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    if (rc == MIMOD_OK && buf && n) {
        strncpy(buf, whole, n - 1);
        buf[n - 1] = '\0';
    }
    if (rc == MIMOD_OK && text_out) {
        *text_out = whole;
        whole = NULL;
    }
    free(whole);
    return rc;
}

/* Value of `key: value` at the top level of a flat YAML mapping, or NaN. The
 * task's config_yaml is written by config_to_yaml: one key per line. */
static double yaml_number(const char *text, const char *key) {
    size_t klen = strlen(key);
    for (const char *line = text; line && *line;) {
        const char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (strncmp(s, key, klen) == 0) {
            const char *c = s + klen;
            while (*c == ' ' || *c == '\t') c++;
            if (*c == ':') {
                char *end;
                double v = strtod(c + 1, &end);
                if (end != c + 1) return v;
            }
        }
        line = strchr(line, '\n');
        if (line) line++;
    }
    return NAN;
}

/* ---- datasets */

/* Read a whole dataset with memory type mtype into out, checking that it has
 * `rank` dimensions equal to dims (dims[i] < 0: any). Missing -> 1, so the
 * caller can substitute NaN; other failures -> error. */
static int read_dataset(hid_t grp, const char *name, hid_t mtype, void *out, int rank,
                        const int64_t *dims, mimod_err *err) {
    if (H5Lexists(grp, name, H5P_DEFAULT) <= 0) return 1;
    hid_t d = H5Dopen2(grp, name, H5P_DEFAULT);
    if (d < 0) return h5_error(err, "dataset '%s': cannot open", name);
    hid_t space = H5Dget_space(d);
    int file_rank = H5Sget_simple_extent_ndims(space);
    hsize_t file_dims[8] = {0};
    int rc = MIMOD_OK;
    if (file_rank != rank || file_rank > 8) {
        rc = mimod_errf(err, MIMOD_EIO, "dataset '%s': rank %d, expected %d", name, file_rank,
                        rank);
    } else {
        H5Sget_simple_extent_dims(space, file_dims, NULL);
        for (int i = 0; i < rank; i++)
            if (dims[i] >= 0 && (int64_t)file_dims[i] != dims[i])
                rc = mimod_errf(err, MIMOD_EIO, "dataset '%s': dimension %d is %llu, expected %lld",
                                name, i, (unsigned long long)file_dims[i], (long long)dims[i]);
    }
    if (rc == MIMOD_OK && H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        rc = h5_error(err, "dataset '%s': read failed", name);
    H5Sclose(space);
    H5Dclose(d);
    return rc;
}

static void fill_nan(double *x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = NAN;
}

/* Names of the links in a group (the coords axes when the `axes` attribute is absent). */
static herr_t collect_axis(hid_t g, const char *name, const H5L_info_t *info, void *data) {
    (void)g;
    (void)info;
    summary_task *t = data;
    if (t->n_axes >= SUMMARY_MAX_AXES) return 1;
    snprintf(t->axis_names[t->n_axes], SUMMARY_NAME_LEN, "%s", name);
    t->n_axes++;
    return 0;
}

static int parse_axes(summary_task *t, const char *list) {
    t->n_axes = 0;
    const char *s = list;
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ',') e++;
        const char *end = e;
        while (end > s && end[-1] == ' ') end--;
        if (t->n_axes >= SUMMARY_MAX_AXES) return -1;
        size_t len = (size_t)(end - s);
        if (len >= SUMMARY_NAME_LEN) len = SUMMARY_NAME_LEN - 1;
        memcpy(t->axis_names[t->n_axes], s, len);
        t->axis_names[t->n_axes][len] = '\0';
        t->n_axes++;
        s = e;
    }
    return 0;
}

void summary_task_free(summary_task *t) {
    free(t->coords);
    free(t->seeds);
    free(t->status);
    free(t->fail_step);
    free(t->fail_reason);
    free(t->blas_kernel);
    free(t->build);
    free(t->record_step);
    free(t->final_values);
    free(t->timecourse);
    free(t->records_done);
    free(t->wall_seconds);
    free(t->config_yaml);
    free(t->src_file);
    free(t->src_point);
    memset(t, 0, sizeof *t);
}

/* A [P] dataset of fixed strings of len bytes into out, P rows of len + 1
 * bytes (NUL-terminated). Best effort: a missing or unreadable dataset leaves
 * out as it is (the caller's empty strings). */
static void read_strings(hid_t g, const char *name, size_t len, char *out, size_t P,
                         const int64_t *dimP) {
    hid_t mtype = H5Tcopy(H5T_C_S1);
    H5Tset_size(mtype, len);
    H5Tset_strpad(mtype, H5T_STR_NULLPAD);
    char *raw = calloc(P ? P : 1, len);
    if (raw && read_dataset(g, name, mtype, raw, 1, dimP, NULL) == MIMOD_OK)
        for (size_t p = 0; p < P; p++) {
            memcpy(out + p * (len + 1), raw + p * len, len);
            out[p * (len + 1) + len] = '\0';
        }
    free(raw);
    H5Tclose(mtype);
}

static int read_task_body(hid_t g, summary_task *t, mimod_err *err) {
    int rc;
    if ((rc = attr_int64(g, "n_points", &t->n_points, err)) ||
        (rc = attr_int64(g, "n_records", &t->n_records, err)) ||
        (rc = attr_int64(g, "n_units", &t->n_units, err)) ||
        (rc = attr_int64(g, "n_out", &t->n_out, err)))
        return rc;
    if (attr_int64(g, "n_in", &t->n_in, NULL)) t->n_in = 0;
    if (attr_int64(g, "n_mm_steps", &t->n_mm_steps, NULL)) t->n_mm_steps = 0;
    if (attr_string(g, "preset", t->preset, sizeof t->preset, NULL, NULL)) t->preset[0] = '\0';
    char *yaml = NULL;
    t->base_lambda_I = t->base_lambda_reg = NAN;
    t->base_n_groups = 2; /* files without the key were all made with two groups */
    if (attr_string(g, "config_yaml", NULL, 0, &yaml, NULL) == MIMOD_OK && yaml) {
        t->base_lambda_I = yaml_number(yaml, "lambda_I");
        t->base_lambda_reg = yaml_number(yaml, "lambda_reg");
        double k = yaml_number(yaml, "n_groups");
        if (k >= 2 && k <= 1e6 && k == floor(k)) t->base_n_groups = (int)k;
    }
    t->config_yaml = yaml; /* several files of one sweep are compared by it */
    if (t->n_points <= 0 || t->n_records <= 0 || t->n_units <= 0 || t->n_out <= 0)
        return mimod_errf(err, MIMOD_EIO, "n_points/n_records/n_units/n_out must be positive");

    /* Axes: the `axes` attribute gives the expansion order; else list coords/. */
    char axes[1024];
    if (attr_string(g, "axes", axes, sizeof axes, NULL, NULL) == MIMOD_OK) {
        if (parse_axes(t, axes)) return mimod_errf(err, MIMOD_EIO, "too many axes");
    } else if (H5Lexists(g, "coords", H5P_DEFAULT) > 0) {
        hid_t cg = H5Gopen2(g, "coords", H5P_DEFAULT);
        H5Literate(cg, H5_INDEX_NAME, H5_ITER_INC, NULL, collect_axis, t);
        H5Gclose(cg);
    }

    size_t P = (size_t)t->n_points, R = (size_t)t->n_records;
    t->coords = malloc(sizeof(double) * (t->n_axes ? t->n_axes : 1) * P);
    t->status = calloc(P, sizeof *t->status);
    t->fail_step = malloc(sizeof *t->fail_step * P);
    t->fail_reason = calloc(P, sizeof *t->fail_reason);
    t->blas_kernel = calloc(P ? P : 1, sizeof *t->blas_kernel);
    t->build = calloc(P ? P : 1, sizeof *t->build);
    t->record_step = calloc(R, sizeof *t->record_step);
    t->final_values = malloc(sizeof(double) * SQ_COUNT * P);
    t->timecourse = malloc(sizeof(double) * SQ_COUNT * P * R);
    if (!t->coords || !t->status || !t->fail_step || !t->fail_reason || !t->blas_kernel ||
        !t->build || !t->record_step || !t->final_values || !t->timecourse)
        return mimod_errf(err, MIMOD_ENOMEM, "out of memory (%zu points, %zu records)", P, R);

    int64_t dimP[1] = {(int64_t)P}, dimPR[2] = {(int64_t)P, (int64_t)R}, dimR[1] = {(int64_t)R};
    for (int i = 0; i < t->n_axes; i++) {
        char path[SUMMARY_NAME_LEN + 16];
        snprintf(path, sizeof path, "coords/%s", t->axis_names[i]);
        rc = read_dataset(g, path, H5T_NATIVE_DOUBLE, t->coords + (size_t)i * P, 1, dimP, err);
        if (rc == 1) return mimod_errf(err, MIMOD_EIO, "dataset '%s' missing", path);
        if (rc) return rc;
    }
    if (summary_axis_index(t, "seed") >= 0) {
        /* exactly: a double holds only 53 bits */
        t->seeds = malloc(sizeof *t->seeds * P);
        if (!t->seeds) return mimod_errf(err, MIMOD_ENOMEM, "out of memory (%zu points)", P);
        rc = read_dataset(g, "coords/seed", H5T_NATIVE_UINT64, t->seeds, 1, dimP, err);
        if (rc) return rc == 1 ? mimod_errf(err, MIMOD_EIO, "dataset 'coords/seed' missing") : rc;
    }
    rc = read_dataset(g, "status", H5T_NATIVE_INT32, t->status, 1, dimP, err);
    if (rc == 1) return mimod_errf(err, MIMOD_EIO, "dataset 'status' missing");
    if (rc) return rc;
    rc = read_dataset(g, "record_step", H5T_NATIVE_INT64, t->record_step, 1, dimR, err);
    if (rc == 1)
        for (size_t r = 0; r < R; r++) t->record_step[r] = (int64_t)r; /* fall back to indices */
    else if (rc)
        return rc;
    rc = read_dataset(g, "fail_step", H5T_NATIVE_INT64, t->fail_step, 1, dimP, err);
    if (rc == 1)
        for (size_t p = 0; p < P; p++) t->fail_step[p] = -1;
    else if (rc)
        return rc;
    read_strings(g, "fail_reason", RESULTS_REASON_LEN, t->fail_reason[0], P, dimP);
    /* files made before blas_kernel or build lack them: the rows stay empty (unrecorded) */
    read_strings(g, SCHEMA_BLAS_KERNEL, RESULTS_KERNEL_LEN, t->blas_kernel[0], P, dimP);
    read_strings(g, SCHEMA_BUILD, RESULTS_KERNEL_LEN, t->build[0], P, dimP);

    t->records_done = calloc(P ? P : 1, sizeof *t->records_done);
    t->wall_seconds = malloc(sizeof(double) * (P ? P : 1));
    if (!t->records_done || !t->wall_seconds)
        return mimod_errf(err, MIMOD_ENOMEM, "out of memory (%zu points)", P);
    rc = read_dataset(g, "wall_seconds", H5T_NATIVE_DOUBLE, t->wall_seconds, 1, dimP, err);
    if (rc == 1) fill_nan(t->wall_seconds, P);
    else if (rc) return rc;
    int have_done = 0;
    rc = read_dataset(g, SCHEMA_RECORDS_DONE, H5T_NATIVE_INT32, t->records_done, 1, dimP, err);
    if (rc == MIMOD_OK) have_done = 1;
    else if (rc != 1) return rc;

    for (int q = 0; q < SQ_COUNT; q++) {
        char path[64];
        double *fin = t->final_values + (size_t)q * P;
        double *tc = t->timecourse + (size_t)q * P * R;
        snprintf(path, sizeof path, "final/%s", summary_quantity_name(q));
        rc = read_dataset(g, path, H5T_NATIVE_DOUBLE, fin, 1, dimP, err);
        if (rc == 1) fill_nan(fin, P);
        else if (rc) return rc;
        snprintf(path, sizeof path, "timecourse/%s", summary_quantity_name(q));
        rc = !schema_quantity_has_timecourse(sq_schema[q]) ? 1 : read_dataset(g, path, H5T_NATIVE_DOUBLE, tc, 2, dimPR, err);
        if (rc == 1) fill_nan(tc, P * R);
        else if (rc) return rc;
    }
    for (size_t p = 0; p < P; p++) {
        if (have_done) {
            if (t->records_done[p] < 0) t->records_done[p] = 0;
            if (t->records_done[p] > (int32_t)R) t->records_done[p] = (int32_t)R;
            continue;
        }
        /* a file made before records_done: the leading rows with a task loss */
        const double *row = t->timecourse + ((size_t)SQ_TASK_LOSS * P + p) * R;
        int32_t n = 0;
        while ((size_t)n < R && isfinite(row[n])) n++;
        t->records_done[p] = n;
    }
    return MIMOD_OK;
}

int summary_read_task(int64_t file, const char *task, summary_task *t, mimod_err *err) {
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", task);
    t->task = mimod_task_find(task);
    if (!t->task) {
        char names[256];
        mimod_task_names(names, sizeof names);
        return mimod_errf(err, MIMOD_EINVAL, "unknown task '%s' (%s)", task, names);
    }
    if (!summary_has_task(file, task))
        return mimod_errf(err, MIMOD_EIO, "no group /%s in the file", task);
    hid_t g = H5Gopen2((hid_t)file, task, H5P_DEFAULT);
    if (g < 0) return h5_error(err, "cannot open group /%s", task);
    int rc = read_task_body(g, t, err);
    H5Gclose(g);
    if (rc) {
        mimod_err_prefix(err, "reading /%s", task);
        summary_task_free(t);
    }
    return rc;
}

int summary_read_point_matrix(int64_t file, const char *task, const char *dataset,
                              int64_t point, double *out, int64_t max_elems, int64_t *rows,
                              int64_t *cols, mimod_err *err) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", task, dataset);
    if (H5Lexists((hid_t)file, task, H5P_DEFAULT) <= 0 ||
        H5Lexists((hid_t)file, path, H5P_DEFAULT) <= 0)
        return mimod_errf(err, MIMOD_EIO, "dataset /%s missing", path);
    hid_t d = H5Dopen2((hid_t)file, path, H5P_DEFAULT);
    if (d < 0) return h5_error(err, "dataset /%s: cannot open", path);
    hid_t space = H5Dget_space(d);
    hsize_t dims[3] = {0, 0, 0};
    int rank = H5Sget_simple_extent_ndims(space);
    int rc = MIMOD_OK;
    hid_t mspace = -1;
    if (rank != 3) {
        rc = mimod_errf(err, MIMOD_EIO, "dataset /%s: rank %d, expected 3", path, rank);
        goto done;
    }
    H5Sget_simple_extent_dims(space, dims, NULL);
    if (point < 0 || (hsize_t)point >= dims[0]) {
        rc = mimod_errf(err, MIMOD_EINVAL, "dataset /%s: point %lld out of range", path,
                        (long long)point);
        goto done;
    }
    if ((int64_t)(dims[1] * dims[2]) > max_elems) {
        rc = mimod_errf(err, MIMOD_EINVAL, "dataset /%s: %llu×%llu does not fit the buffer", path,
                        (unsigned long long)dims[1], (unsigned long long)dims[2]);
        goto done;
    }
    hsize_t start[3] = {(hsize_t)point, 0, 0}, count[3] = {1, dims[1], dims[2]};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
    mspace = H5Screate_simple(3, count, NULL);
    if (H5Dread(d, H5T_NATIVE_DOUBLE, mspace, space, H5P_DEFAULT, out) < 0)
        rc = h5_error(err, "dataset /%s: read failed", path);
    *rows = (int64_t)dims[1];
    *cols = (int64_t)dims[2];
done:
    if (mspace >= 0) H5Sclose(mspace);
    H5Sclose(space);
    H5Dclose(d);
    return rc;
}

int summary_point_groups(const summary_task *t, int64_t p) {
    int axis = summary_axis_index(t, "n_groups");
    if (axis >= 0 && p >= 0 && p < t->n_points) {
        double k = t->coords[(size_t)axis * (size_t)t->n_points + (size_t)p];
        if (k >= 2 && k <= 1e6 && k == floor(k)) return (int)k;
    }
    return t->base_n_groups;
}

int summary_read_task_dataset(int64_t file, const char *task, const char *dataset, int rank,
                              const int64_t *dims, double *out, mimod_err *err) {
    if (!summary_has_task(file, task)) return mimod_errf(err, MIMOD_EIO, "no group /%s in the file", task);
    hid_t g = H5Gopen2((hid_t)file, task, H5P_DEFAULT);
    if (g < 0) return mimod_errf(err, MIMOD_EIO, "cannot open group /%s", task);
    int rc = read_dataset(g, dataset, H5T_NATIVE_DOUBLE, out, rank, dims, err);
    H5Gclose(g);
    if (rc < 0) mimod_err_prefix(err, "reading /%s", task);
    return rc;
}

int summary_task_targets(const summary_task *t) {
    return t->task && t->n_out > 0 ? t->task->n_targets((int)t->n_out) : 0;
}

int summary_paper_targets(const mimod_task *task) {
    mimod_config c;
    if (!task || !task->presets || !task->presets[0].name ||
        config_preset(&c, task->presets[0].name, task, NULL))
        return 0;
    return task->n_targets(config_n_out(&c));
}
