/* summary_carried.c — what each unit group carries: for every output of the
 * task, the group whose units correlate most with it (final/unit_out_corr,
 * |corr(a_i, y_k)| on the final evaluation batch: the matrix behind D_cor), and
 * whether the groups split the task by target. D_cor is one number; this is
 * the readout that showed why SEP's D_cor was low at the medium preset (the
 * groups split the Rössler system's x and y between them, both carrying
 * Lorenz), so a reader can see it for every trial. */
#include "mimod/summary_carried.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int summary_carried_of(const double *unit_out_corr, int n_units, int n_out, int n_groups,
                       int out_per_target, summary_carried *c, mimod_err *err) {
    memset(c, 0, sizeof *c);
    if (n_units < 1 || n_out < 1 || n_out > SUMMARY_CARRIED_MAX_OUT || n_groups < 2 ||
        n_groups > SUMMARY_CARRIED_MAX_GROUPS || n_units % n_groups != 0 || out_per_target < 1 ||
        n_out % out_per_target != 0)
        return mimod_errf(err, MIMOD_EINVAL,
                          "summary_carried_of: %d units in %d groups, %d outputs in targets of %d: "
                          "sizes out of range",
                          n_units, n_groups, n_out, out_per_target);
    c->n_groups = n_groups;
    c->n_out = n_out;
    c->out_per_target = out_per_target;
    c->n_targets = n_out / out_per_target;
    const int per_group = n_units / n_groups;
    for (int g = 0; g < n_groups; g++)
        for (int k = 0; k < n_out; k++) {
            double sum = 0.0;
            for (int i = g * per_group; i < (g + 1) * per_group; i++)
                sum += fabs(unit_out_corr[(size_t)i * (size_t)n_out + (size_t)k]);
            c->mean_abs[g][k] = sum / per_group;
        }
    for (int k = 0; k < n_out; k++) {
        int best = 0;
        for (int g = 1; g < n_groups; g++)
            if (c->mean_abs[g][k] > c->mean_abs[best][k]) best = g;
        c->carrier[k] = best;
    }
    /* by target: each target's outputs all with one group, and the groups
     * share the targets as evenly as they can — ⌊T/K⌋ or ⌈T/K⌉ each, the
     * assignments of the D indices (T ≤ K: no group with two targets) */
    const int lo = c->n_targets / n_groups, hi = (c->n_targets + n_groups - 1) / n_groups;
    int count[SUMMARY_CARRIED_MAX_GROUPS] = {0};
    c->by_target = 1;
    for (int j = 0; j < c->n_targets; j++) {
        const int owner = c->carrier[j * out_per_target];
        for (int k = j * out_per_target; k < (j + 1) * out_per_target; k++)
            if (c->carrier[k] != owner) c->by_target = 0;
        count[owner]++;
    }
    for (int g = 0; g < n_groups; g++)
        if (count[g] < lo || count[g] > hi) c->by_target = 0;
    return MIMOD_OK;
}

void summary_carried_verdict(const summary_carried *c, const char *const *target_names, char *buf,
                             size_t n) {
    if (c->by_target) {
        size_t used = 0;
        buf[0] = '\0';
        for (int j = 0; j < c->n_targets && used + 1 < n; j++) {
            int w = snprintf(buf + used, n - used, "%sg%d %s", j ? ", " : "by target: ",
                             c->carrier[j * c->out_per_target] + 1, target_names[j]);
            if (w < 0) break;
            used += (size_t)w < n - used ? (size_t)w : n - used - 1;
        }
        return;
    }
    /* otherwise name the targets whose outputs are split between groups */
    size_t used = 0;
    buf[0] = '\0';
    int listed = 0;
    for (int j = 0; j < c->n_targets && used + 1 < n; j++) {
        int split = 0;
        for (int k = j * c->out_per_target + 1; k < (j + 1) * c->out_per_target; k++)
            if (c->carrier[k] != c->carrier[j * c->out_per_target]) split = 1;
        if (!split) continue;
        int w = snprintf(buf + used, n - used, "%s%s", listed ? " and " : "split within ",
                         target_names[j]);
        if (w < 0) break;
        used += (size_t)w < n - used ? (size_t)w : n - used - 1;
        listed++;
    }
    if (listed) return;
    /* no target split: some group carries more targets than its share (or,
     * T > K, fewer) */
    const int lo = c->n_targets / c->n_groups, hi = (c->n_targets + c->n_groups - 1) / c->n_groups;
    int count[SUMMARY_CARRIED_MAX_GROUPS] = {0};
    for (int j = 0; j < c->n_targets; j++) count[c->carrier[j * c->out_per_target]]++;
    for (int g = 0; g < c->n_groups; g++)
        if (count[g] > hi) {
            if (count[g] == 2) snprintf(buf, n, "one group carries two targets");
            else snprintf(buf, n, "g%d carries %d targets", g + 1, count[g]);
            return;
        }
    for (int g = 0; g < c->n_groups; g++)
        if (count[g] < lo) {
            snprintf(buf, n, "g%d carries %s", g + 1, count[g] ? "too few targets" : "no target");
            return;
        }
}

/* Names of a task's outputs and targets (the task's descriptor gives them). */
typedef struct {
    char out[SUMMARY_CARRIED_MAX_OUT][16], target[SUMMARY_CARRIED_MAX_OUT][32];
    const char *out_names[SUMMARY_CARRIED_MAX_OUT], *target_names[SUMMARY_CARRIED_MAX_OUT];
} task_names;

