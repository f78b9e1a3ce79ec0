/* config.c — the trial configuration: one key table drives parsing
 * (config_set), printing (config_get, config_to_yaml), iteration and range
 * checks (config_validate); presets fill the struct from SPEC §2–§4 and §9;
 * YAML files are read with libyaml's event parser so every key and value keeps
 * its line and column for messages. */
#include "mimod/config.h"
#include "mimod/text.h"
#include "mimod/mine.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* The table stores enum-valued fields through int pointers. */
_Static_assert(sizeof(mimod_task_kind) == sizeof(int), "mimod_task_kind must be int-sized");
_Static_assert(sizeof(opt_kind) == sizeof(int), "opt_kind must be int-sized");

/* ------------------------------------------------------------------ */
/* The key table                                                       */
/* ------------------------------------------------------------------ */

typedef enum {
    KT_INT,     /* int field, integer text, range [min, max] (optionally even) */
    KT_U64,     /* uint64_t field, non-negative decimal integer text */
    KT_DOUBLE,  /* double field, finite number, range with open/closed ends */
    KT_BOOL,    /* int field holding 0/1, text "true" / "false" only */
    KT_ENUM,    /* int field holding an index into enum_names */
    KT_STRENUM, /* char[32] field holding one of enum_names (the preset name) */
} key_type;

enum { FOR_WM = 1, FOR_SEP = 2, FOR_BOTH = 3 };

typedef struct {
    const char *name;
    key_type type;
    size_t offset;
    double min, max;     /* KT_INT / KT_DOUBLE; max = HUGE_VAL means unbounded */
    int min_open;        /* KT_DOUBLE: min excluded */
    int max_open;        /* KT_DOUBLE: max excluded */
    int even;            /* KT_INT: value must be even */
    const char *const *enum_names; /* KT_ENUM / KT_STRENUM, NULL-terminated */
    int applies;         /* FOR_WM / FOR_SEP / FOR_BOTH (documentation) */
    const char *doc;
} config_key;

static const char *const task_names[] = {"wm", "sep", NULL};
static const char *const preset_names[] = {"paper", "quick", "tiny", "medium", "paper_single_run", NULL};
static const char *const opt_names[] = {"rmsprop", "adam", NULL};
static const char *const act_names[] = {"relu", "leaky_relu", NULL};
static const char *const pairing_names[] = {"pairs", "one_vs_rest", NULL};

#define OFF(field) offsetof(mimod_config, field)
#define BIG 1e9 /* upper bound for counts: keeps every product of two of them in int64 */
#define INT_KEY(nm, fld, lo, hi, app, doc) {nm, KT_INT, OFF(fld), lo, hi, 0, 0, 0, NULL, app, doc}
#define EVEN_KEY(nm, fld, lo, hi, app, doc) {nm, KT_INT, OFF(fld), lo, hi, 0, 0, 1, NULL, app, doc}
#define DBL_KEY(nm, fld, lo, lo_open, hi, hi_open, app, doc) \
    {nm, KT_DOUBLE, OFF(fld), lo, hi, lo_open, hi_open, 0, NULL, app, doc}
#define BOOL_KEY(nm, fld, app, doc) {nm, KT_BOOL, OFF(fld), 0, 1, 0, 0, 0, NULL, app, doc}
#define ENUM_KEY(nm, fld, names, app, doc) {nm, KT_ENUM, OFF(fld), 0, 0, 0, 0, 0, names, app, doc}

