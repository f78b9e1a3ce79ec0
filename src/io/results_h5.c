/* results_h5.c — creating, resuming and filling the result file of
 * docs/hdf5-layout.md. Every dataset is created up front, contiguous, with
 * early allocation and a fill value, so a later write of one grid point is
 * raw data only and may be made independently by any MPI rank. This file
 * needs no part of the trial engine at link time (results_trial.c adapts a
 * trial to results_write_point_data). */
#include <mpi.h> /* first: results_h5.h then declares the MPI-IO functions */
#include "mimod/results_h5.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "mimod/blas.h"
#include "mimod/h5_cause.h"

/* The per-point provenance rows (schema.h): which OpenBLAS kernel and which
 * build computed a point. Both are kept alike (stamp_provenance): a point's
 * last bits depend on either. */
enum { PROV_KERNEL, PROV_BUILD, N_PROV };
static const char *const prov_name[N_PROV] = {SCHEMA_BLAS_KERNEL, SCHEMA_BUILD};

typedef struct {
    hid_t group;
    int P, R, N, I, O;
    int64_t S;
    hid_t status, fail_step, fail_reason, wall;
    hid_t records_done; /* < 0 in a file made before it existed (issue 15) */
    /* blas_kernel and build (PROV_*): < 0 until results_open_existing adds
     * them to an older file */
    hid_t prov[N_PROV];
    unsigned char *stamped; /* [P] 1: this handle wrote the point's provenance rows (once
                               per run of the point: stamp_provenance) */
    hid_t tc[TC_COUNT], tc_r2;
    hid_t train_loss, train_mi;
    hid_t fin[Q_COUNT], fin_r2, fin_comm, fin_corr, fin_uoc;
    int n_w;
    hid_t w[MIMOD_MAX_TENSORS];
    int w_rows[MIMOD_MAX_TENSORS], w_cols[MIMOD_MAX_TENSORS];
    double *row;  /* scratch for one row of the largest float64 dataset */
    float *wrow;  /* scratch for one weight tensor */
    int *irow;    /* scratch for communities */
} task_handles;

struct results_file {
    hid_t file;
    hid_t dxpl;        /* independent transfer (MPI-IO) or default */
    hid_t reason_type; /* fixed string of RESULTS_REASON_LEN bytes */
    hid_t kernel_type; /* fixed string of RESULTS_KERNEL_LEN bytes */
    int parallel;
    int n_tasks;
    task_handles *t;
};

/* ------------------------------------------------------------------ helpers */

void results_hash_text(const char *text, char out[33]) {
    uint64_t a = 14695981039346656037ull, b = 0x84222325cbf29ce4ull;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        a = (a ^ *p) * 1099511628211ull;
        b = (b ^ (uint64_t)(*p + 0x5bu)) * 0x100000001b3ull;
        b ^= b >> 29;
    }
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

/* The cause of the last HDF5 failure (h5_cause.h), noted right after the
 * failing call: any later HDF5 call clears the error stack. */
static char h5_cause[160];

static void note_cause(void) { h5_note_cause(h5_cause, sizeof h5_cause); }

static int h5fail(mimod_err *err, const char *what, const char *name) {
    int rc = mimod_errf(err, MIMOD_EIO, "HDF5: %s '%s' failed%s%s", what, name ? name : "",
                        h5_cause[0] ? ": " : "", h5_cause);
    h5_cause[0] = '\0';
    return rc;
}

static int attr_write_str(hid_t loc, const char *name, const char *value, mimod_err *err) {
    size_t len = strlen(value);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, len ? len : 1);
    H5Tset_strpad(type, H5T_STR_NULLPAD);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, type, len ? value : "");
    if (rc < 0) note_cause();
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    return rc < 0 ? h5fail(err, "write attribute", name) : MIMOD_OK;
}

static int attr_write_num(hid_t loc, const char *name, hid_t type, const void *v, mimod_err *err) {
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, type, v);
    if (rc < 0) note_cause();
    if (a >= 0) H5Aclose(a);
    H5Sclose(space);
    return rc < 0 ? h5fail(err, "write attribute", name) : MIMOD_OK;
}

/* Contiguous dataset, allocated and filled at creation. */
static hid_t ds_create(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *dims,
                       const void *fill) {
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_layout(dcpl, H5D_CONTIGUOUS);
    H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC);
    if (fill) H5Pset_fill_value(dcpl, type, fill);
    hid_t ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) note_cause();
    H5Pclose(dcpl);
    H5Sclose(space);
    return ds;
}

/* Open a dataset and check its shape is exactly dims. */
static hid_t ds_open_checked(hid_t loc, const char *name, int rank, const hsize_t *dims,
                             mimod_err *err) {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) {
        mimod_errf(err, MIMOD_EINVAL, "result file lacks dataset '%s'", name);
        return -1;
    }
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0) {
        note_cause();
        h5fail(err, "open dataset", name);
        return -1;
    }
    hid_t sp = H5Dget_space(ds);
    hsize_t got[4] = {0};
    int r = H5Sget_simple_extent_ndims(sp);
    if (r == rank) H5Sget_simple_extent_dims(sp, got, NULL);
    H5Sclose(sp);
    int same = r == rank;
    for (int i = 0; same && i < rank; i++) same = got[i] == dims[i];
    if (!same) {
        H5Dclose(ds);
        mimod_errf(err, MIMOD_EINVAL, "dataset '%s' has another shape than this sweep needs", name);
        return -1;
    }
    return ds;
}

/* Write (write = 1) or read row `point` (the first index) of a dataset whose
 * remaining dims are full. */
static int ds_row_io(results_file *f, hid_t ds, hid_t memtype, int point, void *buf, int write,
                     mimod_err *err) {
    hid_t fspace = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_ndims(fspace);
    hsize_t dims[4], start[4] = {0}, count[4];
    H5Sget_simple_extent_dims(fspace, dims, NULL);
    for (int i = 0; i < rank; i++) count[i] = dims[i];
    start[0] = (hsize_t)point;
    count[0] = 1;
    herr_t rc = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t mspace = H5Screate_simple(rank, count, NULL);
    if (rc >= 0)
        rc = write ? H5Dwrite(ds, memtype, mspace, fspace, f->dxpl, buf)
                   : H5Dread(ds, memtype, mspace, fspace, f->dxpl, buf);
    if (rc < 0) note_cause();
    H5Sclose(mspace);
    H5Sclose(fspace);
    if (rc >= 0) return MIMOD_OK;
    /* name the dataset (its path in the file) and the file */
    char dname[256] = "?", fname[PATH_MAX] = "?";
    if (H5Iget_name(ds, dname, sizeof dname) < 0) snprintf(dname, sizeof dname, "?");
    if (H5Fget_name(ds, fname, sizeof fname) < 0) snprintf(fname, sizeof fname, "?");
    int code = mimod_errf(err, MIMOD_EIO, "HDF5: %s row %d of '%s' in %s failed%s%s",
                          write ? "write" : "read", point, dname, fname, h5_cause[0] ? ": " : "",
                          h5_cause);
    h5_cause[0] = '\0';
    return code;
}

