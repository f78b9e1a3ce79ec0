/* test_config.c — presets against SPEC values, every class of configuration
 * error (code, position, key and wording), dump/load round trips, the order
 * file-then---set, "did you mean", and that the docs list every key. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/tasks.h"
#include "mimod/config.h"
#include "mimod/mine.h"

/* Canonical key order promised to other modules (HDF5 attributes, dumps). */
static const char *const expected_keys[] = {
    "task", "preset", "seed", "n_units", "n_groups", "alpha", "noise_std", "noise_inside_alpha",
    "w_rec_init_scale", "gru_reset_after", "batch", "transient", "seq_len", "pulse_prob",
    "pulse_len", "ramp_step", "wm_bits", "sep_n_samples", "sep_n_drop", "lorenz_tmax",
    "rossler_tmax", "sep_sources", "chen_time_scale", "sep_rk4_substeps", "loss_skip", "test_batch", "n_mm_steps", "n_sm_pre", "n_sm_per_mm",
    "lambda_I", "lambda_reg", "out_l2_factor", "mm_optimizer", "mm_lr", "mm_rho", "mm_beta1",
    "mm_beta2", "mm_eps", "mm_clipnorm", "mm_clipvalue", "sm_hidden", "sm_activation",
    "sm_leaky_slope", "sm_out_bias", "sm_noise_std", "mi_pairing", "sm_optimizer", "sm_lr", "sm_rho",
    "sm_beta1", "sm_beta2", "sm_eps", "sm_clipnorm", "sm_clipvalue", "sm_chunk_rows",
    "record_every", "dcor_use_targets", "success_accuracy", "checkpoint_minutes",
};
#define N_EXPECTED ((int)(sizeof expected_keys / sizeof expected_keys[0]))

/* The source tree, found from this file's path as the compiler saw it
 * (relative to the build root; the test runs in <build>/tests). */
static void source_path(const char *rel, char *buf, size_t n) {
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    size_t dir_len = slash ? (size_t)(slash - file) : 0;
    if (file[0] == '/') snprintf(buf, n, "%.*s/../%s", (int)dir_len, file, rel);
    else if (slash) snprintf(buf, n, "../%.*s/../%s", (int)dir_len, file, rel);
    else snprintf(buf, n, "../../%s", rel);
}

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

/* Expect load_string(text) to fail with EINVAL and every needle in the message. */
static void expect_load_error(const char *text, const char *n1, const char *n2, const char *n3) {
    mimod_config c;
    mimod_err err = {0};
    int rc = config_load_string(&c, text, "run.yaml", &err);
    CHECK(rc == MIMOD_EINVAL, "load of [%s] returned %d", text, rc);
    const char *needles[3] = {n1, n2, n3};
    for (int i = 0; i < 3; i++)
        if (needles[i])
            CHECK(contains(err.msg, needles[i]), "message [%s] lacks [%s]", err.msg, needles[i]);
}

/* Expect config_set(key, value) to fail with the key, the where and the needle. */
static void expect_set_error(const char *key, const char *value, const char *needle) {
    mimod_config c, before;
    mimod_err err = {0};
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    before = c;
    int rc = config_set(&c, key, value, "here:1:2", &err);
    CHECK(rc == MIMOD_EINVAL, "set %s=%s returned %d", key, value, rc);
    CHECK(contains(err.msg, "here:1:2: key '") && contains(err.msg, key), "message [%s]", err.msg);
    if (needle) CHECK(contains(err.msg, needle), "message [%s] lacks [%s]", err.msg, needle);
    CHECK(memcmp(&c, &before, sizeof c) == 0, "failed set of %s changed the config", key);
}

static void test_keys(void) {
    CHECK(config_n_keys() == N_EXPECTED, "n_keys %d, expected %d", config_n_keys(), N_EXPECTED);
    for (int i = 0; i < N_EXPECTED && i < config_n_keys(); i++) {
        CHECK(strcmp(config_key_name(i), expected_keys[i]) == 0, "key %d is %s, expected %s", i,
              config_key_name(i), expected_keys[i]);
        CHECK(config_has_key(expected_keys[i]), "has_key(%s)", expected_keys[i]);
    }
    CHECK(config_key_name(-1) == NULL && config_key_name(config_n_keys()) == NULL, "out of range");
    CHECK(!config_has_key("lamda_I") && !config_has_key(""), "has_key of unknown keys");
}