/* Canonical order: the order of config_key_name, config_to_yaml and the doc. */
static const config_key keys[] = {
    /* identity */
    ENUM_KEY("task", task, task_names, FOR_BOTH,
             "Task: `wm` (2-bit working memory, leaky RNN) or `sep` (chaotic signal separation, GRU)."),
    {"preset", KT_STRENUM, OFF(preset), 0, 0, 0, 0, 0, preset_names, FOR_BOTH,
     "Preset applied for `task` before every other key when loading (default `paper`)."},
    {"seed", KT_U64, OFF(seed), 0, 0, 0, 0, 0, NULL, FOR_BOTH,
     "Trial seed; every random stream of the trial is split from it."},
    /* main model */
    EVEN_KEY("n_units", n_units, 2, 65536, FOR_BOTH,
             "N recurrent units; group g1 = units 0..N/2−1, g2 = N/2..N−1 (K = 2)."),
    INT_KEY("n_groups", n_groups, 2, MIMOD_MAX_GROUPS, FOR_BOTH,
            "K fixed groups of units: K equal contiguous blocks, unit i in group ⌊i·K/N⌋ "
            "(n_units must be divisible by K). The MI objective and the analysis use them "
            "(docs/mine.md, docs/analysis.md)."),
    DBL_KEY("alpha", alpha, 0, 1, 1, 0, FOR_WM, "Leak rate α of the leaky-integrator RNN."),
    DBL_KEY("noise_std", noise_std, 0, 0, HUGE_VAL, 0, FOR_WM,
            "Std of the state noise ξ, per unit and step."),
    BOOL_KEY("noise_inside_alpha", noise_inside, FOR_WM,
             "`true`: ξ inside α(…) (paper Eq. 1); `false`: added outside (authors' code, default)."),
    DBL_KEY("w_rec_init_scale", w_rec_scale, 0, 0, HUGE_VAL, 0, FOR_WM,
            "W_rec is initialised N(0, (scale/√N)²)."),
    BOOL_KEY("gru_reset_after", gru_reset_after, FOR_SEP,
             "`true`: Keras reset-after GRU (r ⊙ (U h)); `false`: paper Eq. 3, U (r ⊙ h) (default)."),
    /* data */
    INT_KEY("batch", batch, 1, 1 << 20, FOR_BOTH, "B sequences per SM step and per MM step."),
    INT_KEY("transient", transient, 0, BIG, FOR_WM,
            "Steps run before the learned segment, without loss or gradient."),
    INT_KEY("seq_len", seq_len, 1, BIG, FOR_WM,
            "Learned steps L per sequence. SEP ignores it: L = sep_n_samples − sep_n_drop "
            "(loading keeps seq_len equal to that)."),
    DBL_KEY("pulse_prob", pulse_prob, 0, 0, 1, 0, FOR_WM,
            "Probability that a pulse starts in a given input channel at a given step."),
    INT_KEY("pulse_len", pulse_len, 1, BIG, FOR_WM, "Length of an input pulse in steps."),
    DBL_KEY("ramp_step", ramp_step, 0, 1, HUGE_VAL, 0, FOR_WM,
            "Target ramp increment per step (the target reaches ±1 in 1/ramp_step steps)."),
    INT_KEY("sep_n_samples", sep_n_samples, 2, BIG, FOR_SEP,
            "Samples per trajectory, equally spaced on [0, tmax] including both ends."),
    INT_KEY("sep_n_drop", sep_n_drop, 0, BIG, FOR_SEP,
            "Leading samples dropped after min–max scaling."),
    DBL_KEY("lorenz_tmax", lorenz_tmax, 0, 1, HUGE_VAL, 0, FOR_SEP,
            "Lorenz trajectory time span [0, tmax]."),
    DBL_KEY("rossler_tmax", rossler_tmax, 0, 1, HUGE_VAL, 0, FOR_SEP,
            "Rössler trajectory time span [0, tmax]."),
    INT_KEY("sep_rk4_substeps", sep_substeps, 1, 1 << 20, FOR_SEP,
            "Fixed RK4 steps per sampling interval."),
    INT_KEY("loss_skip", loss_skip, 0, BIG, FOR_BOTH,
            "Leading learned steps left out of L_task (and of SEP's correlations)."),
    INT_KEY("test_batch", test_batch, 1, 1 << 20, FOR_BOTH,
            "Evaluation batch size (SEP: the trial's fixed test batch)."),
    /* training */
    INT_KEY("n_mm_steps", n_mm_steps, 1, BIG, FOR_BOTH, "Main-model (MM) training steps."),
    INT_KEY("n_sm_pre", n_sm_pre, 0, BIG, FOR_BOTH, "Sub-model (SM) steps before the first MM step."),
    INT_KEY("n_sm_per_mm", n_sm_per_mm, 0, 1 << 20, FOR_BOTH,
            "SM steps before each MM step, each on a fresh batch."),
    DBL_KEY("lambda_I", lambda_I, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Weight λ_I of the MI estimate Î in the MM loss (0: SM still trained, no MI gradient)."),
    DBL_KEY("lambda_reg", lambda_reg, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Weight λ_reg of L_reg = ½Σw² over the MM's weight matrices."),
    DBL_KEY("out_l2_factor", out_l2_factor, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "W_out's L2 weight relative to λ_reg."),
    ENUM_KEY("mm_optimizer", mm_opt.kind, opt_names, FOR_BOTH, "MM optimiser: `rmsprop` or `adam`."),
    DBL_KEY("mm_lr", mm_opt.lr, 0, 1, HUGE_VAL, 0, FOR_BOTH, "MM learning rate."),
    DBL_KEY("mm_rho", mm_opt.rho, 0, 0, 1, 1, FOR_BOTH, "MM RMSprop decay ρ."),
    DBL_KEY("mm_beta1", mm_opt.beta1, 0, 0, 1, 1, FOR_BOTH, "MM Adam β1."),
    DBL_KEY("mm_beta2", mm_opt.beta2, 0, 0, 1, 1, FOR_BOTH, "MM Adam β2."),
    DBL_KEY("mm_eps", mm_opt.eps, 0, 1, HUGE_VAL, 0, FOR_BOTH, "MM optimiser ε."),
    DBL_KEY("mm_clipnorm", mm_opt.clipnorm, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Clip each MM gradient tensor to this L2 norm (0 = off)."),
    DBL_KEY("mm_clipvalue", mm_opt.clipvalue, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Clip each MM gradient element to [−v, v] (0 = off)."),
    /* statistics network */
    INT_KEY("sm_hidden", sm_hidden, 1, 1 << 16, FOR_BOTH, "Hidden width H of the statistics network T."),
    ENUM_KEY("sm_activation", sm_act, act_names, FOR_BOTH, "φ of T: `relu` or `leaky_relu`."),
    DBL_KEY("sm_leaky_slope", sm_leaky_slope, 0, 0, 1, 0, FOR_BOTH,
            "Negative-side slope of `leaky_relu`."),
    BOOL_KEY("sm_out_bias", sm_out_bias, FOR_BOTH, "Whether T has the output bias b3."),
    DBL_KEY("sm_noise_std", sm_noise_std, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Std of the Gaussian noise added to both groups' activities before T."),
    ENUM_KEY("mi_pairing", mi_pairing, pairing_names, FOR_BOTH,
             "K > 2: `pairs` (Σ over the K(K−1)/2 pairs of groups of Î(g_a; g_b), one statistics "
             "network each) or `one_vs_rest` (Σ over the K groups of Î(g_a; the other groups), "
             "K networks). K = 2 with `pairs` is the paper's single network."),
    ENUM_KEY("sm_optimizer", sm_opt.kind, opt_names, FOR_BOTH, "SM optimiser: `rmsprop` or `adam`."),
    DBL_KEY("sm_lr", sm_opt.lr, 0, 1, HUGE_VAL, 0, FOR_BOTH, "SM learning rate."),
    DBL_KEY("sm_rho", sm_opt.rho, 0, 0, 1, 1, FOR_BOTH, "SM RMSprop decay ρ."),
    DBL_KEY("sm_beta1", sm_opt.beta1, 0, 0, 1, 1, FOR_BOTH, "SM Adam β1."),
    DBL_KEY("sm_beta2", sm_opt.beta2, 0, 0, 1, 1, FOR_BOTH, "SM Adam β2."),
    DBL_KEY("sm_eps", sm_opt.eps, 0, 1, HUGE_VAL, 0, FOR_BOTH, "SM optimiser ε."),
    DBL_KEY("sm_clipnorm", sm_opt.clipnorm, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Clip each SM gradient tensor to this L2 norm (0 = off)."),
    DBL_KEY("sm_clipvalue", sm_opt.clipvalue, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Clip each SM gradient element to [−v, v] (0 = off)."),
    INT_KEY("sm_chunk_rows", sm_chunk, 0, 1 << 30, FOR_BOTH,
            "Samples per chunk in the statistics network (0 = automatic, from sm_hidden); changes results only in the last bits (summation order)."),
    /* analysis */
    INT_KEY("record_every", record_every, 1, BIG, FOR_BOTH,
            "Record the analysis every K MM steps (plus before training and at the end)."),
    BOOL_KEY("dcor_use_targets", dcor_use_targets, FOR_BOTH,
             "D_cor from correlations with the targets instead of the outputs (docs/analysis.md)."),
    DBL_KEY("success_accuracy", success_threshold, 0, 0, 1, 0, FOR_WM,
            "A WM trial succeeds if its final accuracy exceeds this."),
    /* run control */
    DBL_KEY("checkpoint_minutes", checkpoint_minutes, 0, 0, HUGE_VAL, 0, FOR_BOTH,
            "Minutes of training between checkpoints (run control; no effect on results)."),
};
#define N_KEYS ((int)(sizeof keys / sizeof keys[0]))

static const config_key *find_key(const char *name) {
    for (int i = 0; i < N_KEYS; i++)
        if (strcmp(keys[i].name, name) == 0) return &keys[i];
    return NULL;
}

int config_n_keys(void) { return N_KEYS; }

const char *config_key_name(int i) { return (i >= 0 && i < N_KEYS) ? keys[i].name : NULL; }

int config_has_key(const char *key) { return key && find_key(key) != NULL; }

/* ------------------------------------------------------------------ */
/* Presets                                                             */
/* ------------------------------------------------------------------ */

static void set_preset_name(mimod_config *c, const char *name) {
    memset(c->preset, 0, sizeof c->preset);
    snprintf(c->preset, sizeof c->preset, "%s", name);
}

/* SPEC §2 and §4, authors' code where marked there. Keys of the other task are
 * filled too, so a dump is complete and switching task by hand stays sane. */
static void preset_paper_wm(mimod_config *c) {
    c->task = TASK_WM;
    c->seed = 0;
    c->n_units = 40;
    c->n_groups = 2;
    c->alpha = 0.1;
    c->noise_std = 0.1;
    c->noise_inside = 0;
    c->w_rec_scale = 1.0;
    c->gru_reset_after = 0;
    c->batch = 20;
    c->transient = 1000;
    c->seq_len = 2000;
    c->pulse_prob = 0.002;
    c->pulse_len = 40;
    c->ramp_step = 0.1;
    c->sep_n_samples = 14000;
    c->sep_n_drop = 4000;
    c->lorenz_tmax = 100.0;
    c->rossler_tmax = 700.0;
    c->sep_substeps = 8;
    c->loss_skip = 0;
    c->test_batch = 20;
    c->n_mm_steps = 1000;
    c->n_sm_pre = 100;
    c->n_sm_per_mm = 10;
    c->lambda_I = 0.1;
    c->lambda_reg = 0.02;
    c->out_l2_factor = 1.0;
    c->mm_opt = (opt_settings){.kind = OPT_RMSPROP, .lr = 0.002, .rho = 0.9, .beta1 = 0.9,
                               .beta2 = 0.999, .eps = 1e-7, .clipnorm = 4.0, .clipvalue = 0.0};
    c->sm_hidden = 512;
    c->sm_act = MINE_RELU;
    c->sm_leaky_slope = 0.25;
    c->sm_out_bias = 1;
    c->sm_noise_std = 0.1;
    c->mi_pairing = MI_PAIRS;
    c->sm_opt = (opt_settings){.kind = OPT_RMSPROP, .lr = 0.003, .rho = 0.9, .beta1 = 0.9,
                               .beta2 = 0.999, .eps = 1e-7, .clipnorm = 4.0, .clipvalue = 0.0};
    c->sm_chunk = 0;
    c->record_every = 25;
    c->dcor_use_targets = 0;
    c->success_threshold = 0.9;
    c->checkpoint_minutes = 10.0;
}

/* SPEC §3 and §4, starting from the WM values for the keys SEP ignores. */
static void preset_paper_sep(mimod_config *c) {
    preset_paper_wm(c);
    c->task = TASK_SEP;
    c->n_units = 100;
    c->gru_reset_after = 0;
    c->batch = 50;
    c->transient = 0;
    c->sep_n_samples = 14000;
    c->sep_n_drop = 4000;
    c->seq_len = c->sep_n_samples - c->sep_n_drop;
    c->lorenz_tmax = 100.0;
    c->rossler_tmax = 700.0;
    c->loss_skip = 200;
    c->test_batch = 50;
    /* The authors' 20-trial runner (run_multipule_trials.py), the source of
     * the paper's means over 20 trials: 200 epochs of 20 MM steps, Keras
     * l2(1e-4) on the GRU's kernels and on the output layer (λ_reg 0.0002 in
     * the ½Σw² convention, the same on W_out). */
    c->n_mm_steps = 4000;
    c->n_sm_pre = 100;
    c->n_sm_per_mm = 20;
    c->lambda_I = 0.005;
    c->lambda_reg = 0.0002;
    c->out_l2_factor = 1.0;
    c->mm_opt = (opt_settings){.kind = OPT_ADAM, .lr = 0.001, .rho = 0.9, .beta1 = 0.9,
                               .beta2 = 0.999, .eps = 1e-7, .clipnorm = 0.0, .clipvalue = 0.0};
    c->sm_hidden = 100;
    c->sm_act = MINE_LEAKY_RELU;
    c->sm_leaky_slope = 0.25;
    c->sm_out_bias = 0;
    c->sm_noise_std = 0.05;
    c->sm_opt = (opt_settings){.kind = OPT_ADAM, .lr = 0.01, .rho = 0.9, .beta1 = 0.9,
                               .beta2 = 0.999, .eps = 1e-7, .clipnorm = 0.0, .clipvalue = 1.0};
    c->record_every = 20;
}

/* Shorter SEP trajectories keep the paper's sampling step: samples are
 * equally spaced on [0, tmax] including both ends, so the step is
 * tmax/(n_samples − 1). */
static void sep_shorten(mimod_config *c, int n_samples, int n_drop) {
    double scale = (double)(n_samples - 1) / (double)(c->sep_n_samples - 1);
    c->lorenz_tmax *= scale;
    c->rossler_tmax *= scale;
    c->sep_n_samples = n_samples;
    c->sep_n_drop = n_drop;
    c->seq_len = n_samples - n_drop;
}

int config_preset(mimod_config *c, const char *preset, mimod_task_kind task, mimod_err *err) {
    if (!c || !preset) return mimod_errf(err, MIMOD_EINVAL, "config_preset: NULL argument");
    if (task != TASK_WM && task != TASK_SEP)
        return mimod_errf(err, MIMOD_EINVAL, "config_preset: unknown task %d", (int)task);
    int which = -1;
    for (int i = 0; preset_names[i]; i++)
        if (strcmp(preset, preset_names[i]) == 0) which = i;
    if (which < 0)
        return mimod_errf(err, MIMOD_EINVAL,
                          "unknown preset '%s' (paper, quick, tiny, medium, paper_single_run)", preset);

    memset(c, 0, sizeof *c); /* padding too, so two equal configs compare equal bytewise */
    if (task == TASK_WM) preset_paper_wm(c);
    else preset_paper_sep(c);

    const int quick_sizes = which == 1 || which == 3; /* medium starts from quick's sizes */
    if (quick_sizes && task == TASK_WM) { /* SPEC §9 calibration size */
        c->n_units = 40;
        c->batch = 20;
        c->transient = 200;
        c->seq_len = 500;
        c->sm_hidden = 128;
        c->n_sm_per_mm = 5;
        c->n_sm_pre = 100;
        c->n_mm_steps = 400;
        c->record_every = 20;
    } else if (quick_sizes) {
        c->n_units = 40;
        c->batch = 10;
        sep_shorten(c, 3000, 1000);
        c->loss_skip = 100;
        c->sm_hidden = 64;
        c->n_sm_per_mm = 5;
        c->n_mm_steps = 300;
        c->record_every = 20;
        c->test_batch = 10;
    } else if (which == 2 && task == TASK_WM) { /* seconds per trial, for tests */
        c->n_units = 8;
        c->batch = 4;
        c->transient = 20;
        c->seq_len = 60;
        c->sm_hidden = 16;
        c->n_sm_pre = 5;
        c->n_sm_per_mm = 2;
        c->n_mm_steps = 6;
        c->record_every = 3;
        c->test_batch = 4; /* WM evaluates on a batch of B */
    } else if (which == 2) {
        c->n_units = 8;
        c->batch = 3;
        sep_shorten(c, 400, 100);
        c->loss_skip = 20;
        c->sm_hidden = 16;
        c->n_sm_pre = 5;
        c->n_sm_per_mm = 2;
        c->n_mm_steps = 6;
        c->record_every = 3;
        c->test_batch = 3;
    }
    if (which == 3 && task == TASK_WM) {
        /* medium (docs/reproduction.md, calibrated on seeds 900–901): the
         * quick sizes with the paper's transient, MM step count and record
         * interval, and a larger evaluation batch. */
        c->transient = 1000;
        c->n_mm_steps = 1000;
        c->record_every = 25;
        c->test_batch = 50;
    } else if (which == 3) {
        /* medium (docs/reproduction.md §1, recalibrated for issue 23 on seed
         * 900 with the 20-trial runner's L2): the paper's N, the runner's 4000
         * MM steps (Q_str, D_out and R² still rise at 2000), the quick data
         * and statistics-network sizes, and half the quick batch (5 sequences
         * of 2000 steps per step), which keeps the time courses of batch 10
         * and fits 40 trials in about 10 core-hours. */
        c->n_units = 100;
        c->batch = 5;
        c->n_mm_steps = 4000;
    }
    if (which == 4 && task == TASK_SEP) {
        /* paper_single_run: the authors' single-run script (gru_training.py),
         * which SPEC used before 2026-12-02: Keras l2(1e-3) on the GRU and
         * l2(1e-4) on the output layer, 100 epochs of 20 MM steps. Kept to
         * compare with; the paper's table comes from the runner (`paper`).
         * WM has one script: paper_single_run is the paper preset there. */
        c->lambda_reg = 0.002;
        c->out_l2_factor = 0.1;
        c->n_mm_steps = 2000;
    }
    set_preset_name(c, preset_names[which]);
    return MIMOD_OK;
}

/* ------------------------------------------------------------------ */
/* Value text <-> field                                                */
/* ------------------------------------------------------------------ */

/* What a key accepts, for messages: "an even integer ≥ 2", "a number in [0, 1)".
 * Integer upper bounds are sanity limits, named only when a value exceeds one
 * (above_max), so the usual message states the real requirement. */
static void describe_key(const config_key *k, int above_max, char *buf, size_t n) {
    switch (k->type) {
    case KT_INT:
        if (above_max)
            snprintf(buf, n, "%s integer ≤ %.0f", k->even ? "an even" : "an", k->max);
        else
            snprintf(buf, n, "%s integer ≥ %.0f", k->even ? "an even" : "an", k->min);
        break;
    case KT_U64: snprintf(buf, n, "a non-negative integer < 2^64"); break;
    case KT_DOUBLE:
        if (k->max == HUGE_VAL)
            snprintf(buf, n, "a number %s %g", k->min_open ? ">" : "≥", k->min);
        else
            snprintf(buf, n, "a number in %c%g, %g%c", k->min_open ? '(' : '[', k->min, k->max,
                     k->max_open ? ')' : ']');
        break;
    case KT_BOOL: snprintf(buf, n, "true or false"); break;
    case KT_ENUM:
    case KT_STRENUM: {
        size_t used = (size_t)snprintf(buf, n, "one of");
        for (int i = 0; k->enum_names[i] && used < n; i++)
            used += (size_t)snprintf(buf + used, n - used, "%s %s", i ? "," : "", k->enum_names[i]);
        break;
    }
    }
}

/* Whole-string integer parse; 0 if text is not an integer (e.g. "1.5", "abc"). */
static int parse_integer(const char *text, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE) return 0;
    *out = v;
    return 1;
}

static int value_error(const config_key *k, const char *where, const char *got, mimod_err *err) {
    char want[128];
    long long v;
    int above_max = k->type == KT_INT && parse_integer(got, &v) && (double)v > k->max;
    describe_key(k, above_max, want, sizeof want);
    return mimod_errf(err, MIMOD_EINVAL, "%s: key '%s': must be %s, got %s", where, k->name, want,
                      got);
}

static int in_range(const config_key *k, double v) {
    if (k->type == KT_INT) {
        if (v < k->min || v > k->max) return 0;
        if (k->even && fmod(v, 2.0) != 0.0) return 0;
        return 1;
    }
    if (!isfinite(v)) return 0;
    if (k->min_open ? !(v > k->min) : !(v >= k->min)) return 0;
    if (k->max_open ? !(v < k->max) : !(v <= k->max)) return 0;
    return 1;
}

/* "did you mean": the one rule of text.h, over every key name. */
static int unknown_key_error(const char *where, const char *key, mimod_err *err) {
    static const char *names[N_KEYS];
    for (int i = 0; i < N_KEYS; i++) names[i] = keys[i].name;
    char hint[96];
    mimod_suggest(key, names, N_KEYS, hint, sizeof hint);
    if (hint[0]) return mimod_errf(err, MIMOD_EINVAL, "%s: unknown key '%s'%s", where, key, hint);
    return mimod_errf(err, MIMOD_EINVAL, "%s: unknown key '%s' (see docs/configuration.md)", where,
                      key);
}

int config_set(mimod_config *c, const char *key, const char *value, const char *where,
               mimod_err *err) {
    if (!where) where = "config";
    if (!c || !key) return mimod_errf(err, MIMOD_EINVAL, "%s: config_set: NULL argument", where);
    const config_key *k = find_key(key);
    if (!k) return unknown_key_error(where, key, err);
    if (!value || value[0] == '\0') {
        char want[128];
        describe_key(k, 0, want, sizeof want);
        return mimod_errf(err, MIMOD_EINVAL, "%s: key '%s': missing value (must be %s)", where,
                          k->name, want);
    }
    char quoted[160];
    snprintf(quoted, sizeof quoted, "'%.150s'", value);
    void *field = (char *)c + k->offset;

    switch (k->type) {
    case KT_INT: {
        long long v;
        if (!parse_integer(value, &v)) return value_error(k, where, quoted, err);
        if (!in_range(k, (double)v)) return value_error(k, where, value, err);
        *(int *)field = (int)v;
        return MIMOD_OK;
    }
    case KT_U64: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        /* strtoull wraps "-1" around; a seed is never negative. */
        if (strchr(value, '-') || end == value || *end != '\0' || errno == ERANGE)
            return value_error(k, where, quoted, err);
        *(uint64_t *)field = (uint64_t)v;
        return MIMOD_OK;
    }
    case KT_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        if (end == value || *end != '\0' || !isfinite(v)) return value_error(k, where, quoted, err);
        if (!in_range(k, v)) return value_error(k, where, value, err);
        *(double *)field = v;
        return MIMOD_OK;
    }
    case KT_BOOL:
        if (strcmp(value, "true") == 0) *(int *)field = 1;
        else if (strcmp(value, "false") == 0) *(int *)field = 0;
        else return value_error(k, where, quoted, err);
        return MIMOD_OK;
    case KT_ENUM:
        for (int i = 0; k->enum_names[i]; i++)
            if (strcmp(value, k->enum_names[i]) == 0) {
                *(int *)field = i;
                return MIMOD_OK;
            }
        return value_error(k, where, quoted, err);
    case KT_STRENUM:
        for (int i = 0; k->enum_names[i]; i++)
            if (strcmp(value, k->enum_names[i]) == 0) {
                char *s = field;
                memset(s, 0, sizeof c->preset);
                snprintf(s, sizeof c->preset, "%s", k->enum_names[i]);
                return MIMOD_OK;
            }
        return value_error(k, where, quoted, err);
    }
    return mimod_errf(err, MIMOD_EINVAL, "%s: key '%s': internal error", where, key);
}

/* Shortest %g text that reads back as exactly the same double; whole numbers
 * print without an exponent ("100", not "1e+02"). */
static void format_double(double v, char *buf, size_t n) {
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

/* Text of a key's value; returns 0 if the stored value is outside the key's
 * domain (only possible when a caller wrote the struct directly). */
static int format_value(const mimod_config *c, const config_key *k, char *buf, size_t n) {
    const void *field = (const char *)c + k->offset;
    switch (k->type) {
    case KT_INT: snprintf(buf, n, "%d", *(const int *)field); return 1;
    case KT_U64: snprintf(buf, n, "%" PRIu64, *(const uint64_t *)field); return 1;
    case KT_DOUBLE: format_double(*(const double *)field, buf, n); return 1;
    case KT_BOOL: {
        int v = *(const int *)field;
        snprintf(buf, n, "%s", v ? "true" : "false");
        return v == 0 || v == 1;
    }
    case KT_ENUM: {
        int v = *(const int *)field, count = 0;
        while (k->enum_names[count]) count++;
        if (v < 0 || v >= count) {
            snprintf(buf, n, "%d", v);
            return 0;
        }
        snprintf(buf, n, "%s", k->enum_names[v]);
        return 1;
    }
    case KT_STRENUM: {
        const char *s = field;
        snprintf(buf, n, "%.*s", (int)sizeof c->preset, s);
        for (int i = 0; k->enum_names[i]; i++)
            if (strcmp(buf, k->enum_names[i]) == 0) return 1;
        return 0;
    }
    }
    return 0;
}

int config_get(const mimod_config *c, const char *key, char *buf, size_t n, mimod_err *err) {
    if (!c || !key || !buf || n == 0)
        return mimod_errf(err, MIMOD_EINVAL, "config_get: NULL argument");
    const config_key *k = find_key(key);
    if (!k) return unknown_key_error("config_get", key, err);
    char text[64];
    format_value(c, k, text, sizeof text);
    if (strlen(text) >= n)
        return mimod_errf(err, MIMOD_EINVAL, "config_get: key '%s': buffer of %zu bytes too small",
                          key, n);
    memcpy(buf, text, strlen(text) + 1);
    return MIMOD_OK;
}

int config_to_yaml(const mimod_config *c, char **out, mimod_err *err) {
    if (!c || !out) return mimod_errf(err, MIMOD_EINVAL, "config_to_yaml: NULL argument");
    *out = NULL;
    static const char header[] = "# mimod configuration: every key (docs/configuration.md)\n";
    size_t cap = sizeof header + (size_t)N_KEYS * 96, len = 0;
    char *text = malloc(cap);
    if (!text) return mimod_errf(err, MIMOD_ENOMEM, "config_to_yaml: out of memory");
    len += (size_t)snprintf(text, cap, "%s", header);
    for (int i = 0; i < N_KEYS; i++) {
        char value[64];
        format_value(c, &keys[i], value, sizeof value);
        /* 96 bytes per key: names ≤ 20 chars, values ≤ 63 chars. */
        len += (size_t)snprintf(text + len, cap - len, "%s: %s\n", keys[i].name, value);
    }
    *out = text;
    return MIMOD_OK;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

int config_validate(const mimod_config *c, mimod_err *err) {
    if (!c) return mimod_errf(err, MIMOD_EINVAL, "config_validate: NULL config");
    /* Every key's own domain, in case the struct was written directly. */
    for (int i = 0; i < N_KEYS; i++) {
        const config_key *k = &keys[i];
        const void *field = (const char *)c + k->offset;
        char text[64];
        int ok = format_value(c, k, text, sizeof text);
        if (ok && k->type == KT_INT) ok = in_range(k, *(const int *)field);
        if (ok && k->type == KT_DOUBLE) ok = in_range(k, *(const double *)field);
        if (!ok) return value_error(k, "config", text, err);
    }
    /* Cross-key checks. */
    if (c->task == TASK_WM && c->seq_len <= c->loss_skip)
        return mimod_errf(err, MIMOD_EINVAL,
                          "keys 'seq_len', 'loss_skip': seq_len (%d) must be greater than "
                          "loss_skip (%d)",
                          c->seq_len, c->loss_skip);
    if (c->task == TASK_SEP &&
        (long long)c->sep_n_samples <= (long long)c->sep_n_drop + c->loss_skip)
        return mimod_errf(err, MIMOD_EINVAL,
                          "keys 'sep_n_samples', 'sep_n_drop', 'loss_skip': sep_n_samples (%d) must "
                          "be greater than sep_n_drop + loss_skip (%d + %d)",
                          c->sep_n_samples, c->sep_n_drop, c->loss_skip);
    if (c->n_units % c->n_groups != 0)
        return mimod_errf(err, MIMOD_EINVAL,
                          "keys 'n_units', 'n_groups': n_units (%d) must be divisible by n_groups "
                          "(%d) (K equal groups of units)",
                          c->n_units, c->n_groups);
    /* The SM's sample set (B·L pairs) is indexed by a uint32 permutation and
     * int row counts; keep it in int range. */
    long long len = config_learned_len(c);
    int big_batch = c->batch > c->test_batch ? c->batch : c->test_batch;
    if ((long long)big_batch * len > INT_MAX)
        return mimod_errf(err, MIMOD_EINVAL,
                          "keys 'batch', 'test_batch', 'seq_len': batch × learned length "
                          "(%d × %lld) exceeds %d samples",
                          big_batch, len, INT_MAX);
    if (c->task == TASK_WM && (long long)c->transient + c->seq_len > INT_MAX)
        return mimod_errf(err, MIMOD_EINVAL,
                          "keys 'transient', 'seq_len': transient + seq_len exceeds %d", INT_MAX);
    return MIMOD_OK;
}

/* ------------------------------------------------------------------ */
/* YAML loading                                                        */
/* ------------------------------------------------------------------ */

typedef struct {
    char *key, *value;
    int key_line, key_col;     /* 1-based */
    int value_line, value_col; /* 1-based */
} yaml_entry;

typedef struct {
    yaml_entry *items;
    int n, cap;
} entry_list;

static void entries_free(entry_list *l) {
    for (int i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static char *dup_text(const unsigned char *s, size_t n) {
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static const char *event_kind(yaml_event_type_t t) {
    switch (t) {
    case YAML_MAPPING_START_EVENT: return "a mapping";
    case YAML_SEQUENCE_START_EVENT: return "a sequence";
    case YAML_ALIAS_EVENT: return "an alias";
    default: return "a non-scalar";
    }
}

/* Reads a one-document YAML text whose top level is a mapping of scalar keys
 * to scalar values into a list, keeping positions; rejects everything else and
 * duplicate keys. */
static int yaml_collect(const char *text, size_t len, const char *name, entry_list *out,
                        mimod_err *err) {
    yaml_parser_t parser;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&parser))
        return mimod_errf(err, MIMOD_ENOMEM, "%s: cannot initialise the YAML parser", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

    enum { S_STREAM, S_DOC, S_TOP, S_KEY, S_VALUE, S_DOC_END, S_AFTER_DOC } state = S_STREAM;
    int rc = MIMOD_OK, done = 0;
    yaml_entry pending = {0};

    while (!done && rc == MIMOD_OK) {
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *problem = parser.problem ? parser.problem : "malformed YAML";
            if (parser.context)
                rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: YAML syntax error: %s %s", name,
                                parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                                problem, parser.context);
            else
                rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: YAML syntax error: %s", name,
                                parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                                problem);
            break;
        }
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        switch (state) {
        case S_STREAM: /* STREAM_START */
            state = S_DOC;
            break;
        case S_DOC:
        case S_AFTER_DOC:
            if (ev.type == YAML_STREAM_END_EVENT) {
                done = 1;
            } else if (ev.type == YAML_DOCUMENT_START_EVENT) {
                if (state == S_AFTER_DOC)
                    rc = mimod_errf(err, MIMOD_EINVAL,
                                    "%s:%d:%d: a configuration is one YAML document; found a second",
                                    name, line, col);
                state = S_TOP;
            }
            break;
        case S_TOP:
            if (ev.type == YAML_MAPPING_START_EVENT) {
                state = S_KEY;
            } else if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
                       ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
                state = S_DOC_END; /* an empty document: no keys */
            } else {
                rc = mimod_errf(err, MIMOD_EINVAL,
                                "%s:%d:%d: the top level must be a mapping of 'key: value' lines",
                                name, line, col);
            }
            break;
        case S_KEY:
            if (ev.type == YAML_MAPPING_END_EVENT) {
                state = S_DOC_END;
            } else if (ev.type == YAML_SCALAR_EVENT) {
                pending.key = dup_text(ev.data.scalar.value, ev.data.scalar.length);
                if (!pending.key) rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", name);
                pending.key_line = line;
                pending.key_col = col;
                state = S_VALUE;
            } else {
                rc = mimod_errf(err, MIMOD_EINVAL, "%s:%d:%d: a key must be a plain name, not %s",
                                name, line, col, event_kind(ev.type));
            }
            break;
        case S_VALUE:
            if (ev.type != YAML_SCALAR_EVENT) {
                rc = mimod_errf(err, MIMOD_EINVAL,
                                "%s:%d:%d: key '%s': value must be a single scalar, not %s", name,
                                line, col, pending.key, event_kind(ev.type));
                break;
            }
            for (int i = 0; i < out->n; i++)
                if (strcmp(out->items[i].key, pending.key) == 0) {
                    rc = mimod_errf(err, MIMOD_EINVAL,
                                    "%s:%d:%d: key '%s': duplicate key (first given at %s:%d:%d)",
                                    name, pending.key_line, pending.key_col, pending.key, name,
                                    out->items[i].key_line, out->items[i].key_col);
                    break;
                }
            if (rc != MIMOD_OK) break;
            pending.value = dup_text(ev.data.scalar.value, ev.data.scalar.length);
            pending.value_line = line;
            pending.value_col = col;
            if (out->n == out->cap) {
                int cap = out->cap ? 2 * out->cap : 64;
                yaml_entry *grown = realloc(out->items, (size_t)cap * sizeof *grown);
                if (!grown) {
                    rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", name);
                    break;
                }
                out->items = grown;
                out->cap = cap;
            }
            if (!pending.value) {
                rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", name);
                break;
            }
            out->items[out->n++] = pending;
            memset(&pending, 0, sizeof pending);
            state = S_KEY;
            break;
        case S_DOC_END: /* DOCUMENT_END */
            state = S_AFTER_DOC;
            break;
        }
        yaml_event_delete(&ev);
    }
    free(pending.key);
    free(pending.value);
    yaml_parser_delete(&parser);
    if (rc != MIMOD_OK) entries_free(out);
    return rc;
}

/* One "k=v" from the command line, split and trimmed in place in a copy. */
typedef struct {
    char *text; /* owns key and value */
    char *key, *value;
} override;

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* The loader behind config_load_file, config_load_string and
 * config_load_with_overrides. Works on a copy; *out changes only on success. */
static int load_config(mimod_config *out, const char *text, size_t text_len, const char *name,
                       int n_sets, char *const *sets, mimod_err *err) {
    entry_list entries = {0};
    override *ovr = NULL;
    int rc = MIMOD_OK;
    mimod_config cfg, scratch;
    memset(&scratch, 0, sizeof scratch);

    if (n_sets < 0 || (n_sets > 0 && !sets))
        return mimod_errf(err, MIMOD_EINVAL, "config: bad override list");
    if (text) {
        rc = yaml_collect(text, text_len, name, &entries, err);
        if (rc != MIMOD_OK) return rc;
    }
    if (n_sets > 0) {
        ovr = calloc((size_t)n_sets, sizeof *ovr);
        if (!ovr) {
            rc = mimod_errf(err, MIMOD_ENOMEM, "config: out of memory");
            goto done;
        }
    }
    for (int i = 0; i < n_sets; i++) {
        ovr[i].text = strdup(sets[i] ? sets[i] : "");
        if (!ovr[i].text) {
            rc = mimod_errf(err, MIMOD_ENOMEM, "config: out of memory");
            goto done;
        }
        char *eq = strchr(ovr[i].text, '=');
        if (!eq) {
            rc = mimod_errf(err, MIMOD_EINVAL, "--set: '%s': expected key=value", ovr[i].text);
            goto done;
        }
        *eq = '\0';
        ovr[i].key = trim(ovr[i].text);
        ovr[i].value = trim(eq + 1);
    }

    /* 1. The task and the preset: last --set, else the file, else defaults.
     * Every given value is checked (on a scratch struct), even if overridden. */
    const char *task_text = "wm", *preset_text = "paper";
    for (int i = 0; i < entries.n; i++) {
        yaml_entry *e = &entries.items[i];
        int is_task = strcmp(e->key, "task") == 0, is_preset = strcmp(e->key, "preset") == 0;
        if (!is_task && !is_preset) continue;
        char where[512];
        snprintf(where, sizeof where, "%s:%d:%d", name, e->value_line, e->value_col);
        rc = config_set(&scratch, e->key, e->value, where, err);
        if (rc != MIMOD_OK) goto done;
        if (is_task) task_text = e->value;
        else preset_text = e->value;
    }
    for (int i = 0; i < n_sets; i++) {
        int is_task = strcmp(ovr[i].key, "task") == 0, is_preset = strcmp(ovr[i].key, "preset") == 0;
        if (!is_task && !is_preset) continue;
        rc = config_set(&scratch, ovr[i].key, ovr[i].value, "--set", err);
        if (rc != MIMOD_OK) goto done;
        if (is_task) task_text = ovr[i].value;
        else preset_text = ovr[i].value;
    }
    rc = config_set(&scratch, "task", task_text, "config", err);
    if (rc != MIMOD_OK) goto done;

    /* 2. The preset for that task. */
    rc = config_preset(&cfg, preset_text, scratch.task, err);
    if (rc != MIMOD_OK) goto done;

    /* 3. The file's other keys, in file order. */
    for (int i = 0; i < entries.n; i++) {
        yaml_entry *e = &entries.items[i];
        if (strcmp(e->key, "task") == 0 || strcmp(e->key, "preset") == 0) continue;
        char where[512];
        if (!config_has_key(e->key)) {
            snprintf(where, sizeof where, "%s:%d:%d", name, e->key_line, e->key_col);
            rc = unknown_key_error(where, e->key, err);
            goto done;
        }
        snprintf(where, sizeof where, "%s:%d:%d", name, e->value_line, e->value_col);
        rc = config_set(&cfg, e->key, e->value, where, err);
        if (rc != MIMOD_OK) goto done;
    }

    /* 4. The overrides, in order (task and preset were consumed in step 1). */
    for (int i = 0; i < n_sets; i++) {
        if (strcmp(ovr[i].key, "task") == 0 || strcmp(ovr[i].key, "preset") == 0) continue;
        rc = config_set(&cfg, ovr[i].key, ovr[i].value, "--set", err);
        if (rc != MIMOD_OK) goto done;
    }

    /* 5. SEP derives its learned length; keep seq_len showing it. */
    if (cfg.task == TASK_SEP && cfg.sep_n_samples - cfg.sep_n_drop >= 1)
        cfg.seq_len = cfg.sep_n_samples - cfg.sep_n_drop;

    /* 6. Cross-key checks. */
    rc = config_validate(&cfg, err);
    if (rc != MIMOD_OK) {
        if (text && n_sets > 0) mimod_err_prefix(err, "%s with --set overrides", name);
        else if (text) mimod_err_prefix(err, "%s", name);
        else mimod_err_prefix(err, "--set");
        goto done;
    }
    *out = cfg;

done:
    entries_free(&entries);
    if (ovr)
        for (int i = 0; i < n_sets; i++) free(ovr[i].text);
    free(ovr);
    return rc;
}

int config_load_with_overrides(mimod_config *c, const char *path, int n_sets, char *const *sets,
                               mimod_err *err) {
    if (!c) return mimod_errf(err, MIMOD_EINVAL, "config_load_with_overrides: NULL config");
    if (!path) return load_config(c, NULL, 0, NULL, n_sets, sets, err);
    char *text = NULL;
    size_t len = 0;
    int rc = mimod_read_text_file(path, (size_t)16 << 20, "configuration file", "", &text, &len,
                                  err);
    if (rc != MIMOD_OK) return rc;
    rc = load_config(c, text, len, path, n_sets, sets, err);
    free(text);
    return rc;
}

int config_load_file(mimod_config *c, const char *path, mimod_err *err) {
    if (!path) return mimod_errf(err, MIMOD_EINVAL, "config_load_file: NULL path");
    return config_load_with_overrides(c, path, 0, NULL, err);
}

int config_load_string(mimod_config *c, const char *text, const char *name, mimod_err *err) {
    if (!c || !text) return mimod_errf(err, MIMOD_EINVAL, "config_load_string: NULL argument");
    return load_config(c, text, strlen(text), name ? name : "<string>", 0, NULL, err);
}

/* ------------------------------------------------------------------ */
/* Derived sizes                                                       */
/* ------------------------------------------------------------------ */

int config_n_in(const mimod_config *c) { return c->task == TASK_WM ? 4 : 3; }

int config_n_out(const mimod_config *c) { return c->task == TASK_WM ? 2 : 6; }

int config_learned_len(const mimod_config *c) {
    return c->task == TASK_WM ? c->seq_len : c->sep_n_samples - c->sep_n_drop;
}

int config_n_records(const mimod_config *c) {
    return 1 + (c->n_mm_steps + c->record_every - 1) / c->record_every;
}

int config_n_mi_nets(const mimod_config *c) {
    int K = c->n_groups;
    return c->mi_pairing == MI_ONE_VS_REST ? K : K * (K - 1) / 2;
}
