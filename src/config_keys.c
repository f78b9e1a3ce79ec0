/* config_keys.c — the key table of config_keys.h: every key of a trial's
 * configuration with its field, type, range, default, flags and text. The
 * table's order is canonical (dumps, hashes, docs): do not reorder. */
#include "mimod/config_keys.h"

#include <math.h>
#include <string.h>

/* The table stores enum-valued fields through int pointers. */
_Static_assert(sizeof(opt_kind) == sizeof(int), "opt_kind must be int-sized");

static const char *const opt_names[] = {"rmsprop", "adam", NULL};
static const char *const act_names[] = {"relu", "leaky_relu", NULL}; /* mine_act's order */
static const char *const pairing_names[] = {"pairs", "one_vs_rest", NULL};

#define OFF(field) offsetof(mimod_config, field)
#define BIG 1e9 /* upper bound for counts: keeps every product of two of them in int64 */
#define INT_KEY(nm, fld, lo, hi, dflt, fl, text)                                       \
    {.name = nm, .type = KT_INT, .offset = OFF(fld), .min = lo, .max = hi, .def = dflt, \
     .flags = fl, .doc = text}
#define EVEN_KEY(nm, fld, lo, hi, dflt, fl, text)                                                   \
    {.name = nm, .type = KT_INT, .offset = OFF(fld), .min = lo, .max = hi, .even = 1, .def = dflt, \
     .flags = fl, .doc = text}
#define DBL_KEY(nm, fld, lo, lo_open, hi, hi_open, dflt, fl, text)                                 \
    {.name = nm, .type = KT_DOUBLE, .offset = OFF(fld), .min = lo, .max = hi, .min_open = lo_open, \
     .max_open = hi_open, .def = dflt, .flags = fl, .doc = text}
#define BOOL_KEY(nm, fld, dflt, text) \
    {.name = nm, .type = KT_BOOL, .offset = OFF(fld), .min = 0, .max = 1, .def = dflt, .doc = text}
#define ENUM_KEY(nm, fld, names, dflt, text) \
    {.name = nm, .type = KT_ENUM, .offset = OFF(fld), .enum_names = names, .def = dflt, .doc = text}

/* Canonical order: the order of config_key_name, config_to_yaml and the doc.
 * A NULL default: the keys whose values differ between the tasks — every
 * task's presets give them (tasks.h checks that none is left out). */