static int ds_write_row(results_file *f, hid_t ds, hid_t memtype, int point, const void *buf,
                        mimod_err *err) {
    return ds_row_io(f, ds, memtype, point, (void *)buf, 1, err);
}

static int ds_read_row(results_file *f, hid_t ds, hid_t memtype, int point, void *buf,
                       mimod_err *err) {
    return ds_row_io(f, ds, memtype, point, buf, 0, err);
}

static void flush_if_serial(results_file *f) {
    if (!f->parallel) H5Fflush(f->file, H5F_SCOPE_GLOBAL);
}

/* --------------------------------------------------------- layout of a task */

/* The dataset list of one task: creates (create = 1, filling attributes too)
 * or opens and checks every dataset. */
static int task_setup(results_file *f, task_handles *h, const results_task_desc *d, int create,
                      mimod_err *err) {
    const double nan = NAN;
    const int32_t zero32 = 0;
    const int64_t minus1 = -1;
    const float nanf_ = NAN;
    h->P = d->n_points; h->R = d->n_records; h->N = d->n_units;
    h->I = d->n_in; h->O = d->n_out; h->S = d->n_mm_steps;
    hsize_t P = (hsize_t)h->P, R = (hsize_t)h->R, N = (hsize_t)h->N, O = (hsize_t)h->O,
            S = (hsize_t)h->S;
    int rc;

    if (create) {
        h->group = H5Gcreate2(f->file, d->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (h->group < 0) { note_cause(); return h5fail(err, "create group", d->name); }
        const char *subgroups[] = {"coords", "timecourse", "train", "final", "weights"};
        for (int i = 0; i < 5; i++) {
            hid_t g = H5Gcreate2(h->group, subgroups[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (g < 0) { note_cause(); return h5fail(err, "create group", subgroups[i]); }
            H5Gclose(g);
        }
        /* attributes */
        char axes[1024] = "";
        for (int a = 0; a < d->n_axes; a++) {
            if (a) strncat(axes, ",", sizeof axes - strlen(axes) - 1);
            strncat(axes, d->axis_names[a], sizeof axes - strlen(axes) - 1);
        }
        int64_t v;
        if ((rc = attr_write_str(h->group, "config_yaml", d->config_yaml, err))) return rc;
        if ((rc = attr_write_str(h->group, "axes", axes, err))) return rc;
        if ((rc = attr_write_str(h->group, "preset", d->preset ? d->preset : "", err))) return rc;
        struct { const char *n; int64_t v; } ints[] = {
            {"n_points", d->n_points}, {"n_records", d->n_records}, {"n_units", d->n_units},
            {"n_in", d->n_in}, {"n_out", d->n_out}, {"n_mm_steps", d->n_mm_steps},
        };
        for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
            v = ints[i].v;
            if ((rc = attr_write_num(h->group, ints[i].n, H5T_NATIVE_INT64, &v, err))) return rc;
        }
        /* coordinates and record steps: written now, collectively, same data on every rank */
        for (int a = 0; a < d->n_axes; a++) {
            char path[300];
            snprintf(path, sizeof path, "coords/%s", d->axis_names[a]);
            /* seeds are uint64: exact (from d->seeds; a double holds only 53 bits) */
            int is_seed = strcmp(d->axis_names[a], "seed") == 0;
            hid_t ds = ds_create(h->group, path, is_seed ? H5T_STD_U64LE : H5T_IEEE_F64LE, 1, &P,
                                 NULL);
            if (ds < 0) return h5fail(err, "create dataset", path);
            void *col = malloc((size_t)P * 8);
            if (!col) { H5Dclose(ds); return mimod_errf(err, MIMOD_ENOMEM, "out of memory"); }
            for (hsize_t p = 0; p < P; p++) {
                double c = d->coords[p * (hsize_t)d->n_axes + (hsize_t)a];
                if (is_seed) ((uint64_t *)col)[p] = d->seeds ? d->seeds[p] : (uint64_t)c;
                else ((double *)col)[p] = c;
            }
            herr_t w = H5Dwrite(ds, is_seed ? H5T_NATIVE_UINT64 : H5T_NATIVE_DOUBLE, H5S_ALL,
                                H5S_ALL, H5P_DEFAULT, col);
            if (w < 0) note_cause();
            free(col);
            H5Dclose(ds);
            if (w < 0) return h5fail(err, "write", path);
        }
        hid_t ds = ds_create(h->group, "record_step", H5T_STD_I64LE, 1, &R, NULL);
        if (ds < 0) return h5fail(err, "create dataset", "record_step");
        herr_t w = H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, d->record_step);
        if (w < 0) note_cause();
        H5Dclose(ds);
        if (w < 0) return h5fail(err, "write", "record_step");
    } else {
        if (H5Lexists(f->file, d->name, H5P_DEFAULT) <= 0)
            return mimod_errf(err, MIMOD_EINVAL, "result file lacks group /%s", d->name);
        h->group = H5Gopen2(f->file, d->name, H5P_DEFAULT);
        if (h->group < 0) {
            note_cause();
            return h5fail(err, "open group", d->name);
        }
    }

    /* Create or open one dataset into *slot. */
#define DS(slot, name, type, rank, fill, ...)                                               \
    do {                                                                                  \
        hsize_t dims_[] = {__VA_ARGS__};                                                  \
        if (create) {                                                                     \
            (slot) = ds_create(h->group, (name), (type), (rank), dims_, (fill));          \
            if ((slot) < 0) return h5fail(err, "create dataset", (name));                 \
        } else {                                                                          \
            (slot) = ds_open_checked(h->group, (name), (rank), dims_, err);               \
            if ((slot) < 0) return err ? err->code : MIMOD_EINVAL;                        \
        }                                                                                 \
    } while (0)

    DS(h->status, "status", H5T_STD_I32LE, 1, &zero32, P);
    DS(h->fail_step, "fail_step", H5T_STD_I64LE, 1, &minus1, P);
    DS(h->fail_reason, "fail_reason", f->reason_type, 1, NULL, P);
    DS(h->wall, "wall_seconds", H5T_IEEE_F64LE, 1, &nan, P);
    /* optional when resuming: files made before issue 15 lack it (then not kept) */
    if (create || H5Lexists(h->group, SCHEMA_RECORDS_DONE, H5P_DEFAULT) > 0)
        DS(h->records_done, SCHEMA_RECORDS_DONE, H5T_STD_I32LE, 1, &zero32, P);
    else
        h->records_done = -1;
    /* files made before them lack them: results_open_existing adds them, with
     * every rank, once each rank's setup has succeeded */
    for (int k = 0; k < N_PROV; k++) {
        if (create || H5Lexists(h->group, prov_name[k], H5P_DEFAULT) > 0)
            DS(h->prov[k], prov_name[k], f->kernel_type, 1, NULL, P);
        else
            h->prov[k] = -1;
    }
    char name[300];
    for (int q = 0; q < TC_COUNT; q++) {
        snprintf(name, sizeof name, "timecourse/%s", schema_quantities[q].name);
        DS(h->tc[q], name, H5T_IEEE_F64LE, 2, &nan, P, R);
        snprintf(name, sizeof name, "final/%s", schema_quantities[q].name);
        DS(h->fin[q], name, H5T_IEEE_F64LE, 1, &nan, P);
    }
    DS(h->tc_r2, "timecourse/r2", H5T_IEEE_F64LE, 3, &nan, P, R, O);
    DS(h->train_loss, "train/task_loss", H5T_IEEE_F64LE, 2, &nan, P, S);
    DS(h->train_mi, "train/mi", H5T_IEEE_F64LE, 2, &nan, P, S);
    for (int q = TC_COUNT; q < Q_COUNT; q++) { /* final values without a time course */
        snprintf(name, sizeof name, "final/%s", schema_quantities[q].name);
        DS(h->fin[q], name, H5T_IEEE_F64LE, 1, &nan, P);
    }
    DS(h->fin_r2, "final/r2", H5T_IEEE_F64LE, 2, &nan, P, O);
    DS(h->fin_comm, "final/communities", H5T_STD_I32LE, 2, &zero32, P, N);
    DS(h->fin_corr, "final/corr", H5T_IEEE_F64LE, 3, &nan, P, N, N);
    DS(h->fin_uoc, "final/unit_out_corr", H5T_IEEE_F64LE, 3, &nan, P, N, O);
    h->n_w = d->layout ? d->layout->n_tensors : 0;
    size_t wmax = 1;
    for (int i = 0; i < h->n_w; i++) {
        const mimod_tensor *t = &d->layout->t[i];
        h->w_rows[i] = t->rows;
        h->w_cols[i] = t->cols;
        if (tensor_size(t) > wmax) wmax = tensor_size(t);
        snprintf(name, sizeof name, "weights/%s", t->name);
        DS(h->w[i], name, H5T_IEEE_F32LE, 3, &nanf_, P, (hsize_t)t->rows, (hsize_t)t->cols);
    }
#undef DS
    size_t rmax = (size_t)(R * (O > 0 ? O : 1));
    if ((size_t)(N * N) > rmax) rmax = (size_t)(N * N);
    if ((size_t)(N * O) > rmax) rmax = (size_t)(N * O);
    if ((size_t)S > rmax) rmax = (size_t)S;
    h->row = malloc(rmax * sizeof(double));
    h->wrow = malloc(wmax * sizeof(float));
    h->irow = malloc((size_t)(N > 0 ? N : 1) * sizeof(int));
    h->stamped = calloc(P > 0 ? P : 1, 1); /* nothing stamped yet in this run */
    if (!h->row || !h->wrow || !h->irow || !h->stamped)
        return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    return MIMOD_OK;
}

static void task_close(task_handles *h) {
    hid_t *all[] = {&h->status, &h->fail_step, &h->fail_reason, &h->wall, &h->records_done,
                    &h->prov[PROV_KERNEL], &h->prov[PROV_BUILD], &h->tc_r2,
                    &h->train_loss, &h->train_mi, &h->fin_r2, &h->fin_comm,
                    &h->fin_corr, &h->fin_uoc};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (*all[i] > 0) H5Dclose(*all[i]);
    for (int q = 0; q < TC_COUNT; q++)
        if (h->tc[q] > 0) H5Dclose(h->tc[q]);
    for (int q = 0; q < Q_COUNT; q++)
        if (h->fin[q] > 0) H5Dclose(h->fin[q]);
    for (int i = 0; i < h->n_w; i++)
        if (h->w[i] > 0) H5Dclose(h->w[i]);
    if (h->group > 0) H5Gclose(h->group);
    free(h->row);
    free(h->wrow);
    free(h->irow);
    free(h->stamped);
}

/* ------------------------------------------------------------ open / close */

static int file_alloc(MPI_Comm comm, int n_tasks, results_file **out, mimod_err *err) {
    h5_quiet(); /* our messages (with HDF5's cause), not HDF5's stack dumps */
    results_file *f = calloc(1, sizeof *f);
    if (!f) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    f->t = calloc((size_t)(n_tasks > 0 ? n_tasks : 1), sizeof *f->t);
    if (!f->t) { free(f); return mimod_errf(err, MIMOD_ENOMEM, "out of memory"); }
    f->n_tasks = n_tasks;
    f->parallel = comm != MPI_COMM_NULL;
    f->file = -1;
    f->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (f->parallel) H5Pset_dxpl_mpio(f->dxpl, H5FD_MPIO_INDEPENDENT);
    f->reason_type = H5Tcopy(H5T_C_S1);
    H5Tset_size(f->reason_type, RESULTS_REASON_LEN);
    H5Tset_strpad(f->reason_type, H5T_STR_NULLTERM);
    f->kernel_type = H5Tcopy(H5T_C_S1);
    H5Tset_size(f->kernel_type, RESULTS_KERNEL_LEN);
    H5Tset_strpad(f->kernel_type, H5T_STR_NULLTERM);
    *out = f;
    return MIMOD_OK;
}

static hid_t make_fapl(MPI_Comm comm) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (comm != MPI_COMM_NULL) H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    return fapl;
}

