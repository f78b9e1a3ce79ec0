/* config_keys.h — one trial's configuration as data: the struct (a field per
 * key) and the key table, which holds every fact about a key (docs/
 * configuration.md): its name, field, type and range, its default, its
 * documentation, and
 *  - run control: it changes nothing in a trial's results (where and how
 *    often to checkpoint), so sweep hashes and checkpoint comparisons leave
 *    it out and a checkpoint loads into a trial that differs only in it;
 *  - shape: its value changes the shape of a result dataset, so it cannot be
 *    a grid axis (a task group has one shape);
 *  - legacy: the value that does what was done before the key existed
 *    (n_groups 2, mi_pairing pairs; issue 16; wm_bits 2, sep_sources 2,
 *    chen_time_scale 0.5; issue 27): a line setting it is left out
 *    of sweep hashes and checkpoint comparisons, so files made before the key
 *    still match the same configuration today.
 * No task is known here: the tasks read the struct (task.h), and config.h —
 * above the tasks — parses, prints, fills from presets and checks it. */
#ifndef MIMOD_CONFIG_KEYS_H
#define MIMOD_CONFIG_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "mimod/common.h"
#include "mimod/optim.h"

struct mimod_task; /* task.h: the task a configuration runs */

/* How the MI objective pairs K groups (docs/mine.md). */
typedef enum { MI_PAIRS = 0, MI_ONE_VS_REST = 1 } mimod_mi_pairing;
/* Largest K: K(K−1)/2 statistics networks of 7 tensors must fit one layout
 * (MIMOD_MAX_TENSORS in params.h). */
#define MIMOD_MAX_GROUPS 8

typedef struct {
    /* identity */
    const struct mimod_task *task; /* key "task": the task's descriptor (its name in text) */
    char preset[32];        /* key "preset" (informational after load) */
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
    int wm_bits;            /* "wm_bits" K bits of the WM task (2) */
    int sep_n_samples;      /* "sep_n_samples" 14000 */
    int sep_n_drop;         /* "sep_n_drop" 4000 */
    double lorenz_tmax;     /* "lorenz_tmax" 100 */
    double rossler_tmax;    /* "rossler_tmax" 700 */
    int sep_sources;        /* "sep_sources" K sources of the SEP task (2) */
    double chen_time_scale; /* "chen_time_scale": Chen's span / Lorenz's (0.5) */
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
    double out_l2_factor;   /* "out_l2_factor": W_out's L2 weight relative to λ_reg */
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

/* ---- the key table */

typedef enum {
    KT_INT,    /* int field, integer text, range [min, max] (optionally even) */
    KT_U64,    /* uint64_t field, non-negative decimal integer text */
    KT_DOUBLE, /* double field, finite number, range with open/closed ends */
    KT_BOOL,   /* int field holding 0/1, text "true" / "false" only */
    KT_ENUM,   /* int field holding an index into enum_names */
    KT_TASK,   /* the task: a descriptor of the task table, by its name (tasks.h) */
    KT_PRESET, /* char[32] field holding a preset name of some task (tasks.h) */
} config_key_type;

enum {
    KEY_RUN_CONTROL = 1, /* no effect on results (see the head of this file) */
    KEY_SHAPE = 2,       /* changes a result dataset's shape: not a grid axis */
};

typedef struct {
    const char *name;
    config_key_type type;
    size_t offset;
    double min, max;     /* KT_INT / KT_DOUBLE; max = HUGE_VAL means unbounded */
    int min_open;        /* KT_DOUBLE: min excluded */
    int max_open;        /* KT_DOUBLE: max excluded */
    int even;            /* KT_INT: value must be even */
    const char *const *enum_names; /* KT_ENUM, NULL-terminated */
    const char *def;     /* the value unless the task's preset gives one; NULL: every
                            task's presets must give it (it differs between tasks) */
    unsigned flags;      /* KEY_* */
    const char *legacy;  /* the value that does what was done before the key existed, or NULL */
    const char *doc;
} config_key;

/* Keys in canonical order (config_to_yaml's, the docs', the HDF5 attribute's). */
int config_n_keys(void);
const config_key *config_key_at(int i);
const char *config_key_name(int i);
/* The key of this name, or NULL. */
const config_key *config_key_find(const char *name);
/* 1 if the key exists. */
int config_has_key(const char *key);

/* Facts of a key by name (0 for an unknown key). */
int config_key_is_run_control(const char *key);
int config_key_changes_shape(const char *key);
/* 1 if a "key: value" line (config_to_yaml's) is left out of sweep hashes
 * and checkpoint comparisons: it sets a run-control key, or a key to its
 * legacy value. */
int config_line_left_out(const char *line);

/* One difference between two config_yaml texts: a key's line in each (its
 * text and length), a = NULL when only b has the key, b = NULL when only a
 * has it. */
typedef struct {
    const char *a, *b;
    size_t a_len, b_len;
} config_line_diff;

/* The lines that differ between config_yaml texts a and b, lines left out of
 * the sweep hash aside (a line left out on one side counts as missing there):
 * a's keys in a's order first, then keys only b has. The first `max` go to
 * out (may be NULL); returns how many differ in all. */
int config_yaml_differences(const char *a, const char *b, config_line_diff *out, int max);

#endif
