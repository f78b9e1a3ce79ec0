/* config.h — one trial's configuration: every hyperparameter of SPEC §2–§5 and
 * every alternative of SPEC §7, presets, YAML loading, `key=value` overrides and
 * validation. Errors name the file:line:column (or "--set") and the key. */
#ifndef MIMOD_CONFIG_H
#define MIMOD_CONFIG_H

#include <stdint.h>
#include "mimod/common.h"
#include "mimod/optim.h"

typedef enum { TASK_WM = 0, TASK_SEP = 1 } mimod_task_kind;
/* How the MI objective pairs K groups (docs/mine.md). */
typedef enum { MI_PAIRS = 0, MI_ONE_VS_REST = 1 } mimod_mi_pairing;
/* Largest K: K(K−1)/2 statistics networks of 7 tensors must fit one layout
 * (MIMOD_MAX_TENSORS in params.h). */
#define MIMOD_MAX_GROUPS 8

typedef struct {
    /* identity */
    mimod_task_kind task;   /* key "task": wm | sep */
    char preset[32];        /* key "preset": paper | quick | tiny | medium (informational after load) */
    uint64_t seed;          /* "seed" */

    /* main model */
    int n_units;            /* "n_units" N (even, ≥ 2) */
    int n_groups;           /* "n_groups" K fixed groups (N divisible by K; default 2) */
    double alpha;           /* "alpha" leak (WM) */
    double noise_std;       /* "noise_std" ξ std (WM) */
    int noise_inside;       /* "noise_inside_alpha" bool (WM; SPEC §7) */
    double w_rec_scale;     /* "w_rec_init_scale": W_rec sd = scale/√N (WM) */
    int gru_reset_after;    /* "gru_reset_after" bool (SEP; SPEC §7) */

    /* data */
    int batch;              /* "batch" B */
    int transient;          /* "transient" steps without loss/gradient (WM; 0 for SEP) */
    int seq_len;            /* "seq_len" learned steps L (WM); SEP: derived n_samples − n_drop */
    double pulse_prob;      /* "pulse_prob" */
    int pulse_len;          /* "pulse_len" */
    double ramp_step;       /* "ramp_step" */
    int sep_n_samples;      /* "sep_n_samples" 14000 */
    int sep_n_drop;         /* "sep_n_drop" 4000 */
    double lorenz_tmax;     /* "lorenz_tmax" 100 */
    double rossler_tmax;    /* "rossler_tmax" 700 */
    int sep_substeps;       /* "sep_rk4_substeps" */
    int loss_skip;          /* "loss_skip": steps at the start of the learned segment
                               left out of L_task and the SEP correlations (SEP 200, WM 0) */
    int test_batch;         /* "test_batch": SEP fixed test batch size (50); WM eval batch */

    /* training */
    int n_mm_steps;         /* "n_mm_steps" */
    int n_sm_pre;           /* "n_sm_pre" SM steps before the first MM step (100) */
    int n_sm_per_mm;        /* "n_sm_per_mm" */
    double lambda_I;        /* "lambda_I" */
    double lambda_reg;      /* "lambda_reg" */
    double out_l2_factor;   /* "out_l2_factor": W_out's L2 weight relative to λ_reg (SEP 0.1, WM 1) */
    opt_settings mm_opt;    /* "mm_optimizer" rmsprop|adam, "mm_lr", "mm_rho", "mm_beta1",
                               "mm_beta2", "mm_eps", "mm_clipnorm", "mm_clipvalue" */

    /* statistics network */
    int sm_hidden;          /* "sm_hidden" */
    int sm_act;             /* "sm_activation": relu | leaky_relu (mine_act) */
    double sm_leaky_slope;  /* "sm_leaky_slope" */
    int sm_out_bias;        /* "sm_out_bias" bool */
    double sm_noise_std;    /* "sm_noise_std" */
    int mi_pairing;         /* "mi_pairing": pairs | one_vs_rest (mimod_mi_pairing) */
    opt_settings sm_opt;    /* "sm_optimizer", "sm_lr", "sm_rho", "sm_beta1", "sm_beta2",
                               "sm_eps", "sm_clipnorm", "sm_clipvalue" */
    int sm_chunk;           /* "sm_chunk_rows" rows per chunk (0 = automatic) */

    /* analysis */
    int record_every;       /* "record_every" K MM steps */
    int dcor_use_targets;   /* "dcor_use_targets" bool (SPEC §7; default outputs) */
    double success_threshold; /* "success_accuracy" 0.9 */

    /* run control (no effect on results) */
    double checkpoint_minutes; /* "checkpoint_minutes" */
} mimod_config;

/* Fill c with a preset ("paper", "quick", "tiny", "medium") for a task. */
int config_preset(mimod_config *c, const char *preset, mimod_task_kind task, mimod_err *err);

/* Set one key from its text value. `where` names the origin for messages,
 * e.g. "run.yaml:12:5" or "--set". Unknown key, wrong type or a value out of
 * the key's range -> MIMOD_EINVAL with "<where>: key '<key>': <problem>". */
int config_set(mimod_config *c, const char *key, const char *value, const char *where,
               mimod_err *err);

/* Load a YAML mapping file: optional "task" and "preset" keys are applied first
 * (preset defaults to "paper"), then every other key via config_set with its
 * file:line:column. Nested mappings/sequences are errors. */
int config_load_file(mimod_config *c, const char *path, mimod_err *err);
/* Same, from a string (name used in messages). */
int config_load_string(mimod_config *c, const char *text, const char *name, mimod_err *err);

/* The loader for command lines: path may be NULL (no file); sets are n_sets
 * "key=value" strings (--set overrides). The task and the preset come from the
 * last --set of each, else from the file, else wm / paper; that preset is
 * applied first, then the file's other keys in file order, then the other sets
 * in order (where = "--set"), then config_validate. A bare config_set of "task"
 * or "preset" only records the value; re-applying a preset is this function's
 * job. Every config_load_* leaves *c unchanged on error. */
int config_load_with_overrides(mimod_config *c, const char *path, int n_sets,
                               char *const *sets, mimod_err *err);

/* Cross-key checks (N even, hidden > 0, seq_len > loss_skip, ...). */
int config_validate(const mimod_config *c, mimod_err *err);

/* Keys in canonical order, for iteration (HDF5 attributes, YAML dump). */
int config_n_keys(void);
const char *config_key_name(int i);
/* Text value of a key ("0.1", "true", "rmsprop", ...). */
int config_get(const mimod_config *c, const char *key, char *buf, size_t n, mimod_err *err);
/* 1 if the key exists. */
int config_has_key(const char *key);
/* Full configuration as YAML text (every key); *out malloc'd, caller frees. */
int config_to_yaml(const mimod_config *c, char **out, mimod_err *err);

/* Derived sizes. */
int config_n_in(const mimod_config *c);     /* WM 4, SEP 3 */
int config_n_out(const mimod_config *c);    /* WM 2, SEP 6 */
int config_learned_len(const mimod_config *c); /* WM seq_len, SEP n_samples − n_drop */
/* Statistics networks of the MI objective: K(K−1)/2 for pairs, K for
 * one_vs_rest (1 when K = 2 with pairs). */
int config_n_mi_nets(const mimod_config *c);
int config_n_records(const mimod_config *c);   /* 1 + ceil(n_mm_steps / record_every) — before
                                                  training, every K steps, and at the end */

#endif