/* All ranks agree on failure: the worst (most negative) code wins; a rank
 * that did not fail itself gets a generic message. */
static int agree(MPI_Comm comm, int rc, mimod_err *err) {
    if (comm == MPI_COMM_NULL) return rc;
    int worst = rc;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MIN, comm);
    if (worst != MIMOD_OK && rc == MIMOD_OK)
        mimod_errf(err, worst, "result file setup failed on another rank");
    return worst;
}

/* Close a file that is being thrown away. When the disk is full, H5Fclose
 * cannot flush its metadata and fails, leaving the file open in the library,
 * which then crashes when it shuts down (in MPI_Finalize). The file is
 * garbage: truncate it to free its space, and close again. */
static void close_discard(results_file *f, MPI_Comm comm, const char *path) {
    if (!f) return;
    for (int i = 0; i < f->n_tasks; i++) task_close(&f->t[i]);
    f->n_tasks = 0;
    if (f->file >= 0) {
        int failed = H5Fclose(f->file) < 0, any = failed;
        if (comm != MPI_COMM_NULL) MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, comm);
        if (any) {
            int rank = 0;
            if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
            if (rank == 0 && truncate(path, 0) != 0) { /* nothing more to try */ }
            if (comm != MPI_COMM_NULL) MPI_Barrier(comm);
            if (failed) H5Fclose(f->file);
        }
        f->file = -1;
    }
    results_close(f, NULL);
}