static void test_presets(void) {
    mimod_config c;
    mimod_err err = {0};

    CHECK(config_preset(&c, "paper", &mimod_task_wm, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.task == &mimod_task_wm && strcmp(c.preset, "paper") == 0 && c.seed == 0, "identity");
    CHECK(c.n_units == 40 && c.alpha == 0.1 && c.noise_std == 0.1 && !c.noise_inside, "WM model");
    CHECK(c.w_rec_scale == 1.0 && c.batch == 20 && c.transient == 1000 && c.seq_len == 2000,
          "WM sizes");
    CHECK(c.pulse_prob == 0.002 && c.pulse_len == 40 && c.ramp_step == 0.1, "WM data");
    CHECK(c.n_mm_steps == 1000 && c.n_sm_pre == 100 && c.n_sm_per_mm == 10, "WM schedule");
    CHECK(c.lambda_I == 0.1 && c.lambda_reg == 0.02 && c.out_l2_factor == 1.0, "WM lambdas");
    CHECK(c.mm_opt.kind == OPT_RMSPROP && c.mm_opt.lr == 0.002 && c.mm_opt.rho == 0.9 &&
              c.mm_opt.eps == 1e-7 && c.mm_opt.clipnorm == 4.0 && c.mm_opt.clipvalue == 0.0,
          "WM MM optimiser");
    CHECK(c.sm_hidden == 512 && c.sm_act == MINE_RELU && c.sm_out_bias == 1 &&
              c.sm_noise_std == 0.1,
          "WM SM");
    CHECK(c.sm_opt.kind == OPT_RMSPROP && c.sm_opt.lr == 0.003 && c.sm_opt.rho == 0.9 &&
              c.sm_opt.eps == 1e-7 && c.sm_opt.clipnorm == 4.0 && c.sm_opt.clipvalue == 0.0,
          "WM SM optimiser");
    CHECK(c.record_every == 25 && c.loss_skip == 0 && c.test_batch == 20, "WM analysis");
    CHECK(c.checkpoint_minutes == 10.0 && c.success_threshold == 0.9 && !c.dcor_use_targets,
          "WM run control");
    CHECK(config_n_in(&c) == 4 && config_n_out(&c) == 2 && config_learned_len(&c) == 2000, "WM dims");
    CHECK(config_n_records(&c) == 41, "WM records %d", config_n_records(&c));
    CHECK(config_validate(&c, &err) == MIMOD_OK, "%s", err.msg);

    CHECK(config_preset(&c, "paper", &mimod_task_sep, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.task == &mimod_task_sep && c.n_units == 100 && !c.gru_reset_after && c.batch == 50 &&
              c.transient == 0,
          "SEP model");
    CHECK(c.sep_n_samples == 14000 && c.sep_n_drop == 4000 && c.lorenz_tmax == 100.0 &&
              c.rossler_tmax == 700.0 && c.sep_substeps == 8,
          "SEP data");
    CHECK(c.loss_skip == 200 && c.test_batch == 50 && c.n_mm_steps == 4000 && c.n_sm_pre == 100 &&
              c.n_sm_per_mm == 20,
          "SEP schedule (the 20-trial runner's 200 epochs of 20 MM steps)");
    CHECK(c.lambda_I == 0.005 && c.lambda_reg == 0.0002 && c.out_l2_factor == 1.0,
          "SEP lambdas (the 20-trial runner's l2(1e-4) on the GRU and the output)");
    CHECK(c.mm_opt.kind == OPT_ADAM && c.mm_opt.lr == 0.001 && c.mm_opt.beta1 == 0.9 &&
              c.mm_opt.beta2 == 0.999 && c.mm_opt.eps == 1e-7 && c.mm_opt.clipnorm == 0.0 &&
              c.mm_opt.clipvalue == 0.0,
          "SEP MM optimiser");
    CHECK(c.sm_hidden == 100 && c.sm_act == MINE_LEAKY_RELU && c.sm_leaky_slope == 0.25 &&
              c.sm_out_bias == 0 && c.sm_noise_std == 0.05,
          "SEP SM");
    CHECK(c.sm_opt.kind == OPT_ADAM && c.sm_opt.lr == 0.01 && c.sm_opt.clipvalue == 1.0 &&
              c.sm_opt.clipnorm == 0.0,
          "SEP SM optimiser");
    CHECK(c.record_every == 20 && c.checkpoint_minutes == 10.0, "SEP analysis");
    CHECK(config_n_in(&c) == 3 && config_n_out(&c) == 6 && config_learned_len(&c) == 10000 &&
              c.seq_len == 10000,
          "SEP dims");
    CHECK(config_n_records(&c) == 201, "SEP records %d", config_n_records(&c));
    CHECK(config_validate(&c, &err) == MIMOD_OK, "%s", err.msg);

    /* paper_single_run: the single-run script's L2 and length, everything
     * else the paper preset's; for WM it is the paper preset. */
    mimod_config paper_sep = c;
    CHECK(config_preset(&c, "paper_single_run", &mimod_task_sep, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(strcmp(c.preset, "paper_single_run") == 0 && c.lambda_reg == 0.002 &&
              c.out_l2_factor == 0.1 && c.n_mm_steps == 2000,
          "paper_single_run SEP");
    c.lambda_reg = paper_sep.lambda_reg;
    c.out_l2_factor = paper_sep.out_l2_factor;
    c.n_mm_steps = paper_sep.n_mm_steps;
    memcpy(c.preset, paper_sep.preset, sizeof c.preset);
    CHECK(memcmp(&c, &paper_sep, sizeof c) == 0, "paper_single_run SEP differs from paper only there");
    mimod_config paper_wm;
    config_preset(&paper_wm, "paper", &mimod_task_wm, NULL);
    CHECK(config_preset(&c, "paper_single_run", &mimod_task_wm, &err) == MIMOD_OK, "%s", err.msg);
    memcpy(c.preset, paper_wm.preset, sizeof c.preset);
    CHECK(memcmp(&c, &paper_wm, sizeof c) == 0, "paper_single_run WM = paper WM");

    /* quick = SPEC §9 calibration size. */
    CHECK(config_preset(&c, "quick", &mimod_task_wm, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(strcmp(c.preset, "quick") == 0 && c.n_units == 40 && c.batch == 20 &&
              c.transient == 200 && c.seq_len == 500 && c.sm_hidden == 128 &&
              c.n_sm_per_mm == 5 && c.n_sm_pre == 100 && c.n_mm_steps == 400 &&
              c.record_every == 20,
          "WM quick");
    CHECK(c.lambda_I == 0.1 && c.mm_opt.lr == 0.002 && c.sm_opt.lr == 0.003 && c.alpha == 0.1,
          "WM quick keeps the paper's other values");
    CHECK(config_validate(&c, &err) == MIMOD_OK, "%s", err.msg);

    CHECK(config_preset(&c, "quick", &mimod_task_sep, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.n_units == 40 && c.batch == 10 && c.sep_n_samples == 3000 && c.sep_n_drop == 1000 &&
              c.loss_skip == 100 && c.sm_hidden == 64 && c.n_sm_per_mm == 5 &&
              c.n_mm_steps == 300 && c.record_every == 20 && c.test_batch == 10,
          "SEP quick");
    /* Same sampling step as the paper: tmax/(n−1). */
    CHECK_CLOSE(c.lorenz_tmax / 2999.0, 100.0 / 13999.0, 0, 1e-14, "quick Lorenz step");
    CHECK_CLOSE(c.rossler_tmax / 2999.0, 700.0 / 13999.0, 0, 1e-14, "quick Rössler step");
    CHECK(config_learned_len(&c) == 2000 && c.seq_len == 2000, "SEP quick length");
    CHECK(c.lambda_I == 0.005 && c.sm_opt.kind == OPT_ADAM, "SEP quick keeps the paper's values");
    CHECK(config_validate(&c, &err) == MIMOD_OK, "%s", err.msg);

    /* medium (docs/reproduction.md §1): WM the quick sizes with the paper's
     * transient and length; SEP the paper's N and length, the quick data and
     * statistics network, half the quick batch, the paper's L2. */
    CHECK(config_preset(&c, "medium", &mimod_task_wm, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.n_units == 40 && c.batch == 20 && c.transient == 1000 && c.seq_len == 500 &&
              c.sm_hidden == 128 && c.n_sm_per_mm == 5 && c.n_mm_steps == 1000 &&
              c.record_every == 25 && c.test_batch == 50 && c.lambda_reg == 0.02,
          "WM medium");
    CHECK(config_preset(&c, "medium", &mimod_task_sep, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.n_units == 100 && c.batch == 5 && c.sep_n_samples == 3000 && c.sep_n_drop == 1000 &&
              c.loss_skip == 100 && c.test_batch == 10 && c.sm_hidden == 64 &&
              c.n_sm_per_mm == 5 && c.n_mm_steps == 4000 && c.record_every == 20,
          "SEP medium");
    CHECK(c.lambda_I == 0.005 && c.lambda_reg == 0.0002 && c.out_l2_factor == 1.0,
          "SEP medium keeps the paper's λ");
    CHECK(config_validate(&c, &err) == MIMOD_OK, "%s", err.msg);

    CHECK(config_preset(&c, "tiny", &mimod_task_wm, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.n_units == 8 && c.batch == 4 && c.transient == 20 && c.seq_len == 60 &&
              c.sm_hidden == 16 && c.n_sm_pre == 5 && c.n_sm_per_mm == 2 && c.n_mm_steps == 6 &&
              c.record_every == 3,
          "WM tiny");
    CHECK(config_n_records(&c) == 3, "tiny records %d", config_n_records(&c));
    CHECK(config_validate(&c, &err) == MIMOD_OK, "%s", err.msg);

    CHECK(config_preset(&c, "tiny", &mimod_task_sep, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.n_units == 8 && c.batch == 3 && c.sep_n_samples == 400 && c.sep_n_drop == 100 &&
              c.loss_skip == 20 && c.sm_hidden == 16 && c.n_sm_pre == 5 && c.n_sm_per_mm == 2 &&
              c.n_mm_steps == 6 && c.record_every == 3 && c.test_batch == 3,
          "SEP tiny");
    CHECK_CLOSE(c.lorenz_tmax, 100.0 * 399.0 / 13999.0, 0, 1e-14, "tiny Lorenz tmax");
    CHECK(config_validate(&c, &err) == MIMOD_OK, "%s", err.msg);

    /* Every shortened SEP preset's tmax is, to the bit, the paper's times
     * (n − 1)/13999 as it was computed before the presets were data: the
     * preset's text is that double. */
    const char *shortened[] = {"quick", "tiny", "medium"};
    for (int i = 0; i < 3; i++) {
        CHECK(config_preset(&c, shortened[i], &mimod_task_sep, &err) == MIMOD_OK, "%s", err.msg);
        double scale = (double)(c.sep_n_samples - 1) / (double)(14000 - 1);
        CHECK(c.lorenz_tmax == 100.0 * scale && c.rossler_tmax == 700.0 * scale,
              "SEP %s: tmax %.17g, %.17g exactly the paper's × (n − 1)/13999", shortened[i],
              c.lorenz_tmax, c.rossler_tmax);
    }

    /* A preset must give every key the key table gives no default */
    static const task_setting partial[] = {{"n_units", "8"}, {NULL, NULL}};
    static const task_preset partial_presets[] = {{"tiny", NULL, partial}, {NULL, NULL, NULL}};
    mimod_task incomplete = mimod_task_wm;
    incomplete.presets = partial_presets;
    CHECK(config_preset(&c, "tiny", &incomplete, &err) == MIMOD_EINVAL &&
              contains(err.msg, "key 'batch' has no value"),
          "a preset that leaves out a key without default: %s", err.msg);
    /* every preset of every task gives every key, and passes the checks */
    for (int t = 0; t < mimod_task_count(); t++)
        for (const task_preset *p = mimod_task_at(t)->presets; p->name; p++) {
            CHECK(config_preset(&c, p->name, mimod_task_at(t), &err) == MIMOD_OK &&
                      config_validate(&c, &err) == MIMOD_OK,
                  "%s/%s: %s", mimod_task_at(t)->name, p->name, err.msg);
        }

    CHECK(config_preset(&c, "huge", &mimod_task_wm, &err) == MIMOD_EINVAL && contains(err.msg, "huge"),
          "unknown preset: %s", err.msg);
    CHECK(config_preset(&c, "paper", NULL, &err) == MIMOD_EINVAL, "no task");
}

static void test_set_get(void) {
    mimod_config c;
    mimod_err err = {0};
    char buf[64];
    config_preset(&c, "paper", &mimod_task_wm, NULL);

    CHECK(config_set(&c, "n_units", "42", "x", &err) == MIMOD_OK && c.n_units == 42, "n_units");
    CHECK(config_set(&c, "mm_lr", "2.5e-4", "x", &err) == MIMOD_OK && c.mm_opt.lr == 2.5e-4, "mm_lr");
    CHECK(config_set(&c, "sm_optimizer", "adam", "x", &err) == MIMOD_OK && c.sm_opt.kind == OPT_ADAM,
          "sm_optimizer");
    CHECK(config_set(&c, "sm_activation", "leaky_relu", "x", &err) == MIMOD_OK &&
              c.sm_act == MINE_LEAKY_RELU,
          "sm_activation");
    CHECK(config_set(&c, "noise_inside_alpha", "true", "x", &err) == MIMOD_OK && c.noise_inside == 1,
          "bool");
    CHECK(config_set(&c, "seed", "18446744073709551615", "x", &err) == MIMOD_OK &&
              c.seed == UINT64_MAX,
          "seed max");
    CHECK(config_set(&c, "lambda_I", "0", "x", &err) == MIMOD_OK && c.lambda_I == 0.0, "λ_I = 0");
    /* task and preset only record their value */
    CHECK(config_set(&c, "task", "sep", "x", &err) == MIMOD_OK && c.task == &mimod_task_sep &&
              c.n_units == 42 && c.sm_hidden == 512,
          "set task records only");
    CHECK(config_set(&c, "preset", "tiny", "x", &err) == MIMOD_OK && strcmp(c.preset, "tiny") == 0 &&
              c.n_units == 42,
          "set preset records only");

    CHECK(config_get(&c, "mm_lr", buf, sizeof buf, &err) == MIMOD_OK && strcmp(buf, "0.00025") == 0,
          "get mm_lr: %s", buf);
    CHECK(config_get(&c, "alpha", buf, sizeof buf, &err) == MIMOD_OK && strcmp(buf, "0.1") == 0,
          "get alpha: %s", buf);
    CHECK(config_get(&c, "noise_inside_alpha", buf, sizeof buf, &err) == MIMOD_OK &&
              strcmp(buf, "true") == 0,
          "get bool: %s", buf);
    CHECK(config_get(&c, "sm_optimizer", buf, sizeof buf, &err) == MIMOD_OK &&
              strcmp(buf, "adam") == 0,
          "get enum: %s", buf);
    CHECK(config_get(&c, "task", buf, sizeof buf, &err) == MIMOD_OK && strcmp(buf, "sep") == 0,
          "get task: %s", buf);
    CHECK(config_get(&c, "seed", buf, sizeof buf, &err) == MIMOD_OK &&
              strcmp(buf, "18446744073709551615") == 0,
          "get seed: %s", buf);
    CHECK(config_get(&c, "n_units", buf, sizeof buf, &err) == MIMOD_OK && strcmp(buf, "42") == 0,
          "get int: %s", buf);
    CHECK(config_get(&c, "n_units", buf, 2, &err) == MIMOD_EINVAL, "get into a short buffer");
    CHECK(config_get(&c, "lamda_I", buf, sizeof buf, &err) == MIMOD_EINVAL &&
              contains(err.msg, "did you mean 'lambda_I'"),
          "get unknown: %s", err.msg);

    /* Wrong types. */
    expect_set_error("n_units", "abc", "must be an even integer ≥ 2, got 'abc'");
    expect_set_error("batch", "1.5", "integer");
    expect_set_error("batch", "1e3", "integer");
    expect_set_error("batch", "99999999999999999999", "integer");
    expect_set_error("noise_inside_alpha", "yes", "true or false");
    expect_set_error("sm_out_bias", "1", "true or false");
    expect_set_error("mm_optimizer", "sgd", "one of rmsprop, adam");
    expect_set_error("sm_activation", "tanh", "relu, leaky_relu");
    expect_set_error("task", "WM", "one of wm, sep");
    expect_set_error("preset", "fast", "paper, quick, tiny, medium, paper_single_run");
    expect_set_error("seed", "-1", "non-negative");
    expect_set_error("seed", "12x", "non-negative");
    expect_set_error("alpha", "abc", "number");
    expect_set_error("mm_lr", "nan", "number");
    expect_set_error("mm_lr", "inf", "number");
    expect_set_error("lambda_I", ".inf", "number");
    expect_set_error("alpha", "", "missing value");
    /* Out of range. */
    expect_set_error("n_units", "41", "must be an even integer ≥ 2, got 41");
    expect_set_error("n_units", "0", "got 0");
    expect_set_error("n_units", "-2", "got -2");
    expect_set_error("lambda_I", "-0.1", "≥ 0, got -0.1");
    expect_set_error("lambda_reg", "-1e-9", "≥ 0");
    expect_set_error("batch", "0", "got 0");
    expect_set_error("test_batch", "0", "got 0");
    expect_set_error("mm_lr", "0", "> 0, got 0");
    expect_set_error("sm_lr", "-0.01", "> 0");
    expect_set_error("mm_rho", "1", "[0, 1), got 1");
    expect_set_error("sm_rho", "-0.5", "[0, 1)");
    expect_set_error("mm_beta1", "1.0", "[0, 1)");
    expect_set_error("sm_beta2", "1", "[0, 1)");
    expect_set_error("mm_eps", "0", "> 0");
    expect_set_error("sm_clipnorm", "-4", "≥ 0");
    expect_set_error("n_mm_steps", "0", "≥ 1");
    expect_set_error("record_every", "0", "≥ 1");
    expect_set_error("sm_hidden", "0", "got 0");
    expect_set_error("alpha", "0", "(0, 1]");
    expect_set_error("alpha", "1.5", "(0, 1]");
    expect_set_error("pulse_prob", "1.01", "[0, 1]");
    expect_set_error("success_accuracy", "2", "[0, 1]");
    expect_set_error("sep_rk4_substeps", "0", "got 0");
    expect_set_error("lorenz_tmax", "0", "> 0");
    expect_set_error("transient", "-1", "≥ 0");
    /* Boundaries that are allowed. */
    CHECK(config_set(&c, "mm_rho", "0", "x", &err) == MIMOD_OK, "ρ = 0 allowed");
    CHECK(config_set(&c, "alpha", "1", "x", &err) == MIMOD_OK && c.alpha == 1.0, "α = 1 allowed");
    CHECK(config_set(&c, "n_units", "2", "x", &err) == MIMOD_OK, "N = 2 allowed");

    /* Unknown keys, with and without a suggestion. */
    CHECK(config_set(&c, "lamda_I", "0.1", "--set", &err) == MIMOD_EINVAL &&
              contains(err.msg, "--set: unknown key 'lamda_I' (did you mean 'lambda_I'?)"),
          "suggestion: %s", err.msg);
    CHECK(config_set(&c, "n_unit", "4", "--set", &err) == MIMOD_EINVAL &&
              contains(err.msg, "did you mean 'n_units'"),
          "suggestion: %s", err.msg);
    CHECK(config_set(&c, "mm_learning_rate", "4", "--set", &err) == MIMOD_EINVAL &&
              contains(err.msg, "unknown key 'mm_learning_rate'"),
          "unknown: %s", err.msg);
    CHECK(config_set(&c, "SM_HIDDEN", "4", "--set", &err) == MIMOD_EINVAL &&
              contains(err.msg, "did you mean 'sm_hidden'"),
          "case suggestion: %s", err.msg);
    CHECK(config_set(&c, "xyzzy", "4", "--set", &err) == MIMOD_EINVAL &&
              !contains(err.msg, "did you mean"),
          "no suggestion for a far key: %s", err.msg);
}

static void test_load_errors(void) {
    /* unknown key: position of the key, suggestion */
    expect_load_error("task: wm\nbatch: 4\nlamda_I: 0.1\n", "run.yaml:3:1: unknown key 'lamda_I'",
                      "did you mean 'lambda_I'?", NULL);
    /* range error: position of the value */
    expect_load_error("task: wm\n\n# comment\nbatch: 4\nn_units:   41\n",
                      "run.yaml:5:12: key 'n_units': must be an even integer ≥ 2, got 41", NULL, NULL);
    /* wrong types */
    expect_load_error("batch: abc\n", "run.yaml:1:8: key 'batch'", "'abc'", NULL);
    expect_load_error("seq_len: 1.5\n", "run.yaml:1:10: key 'seq_len'", "integer", NULL);
    expect_load_error("sm_out_bias: yes\n", "run.yaml:1:14: key 'sm_out_bias'", "true or false", NULL);
    expect_load_error("mm_lr:\n", "run.yaml:", "key 'mm_lr'", "missing value");
    expect_load_error("task: lorenz\n", "run.yaml:1:7: key 'task'", "one of wm, sep", NULL);
    expect_load_error("preset: fast\n", "run.yaml:1:9: key 'preset'", NULL, NULL);
    /* the task/preset of a file is checked even when --set overrides it (below) */
    /* duplicate key */
    expect_load_error("batch: 4\nseed: 1\nbatch: 5\n", "run.yaml:3:1: key 'batch'", "duplicate",
                      "run.yaml:1:1");
    /* nested values */
    expect_load_error("batch: 4\nmm_lr:\n  value: 0.1\n", "run.yaml:3:3: key 'mm_lr'",
                      "not a mapping", NULL);
    expect_load_error("seed: [1, 2]\n", "run.yaml:1:7: key 'seed'", "not a sequence", NULL);
    expect_load_error("seed:\n  - 1\n  - 2\n", "run.yaml:2:3: key 'seed'", "sequence", NULL);
    expect_load_error("seed: &s 3\nbatch: *s\n", "run.yaml:2:8: key 'batch'", "alias", NULL);
    /* syntax errors carry libyaml's position */
    expect_load_error("batch: 4\nseed: 'abc\n", "run.yaml:3:1: YAML syntax error", "quoted scalar",
                      NULL);
    expect_load_error("a: b: c\n", "run.yaml:1:5: YAML syntax error", NULL, NULL);
    expect_load_error("batch: 4\nseed: 1: 2\n", "run.yaml:2:8: YAML syntax error", NULL, NULL);
    expect_load_error("batch: 4\n  seed: 1\n", "run.yaml:2:", "YAML syntax error", NULL);
    expect_load_error("batch: \"4\n", "run.yaml:", "YAML syntax error", NULL);
    /* not a mapping at the top */
    expect_load_error("- batch\n- seed\n", "run.yaml:1:1:", "mapping", NULL);
    expect_load_error("hello\n", "run.yaml:1:1:", "mapping", NULL);
    expect_load_error("batch: 4\n---\nseed: 1\n", "run.yaml:2:1:", "one YAML document", NULL);
    expect_load_error("? [a, b]\n: 1\n", "run.yaml:1:3:", "key must be", NULL);
    /* cross-key checks name the file and the keys */
    expect_load_error("seq_len: 60\nloss_skip: 60\n", "run.yaml", "seq_len", "loss_skip");
    expect_load_error("task: sep\npreset: tiny\nsep_n_drop: 390\n", "run.yaml", "sep_n_samples",
                      "loss_skip");

    /* a failed load leaves the struct alone */
    mimod_config c, before;
    mimod_err err = {0};
    config_preset(&c, "tiny", &mimod_task_sep, NULL);
    before = c;
    CHECK(config_load_string(&c, "task: wm\nbatch: 0\n", "r.yaml", &err) == MIMOD_EINVAL &&
              memcmp(&c, &before, sizeof c) == 0,
          "failed load changed the config");

    /* an empty or comment-only file is the paper preset for WM */
    mimod_config paper;
    config_preset(&paper, "paper", &mimod_task_wm, NULL);
    CHECK(config_load_string(&c, "", "empty.yaml", &err) == MIMOD_OK &&
              memcmp(&c, &paper, sizeof c) == 0,
          "empty: %s", err.msg);
    CHECK(config_load_string(&c, "# nothing\n---\n", "comment.yaml", &err) == MIMOD_OK &&
              memcmp(&c, &paper, sizeof c) == 0,
          "comment only: %s", err.msg);
}

static void test_validate(void) {
    mimod_config c;
    mimod_err err = {0};
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    c.n_units = 41; /* written directly, bypassing config_set */
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "key 'n_units'") &&
              contains(err.msg, "got 41"),
          "validate odd N: %s", err.msg);
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    c.mm_opt.kind = (opt_kind)5;
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "mm_optimizer"),
          "validate enum: %s", err.msg);
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    c.sm_opt.beta2 = 1.0;
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "sm_beta2"),
          "validate β2: %s", err.msg);
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    c.preset[0] = 'x';
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "preset"),
          "validate preset: %s", err.msg);
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    c.loss_skip = 2000;
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "seq_len") &&
              contains(err.msg, "loss_skip"),
          "validate seq_len > loss_skip: %s", err.msg);
    c.loss_skip = 1999;
    CHECK(config_validate(&c, &err) == MIMOD_OK, "loss_skip = seq_len − 1 is fine: %s", err.msg);
    config_preset(&c, "paper", &mimod_task_sep, NULL);
    c.sep_n_drop = 13800;
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "sep_n_samples"),
          "validate SEP lengths: %s", err.msg);
    c.sep_n_drop = 13799;
    CHECK(config_validate(&c, &err) == MIMOD_OK, "one SEP step left is fine: %s", err.msg);
    /* K groups: N must be divisible by K, and the message names both keys */
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    CHECK(c.n_groups == 2 && c.mi_pairing == MI_PAIRS && config_n_mi_nets(&c) == 1,
          "default: K = 2, one network");
    c.n_groups = 3; /* N = 40 */
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "key") &&
              contains(err.msg, "'n_groups'") && contains(err.msg, "divisible") &&
              contains(err.msg, "(40)") && contains(err.msg, "(3)"),
          "validate N %% K: %s", err.msg);
    c.n_groups = 4;
    CHECK(config_validate(&c, &err) == MIMOD_OK && config_n_mi_nets(&c) == 6,
          "K = 4, N = 40: 6 pairs: %s", err.msg);
    c.mi_pairing = MI_ONE_VS_REST;
    CHECK(config_n_mi_nets(&c) == 4, "K = 4 one_vs_rest: 4 networks");
    mimod_config c2;
    CHECK(config_load_with_overrides(&c2, NULL, 2, (char *[]){"n_units=42", "n_groups=4"}, &err) ==
                  MIMOD_EINVAL &&
              contains(err.msg, "'n_groups'") && contains(err.msg, "(42)"),
          "load N = 42, K = 4: %s", err.msg);
    CHECK(config_load_with_overrides(&c2, NULL, 3,
                                     (char *[]){"n_units=42", "n_groups=3", "mi_pairing=one_vs_rest"},
                                     &err) == MIMOD_OK &&
              c2.n_groups == 3 && c2.mi_pairing == MI_ONE_VS_REST,
          "load N = 42, K = 3: %s", err.msg);
    expect_set_error("n_groups", "1", "must be an integer ≥ 2, got 1");
    expect_set_error("n_groups", "9", "must be an integer ≤ 8, got 9");
    expect_set_error("mi_pairing", "all", "must be one of pairs, one_vs_rest");
    config_preset(&c, "paper", &mimod_task_wm, NULL);
    c.batch = 1 << 20;
    c.seq_len = 1 << 20;
    CHECK(config_validate(&c, &err) == MIMOD_EINVAL && contains(err.msg, "batch"),
          "validate sample count: %s", err.msg);
}

