/* summary_merge.c — several result files of one sweep as one task
 * (summary_merge.h). */
#include "mimod/summary_merge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimod/config_keys.h"

/* The first configuration key whose line differs (run-control keys and
 * legacy defaults aside, as in the sweep hash) into msg; 0 if none. */
static int config_difference(const char *a, const char *b, const char *pa, const char *pb, char *msg,
                             size_t cap) {
    config_line_diff d;
    if (config_yaml_differences(a, b, &d, 1) == 0) return 0;
    snprintf(msg, cap, "%.*s in %s, %.*s in %s", d.a ? (int)d.a_len : 9, d.a ? d.a : "(missing)", pa,
             d.b ? (int)d.b_len : 9, d.b ? d.b : "(missing)", pb);
    return 1;
}

static void point_label(const summary_task *t, int64_t p, char *buf, size_t n) {
    buf[0] = '\0';
    for (int a = 0; a < t->n_axes; a++) {
        size_t len = strlen(buf);
        if (strcmp(t->axis_names[a], "seed") == 0 && t->seeds)
            snprintf(buf + len, n - len, "%s%s=%llu", a ? " " : "", t->axis_names[a],
                     (unsigned long long)t->seeds[p]);
        else
            snprintf(buf + len, n - len, "%s%s=%g", a ? " " : "", t->axis_names[a],
                     t->coords[(size_t)a * (size_t)t->n_points + (size_t)p]);
    }
}

static int same_point(const summary_task *a, int64_t p, const summary_task *b, int64_t q) {
    for (int x = 0; x < a->n_axes; x++) {
        if (strcmp(a->axis_names[x], "seed") == 0 && a->seeds && b->seeds) {
            if (a->seeds[p] != b->seeds[q]) return 0;
        } else if (a->coords[(size_t)x * (size_t)a->n_points + (size_t)p] !=
                   b->coords[(size_t)x * (size_t)b->n_points + (size_t)q]) {
            return 0;
        }
    }
    return 1;
}

/* rows of `add` after those of `into`: blocks of `per` elements of size
 * `size`, `groups` of them (a [groups][P][per] array) */
static void *concat(const void *a, int64_t pa, const void *b, int64_t pb, size_t groups, size_t per,
                    size_t size) {
    size_t P = (size_t)(pa + pb);
    char *out = malloc(groups * P * per * size + 1);
    if (!out) return NULL;
    for (size_t g = 0; g < groups; g++) {
        memcpy(out + g * P * per * size, (const char *)a + g * (size_t)pa * per * size,
               (size_t)pa * per * size);
        memcpy(out + (g * P + (size_t)pa) * per * size, (const char *)b + g * (size_t)pb * per * size,
               (size_t)pb * per * size);
    }
    return out;
}