/* The temporary name a file is created under: "<path>.creating". */
static void creating_path(const char *path, char *buf, size_t n) {
    snprintf(buf, n, "%s.creating", path);
}

int results_create(const char *path, MPI_Comm comm, const results_meta *meta, int n_tasks,
                   const results_task_desc *tasks, results_file **out, mimod_err *err) {
    *out = NULL;
    results_file *f;
    int rc = file_alloc(comm, n_tasks, &f, err);
    if (rc) return rc;
    int rank = 0;
    if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);

    /* One rank decides whether the file exists (others might see it half-made). */
    int exists = access(path, F_OK) == 0;
    if (comm != MPI_COMM_NULL) MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
    if (exists && !meta->overwrite) {
        results_close(f, NULL);
        return mimod_errf(err, MIMOD_EINVAL, "%s exists; refusing to overwrite it", path);
    }
    /* The file is made under a temporary name and renamed when complete: a
     * failure (full disk) or a kill while creating leaves no partial file at
     * `path` to block the rerun. */
    char tmp[PATH_MAX + 16];
    creating_path(path, tmp, sizeof tmp);
    hid_t fapl = make_fapl(comm);
    f->file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    if (f->file < 0) note_cause();
    H5Pclose(fapl);
    if (f->file < 0) {
        rc = mimod_errf(err, MIMOD_EIO, "cannot create %s%s%s", tmp, h5_cause[0] ? ": " : "", h5_cause);
        h5_cause[0] = '\0';
    }
    rc = agree(comm, rc, err);

    /* Root attributes; every rank writes the same values (rank 0's time). */
    if (!rc) {
        char created[32];
        time_t now = time(NULL);
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        if (comm != MPI_COMM_NULL) MPI_Bcast(created, sizeof created, MPI_CHAR, 0, comm);
        int32_t fmt = RESULTS_FORMAT_VERSION, nr = meta->n_ranks;
        if (!rc) rc = attr_write_num(f->file, "format_version", H5T_NATIVE_INT32, &fmt, err);
        if (!rc) rc = attr_write_str(f->file, "mimod_version", MIMOD_VERSION, err);
        if (!rc) rc = attr_write_str(f->file, "git_commit", mimod_git_commit(), err);
        if (!rc) rc = attr_write_str(f->file, "created", created, err);
        if (!rc) rc = attr_write_num(f->file, "n_ranks", H5T_NATIVE_INT32, &nr, err);
        if (!rc) rc = attr_write_str(f->file, "sweep_yaml", meta->sweep_yaml ? meta->sweep_yaml : "", err);
        if (!rc) rc = attr_write_str(f->file, "sweep_hash", meta->sweep_hash ? meta->sweep_hash : "", err);
    }
    for (int i = 0; !rc && i < n_tasks; i++) rc = task_setup(f, &f->t[i], &tasks[i], 1, err);
    if (!rc && H5Fflush(f->file, H5F_SCOPE_GLOBAL) < 0) {
        note_cause();
        rc = h5fail(err, "flush", tmp);
    }
    rc = agree(comm, rc, err);
    if (!rc) {
        /* close (collective), then publish under the real name */
        for (int i = 0; i < f->n_tasks; i++) task_close(&f->t[i]);
        f->n_tasks = 0;
        if (H5Fclose(f->file) < 0) {
            note_cause();
            rc = h5fail(err, "close", tmp);
        } else {
            f->file = -1;
        }
        rc = agree(comm, rc, err);
    }
    if (rc) {
        close_discard(f, comm, tmp);
        if (rank == 0) unlink(tmp);
        if (comm != MPI_COMM_NULL) MPI_Barrier(comm);
        mimod_err_prefix(err, "creating %s (nothing was left behind)", path);
        return rc;
    }
    results_close(f, NULL);
    if (rank == 0) {
        if (rename(tmp, path) != 0) {
            rc = mimod_errf(err, MIMOD_EIO, "rename %s -> %s: %s", tmp, path, strerror(errno));
            unlink(tmp);
        } else {
            /* make the rename durable before anything is written into the file */
            char dir[PATH_MAX];
            snprintf(dir, sizeof dir, "%s", path);
            int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
            if (dfd >= 0) {
                if (fsync(dfd) != 0) { /* best effort */ }
                close(dfd);
            }
        }
    }
    rc = agree(comm, rc, err);
    if (rc) return rc;
    return results_open_existing(path, comm, meta, n_tasks, tasks, out, err);
}

/* H5Literate's visitor over the root: a group no task of the sweep names. */
typedef struct {
    int n_tasks;
    const results_task_desc *tasks;
    char *msg;
    size_t cap;
    int shown;
} extra_groups;

static herr_t note_extra_group(hid_t root, const char *name, const H5L_info_t *info, void *data) {
    (void)info;
    extra_groups *e = data;
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0) return 0;
    int group = H5Iget_type(obj) == H5I_GROUP;
    H5Oclose(obj);
    if (!group) return 0;
    for (int i = 0; i < e->n_tasks; i++)
        if (strcmp(e->tasks[i].name, name) == 0) return 0;
    snprintf(e->msg + strlen(e->msg), e->cap - strlen(e->msg),
             "; task '%s' is in the file but not in the sweep", name);
    return 0;
}

