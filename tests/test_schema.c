/* test_schema — the result schema (schema.h) end to end: real tiny trials
 * (WM and SEP) written by the real writer (results_h5.c) and read back by the
 * summary reader (summary_read.c). Every quantity the summary reports is a
 * dataset of the file; its final value and time course come back bit for bit
 * where the task has it and NaN where not; status, fail_step, a fail_reason of
 * the full schema length, record steps and exact 64-bit seeds (2^64 − 1,
 * 2^53 + 1) survive the trip. */
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mimod/config.h"
#include "mimod/results_h5.h"
#include "mimod/schema.h"
#include "mimod/summary_read.h"
#include "mimod/trial.h"

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static uint64_t file_seed(const char *path, const char *task) {
    char name[64];
    snprintf(name, sizeof name, "%s/coords/seed", task);
    uint64_t v = 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = f >= 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
    if (d >= 0) H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    return v;
}

/* One finished trial through results_write_single_trial, read back. */
static void finished_trial(const char *task, const char *seed) {
    char path[64], set_task[32], set_seed[64];
    snprintf(path, sizeof path, "test_schema_%s.h5", task);
    snprintf(set_task, sizeof set_task, "task=%s", task);
    snprintf(set_seed, sizeof set_seed, "seed=%s", seed);
    char *sets[] = {"preset=tiny", set_task, set_seed};
    mimod_err err = {0};
    mimod_config c;
    trial *t = NULL;
    CHECK(config_load_with_overrides(&c, NULL, 3, sets, &err) == MIMOD_OK, "%s: config: %s", task, err.msg);
    CHECK(trial_create(&c, &t, &err) == MIMOD_OK, "%s: create: %s", task, err.msg);
    if (!t) return;
    CHECK(trial_run(t, NULL, &err) == MIMOD_OK, "%s: run: %s", task, err.msg);
    unlink(path);
    CHECK(results_write_single_trial(path, NULL, t, &err) == MIMOD_OK, "%s: write: %s", task, err.msg);
    CHECK(file_seed(path, task) == strtoull(seed, NULL, 10), "%s: coords/seed %s exact", task, seed);

    const trial_results *r = trial_get_results(t);
    int64_t file = -1;
    summary_task s;
    CHECK(summary_open(path, &file, &err) == MIMOD_OK, "%s: open: %s", task, err.msg);
    int rc = summary_read_task(file, task, &s, &err);
    CHECK(rc == MIMOD_OK, "%s: read: %s", task, err.msg);
    if (rc == MIMOD_OK) {
        CHECK(s.n_points == 1 && s.n_records == r->n_records, "%s: sizes", task);
        CHECK(s.seeds && s.seeds[0] == strtoull(seed, NULL, 10), "%s: summary reads seed %s exactly",
              task, seed);
        CHECK(s.n_units == c.n_units && s.n_out == config_n_out(&c), "%s: N, O", task);
        CHECK(s.status[0] == RESULTS_DONE && s.fail_step[0] == -1 && !s.fail_reason[0][0],
              "%s: status done", task);
        for (int j = 0; j < r->n_records; j++)
            CHECK(s.record_step[j] == r->step[j], "%s: record_step[%d]", task, j);
        int last = r->n_done - 1;
        for (int q = 0; q < SQ_COUNT; q++) {
            int sq = summary_quantity_schema(q);
            const char *name = summary_quantity_name(q);
            CHECK(sq >= 0 && sq < Q_COUNT && strcmp(name, schema_quantities[sq].name) == 0,
                  "%s: table quantity %d is a schema quantity", task, q);
            double fin = s.final_values[(size_t)q];
            double want = sq == Q_I_N ? r->i_n : r->tc[sq][last];
            if (summary_quantity_in_task(q, s.task)) {
                CHECK(same_bits(fin, want) && isfinite(fin), "%s: final/%s %g vs %g", task, name, fin, want);
            } else {
                CHECK(isnan(fin), "%s: final/%s NaN where the task lacks it", task, name);
            }
            for (int j = 0; j < r->n_records; j++) {
                double v = s.timecourse[(size_t)q * s.n_records + j];
                if (schema_quantity_has_timecourse(sq))
                    CHECK(same_bits(v, r->tc[sq][j]), "%s: timecourse/%s[%d]", task, name, j);
                else
                    CHECK(isnan(v), "%s: %s has no time course", task, name);
            }
        }
        summary_task_free(&s);
    }
    summary_close(file);

    /* a failed point of the same task, with a reason longer than the field */
    char reason[2 * RESULTS_REASON_LEN];
    memset(reason, 'x', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    memcpy(reason, "diverged", 8);
    results_desc_store store;
    results_task_desc d;
    const char *axes[] = {"seed"};
    double coords[] = {(double)c.seed};
    CHECK(results_desc_from_config(&c, &d, &store, &err) == MIMOD_OK, "%s: desc: %s", task, err.msg);
    d.n_points = 1;
    d.n_axes = 1;
    d.axis_names = axes;
    d.coords = coords;
    d.seeds = &c.seed;
    results_meta meta = {"test", "0", 1, 1};
    results_file *f = NULL;
    unlink(path);
    CHECK(results_create_serial(path, &meta, 1, &d, &f, &err) == MIMOD_OK, "%s: create: %s",
          task, err.msg);
    CHECK(results_write_failed(f, 0, 0, t, 3, reason, &err) == MIMOD_OK, "%s: write failed: %s", task,
          err.msg);
    CHECK(results_close(f, &err) == MIMOD_OK, "%s: close", task);
    results_desc_free(&store);
    CHECK(summary_open(path, &file, &err) == MIMOD_OK, "%s: open: %s", task, err.msg);
    rc = summary_read_task(file, task, &s, &err);
    CHECK(rc == MIMOD_OK, "%s: read failed point: %s", task, err.msg);
    if (rc == MIMOD_OK) {
        CHECK(s.status[0] == RESULTS_FAILED && s.fail_step[0] == 3, "%s: failed status and step", task);
        CHECK(strlen(s.fail_reason[0]) == RESULTS_REASON_LEN - 1 &&
                  strncmp(s.fail_reason[0], reason, RESULTS_REASON_LEN - 1) == 0,
              "%s: fail_reason cut to %d bytes: '%s'", task, RESULTS_REASON_LEN - 1, s.fail_reason[0]);
        for (int q = 0; q < SQ_COUNT; q++)
            CHECK(isnan(s.final_values[(size_t)q]), "%s: no final values for a failed point", task);
        summary_task_free(&s);
    }
    summary_close(file);
    unlink(path);
    trial_free(t);
}

int main(void) {
    for (int q = 0; q < Q_COUNT; q++)
        CHECK(schema_quantities[q].name && schema_quantities[q].label && schema_quantities[q].unit,
              "schema quantity %d named", q);
    finished_trial("wm", "18446744073709551615"); /* 2^64 − 1 */
    finished_trial("sep", "9007199254740993");    /* 2^53 + 1 */
    return check_report("test_schema");
}