/* dump -> load gives back the same struct and the same text */
static void check_round_trip(const mimod_config *c, const char *what) {
    mimod_err err = {0};
    char *text = NULL, *text2 = NULL;
    mimod_config back;
    CHECK(config_to_yaml(c, &text, &err) == MIMOD_OK, "%s: %s", what, err.msg);
    if (!text) return;
    for (int i = 0; i < config_n_keys(); i++) {
        char line[64];
        snprintf(line, sizeof line, "\n%s: ", config_key_name(i));
        CHECK(contains(text, line), "%s: dump lacks key %s", what, config_key_name(i));
    }
    CHECK(config_load_string(&back, text, what, &err) == MIMOD_OK, "%s: %s", what, err.msg);
    CHECK(memcmp(&back, c, sizeof back) == 0, "%s: loaded dump differs from the original", what);
    CHECK(config_to_yaml(&back, &text2, &err) == MIMOD_OK && text2 && strcmp(text, text2) == 0,
          "%s: second dump differs", what);
    free(text);
    free(text2);
}

static void test_round_trip(void) {
    const char *presets[] = {"paper", "quick", "tiny", "medium", "paper_single_run"};
    for (int p = 0; p < 5; p++)
        for (int t = 0; t < mimod_task_count(); t++) {
            mimod_config c;
            char what[64];
            config_preset(&c, presets[p], mimod_task_at(t), NULL);
            snprintf(what, sizeof what, "%s/%s", presets[p], mimod_task_at(t)->name);
            check_round_trip(&c, what);
        }
    /* awkward values: doubles without a short decimal form, extremes */
    mimod_config c;
    config_preset(&c, "quick", &mimod_task_wm, NULL);
    c.seed = UINT64_MAX;
    c.alpha = 0.1 + 0.2;
    c.noise_std = 1.0 / 3.0;
    c.lambda_I = 5e-324;
    c.lambda_reg = 1.7976931348623157e308;
    c.mm_opt.lr = 2.0 / 3.0 * 1e-3;
    c.mm_opt.beta2 = 0.99999999999999989; /* largest double below 1 */
    c.sm_opt.kind = OPT_ADAM;
    c.sm_act = MINE_LEAKY_RELU;
    c.noise_inside = 1;
    c.dcor_use_targets = 1;
    c.sm_chunk = 4096;
    CHECK(config_validate(&c, NULL) == MIMOD_OK, "awkward config is valid");
    check_round_trip(&c, "awkward");
}