/* Append "what differs" between the file and the sweep to msg. */
static void describe_difference(hid_t file, int n_tasks, const results_task_desc *tasks, char *msg,
                                size_t cap) {
#define ADD(...) snprintf(msg + strlen(msg), cap - strlen(msg), __VA_ARGS__)
    for (int i = 0; i < n_tasks; i++) {
        const results_task_desc *d = &tasks[i];
        if (H5Lexists(file, d->name, H5P_DEFAULT) <= 0) {
            ADD("; task '%s' is not in the file", d->name);
            continue;
        }
        hid_t g = H5Gopen2(file, d->name, H5P_DEFAULT);
        char *axes = h5_attr_read_str(g, "axes");
        char want[1024] = "";
        for (int a = 0; a < d->n_axes; a++) {
            if (a) strncat(want, ",", sizeof want - strlen(want) - 1);
            strncat(want, d->axis_names[a], sizeof want - strlen(want) - 1);
        }
        if (!axes || strcmp(axes, want) != 0)
            ADD("; %s: axes are [%s] in the file, [%s] in the sweep", d->name, axes ? axes : "?", want);
        /* coordinates, axis by axis */
        for (int a = 0; axes && strcmp(axes, want) == 0 && a < d->n_axes; a++) {
            char path[300];
            snprintf(path, sizeof path, "coords/%s", d->axis_names[a]);
            hid_t ds = H5Dopen2(g, path, H5P_DEFAULT);
            if (ds < 0) continue;
            hid_t sp = H5Dget_space(ds);
            hsize_t n = 0;
            H5Sget_simple_extent_dims(sp, &n, NULL);
            H5Sclose(sp);
            double *v = malloc((size_t)(n ? n : 1) * sizeof(double));
            uint64_t *u = malloc((size_t)(n ? n : 1) * sizeof(uint64_t));
            int seeds = strcmp(d->axis_names[a], "seed") == 0 && d->seeds;
            if (v && u && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0 &&
                (!seeds || H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, u) >= 0)) {
                if ((int)n != d->n_points) {
                    if (a == 0) /* once, not once per axis */
                        ADD("; %s: %llu grid points in the file, %d in the sweep", d->name,
                            (unsigned long long)n, d->n_points);
                } else {
                    for (hsize_t p = 0; p < n; p++) {
                        double c = d->coords[p * (hsize_t)d->n_axes + (hsize_t)a];
                        if (seeds && u[p] != d->seeds[p]) {
                            ADD("; %s: axis seed differs (point %llu: %llu in the file, %llu in the "
                                "sweep)", d->name, (unsigned long long)p, (unsigned long long)u[p],
                                (unsigned long long)d->seeds[p]);
                            break;
                        }
                        if (!seeds && v[p] != c) {
                            ADD("; %s: axis %s differs (point %llu: %g in the file, %g in the sweep)",
                                d->name, d->axis_names[a], (unsigned long long)p, v[p], c);
                            break;
                        }
                    }
                }
            }
            free(v);
            free(u);
            H5Dclose(ds);
        }
        free(axes);
        /* configuration, key by key (lines "key: value") */
        char *cfg = h5_attr_read_str(g, "config_yaml");
        if (cfg && d->config_yaml && strcmp(cfg, d->config_yaml) != 0) {
            int shown = 0;
            const char *a = cfg;
            while (*a && shown < 8) {
                const char *ae = strchr(a, '\n');
                size_t alen = ae ? (size_t)(ae - a) : strlen(a);
                const char *colon = memchr(a, ':', alen);
                if (colon) {
                    size_t klen = (size_t)(colon - a);
                    /* find the same key in the sweep's config */
                    const char *b = d->config_yaml, *found = NULL;
                    size_t blen = 0;
                    while (*b) {
                        const char *be = strchr(b, '\n');
                        size_t bl = be ? (size_t)(be - b) : strlen(b);
                        if (bl > klen && strncmp(b, a, klen) == 0 && b[klen] == ':') {
                            found = b;
                            blen = bl;
                            break;
                        }
                        b = be ? be + 1 : b + bl;
                    }
                    if (!found || blen != alen || strncmp(found, a, alen) != 0) {
                        ADD("; %s: %.*s in the file, %.*s in the sweep", d->name, (int)alen, a,
                            found ? (int)blen : 9, found ? found : "(missing)");
                        shown++;
                    }
                }
                a = ae ? ae + 1 : a + alen;
            }
        }
        free(cfg);
        H5Gclose(g);
    }
    /* groups in the file that the sweep lacks (whatever tasks it names) */
    extra_groups eg = {n_tasks, tasks, msg, cap, 0};
    H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, NULL, note_extra_group, &eg);
#undef ADD
}

int results_create_serial(const char *path, const results_meta *meta, int n_tasks,
                          const results_task_desc *tasks, results_file **out, mimod_err *err) {
    return results_create(path, MPI_COMM_NULL, meta, n_tasks, tasks, out, err);
}

int results_open_existing_serial(const char *path, const results_meta *meta, int n_tasks,
                                 const results_task_desc *tasks, results_file **out,
                                 mimod_err *err) {
    return results_open_existing(path, MPI_COMM_NULL, meta, n_tasks, tasks, out, err);
}

