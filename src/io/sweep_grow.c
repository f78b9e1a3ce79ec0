/* sweep_grow.c — an existing result file matched to the sweep that reruns it
 * (sweep_grow.h): the same points (resume), more values on its axes (grow),
 * or another sweep (refused, naming what differs, once). */
#include "mimod/sweep_grow.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimod/config.h"
#include "mimod/config_keys.h"
#include "mimod/h5_cause.h"
#include "mimod/text.h"

/* Keys whose line differs between the file's base configuration and the
 * sweep's, as "; wm: lambda_reg: 0 in the file, 0.001 in the sweep". Lines
 * the hash leaves out do not count. Returns how many differ. */
static int config_differences(const char *task, const char *file_cfg, const char *sweep_cfg,
                              text_buf *msg) {
    config_line_diff d[8];
    int n_diff = config_yaml_differences(file_cfg, sweep_cfg, d, 8);
    for (int i = 0; i < n_diff && i < 8; i++) {
        if (d[i].a)
            text_buf_addf(msg, "; %s: %.*s in the file, %.*s in the sweep", task, (int)d[i].a_len, d[i].a,
                   d[i].b ? (int)d[i].b_len : 9, d[i].b ? d[i].b : "(missing)");
        else
            text_buf_addf(msg, "; %s: (missing) in the file, %.*s in the sweep", task, (int)d[i].b_len, d[i].b);
    }
    if (n_diff > 8) text_buf_addf(msg, "; %s: %d more configuration keys differ", task, n_diff - 8);
    return n_diff;
}

/* Read coords/<axis> of a group: doubles, and for seed the exact uint64s. */
static int read_coords(hid_t g, const char *axis, hsize_t *n, double **v, uint64_t **u) {
    char path[300];
    snprintf(path, sizeof path, "coords/%s", axis);
    *v = NULL;
    *u = NULL;
    if (H5Lexists(g, "coords", H5P_DEFAULT) <= 0 || H5Lexists(g, path, H5P_DEFAULT) <= 0) return -1;
    hid_t ds = H5Dopen2(g, path, H5P_DEFAULT);
    if (ds < 0) return -1;
    hid_t sp = H5Dget_space(ds);
    int ok = H5Sget_simple_extent_ndims(sp) == 1;
    if (ok) H5Sget_simple_extent_dims(sp, n, NULL);
    H5Sclose(sp);
    if (ok) {
        *v = malloc((size_t)(*n ? *n : 1) * sizeof(double));
        *u = malloc((size_t)(*n ? *n : 1) * sizeof(uint64_t));
        ok = *v && *u && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *v) >= 0 &&
             H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, *u) >= 0;
    }
    H5Dclose(ds);
    if (!ok) {
        free(*v);
        free(*u);
        *v = NULL;
        *u = NULL;
        return -1;
    }
    return 0;
}

/* A list of at most 4 point labels, then "and N more". */
typedef struct { text_buf t; int n; } label_list;
static void ll_add(label_list *l, const char *label) {
    if (l->n < 4) text_buf_addf(&l->t, "%s%s", l->n ? ", " : "", label);
    l->n++;
}
static const char *ll_text(label_list *l) {
    if (l->n > 4) text_buf_addf(&l->t, " and %d more", l->n - 4);
    return l->t.s ? l->t.s : "";
}

/* The label of a file point from its coordinates: "seed=1 lambda_I=0". */
static void file_point_label(const sweep_task *t, double *const *v, uint64_t *const *u, hsize_t p,
                             char *buf, size_t n) {
    buf[0] = '\0';
    for (int a = 0; a < t->n_axes; a++) {
        size_t len = strlen(buf);
        if (strcmp(t->axes[a].name, "seed") == 0)
            snprintf(buf + len, n - len, "%s%s=%llu", a ? " " : "", t->axes[a].name,
                     (unsigned long long)u[a][p]);
        else {
            /* the shortest text that reads back as the value (0.1, not 0.10000000000000001) */
            char num[32];
            for (int digits = 6; digits <= 17; digits++) {
                snprintf(num, sizeof num, "%.*g", digits, v[a][p]);
                if (strtod(num, NULL) == v[a][p]) break;
            }
            snprintf(buf + len, n - len, "%s%s=%s", a ? " " : "", t->axes[a].name, num);
        }
    }
}

typedef struct { const sweep_def *s; text_buf *msg; } group_visit;

static herr_t note_extra_group(hid_t root, const char *name, const H5L_info_t *info, void *data) {
    (void)info;
    group_visit *gv = data;
    hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
    if (obj < 0) return 0;
    int group = H5Iget_type(obj) == H5I_GROUP;
    H5Oclose(obj);
    if (!group) return 0;
    for (int i = 0; i < gv->s->n_tasks; i++)
        if (strcmp(gv->s->task[i].name, name) == 0) return 0;
    text_buf_addf(gv->msg, "; task '%s' is in the file but not in the sweep", name);
    return 0;
}