static const config_key keys[] = {
    /* identity */
    {.name = "task", .type = KT_TASK, .offset = OFF(task),
     .doc = "Task: `wm` (K-bit working memory, 2 bits by default, leaky RNN) or `sep` (chaotic "
            "signal separation, GRU)."},
    {.name = "preset", .type = KT_PRESET, .offset = OFF(preset),
     .doc = "Preset applied for `task` before every other key when loading (default `paper`)."},
    {.name = "seed", .type = KT_U64, .offset = OFF(seed), .def = "0",
     .doc = "Trial seed; every random stream of the trial is split from it."},
    /* main model */
    EVEN_KEY("n_units", n_units, 2, 65536, NULL, KEY_SHAPE,
             "N recurrent units; group g1 = units 0..N/2−1, g2 = N/2..N−1 (K = 2)."),
    {.name = "n_groups", .type = KT_INT, .offset = OFF(n_groups), .min = 2, .max = MIMOD_MAX_GROUPS,
     .def = "2", .legacy = "2",
     .doc = "K fixed groups of units: K equal contiguous blocks, unit i in group ⌊i·K/N⌋ "
            "(n_units must be divisible by K). The MI objective and the analysis use them "
            "(docs/mine.md, docs/analysis.md)."},
    DBL_KEY("alpha", alpha, 0, 1, 1, 0, "0.1", 0, "Leak rate α of the leaky-integrator RNN."),
    DBL_KEY("noise_std", noise_std, 0, 0, HUGE_VAL, 0, "0.1", 0,
            "Std of the state noise ξ, per unit and step."),
    BOOL_KEY("noise_inside_alpha", noise_inside, "false",
             "`true`: ξ inside α(…) (paper Eq. 1); `false`: added outside (authors' code, default)."),
    DBL_KEY("w_rec_init_scale", w_rec_scale, 0, 0, HUGE_VAL, 0, "1", 0,
            "W_rec is initialised N(0, (scale/√N)²)."),
    BOOL_KEY("gru_reset_after", gru_reset_after, "false",
             "`true`: Keras reset-after GRU (r ⊙ (U h)); `false`: paper Eq. 3, U (r ⊙ h) (default)."),
    /* data */
    INT_KEY("batch", batch, 1, 1 << 20, NULL, 0, "B sequences per SM step and per MM step."),
    INT_KEY("transient", transient, 0, BIG, NULL, 0,
            "Steps run before the learned segment, without loss or gradient."),
    INT_KEY("seq_len", seq_len, 1, BIG, NULL, 0,
            "Learned steps L per sequence. SEP ignores it: L = sep_n_samples − sep_n_drop "
            "(loading keeps seq_len equal to that)."),
    DBL_KEY("pulse_prob", pulse_prob, 0, 0, 1, 0, "0.002", 0,
            "Probability that a pulse starts in a given input channel at a given step."),
    INT_KEY("pulse_len", pulse_len, 1, BIG, "40", 0, "Length of an input pulse in steps."),
    DBL_KEY("ramp_step", ramp_step, 0, 1, HUGE_VAL, 0, "0.1", 0,
            "Target ramp increment per step (the target reaches ±1 in 1/ramp_step steps)."),
    {.name = "wm_bits", .type = KT_INT, .offset = OFF(wm_bits), .min = 1, .max = 8, .def = "2",
     .flags = KEY_SHAPE, .legacy = "2",
     .doc = "WM: K bits, each set and reset by its own ON/OFF input pair with the same pulse "
            "statistics: 2K inputs [ON1, OFF1, …, ONK, OFFK], K outputs (2: the paper's task; "
            "docs/analysis.md). Changes dataset shapes: not a grid axis."},
    INT_KEY("sep_n_samples", sep_n_samples, 2, BIG, "14000", 0,
            "Samples per trajectory, equally spaced on [0, tmax] including both ends."),
    INT_KEY("sep_n_drop", sep_n_drop, 0, BIG, "4000", 0,
            "Leading samples dropped after min–max scaling."),
    DBL_KEY("lorenz_tmax", lorenz_tmax, 0, 1, HUGE_VAL, 0, "100", 0,
            "Lorenz trajectory time span [0, tmax]."),
    DBL_KEY("rossler_tmax", rossler_tmax, 0, 1, HUGE_VAL, 0, "700", 0,
            "Rössler trajectory time span [0, tmax]."),
    {.name = "sep_sources", .type = KT_INT, .offset = OFF(sep_sources), .min = 2, .max = 3,
     .def = "2", .flags = KEY_SHAPE, .legacy = "2",
     .doc = "SEP: K chaotic sources summed in the input, separated into 3K outputs: 2 = Lorenz "
            "and Rössler (the paper's task), 3 adds Chen (docs/analysis.md). Changes dataset "
            "shapes: not a grid axis."},
    {.name = "chen_time_scale", .type = KT_DOUBLE, .offset = OFF(chen_time_scale), .min = 0,
     .max = HUGE_VAL, .min_open = 1, .def = "0.5", .legacy = "0.5",
     .doc = "SEP with 3 sources: the Chen trajectory spans [0, chen_time_scale · lorenz_tmax] "
            "(0.5: its spectrum then matches Lorenz's; docs/analysis.md)."},
    INT_KEY("sep_rk4_substeps", sep_substeps, 1, 1 << 20, "8", 0,
            "Fixed RK4 steps per sampling interval."),
    INT_KEY("loss_skip", loss_skip, 0, BIG, NULL, 0,
            "Leading learned steps left out of L_task (and of SEP's correlations)."),
    INT_KEY("test_batch", test_batch, 1, 1 << 20, NULL, 0,
            "Evaluation batch size (SEP: the trial's fixed test batch)."),
    /* training */
    INT_KEY("n_mm_steps", n_mm_steps, 1, BIG, NULL, KEY_SHAPE, "Main-model (MM) training steps."),
    INT_KEY("n_sm_pre", n_sm_pre, 0, BIG, "100", 0,
            "Sub-model (SM) steps before the first MM step."),
    INT_KEY("n_sm_per_mm", n_sm_per_mm, 0, 1 << 20, NULL, 0,
            "SM steps before each MM step, each on a fresh batch."),
    DBL_KEY("lambda_I", lambda_I, 0, 0, HUGE_VAL, 0, NULL, 0,
            "Weight λ_I of the MI estimate Î in the MM loss (0: SM still trained, no MI gradient)."),
    DBL_KEY("lambda_reg", lambda_reg, 0, 0, HUGE_VAL, 0, NULL, 0,
            "Weight λ_reg of L_reg = ½Σw² over the MM's weight matrices."),
    DBL_KEY("out_l2_factor", out_l2_factor, 0, 0, HUGE_VAL, 0, "1", 0,
            "W_out's L2 weight relative to λ_reg."),
    ENUM_KEY("mm_optimizer", mm_opt.kind, opt_names, NULL, "MM optimiser: `rmsprop` or `adam`."),
    DBL_KEY("mm_lr", mm_opt.lr, 0, 1, HUGE_VAL, 0, NULL, 0, "MM learning rate."),
    DBL_KEY("mm_rho", mm_opt.rho, 0, 0, 1, 1, "0.9", 0, "MM RMSprop decay ρ."),
    DBL_KEY("mm_beta1", mm_opt.beta1, 0, 0, 1, 1, "0.9", 0, "MM Adam β1."),
    DBL_KEY("mm_beta2", mm_opt.beta2, 0, 0, 1, 1, "0.999", 0, "MM Adam β2."),
    DBL_KEY("mm_eps", mm_opt.eps, 0, 1, HUGE_VAL, 0, "1e-7", 0, "MM optimiser ε."),
    DBL_KEY("mm_clipnorm", mm_opt.clipnorm, 0, 0, HUGE_VAL, 0, NULL, 0,
            "Clip each MM gradient tensor to this L2 norm (0 = off)."),
    DBL_KEY("mm_clipvalue", mm_opt.clipvalue, 0, 0, HUGE_VAL, 0, "0", 0,
            "Clip each MM gradient element to [−v, v] (0 = off)."),
    /* statistics network */
    INT_KEY("sm_hidden", sm_hidden, 1, 1 << 16, NULL, 0, "Hidden width H of the statistics network T."),
    ENUM_KEY("sm_activation", sm_act, act_names, NULL, "φ of T: `relu` or `leaky_relu`."),
    DBL_KEY("sm_leaky_slope", sm_leaky_slope, 0, 0, 1, 0, "0.25", 0,
            "Negative-side slope of `leaky_relu`."),
    BOOL_KEY("sm_out_bias", sm_out_bias, NULL, "Whether T has the output bias b3."),
    DBL_KEY("sm_noise_std", sm_noise_std, 0, 0, HUGE_VAL, 0, NULL, 0,
            "Std of the Gaussian noise added to both groups' activities before T."),
    {.name = "mi_pairing", .type = KT_ENUM, .offset = OFF(mi_pairing), .enum_names = pairing_names,
     .def = "pairs", .legacy = "pairs",
     .doc = "K > 2: `pairs` (Σ over the K(K−1)/2 pairs of groups of Î(g_a; g_b), one statistics "
            "network each) or `one_vs_rest` (Σ over the K groups of Î(g_a; the other groups), "
            "K networks). K = 2 with `pairs` is the paper's single network."},
    ENUM_KEY("sm_optimizer", sm_opt.kind, opt_names, NULL, "SM optimiser: `rmsprop` or `adam`."),
    DBL_KEY("sm_lr", sm_opt.lr, 0, 1, HUGE_VAL, 0, NULL, 0, "SM learning rate."),
    DBL_KEY("sm_rho", sm_opt.rho, 0, 0, 1, 1, "0.9", 0, "SM RMSprop decay ρ."),
    DBL_KEY("sm_beta1", sm_opt.beta1, 0, 0, 1, 1, "0.9", 0, "SM Adam β1."),
    DBL_KEY("sm_beta2", sm_opt.beta2, 0, 0, 1, 1, "0.999", 0, "SM Adam β2."),
    DBL_KEY("sm_eps", sm_opt.eps, 0, 1, HUGE_VAL, 0, "1e-7", 0, "SM optimiser ε."),
    DBL_KEY("sm_clipnorm", sm_opt.clipnorm, 0, 0, HUGE_VAL, 0, NULL, 0,
            "Clip each SM gradient tensor to this L2 norm (0 = off)."),
    DBL_KEY("sm_clipvalue", sm_opt.clipvalue, 0, 0, HUGE_VAL, 0, NULL, 0,
            "Clip each SM gradient element to [−v, v] (0 = off)."),
    INT_KEY("sm_chunk_rows", sm_chunk, 0, 1 << 30, "0", 0,
            "Samples per chunk in the statistics network (0 = automatic, from sm_hidden); changes "
            "results only in the last bits (summation order)."),
    /* analysis */
    INT_KEY("record_every", record_every, 1, BIG, NULL, KEY_SHAPE,
            "Record the analysis every K MM steps (plus before training and at the end)."),
    BOOL_KEY("dcor_use_targets", dcor_use_targets, "false",
             "D_cor from correlations with the targets instead of the outputs (docs/analysis.md)."),
    DBL_KEY("success_accuracy", success_threshold, 0, 0, 1, 0, "0.9", 0,
            "A WM trial succeeds if its final accuracy exceeds this."),
    /* run control */
    DBL_KEY("checkpoint_minutes", checkpoint_minutes, 0, 0, HUGE_VAL, 0, "10", KEY_RUN_CONTROL,
            "Minutes of training between checkpoints (run control; no effect on results)."),
};
#define N_KEYS ((int)(sizeof keys / sizeof keys[0]))