int results_open_existing(const char *path, MPI_Comm comm, const results_meta *meta,
                          int n_tasks, const results_task_desc *tasks, results_file **out,
                          mimod_err *err) {
    *out = NULL;
    results_file *f;
    int rc = file_alloc(comm, n_tasks, &f, err);
    if (rc) return rc;
    hid_t fapl = make_fapl(comm);
    f->file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (f->file < 0) {
        note_cause();
        rc = mimod_errf(err, MIMOD_EIO, "cannot open %s as an HDF5 file%s%s", path,
                        h5_cause[0] ? ": " : "", h5_cause);
        h5_cause[0] = '\0';
    }
    rc = agree(comm, rc, err);
    if (!rc) {
        int32_t fmt = -1;
        hid_t a = H5Aexists(f->file, "format_version") > 0 ? H5Aopen(f->file, "format_version", H5P_DEFAULT) : -1;
        if (a >= 0) {
            if (H5Aread(a, H5T_NATIVE_INT32, &fmt) < 0) note_cause();
            H5Aclose(a);
        }
        if (fmt != RESULTS_FORMAT_VERSION)
            rc = mimod_errf(err, MIMOD_EINVAL, "%s is not a mimod result file of format %d "
                            "(format_version %d%s%s)", path, RESULTS_FORMAT_VERSION, (int)fmt,
                            h5_cause[0] ? ": " : "", h5_cause);
        h5_cause[0] = '\0';
    }
    if (!rc) {
        char *hash = h5_attr_read_str(f->file, "sweep_hash");
        if (!hash || !meta->sweep_hash || strcmp(hash, meta->sweep_hash) != 0) {
            char diff[900] = "";
            describe_difference(f->file, n_tasks, tasks, diff, sizeof diff);
            rc = mimod_errf(err, MIMOD_EINVAL,
                            "%s holds another sweep (sweep_hash %s, this sweep %s)%s%s; use "
                            "--new-output PATH to start a new file",
                            path, hash ? hash : "missing", meta->sweep_hash ? meta->sweep_hash : "?",
                            diff[0] ? "" : "; its definition differs in settings that are not "
                                           "per-task keys or axes",
                            diff);
        }
        free(hash);
    }
    for (int i = 0; !rc && i < n_tasks; i++) rc = task_setup(f, &f->t[i], &tasks[i], 0, err);
    rc = agree(comm, rc, err);
    /* A file made before blas_kernel or build gets them now, empty
     * (unrecorded) rows: every rank has opened the same file and sees the same
     * groups, so all take this path together, as creating a dataset needs
     * (collective). */
    int added = 0;
    for (int i = 0; !rc && i < n_tasks; i++)
        for (int k = 0; !rc && k < N_PROV; k++) {
            task_handles *h = &f->t[i];
            if (h->prov[k] >= 0) continue;
            hsize_t P = (hsize_t)h->P;
            h->prov[k] = ds_create(h->group, prov_name[k], f->kernel_type, 1, &P, NULL);
            if (h->prov[k] < 0) rc = h5fail(err, "create dataset", prov_name[k]);
            added = 1;
        }
    rc = agree(comm, rc, err);
    /* the new metadata on disk now, for readers of the file while it is written */
    if (!rc && added && H5Fflush(f->file, H5F_SCOPE_GLOBAL) < 0) {
        note_cause();
        rc = h5fail(err, "flush", path);
    }
    rc = agree(comm, rc, err);
    if (rc) {
        results_close(f, NULL);
        return rc;
    }
    *out = f;
    return MIMOD_OK;
}

int results_close(results_file *f, mimod_err *err) {
    if (!f) return MIMOD_OK;
    for (int i = 0; i < f->n_tasks; i++) task_close(&f->t[i]);
    int rc = MIMOD_OK;
    if (f->file >= 0 && H5Fclose(f->file) < 0) {
        note_cause();
        rc = h5fail(err, "close", "file");
    }
    H5Pclose(f->dxpl);
    H5Tclose(f->reason_type);
    H5Tclose(f->kernel_type);
    free(f->t);
    free(f);
    return rc;
}

/* --------------------------------------------------------- per-point writes */

static int check_index(results_file *f, int task, int point, mimod_err *err) {
    if (task < 0 || task >= f->n_tasks || point < 0 || point >= f->t[task].P)
        return mimod_errf(err, MIMOD_EINVAL, "results: no grid point %d of task %d", point, task);
    return MIMOD_OK;
}

int results_mark(results_file *f, int task, int point, int status, int64_t fail_step,
                 const char *reason, mimod_err *err) {
    int rc = check_index(f, task, point, err);
    if (rc) return rc;
    task_handles *h = &f->t[task];
    char why[RESULTS_REASON_LEN] = {0};
    if (reason) snprintf(why, sizeof why, "%s", reason);
    int32_t st = status;
    if ((rc = ds_write_row(f, h->fail_step, H5T_NATIVE_INT64, point, &fail_step, err))) return rc;
    if ((rc = ds_write_row(f, h->fail_reason, f->reason_type, point, why, err))) return rc;
    /* the status last: readers trust it */
    flush_if_serial(f);
    if ((rc = ds_write_row(f, h->status, H5T_NATIVE_INT32, point, &st, err))) return rc;
    flush_if_serial(f);
    return MIMOD_OK;
}

static int check_task(const results_file *f, int task, mimod_err *err) {
    if (task < 0 || task >= f->n_tasks) return mimod_errf(err, MIMOD_EINVAL, "results: no task %d", task);
    return MIMOD_OK;
}

/* A whole [P] dataset into buf (`bytes` long); zeros when ds < 0 (a dataset
 * the file was made without). */
static int read_rows(results_file *f, hid_t ds, hid_t memtype, void *buf, size_t bytes,
                     const char *name, mimod_err *err) {
    if (ds < 0 || bytes == 0) {
        memset(buf, 0, bytes);
        return MIMOD_OK;
    }
    if (H5Dread(ds, memtype, H5S_ALL, H5S_ALL, f->dxpl, buf) < 0) {
        note_cause();
        return h5fail(err, "read", name);
    }
    return MIMOD_OK;
}

int results_read_status(results_file *f, int task, int *status, mimod_err *err) {
    int rc = check_task(f, task, err);
    const task_handles *h = rc ? NULL : &f->t[task];
    return rc ? rc : read_rows(f, h->status, H5T_NATIVE_INT, status,
                               (size_t)h->P * sizeof *status, "status", err);
}

static int read_provenance(results_file *f, int task, int k, char (*rows)[RESULTS_KERNEL_LEN],
                           mimod_err *err) {
    int rc = check_task(f, task, err);
    if (rc) return rc;
    const task_handles *h = &f->t[task];
    rc = read_rows(f, h->prov[k], f->kernel_type, rows, (size_t)h->P * RESULTS_KERNEL_LEN,
                   prov_name[k], err);
    for (int p = 0; !rc && p < h->P; p++) rows[p][RESULTS_KERNEL_LEN - 1] = '\0';
    return rc;
}

int results_read_kernels(results_file *f, int task, char (*kernels)[RESULTS_KERNEL_LEN],
                         mimod_err *err) {
    return read_provenance(f, task, PROV_KERNEL, kernels, err);
}

int results_read_builds(results_file *f, int task, char (*builds)[RESULTS_KERNEL_LEN],
                        mimod_err *err) {
    return read_provenance(f, task, PROV_BUILD, builds, err);
}

/* A file made before issue 15 has no records_done: all 0, nothing known. */
int results_read_records_done(results_file *f, int task, int *records_done, mimod_err *err) {
    int rc = check_task(f, task, err);
    const task_handles *h = rc ? NULL : &f->t[task];
    return rc ? rc : read_rows(f, h->records_done, H5T_NATIVE_INT, records_done,
                               (size_t)h->P * sizeof *records_done, SCHEMA_RECORDS_DONE, err);
}

/* out = a "+" b, cut to RESULTS_KERNEL_LEN − 1 bytes, NUL-terminated. */
static void kernel_join(char *out, const char *a, const char *b) {
    size_t n = 0, cap = RESULTS_KERNEL_LEN - 1;
    for (; *a && n < cap; a++) out[n++] = *a;
    if (n < cap) out[n++] = '+';
    for (; *b && n < cap; b++) out[n++] = *b;
    out[n] = '\0';
}