static void test_overrides(void) {
    mimod_config c;
    mimod_err err = {0};
    char dir_template[] = "/tmp/mimod_test_config_XXXXXX";
    char *dir = mkdtemp(dir_template);
    CHECK(dir != NULL, "mkdtemp: %s", strerror(errno));
    if (!dir) return;
    char path[512];
    snprintf(path, sizeof path, "%s/run.yaml", dir);

    /* keys before "task" in the file still apply after the SEP preset */
    FILE *f = fopen(path, "w");
    fprintf(f, "# a SEP run\nbatch: 7\nseed: 12\ntask: sep\npreset: quick\nsm_hidden: 32\n");
    fclose(f);
    CHECK(config_load_file(&c, path, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.task == &mimod_task_sep && strcmp(c.preset, "quick") == 0 && c.batch == 7 && c.seed == 12 &&
              c.sm_hidden == 32 && c.n_units == 40 && c.sep_n_samples == 3000,
          "file keys after the preset");

    /* --set after the file, in order; the last one wins */
    char *sets1[] = {"batch=9", " sm_hidden = 48 ", "batch=11"};
    CHECK(config_load_with_overrides(&c, path, 3, sets1, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.batch == 11 && c.sm_hidden == 48 && c.seed == 12 && c.task == &mimod_task_sep, "set order");

    /* --set task/preset choose the preset before the file's keys apply */
    char *sets2[] = {"n_units=6", "task=wm", "preset=tiny"};
    CHECK(config_load_with_overrides(&c, path, 3, sets2, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.task == &mimod_task_wm && strcmp(c.preset, "tiny") == 0 && c.seq_len == 60 &&
              c.transient == 20 && c.batch == 7 && c.sm_hidden == 32 && c.n_units == 6,
          "set task/preset");

    /* no file: defaults (wm, paper) then the sets */
    char *sets3[] = {"lambda_I=0", "preset=quick"};
    CHECK(config_load_with_overrides(&c, NULL, 2, sets3, &err) == MIMOD_OK, "%s", err.msg);
    CHECK(c.task == &mimod_task_wm && strcmp(c.preset, "quick") == 0 && c.lambda_I == 0.0 &&
              c.seq_len == 500,
          "sets without a file");

    /* SEP keeps seq_len equal to the derived learned length */
    char *sets4[] = {"sep_n_samples=5000", "seq_len=5"};
    CHECK(config_load_with_overrides(&c, path, 2, sets4, &err) == MIMOD_OK &&
              c.seq_len == 5000 - 1000 && config_learned_len(&c) == 4000,
          "SEP seq_len derived: %s (%d)", err.msg, c.seq_len);

    /* errors in --set name "--set" and the key */
    char *bad1[] = {"batch=0"};
    CHECK(config_load_with_overrides(&c, path, 1, bad1, &err) == MIMOD_EINVAL &&
              contains(err.msg, "--set: key 'batch'"),
          "bad set: %s", err.msg);
    char *bad2[] = {"lamda_I=0.1"};
    CHECK(config_load_with_overrides(&c, path, 1, bad2, &err) == MIMOD_EINVAL &&
              contains(err.msg, "--set: unknown key 'lamda_I' (did you mean 'lambda_I'?)"),
          "bad set key: %s", err.msg);
    char *bad3[] = {"batch"};
    CHECK(config_load_with_overrides(&c, path, 1, bad3, &err) == MIMOD_EINVAL &&
              contains(err.msg, "key=value"),
          "set without '=': %s", err.msg);
    char *bad4[] = {"task=rnn"};
    CHECK(config_load_with_overrides(&c, path, 1, bad4, &err) == MIMOD_EINVAL &&
              contains(err.msg, "--set: key 'task'"),
          "bad set task: %s", err.msg);
    char *bad5[] = {"loss_skip=2500"};
    CHECK(config_load_with_overrides(&c, path, 1, bad5, &err) == MIMOD_EINVAL &&
              contains(err.msg, path) && contains(err.msg, "--set") &&
              contains(err.msg, "sep_n_samples"),
          "cross-key error after sets: %s", err.msg);

    /* the file's own task is checked even when --set overrides it */
    f = fopen(path, "w");
    fprintf(f, "task: gru\nbatch: 3\n");
    fclose(f);
    char *sets5[] = {"task=sep"};
    CHECK(config_load_with_overrides(&c, path, 1, sets5, &err) == MIMOD_EINVAL &&
              contains(err.msg, "run.yaml:1:7: key 'task'"),
          "file task checked: %s", err.msg);

    /* an unreadable file names the file and the reason */
    remove(path);
    CHECK(config_load_file(&c, path, &err) == MIMOD_EIO && contains(err.msg, path) &&
              contains(err.msg, strerror(ENOENT)),
          "missing file: %s", err.msg);
    CHECK(config_load_file(&c, dir, &err) == MIMOD_EIO && contains(err.msg, dir),
          "directory as file: %s", err.msg);
    rmdir(dir);
}

static void test_docs_and_examples(void) {
    char path[1024];
    source_path("docs/configuration.md", path, sizeof path);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL, "cannot open %s", path);
    if (f) {
        static char doc[1 << 17];
        size_t n = fread(doc, 1, sizeof doc - 1, f);
        doc[n] = '\0';
        fclose(f);
        for (int i = 0; i < config_n_keys(); i++) {
            char cell[64];
            snprintf(cell, sizeof cell, "| `%s` |", config_key_name(i));
            CHECK(contains(doc, cell), "docs/configuration.md has no table row for %s",
                  config_key_name(i));
        }
    }
    const char *examples[] = {"tests/data/wm_paper.yaml", "tests/data/wm_quick_no_mi.yaml",
                              "tests/data/sep_quick.yaml", "tests/data/sep_paper_reset_after.yaml"};
    for (int i = 0; i < 4; i++) {
        mimod_config c;
        mimod_err err = {0};
        source_path(examples[i], path, sizeof path);
        CHECK(config_load_file(&c, path, &err) == MIMOD_OK, "%s: %s", examples[i], err.msg);
    }
}

/* config_yaml_differences (config_keys.h), which the growing of a sweep and
 * the summary of several files both use: worked by hand on three texts. */
static void test_yaml_differences(void) {
    /* a has lambda_reg and n_units, b has n_units (other value) and lambda_I;
     * checkpoint_minutes is run control, so it never counts */
    const char *a = "lambda_reg: 0.02\nn_units: 100\ncheckpoint_minutes: 10";
    const char *b = "checkpoint_minutes: 5\nn_units: 64\nlambda_I: 0.1\n";
    config_line_diff d[4];
    int n = config_yaml_differences(a, b, d, 4);
    CHECK(n == 3, "%d differences, want 3", n);
    /* a's keys in a's order, then the keys only b has */
    CHECK(d[0].a == a && d[0].a_len == 16 && d[0].b == NULL, "first difference: lambda_reg only in a");
    CHECK(d[1].a == a + 17 && d[1].a_len == 12 && d[1].b == b + 22 && d[1].b_len == 11, "second: n_units 100 in a, 64 in b");
    CHECK(d[2].a == NULL && d[2].b == b + 34 && d[2].b_len == 13, "third: lambda_I only in b");
    /* max bounds what is written, not the count */
    config_line_diff one = {0};
    CHECK(config_yaml_differences(a, b, &one, 1) == 3 && one.a == a, "max 1: the count 3 and the first difference");
    CHECK(config_yaml_differences(a, b, NULL, 0) == 3, "no output: the count");
    /* equal texts and texts that differ only in run control */
    CHECK(config_yaml_differences(a, a, d, 4) == 0, "a text against itself");
    CHECK(config_yaml_differences("n_units: 100\ncheckpoint_minutes: 1\n", "n_units: 100\n", d, 4) == 0, "texts that differ in run control only");
}

int main(void) {
    test_keys();
    test_presets();
    test_set_get();
    test_load_errors();
    test_validate();
    test_round_trip();
    test_overrides();
    test_docs_and_examples();
    test_yaml_differences();
    return check_report("test_config");
}
