/* results_trial.c — the bridge between a trial (trial.h, config.h) and the
 * result file: task descriptions from a configuration, a trial's rows, and
 * mimod-train's one-call file. */
#include "mimod/results_h5.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mimod/config.h"

int results_desc_from_config(const mimod_config *c, results_task_desc *d, results_desc_store *store,
                             mimod_err *err) {
    memset(store, 0, sizeof *store);
    memset(d, 0, sizeof *d);
    int rc = config_to_yaml(c, &store->config_yaml, err);
    if (rc) return rc;
    int R = config_n_records(c);
    store->record_step = malloc((size_t)(R > 0 ? R : 1) * sizeof(int64_t));
    if (!store->record_step) {
        results_desc_free(store);
        return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    }
    /* before training, every K MM steps, and at the end (config_n_records) */
    for (int r = 0; r < R; r++) {
        int64_t s = (int64_t)r * c->record_every;
        store->record_step[r] = s < c->n_mm_steps ? s : c->n_mm_steps;
    }
    trial_mm_layout_of(c, &store->layout);
    d->name = c->task->name;
    d->config_yaml = store->config_yaml;
    d->preset = c->preset;
    d->n_records = R;
    d->n_units = c->n_units;
    d->n_in = config_n_in(c);
    d->n_out = config_n_out(c);
    d->n_mm_steps = c->n_mm_steps;
    d->record_step = store->record_step;
    d->layout = &store->layout;
    return MIMOD_OK;
}

void results_desc_free(results_desc_store *store) {
    free(store->config_yaml);
    free(store->record_step);
    memset(store, 0, sizeof *store);
}

static void point_data_of(const trial *t, results_point_data *d) {
    d->res = trial_get_results(t);
    d->layout = trial_mm_layout(t);
    d->params = trial_mm_params(t);
    d->mm_done = trial_mm_step(t);
    d->sm_done = trial_sm_step(t);
    d->finished = trial_finished(t);
}

int results_write_point(results_file *f, int task, int point, const trial *t, mimod_err *err) {
    results_point_data d;
    point_data_of(t, &d);
    return results_write_point_data(f, task, point, &d, RESULTS_DONE, -1, NULL, err);
}

int results_write_failed(results_file *f, int task, int point, const trial *t, int64_t fail_step,
                         const char *reason, mimod_err *err) {
    results_point_data d;
    point_data_of(t, &d);
    d.finished = 0;
    return results_write_point_data(f, task, point, &d, RESULTS_FAILED, fail_step, reason, err);
}

int results_write_trial_progress(results_file *f, int task, int point, const trial *t,
                                 mimod_err *err) {
    results_point_data d;
    point_data_of(t, &d);
    return results_write_progress(f, task, point, &d, err);
}

int results_create_single_trial(const char *path, const char *yaml_text, const mimod_config *c,
                                int overwrite, results_file **out, mimod_err *err) {
    *out = NULL;
    results_desc_store store;
    results_task_desc d;
    int rc = results_desc_from_config(c, &d, &store, err);
    if (rc) return rc;
    /* one grid point; its coordinates are the keys a sweep usually varies */
    const char *axes[] = {"seed", "lambda_I", "lambda_reg"};
    double coords[] = {(double)c->seed, c->lambda_I, c->lambda_reg};
    d.n_points = 1;
    d.n_axes = 3;
    d.axis_names = axes;
    d.coords = coords;
    d.seeds = &c->seed;
    char hash[33];
    results_hash_text(store.config_yaml, hash);
    results_meta meta = {yaml_text ? yaml_text : store.config_yaml, hash, 1, overwrite};
    rc = results_create_serial(path, &meta, 1, &d, out, err);
    results_desc_free(&store);
    return rc;
}

int results_write_single_outcome(results_file *f, const trial *t, mimod_err *err) {
    if (trial_finished(t)) return results_write_point(f, 0, 0, t, err);
    char why[RESULTS_REASON_LEN];
    snprintf(why, sizeof why, "diverged (non-finite values) at MM step %lld",
             (long long)trial_fail_step(t));
    return results_write_failed(f, 0, 0, t, trial_fail_step(t), why, err);
}

int results_write_single_trial_ex(const char *path, const char *yaml_text, const trial *t,
                                  int overwrite, mimod_err *err) {
    results_file *f = NULL;
    int rc = results_create_single_trial(path, yaml_text, trial_config(t), overwrite, &f, err);
    if (rc) return rc;
    rc = results_write_single_outcome(f, t, err);
    int rc2 = results_close(f, err);
    return rc ? rc : rc2;
}

int results_write_single_trial(const char *path, const char *yaml_text, const trial *t,
                               mimod_err *err) {
    return results_write_single_trial_ex(path, yaml_text, t, 0, err);
}