/* This process's value of provenance row k: its OpenBLAS kernel
 * (mimod_blas_corename) or its build (the commit's first 12 hex digits, as
 * --version prints it). */
static void provenance_value(int k, char out[RESULTS_KERNEL_LEN]) {
    if (k == PROV_BUILD) {
        mimod_build_id(out);
        if (!out[0]) snprintf(out, RESULTS_KERNEL_LEN, "?");
        return;
    }
    const char *v = mimod_blas_corename();
    snprintf(out, RESULTS_KERNEL_LEN, "%s", v && v[0] ? v : "?");
}

/* One provenance row of a point (schema.h), at its run's first write: a
 * trial that starts here gets this process's value B; one resumed from a
 * checkpoint keeps what the row says of its earlier part and adds B when it
 * is another ("A+B"; "?+B" when the row is empty: a file made before the
 * row, or a new file such as mimod-train's, whose checkpoint does not say). */
static int stamp_row(results_file *f, hid_t ds, int point, int fresh, const char *mine,
                     mimod_err *err) {
    char old[RESULTS_KERNEL_LEN] = {0}, row[RESULTS_KERNEL_LEN] = {0};
    int rc;
    if (!fresh) {
        if ((rc = ds_read_row(f, ds, f->kernel_type, point, old, err))) return rc;
        old[sizeof old - 1] = '\0';
    }
    size_t lo = strlen(old), lm = strlen(mine);
    if (fresh) {
        snprintf(row, sizeof row, "%s", mine);
    } else if (!old[0]) {
        kernel_join(row, "?", mine);
    } else if (strcmp(old, mine) == 0 ||
               (lo > lm && old[lo - lm - 1] == '+' && strcmp(old + lo - lm, mine) == 0)) {
        return MIMOD_OK; /* this value already goes on from where the row ends */
    } else {
        kernel_join(row, old, mine);
    }
    return ds_write_row(f, ds, f->kernel_type, point, row, err);
}

/* The point's provenance rows, at this handle's first write of the point
 * (once per run of it). A trial that starts here has no MM and no SM step
 * done (a checkpoint is saved only after a step); one resumed from a
 * checkpoint, also one saved in the SM pre-training (mm_done 0), is not
 * fresh. */
static int stamp_provenance(results_file *f, task_handles *h, int point,
                            const results_point_data *d, mimod_err *err) {
    if (h->stamped[point]) return MIMOD_OK;
    const int fresh = d->mm_done <= 0 && d->sm_done <= 0;
    for (int k = 0; k < N_PROV; k++) {
        if (h->prov[k] < 0) continue;
        char mine[RESULTS_KERNEL_LEN];
        provenance_value(k, mine);
        int rc = stamp_row(f, h->prov[k], point, fresh, mine, err);
        if (rc) return rc;
    }
    h->stamped[point] = 1;
    return MIMOD_OK;
}

/* The rows that grow while a point trains: time courses (records < n_done;
 * NaN after), train/ (steps < mm_done; NaN after), records_done. Whole rows,
 * so rewriting them (a resumed point) leaves nothing of an earlier run. */
static int write_courses(results_file *f, task_handles *h, int point, const results_point_data *d,
                         mimod_err *err) {
    const trial_results *res = d->res;
    int n_done = res->n_done < h->R ? res->n_done : h->R;
    double *row = h->row;
    int rc;
    /* time courses: records not reached are NaN */
    for (int q = 0; q < TC_COUNT; q++) {
        for (int r = 0; r < h->R; r++) row[r] = r < n_done ? res->tc[q][r] : NAN;
        if ((rc = ds_write_row(f, h->tc[q], H5T_NATIVE_DOUBLE, point, row, err))) return rc;
    }
    for (int r = 0; r < h->R; r++)
        for (int o = 0; o < h->O; o++)
            row[r * h->O + o] = (r < n_done && res->r2) ? res->r2[r * h->O + o] : NAN;
    if ((rc = ds_write_row(f, h->tc_r2, H5T_NATIVE_DOUBLE, point, row, err))) return rc;
    for (int64_t s = 0; s < h->S; s++) row[s] = s < d->mm_done ? res->train_loss[s] : NAN;
    if ((rc = ds_write_row(f, h->train_loss, H5T_NATIVE_DOUBLE, point, row, err))) return rc;
    for (int64_t s = 0; s < h->S; s++) row[s] = s < d->mm_done ? res->train_mi[s] : NAN;
    if ((rc = ds_write_row(f, h->train_mi, H5T_NATIVE_DOUBLE, point, row, err))) return rc;
    /* the rows reach the file before the count that vouches for them (the
     * serial driver caches raw data until a flush, in any order) */
    flush_if_serial(f);
    int32_t nd = n_done;
    if (h->records_done >= 0 &&
        (rc = ds_write_row(f, h->records_done, H5T_NATIVE_INT32, point, &nd, err)))
        return rc;
    return MIMOD_OK;
}

int results_write_progress(results_file *f, int task, int point, const results_point_data *d,
                           mimod_err *err) {
    int rc = check_index(f, task, point, err);
    if (rc) return rc;
    task_handles *h = &f->t[task];
    if ((rc = stamp_provenance(f, h, point, d, err))) return rc;
    if ((rc = write_courses(f, h, point, d, err))) return rc;
    double wall = d->res->wall_seconds;
    if ((rc = ds_write_row(f, h->wall, H5T_NATIVE_DOUBLE, point, &wall, err))) return rc;
    flush_if_serial(f);
    return MIMOD_OK;
}