int config_n_keys(void) { return N_KEYS; }

const config_key *config_key_at(int i) { return i >= 0 && i < N_KEYS ? &keys[i] : NULL; }

const char *config_key_name(int i) { return i >= 0 && i < N_KEYS ? keys[i].name : NULL; }

const config_key *config_key_find(const char *name) {
    for (int i = 0; name && i < N_KEYS; i++)
        if (strcmp(keys[i].name, name) == 0) return &keys[i];
    return NULL;
}

int config_has_key(const char *key) { return config_key_find(key) != NULL; }

int config_key_is_run_control(const char *key) {
    const config_key *k = config_key_find(key);
    return k && (k->flags & KEY_RUN_CONTROL);
}

int config_key_changes_shape(const char *key) {
    const config_key *k = config_key_find(key);
    return k && (k->flags & KEY_SHAPE);
}

/* The line of key `key` (klen bytes) in a config_yaml text, its length in
 * *len; NULL if none. */
static const char *yaml_key_line(const char *yaml, const char *key, size_t klen, size_t *len) {
    for (const char *l = yaml; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (n > klen && strncmp(l, key, klen) == 0 && l[klen] == ':') {
            *len = n;
            return l;
        }
        l = e ? e + 1 : NULL;
    }
    return NULL;
}

int config_yaml_differences(const char *a, const char *b, config_line_diff *out, int max) {
    int n_diff = 0;
    for (int side = 0; side < 2; side++) {
        const char *x_txt = side ? b : a, *y_txt = side ? a : b;
        for (const char *l = x_txt; l && *l;) {
            const char *e = strchr(l, '\n');
            size_t n = e ? (size_t)(e - l) : strlen(l), ylen = 0;
            const char *colon = memchr(l, ':', n);
            if (colon && !config_line_left_out(l)) {
                const char *y = yaml_key_line(y_txt, l, (size_t)(colon - l), &ylen);
                int missing = !y || config_line_left_out(y);
                /* side 1 adds only the keys side 0 did not see */
                if (side == 0 ? (missing || ylen != n || strncmp(y, l, n) != 0) : missing) {
                    if (out && n_diff < max)
                        out[n_diff] = side == 0
                                          ? (config_line_diff){l, missing ? NULL : y, n, missing ? 0 : ylen}
                                          : (config_line_diff){NULL, l, 0, n};
                    n_diff++;
                }
            }
            l = e ? e + 1 : NULL;
        }
    }
    return n_diff;
}

int config_line_left_out(const char *line) {
    for (int i = 0; i < N_KEYS; i++) {
        const config_key *k = &keys[i];
        size_t kl = strlen(k->name);
        if (strncmp(line, k->name, kl) != 0 || line[kl] != ':') continue;
        if (k->flags & KEY_RUN_CONTROL) return 1;
        if (!k->legacy) return 0;
        /* "key: value" exactly, up to the end of the line */
        const char *v = line + kl + 1;
        if (*v == ' ') v++;
        size_t n = strlen(k->legacy);
        return strncmp(v, k->legacy, n) == 0 && (v[n] == '\n' || v[n] == '\0');
    }
    return 0;
}