static void names_of(const mimod_task *task, int n_out, int n_targets, task_names *nm) {
    for (int k = 0; k < n_out; k++) {
        task->output_name(n_out, k, nm->out[k], sizeof nm->out[k]);
        nm->out_names[k] = nm->out[k];
    }
    for (int j = 0; j < n_targets; j++) {
        task->target_name(n_out, j, nm->target[j], sizeof nm->target[j]);
        nm->target_names[j] = nm->target[j];
    }
}

int summary_print_carried(FILE *out, int64_t file, const summary_analysis *a, summary_format fmt,
                          mimod_err *err) {
    const summary_task *t = a->task;
    if (fmt == SUMMARY_CSV || a->n_conditions == 0) return MIMOD_OK;
    const int n_out = (int)t->n_out, n_targets = t->task->n_targets(n_out);
    if (n_targets < 1 || n_out % n_targets != 0 || n_out > SUMMARY_CARRIED_MAX_OUT ||
        n_out > SUMMARY_TABLE_MAX_COLS - 3)
        return MIMOD_OK;
    const int per_target = n_out / n_targets;
    task_names nm;
    names_of(t->task, n_out, n_targets, &nm);
    const char *const *out_names = nm.out_names, *const *target_names = nm.target_names;
    const int md = fmt == SUMMARY_MARKDOWN;
    int64_t max = t->n_units * t->n_out;
    double *m = malloc(sizeof(double) * (size_t)(max > 0 ? max : 1));
    if (!m) return mimod_errf(err, MIMOD_ENOMEM, "what each group carries: out of memory");
    int seed_axis = summary_axis_index(t, "seed");
    fprintf(out, "%sWhat each group carries%s\n%s", md ? "### " : "",
            md ? "" : " (final/unit_out_corr)", md ? "\n" : "");
    fprintf(out, "%sFor each output, the unit group whose units correlate most with it at the "
                 "end:%smean |corr| over that group's units, then over the other group's; and "
                 "whether%sthe groups split the task by target.\n\n",
            md ? "" : "  ", md ? " " : "\n  ", md ? " " : "\n  ");
    int rc = MIMOD_OK;
    for (int c = 0; c < a->n_conditions && rc == MIMOD_OK; c++) {
        const summary_condition *C = &a->conditions[c];
        if (C->n_points == 0) continue;
        char label[256];
        summary_condition_label(a, c, label, sizeof label);
        fprintf(out, "%sCondition %d: %s%s", md ? "**" : "", c + 1, label, md ? "**\n\n" : "\n");
        summary_table tb = {.n_cols = n_out + 3};
        const char *head[SUMMARY_TABLE_MAX_COLS] = {seed_axis >= 0 ? "seed" : "point"};
        for (int k = 0; k < n_out; k++) head[k + 1] = out_names[k];
        head[n_out + 1] = "d_cor";
        head[n_out + 2] = "groups split";
        summary_table_row(&tb, head);
        int n_by_target = 0, n_read = 0;
        for (int i = 0; i < C->n_points; i++) {
            int p = C->points[i];
            int64_t rows, cols, sf, sp;
            summary_point_source(t, file, p, &sf, &sp);
            if ((rc = summary_read_point_matrix(sf, t->name, "final/unit_out_corr", sp, m, max,
                                                &rows, &cols, err)))
                break;
            summary_carried cr;
            int K = summary_point_groups(t, p);
            if (summary_carried_of(m, (int)rows, (int)cols, K, per_target, &cr, NULL)) continue;
            n_read++;
            n_by_target += cr.by_target;
            char cells[SUMMARY_TABLE_MAX_COLS][SUMMARY_TABLE_CELL], verdict[SUMMARY_TABLE_CELL];
            const char *row[SUMMARY_TABLE_MAX_COLS];
            if (seed_axis >= 0 && t->seeds)
                snprintf(cells[0], sizeof cells[0], "%llu", (unsigned long long)t->seeds[p]);
            else
                snprintf(cells[0], sizeof cells[0], "%d", p);
            row[0] = cells[0];
            for (int k = 0; k < n_out; k++) {
                int g = cr.carrier[k];
                if (K == 2)
                    snprintf(cells[k + 1], sizeof cells[0], "g%d %.2f/%.2f", g + 1,
                             cr.mean_abs[g][k], cr.mean_abs[1 - g][k]);
                else
                    snprintf(cells[k + 1], sizeof cells[0], "g%d %.2f", g + 1, cr.mean_abs[g][k]);
                row[k + 1] = cells[k + 1];
            }
            double d_cor = t->final_values[(size_t)SQ_D_COR * (size_t)t->n_points + (size_t)p];
            snprintf(cells[n_out + 1], sizeof cells[0], "%.3f", d_cor);
            row[n_out + 1] = cells[n_out + 1];
            summary_carried_verdict(&cr, target_names, verdict, sizeof verdict);
            row[n_out + 2] = verdict;
            summary_table_row(&tb, row);
        }
        summary_table_print(out, &tb, fmt);
        if (rc == MIMOD_OK)
            fprintf(out, "%s%s split by target in %d/%d trials\n\n", md ? "\n" : "",
                    md ? "-" : " ", n_by_target, n_read);
    }
    free(m);
    return rc;
}