int results_write_point_data(results_file *f, int task, int point, const results_point_data *d,
                             int status, int64_t fail_step, const char *reason, mimod_err *err) {
    int rc = check_index(f, task, point, err);
    if (rc) return rc;
    task_handles *h = &f->t[task];
    const trial_results *res = d->res;
    int n_done = res->n_done < h->R ? res->n_done : h->R;
    double *row = h->row;
    if ((rc = stamp_provenance(f, h, point, d, err))) return rc;
    if ((rc = write_courses(f, h, point, d, err))) return rc;

    if (d->finished && n_done > 0) {
        int last = n_done - 1;
        for (int q = 0; q < TC_COUNT; q++)
            if ((rc = ds_write_row(f, h->fin[q], H5T_NATIVE_DOUBLE, point, &res->tc[q][last], err)))
                return rc;
        if ((rc = ds_write_row(f, h->fin[Q_I_N], H5T_NATIVE_DOUBLE, point, &res->i_n, err))) return rc;
        for (int o = 0; o < h->O; o++) row[o] = res->r2 ? res->r2[last * h->O + o] : NAN;
        if ((rc = ds_write_row(f, h->fin_r2, H5T_NATIVE_DOUBLE, point, row, err))) return rc;
        if (res->communities) {
            for (int i = 0; i < h->N; i++) h->irow[i] = res->communities[i];
            if ((rc = ds_write_row(f, h->fin_comm, H5T_NATIVE_INT, point, h->irow, err))) return rc;
        }
        if (res->corr &&
            (rc = ds_write_row(f, h->fin_corr, H5T_NATIVE_DOUBLE, point, res->corr, err)))
            return rc;
        if (res->unit_out_corr &&
            (rc = ds_write_row(f, h->fin_uoc, H5T_NATIVE_DOUBLE, point, res->unit_out_corr, err)))
            return rc;
    }
    /* weights: by name, so a layout in another order still lands right */
    if (d->layout && d->params) {
        for (int i = 0; i < h->n_w; i++) {
            char name[256];
            ssize_t len = H5Iget_name(h->w[i], name, sizeof name);
            const char *base = len > 0 ? strrchr(name, '/') + 1 : "";
            int k = layout_find(d->layout, base);
            if (k < 0 || d->layout->t[k].rows != h->w_rows[i] || d->layout->t[k].cols != h->w_cols[i])
                return mimod_errf(err, MIMOD_EINVAL, "results: trial has no tensor '%s' of the "
                                  "file's shape", base);
            const mimod_tensor *t = &d->layout->t[k];
            for (size_t e = 0; e < tensor_size(t); e++) h->wrow[e] = (float)d->params[t->offset + e];
            if ((rc = ds_write_row(f, h->w[i], H5T_NATIVE_FLOAT, point, h->wrow, err))) return rc;
        }
    }
    double wall = res->wall_seconds;
    if ((rc = ds_write_row(f, h->wall, H5T_NATIVE_DOUBLE, point, &wall, err))) return rc;
    return results_mark(f, task, point, status, status == RESULTS_FAILED ? fail_step : -1,
                        status == RESULTS_FAILED ? reason : NULL, err);
}

/* ------------------------------------------------------- size and location */

double results_file_bytes(int n_tasks, const results_task_desc *tasks, size_t sweep_yaml_len) {
    /* metadata: superblock and root attributes, and per task its groups,
     * attributes and about 45 dataset headers (measured: < 1 KiB each) */
    double bytes = 8192.0 + 2.0 * (double)sweep_yaml_len;
    for (int i = 0; i < n_tasks; i++) {
        const results_task_desc *d = &tasks[i];
        double P = d->n_points, R = d->n_records, N = d->n_units, O = d->n_out,
               S = (double)d->n_mm_steps;
        int n_w = d->layout ? d->layout->n_tensors : 0;
        bytes += 32768.0 + 2.0 * (double)(d->config_yaml ? strlen(d->config_yaml) : 0) + 1024.0 * n_w;
        double per_point = 4 + 8 + RESULTS_REASON_LEN + 8 + 4    /* status, fail_step, reason, wall,
                                                                  records_done */
                           + 2.0 * RESULTS_KERNEL_LEN             /* blas_kernel, build */
                           + 8.0 * TC_COUNT * R + 8.0 * R * O     /* time courses */
                           + 8.0 * 2 * S                          /* train/ */
                           + 8.0 * (TC_COUNT + 1) + 8.0 * O       /* final scalars, r2 */
                           + 4.0 * N + 8.0 * N * N + 8.0 * N * O  /* communities, corr, unit_out_corr */
                           + 8.0 * d->n_axes;                     /* coords */
        for (int w = 0; w < n_w; w++) per_point += 4.0 * (double)tensor_size(&d->layout->t[w]);
        bytes += P * per_point + 8.0 * R;
    }
    return bytes;
}

void results_format_bytes(double b, char *buf, size_t n) {
    const char *unit[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (b >= 1000.0 && u < 5) { b /= 1000.0; u++; }
    if (u == 0) snprintf(buf, n, "%.0f bytes", b);
    else snprintf(buf, n, "%.3g %s", b, unit[u]);
}

int results_check_space(const char *path, double bytes, mimod_err *err) {
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    const char *dir = dirname(copy);
    struct statvfs v;
    if (statvfs(dir, &v) != 0) return MIMOD_OK; /* cannot tell: the writes will say */
    double avail = (double)v.f_bavail * (double)v.f_frsize;
    if (avail >= bytes) return MIMOD_OK;
    char need[32], have[32];
    results_format_bytes(bytes, need, sizeof need);
    results_format_bytes(avail, have, sizeof have);
    return mimod_errf(err, MIMOD_EIO, "%s needs %s (%.0f bytes) but only %s are free on the file "
                      "system of %s; free some space or write elsewhere", path, need, bytes, have, dir);
}

int results_resolve_output(const char *path, char *out, size_t n, mimod_err *err) {
    struct stat ls, st;
    if (lstat(path, &ls) != 0) {
        if (errno != ENOENT) return mimod_errf(err, MIMOD_EIO, "output %s: %s", path, strerror(errno));
        snprintf(out, n, "%s", path);
        return MIMOD_OK;
    }
    if (S_ISLNK(ls.st_mode) && stat(path, &st) != 0)
        return mimod_errf(err, MIMOD_EIO, "output %s is a symbolic link to a missing file (%s); give "
                          "the file's own path", path, strerror(errno));
    if (!S_ISLNK(ls.st_mode)) st = ls;
    if (!S_ISREG(st.st_mode)) {
        const char *kind = S_ISDIR(st.st_mode) ? "a directory" : S_ISCHR(st.st_mode) ? "a character device"
                         : S_ISBLK(st.st_mode) ? "a block device" : S_ISFIFO(st.st_mode) ? "a pipe"
                         : "not a regular file";
        return mimod_errf(err, MIMOD_EIO, "output %s is %s%s, not a result file", path, kind,
                          S_ISLNK(ls.st_mode) ? " (through a symbolic link)" : "");
    }
    if (S_ISLNK(ls.st_mode)) {
        char real[PATH_MAX];
        if (!realpath(path, real)) return mimod_errf(err, MIMOD_EIO, "output %s: %s", path, strerror(errno));
        snprintf(out, n, "%s", real);
    } else {
        snprintf(out, n, "%s", path);
    }
    return MIMOD_OK;
}