int summary_merge_task(summary_task *into, int64_t into_file, const char *into_path,
                       const summary_task *add, int64_t add_file, const char *add_path,
                       mimod_err *err) {
    char why[768] = "";
    const summary_task *a = into, *b = add;
    if (strcmp(a->preset, b->preset) != 0)
        snprintf(why, sizeof why, "preset %s in %s, %s in %s", a->preset, into_path, b->preset, add_path);
    else if (a->n_records != b->n_records || a->n_units != b->n_units || a->n_in != b->n_in ||
             a->n_out != b->n_out || a->n_mm_steps != b->n_mm_steps)
        snprintf(why, sizeof why, "shapes differ (%lld units, %lld outputs, %lld MM steps, %lld records "
                 "in %s; %lld, %lld, %lld, %lld in %s)", (long long)a->n_units, (long long)a->n_out,
                 (long long)a->n_mm_steps, (long long)a->n_records, into_path, (long long)b->n_units,
                 (long long)b->n_out, (long long)b->n_mm_steps, (long long)b->n_records, add_path);
    else if (memcmp(a->record_step, b->record_step, sizeof *a->record_step * (size_t)a->n_records) != 0)
        snprintf(why, sizeof why, "record steps differ");
    else if (config_difference(a->config_yaml ? a->config_yaml : "", b->config_yaml ? b->config_yaml : "",
                               into_path, add_path, why, sizeof why))
        ;
    else {
        int same_axes = a->n_axes == b->n_axes;
        for (int x = 0; same_axes && x < a->n_axes; x++) same_axes = !strcmp(a->axis_names[x], b->axis_names[x]);
        if (!same_axes) {
            char la[512] = "", lb[512] = "";
            for (int x = 0; x < a->n_axes; x++)
                snprintf(la + strlen(la), sizeof la - strlen(la), "%s%s", x ? "," : "", a->axis_names[x]);
            for (int x = 0; x < b->n_axes; x++)
                snprintf(lb + strlen(lb), sizeof lb - strlen(lb), "%s%s", x ? "," : "", b->axis_names[x]);
            snprintf(why, sizeof why, "axes [%s] in %s, [%s] in %s", la, into_path, lb, add_path);
        }
    }
    if (why[0])
        return mimod_errf(err, MIMOD_EINVAL, "%s and %s are not files of one sweep: %s: %s (files are "
                          "summarised together when only their grid's values differ)", into_path,
                          add_path, a->name, why);
    for (int64_t q = 0; q < b->n_points; q++)
        for (int64_t p = 0; p < a->n_points; p++)
            if (same_point(a, p, b, q)) {
                char label[512];
                point_label(b, q, label, sizeof label);
                int64_t fp = a->src_point ? a->src_point[p] : p;
                return mimod_errf(err, MIMOD_EINVAL, "%s: the point %s is in %s (point %lld) and in "
                                  "%s (point %lld): give each point's file once (a grown file holds "
                                  "the points of the file it grew from)", a->name, label,
                                  into_path, (long long)fp, add_path, (long long)q);
            }

    int64_t pa = a->n_points, pb = b->n_points, P = pa + pb;
    size_t R = (size_t)a->n_records, nax = (size_t)(a->n_axes ? a->n_axes : 0);
    summary_task m = *into; /* scalars, names, record_step, config_yaml: into's */
    m.coords = nax ? concat(a->coords, pa, b->coords, pb, nax, 1, sizeof(double)) : malloc(1);
    m.seeds = a->seeds && b->seeds ? concat(a->seeds, pa, b->seeds, pb, 1, 1, sizeof(uint64_t)) : NULL;
    m.status = concat(a->status, pa, b->status, pb, 1, 1, sizeof(int32_t));
    m.fail_step = concat(a->fail_step, pa, b->fail_step, pb, 1, 1, sizeof(int64_t));
    m.fail_reason = concat(a->fail_reason, pa, b->fail_reason, pb, 1, 1, sizeof a->fail_reason[0]);
    m.blas_kernel = concat(a->blas_kernel, pa, b->blas_kernel, pb, 1, 1, sizeof a->blas_kernel[0]);
    m.build = concat(a->build, pa, b->build, pb, 1, 1, sizeof a->build[0]);
    m.final_values = concat(a->final_values, pa, b->final_values, pb, SQ_COUNT, 1, sizeof(double));
    m.timecourse = concat(a->timecourse, pa, b->timecourse, pb, SQ_COUNT, R, sizeof(double));
    m.records_done = concat(a->records_done, pa, b->records_done, pb, 1, 1, sizeof(int32_t));
    m.wall_seconds = concat(a->wall_seconds, pa, b->wall_seconds, pb, 1, 1, sizeof(double));
    m.src_file = malloc(sizeof(int64_t) * (size_t)P);
    m.src_point = malloc(sizeof(int64_t) * (size_t)P);
    if (!m.coords || (a->seeds && b->seeds && !m.seeds) || !m.status || !m.fail_step || !m.fail_reason ||
        !m.blas_kernel || !m.build || !m.final_values || !m.timecourse || !m.records_done || !m.wall_seconds || !m.src_file ||
        !m.src_point) {
        free(m.coords); free(m.seeds); free(m.status); free(m.fail_step); free(m.fail_reason);
        free(m.blas_kernel); free(m.build); free(m.final_values); free(m.timecourse); free(m.records_done);
        free(m.wall_seconds);
        free(m.src_file); free(m.src_point);
        return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    }
    for (int64_t p = 0; p < pa; p++) {
        m.src_file[p] = a->src_file ? a->src_file[p] : into_file;
        m.src_point[p] = a->src_point ? a->src_point[p] : p;
    }
    for (int64_t q = 0; q < pb; q++) {
        m.src_file[pa + q] = add_file;
        m.src_point[pa + q] = q;
    }
    m.n_points = P;
    /* into's arrays replaced; its record_step and config_yaml carried over */
    free(into->coords); free(into->seeds); free(into->status); free(into->fail_step);
    free(into->fail_reason); free(into->blas_kernel); free(into->build); free(into->final_values); free(into->timecourse);
    free(into->records_done); free(into->wall_seconds); free(into->src_file); free(into->src_point);
    *into = m;
    return MIMOD_OK;
}
