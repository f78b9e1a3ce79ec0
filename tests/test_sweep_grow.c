/* test_sweep_grow — an existing result file matched to the sweep that reruns
 * it (sweep_grow.c) and the sweep's view in the file's order (sweep_def.c):
 * the same sweep resumes in the product's order; seeds added to the last
 * axis keep the file's points first and put the new ones after (the order
 * worked out by hand); the view's points are those points (labels,
 * coordinates, configurations); removed values and a changed key are refused
 * naming the points and the key. The files are made by the real writer. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "mimod/results_h5.h"
#include "mimod/sweep.h"
#include "mimod/sweep_grow.h"

static int load_text(const char *path, const char *text, sweep_def *s) {
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    mimod_err err = {0};
    int rc = sweep_load(path, s, &err);
    CHECK(rc == MIMOD_OK, "loading %s: %s", path, err.msg);
    return rc;
}

/* The empty result file of sweep s (one task), as mimod-sweep makes it. */
static int make_file(const char *path, const sweep_def *s) {
    results_desc_store store;
    results_task_desc d;
    mimod_err err = {0};
    int rc = results_desc_from_config(&s->task[0].base, &d, &store, &err);
    d.n_points = s->task[0].n_points;
    d.n_axes = s->task[0].n_axes;
    d.axis_names = s->task[0].axis_names;
    d.coords = s->task[0].coords;
    d.seeds = s->task[0].seeds;
    results_meta meta = {s->text, s->hash, 1, 1};
    results_file *f = NULL;
    if (!rc) rc = results_create_serial(path, &meta, 1, &d, &f, &err);
    if (!rc) rc = results_close(f, &err);
    results_desc_free(&store);
    CHECK(rc == MIMOD_OK, "creating %s: %s", path, err.msg);
    return rc;
}

#define SWEEP(seeds, extra) \
    "output: g.h5\npreset: tiny\ntasks: [wm]\n" extra "grid:\n  lambda_I: [0, 0.1]\n  seed: " seeds "\n"

int main(void) {
    sweep_def two, three, removed, fixed;
    if (load_text("tsg_two.yaml", SWEEP("{from: 0, to: 1}", ""), &two) ||
        load_text("tsg_three.yaml", SWEEP("{from: 0, to: 2}", ""), &three) ||
        load_text("tsg_removed.yaml", SWEEP("[0]", ""), &removed) ||
        load_text("tsg_fixed.yaml", SWEEP("{from: 0, to: 2}", "overrides: {lambda_reg: 0.001}\n"), &fixed))
        return check_report("test_sweep_grow");
    const char *path = "tsg.h5";
    if (make_file(path, &two)) return check_report("test_sweep_grow");

    /* the same sweep: a resume, in the product's order */
    sweep_grow_plan plan;
    mimod_err err = {0};
    int rc = sweep_grow_match(path, &two, &plan, &err);
    CHECK(rc == MIMOD_OK && !plan.grow && plan.n_old[0] == 4, "same sweep: rc %d grow %d: %s", rc,
          plan.grow, err.msg);
    for (int p = 0; rc == MIMOD_OK && p < 4; p++) CHECK(plan.order[0][p] == p, "same sweep: order[%d]", p);
    if (rc == MIMOD_OK) sweep_grow_plan_free(&plan);

    /* a seed added to the last axis: the file's (λ0,s0) (λ0,s1) (λ.1,s0) (λ.1,s1)
     * are the 3-seed product's 0, 1, 3, 4; the new (λ0,s2), (λ.1,s2) are 2, 5 */
    rc = sweep_grow_match(path, &three, &plan, &err);
    CHECK(rc == MIMOD_OK && plan.grow && plan.n_old[0] == 4, "grown: rc %d grow %d: %s", rc, plan.grow,
          err.msg);
    const int want[6] = {0, 1, 3, 4, 2, 5};
    for (int p = 0; rc == MIMOD_OK && p < 6; p++)
        CHECK(plan.order[0][p] == want[p], "grown: order[%d] = %d, not %d", p, plan.order[0][p], want[p]);
    CHECK(rc || strstr(plan.added, "wm: 2 new points (lambda_I=0 seed=2, lambda_I=0.1 seed=2)"),
          "grown: the new points: %s", plan.added);
    if (rc == MIMOD_OK) {
        sweep_def view;
        rc = sweep_view_in_order(&three, (const int *const *)plan.order, &view, &err);
        CHECK(rc == MIMOD_OK, "view: %s", err.msg);
        for (int p = 0; rc == MIMOD_OK && p < 6; p++) {
            char a[256], b[256];
            sweep_point_label(&view, 0, p, a, sizeof a);
            sweep_point_label(&three, 0, want[p], b, sizeof b);
            CHECK(strcmp(a, b) == 0, "view point %d is %s, not %s", p, a, b);
            CHECK(view.task[0].seeds[p] == three.task[0].seeds[want[p]], "view seed of point %d", p);
            CHECK(view.task[0].coords[2 * p] == three.task[0].coords[2 * want[p]], "view λ of point %d", p);
            mimod_config c;
            CHECK(sweep_point_config(&view, 0, p, &c, &err) == MIMOD_OK &&
                  c.seed == three.task[0].seeds[want[p]], "view configuration of point %d", p);
        }
        if (rc == MIMOD_OK) sweep_view_free(&view);
        sweep_grow_plan_free(&plan);
    }

    /* values removed: the file's points the sweep lacks are named */
    rc = sweep_grow_match(path, &removed, &plan, &err);
    CHECK(rc == MIMOD_EINVAL && strstr(err.msg, "wm: 2 of the file's 4 points are not in the sweep "
                                       "(lambda_I=0 seed=1, lambda_I=0.1 seed=1)"),
          "removed: rc %d: %s", rc, err.msg);
    const char *first = strstr(err.msg, "holds another sweep");
    CHECK(first && !strstr(first + 1, "holds another sweep"), "removed: the clause not once: %s", err.msg);
    /* a fixed key changed (and a seed added): refused, the key named, not grown */
    rc = sweep_grow_match(path, &fixed, &plan, &err);
    CHECK(rc == MIMOD_EINVAL && strstr(err.msg, "wm: lambda_reg: 0.02 in the file, lambda_reg: 0.001 in "
                                       "the sweep"), "fixed key: rc %d: %s", rc, err.msg);

    sweep_free(&two);
    sweep_free(&three);
    sweep_free(&removed);
    sweep_free(&fixed);
    unlink(path);
    unlink("tsg_two.yaml");
    unlink("tsg_three.yaml");
    unlink("tsg_removed.yaml");
    unlink("tsg_fixed.yaml");
    return check_report("test_sweep_grow");
}