/* One task: its group against the sweep's task. Adds what differs to msg
 * (returns the count) and fills the plan's order and counts. */
static int match_task(hid_t file, const sweep_def *s, int i, int same_hash, sweep_grow_plan *plan,
                      text_buf *msg, label_list *added, mimod_err *err) {
    const sweep_task *t = &s->task[i];
    if (H5Lexists(file, t->name, H5P_DEFAULT) <= 0) {
        text_buf_addf(msg, "; task '%s' is not in the file", t->name);
        return 1;
    }
    hid_t g = H5Gopen2(file, t->name, H5P_DEFAULT);
    if (g < 0) {
        text_buf_addf(msg, "; task '%s': its group cannot be opened", t->name);
        return 1;
    }
    int n_diff = 0;
    char want[1024] = "";
    for (int a = 0; a < t->n_axes; a++) {
        if (a) strncat(want, ",", sizeof want - strlen(want) - 1);
        strncat(want, t->axes[a].name, sizeof want - strlen(want) - 1);
    }
    char *axes = h5_attr_read_str(g, "axes");
    if (!same_hash && (!axes || strcmp(axes, want) != 0)) {
        text_buf_addf(msg, "; %s: axes are [%s] in the file, [%s] in the sweep", t->name, axes ? axes : "?", want);
        n_diff++;
    }
    free(axes);
    char *cfg = h5_attr_read_str(g, "config_yaml"), *mine = NULL;
    mimod_err cerr = {0};
    if (config_to_yaml(&t->base, &mine, &cerr)) {
        free(cfg);
        H5Gclose(g);
        *err = cerr;
        return -1;
    }
    /* the same hash: the same definition, whatever an older build wrote as its text */
    if (!same_hash) n_diff += config_differences(t->name, cfg ? cfg : "", mine, msg);
    free(cfg);
    free(mine);
    if (n_diff) {
        H5Gclose(g);
        return n_diff;
    }
    /* the points, by their coordinates */
    double *v[SWEEP_MAX_AXES] = {0};
    uint64_t *u[SWEEP_MAX_AXES] = {0};
    hsize_t n_file = 0;
    int bad = 0;
    for (int a = 0; a < t->n_axes && !bad; a++) {
        hsize_t n = 0;
        if (read_coords(g, t->axes[a].name, &n, &v[a], &u[a])) {
            text_buf_addf(msg, "; %s: coords/%s cannot be read", t->name, t->axes[a].name);
            bad = 1;
        } else if (a > 0 && n != n_file) {
            text_buf_addf(msg, "; %s: its coords datasets differ in length", t->name);
            bad = 1;
        }
        n_file = n;
    }
    if (t->n_axes == 0) n_file = 1; /* one point, no axis */
    H5Gclose(g);
    int *used = bad ? NULL : calloc((size_t)(t->n_points ? t->n_points : 1), sizeof *used);
    int *order = bad ? NULL : malloc((size_t)(t->n_points ? t->n_points : 1) * sizeof *order);
    if (!bad && (!used || !order)) {
        free(used);
        free(order);
        for (int a = 0; a < t->n_axes; a++) { free(v[a]); free(u[a]); }
        mimod_errf(err, MIMOD_ENOMEM, "out of memory");
        return -1;
    }
    label_list missing = {0}, fresh = {0};
    int n_matched = 0;
    for (hsize_t p = 0; !bad && p < n_file; p++) {
        int vi[SWEEP_MAX_AXES], found = 1;
        for (int a = 0; a < t->n_axes && found; a++) {
            vi[a] = sweep_axis_value_index(t, a, v[a][p], u[a][p]);
            found = vi[a] >= 0;
        }
        int q = found ? sweep_point_of_values(t, vi) : -1;
        if (q >= 0 && !used[q] && n_matched < t->n_points) {
            used[q] = 1;
            order[n_matched++] = q;
        } else {
            char label[512];
            file_point_label(t, v, u, p, label, sizeof label);
            ll_add(&missing, label);
        }
    }
    int n_old = n_matched;
    for (int q = 0; !bad && q < t->n_points; q++) {
        if (used[q]) continue;
        order[n_matched++] = q;
        char label[512];
        sweep_point_label(s, i, q, label, sizeof label);
        ll_add(&fresh, label);
    }
    for (int a = 0; a < t->n_axes; a++) { free(v[a]); free(u[a]); }
    free(used);
    if (bad) {
        free(order);
        return 1;
    }
    if (same_hash && (missing.n || fresh.n)) {
        /* the file's own definition, its points not found by their values (a
         * coordinate written otherwise by an older build): the product's order,
         * as before files could grow */
        for (int p = 0; p < t->n_points; p++) order[p] = p;
        n_old = t->n_points;
        missing.n = fresh.n = 0;
    }
    if (missing.n) {
        text_buf_addf(msg, "; %s: %d of the file's %llu points %s not in the sweep (%s)", t->name, missing.n,
               (unsigned long long)n_file, missing.n == 1 ? "is" : "are", ll_text(&missing));
        if (fresh.n)
            text_buf_addf(msg, "; %s: %d of the sweep's points %s new (%s)", t->name, fresh.n,
                   fresh.n == 1 ? "is" : "are", ll_text(&fresh));
        n_diff++;
    } else if (fresh.n) {
        char one[400];
        snprintf(one, sizeof one, "%s: %d new point%s (%s)", t->name, fresh.n, fresh.n == 1 ? "" : "s",
                 ll_text(&fresh));
        ll_add(added, one);
        plan->grow = 1;
    }
    free(missing.t.s);
    free(fresh.t.s);
    plan->n_old[i] = n_old;
    plan->order[i] = order;
    return n_diff;
}

int sweep_grow_match(const char *path, const sweep_def *s, sweep_grow_plan *plan, mimod_err *err) {
    memset(plan, 0, sizeof *plan);
    h5_quiet();
    plan->n_tasks = s->n_tasks;
    plan->n_old = calloc((size_t)(s->n_tasks ? s->n_tasks : 1), sizeof *plan->n_old);
    plan->order = calloc((size_t)(s->n_tasks ? s->n_tasks : 1), sizeof *plan->order);
    if (!plan->n_old || !plan->order) {
        sweep_grow_plan_free(plan);
        return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    }
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_file_locking(fapl, 0, 1);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    if (file < 0) {
        char cause[160] = "";
        h5_note_cause(cause, sizeof cause);
        sweep_grow_plan_free(plan);
        return mimod_errf(err, MIMOD_EIO, "cannot open %s as an HDF5 file%s%s", path,
                          cause[0] ? ": " : "", cause);
    }
    char *hash = h5_attr_read_str(file, "sweep_hash");
    int same_hash = hash && strcmp(hash, s->hash) == 0;
    text_buf msg = {0};
    label_list added = {0};
    int n_diff = 0, rc = MIMOD_OK;
    for (int i = 0; i < s->n_tasks && rc == MIMOD_OK; i++) {
        int d = match_task(file, s, i, same_hash, plan, &msg, &added, err);
        if (d < 0) rc = err->code ? err->code : MIMOD_ENOMEM;
        else n_diff += d;
    }
    group_visit gv = {s, &msg};
    size_t before = msg.len;
    if (rc == MIMOD_OK) H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, NULL, note_extra_group, &gv);
    n_diff += msg.len > before;
    H5Fclose(file);
    if (rc == MIMOD_OK && same_hash && n_diff) {
        /* the file's own definition (its hash), whatever else an older build
         * wrote: resumed in the product's order, as before files could grow */
        n_diff = 0;
        for (int i = 0; i < s->n_tasks; i++) {
            free(plan->order[i]);
            plan->order[i] = malloc((size_t)(s->task[i].n_points ? s->task[i].n_points : 1) * sizeof(int));
            if (!plan->order[i]) { rc = mimod_errf(err, MIMOD_ENOMEM, "out of memory"); break; }
            for (int p = 0; p < s->task[i].n_points; p++) plan->order[i][p] = p;
            plan->n_old[i] = s->task[i].n_points;
        }
    }
    if (rc == MIMOD_OK && msg.oom) rc = mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    if (rc == MIMOD_OK && n_diff) {
        rc = mimod_errf(err, MIMOD_EINVAL,
                        "%s holds another sweep: %s; a result file grows only by values added to its "
                        "grid axes, everything else as it was; use --new-output PATH to start a new file",
                        path, msg.s + 2 /* "; " */);
    } else if (rc == MIMOD_OK && !plan->grow && !same_hash) {
        rc = mimod_errf(err, MIMOD_EINVAL,
                        "%s holds the same points and configuration, but its definition was written "
                        "otherwise (sweep_hash %s, this sweep %s): tasks or axis values in another "
                        "order; list them as its sweep_yaml does, or use --new-output PATH", path,
                        hash ? hash : "missing", s->hash);
    }
    if (rc == MIMOD_OK && plan->grow) snprintf(plan->added, sizeof plan->added, "%s", ll_text(&added));
    free(added.t.s);
    free(msg.s);
    free(hash);
    if (rc) sweep_grow_plan_free(plan);
    return rc;
}

void sweep_grow_plan_free(sweep_grow_plan *plan) {
    for (int i = 0; plan->order && i < plan->n_tasks; i++) free(plan->order[i]);
    free(plan->order);
    free(plan->n_old);
    memset(plan, 0, sizeof *plan);
}
