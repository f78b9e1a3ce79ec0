/* task.h — a task of the experiment as one const descriptor (docs/design.md,
 * "Adding a task"). Each task is one file — src/task_wm.c, src/task_sep.c —
 * exporting one `mimod_task`: its name and presets, the quantities it
 * records (its part of the result schema), its main model (a task_model:
 * the operations of the leaky RNN or the GRU, task_models.h, which any task
 * may use), its batches, its part of every record point, its cost and its
 * measured speed-ups. The configuration, the trial, the sweep, the cost
 * model, the summary and the programs ask the descriptor instead of asking
 * which task it is; tasks.h lists the descriptors.
 *
 * A task's input and output counts, its sequence lengths and its data are
 * functions of the configuration, so a variant (more bits, more sources) is
 * keys that the task's functions read, not another copy of the task.
 *
 * Only types here (and task.c's few helpers): a task's file calls the
 * models, the metrics and its data generator, and nothing above it. */
#ifndef MIMOD_TASK_H
#define MIMOD_TASK_H

#include "mimod/common.h"
#include "mimod/config_keys.h"
#include "mimod/params.h"
#include "mimod/rng.h"
#include "mimod/schema.h"

/* ---- presets */

/* One key's value in a preset, as text (set through the key table, so a
 * preset is checked like a user's file). */
typedef struct {
    const char *key, *value;
} task_setting;

/* A named preset: its parent's values first (NULL: the key table's
 * defaults), then its own. */
typedef struct {
    const char *name;
    const char *parent;
    const task_setting *values; /* ends with {NULL, NULL} */
} task_preset;

/* ---- a trial's sizes and batches */

/* The sizes of one trial's sequences and main model (task_dims_of). */
typedef struct {
    int N, n_in, n_out;  /* units, inputs, outputs */
    int T_trans, L, T;   /* transient, learned and total steps of a sequence */
    int B, B_eval, B_max; /* training batch, evaluation batch, the larger: buffers hold B_max */
} task_dims;

/* One batch in the trial's buffers, time-major. */
typedef struct {
    int B;            /* sequences */
    real *x;          /* [T][B][n_in] inputs */
    real *target;     /* [T][B][n_out] targets */
    const real *h0;   /* [B][N] initial states */
    real *h;          /* [T][B][N] states */
} task_batch;

/* A task's part of a record point (trial.c's record): from the evaluation
 * batch's learned segment, the quantities only this task records, and the
 * unit correlations the common analysis (Q_cor, D_cor, CNM) uses. */
typedef struct {
    /* in */
    const mimod_config *cfg;
    const task_dims *d;
    const real *w_in;         /* [N][n_in] the model's input weights (D_in) */
    int B;                    /* evaluation sequences */
    const real *states;       /* [L][B][N] the learned segment's states */
    const real *y;            /* [L][B][n_out] outputs */
    const real *target;       /* [L][B][n_out] */
    const real *dcor_with;    /* y or target (key dcor_use_targets): what D_cor correlates with */
    const int *groups;        /* [N] fixed group of each unit (0..K−1) */
    int K;                    /* groups */
    /* out */
    double tc[TC_COUNT];      /* this task's own quantities (task->quantities) */
    double *r2;               /* [n_out] R² per output (timecourse/r2), if the task has it
                                 (else it stays NaN) */
    double *corr_c;           /* [N][N] unit correlations as the result file keeps them */
    double *corr_a;           /* [N][N] their network: |·|, zero diagonal (Q_cor, CNM) */
    double *unit_out;         /* [N][n_out] |corr(unit, dcor_with)| (D_cor) */
} task_record;

/* ---- a main model */

/* A recurrent network as tasks use it: its weights, its run over a batch
 * and back, and which of its weights the analysis reads. Its state for one
 * trial (dimensions, weight views, work buffers) is its own. */
typedef struct task_model {
    const char *name;         /* "leaky_rnn", "gru" */
    /* Its tensors for d's sizes (name, shape, L2 factor); every model's
     * readout is w_out [n_out][N] and b_out [n_out]. */
    void (*layout)(const mimod_config *c, const task_dims *d, mimod_layout *l);
    /* Its state for one trial: buffers for d->B_max sequences (and what the
     * backward keeps for a training batch of d->B). NULL when out of memory. */
    void *(*create)(const mimod_config *c, const task_dims *d);
    void (*destroy)(void *m);
    /* Point its weight views into the flat buffer (layout order). */
    void (*bind)(void *m, const mimod_layout *l, real *params);
    /* Initial weights (the MM_INIT stream). */
    void (*init)(void *m, mimod_rng *rng);
    /* Over the batch: h (and what backward needs when keep_grad); noise: the
     * model's own randomness for this batch (the leaky RNN's ξ). */
    void (*forward)(void *m, const task_batch *b, const mimod_rng *noise, int keep_grad);
    /* The activity a [L][B][N] of the learned segment: what the readout and
     * MINE see (the leaky RNN's r, the GRU's h). */
    const real *(*activity)(const void *m, const task_batch *b);
    /* BPTT over the learned segment from d_act [L][B][N], accumulating into
     * grad (the flat buffer of layout l). */
    void (*backward)(void *m, const task_batch *b, const mimod_layout *l, const real *d_act,
                     real *grad);
    /* Q_str's matrix: N rows of a tensor from row block·N (the recurrent
     * weights; the GRU's U_h are rows 2N..3N−1 of u); its symbol ("W_rec")
     * and what it is (NULL: nothing more) for figures. */
    const char *structural_tensor;
    int structural_block;
    const char *structural_symbol, *structural_note;
    /* The input weights [N][n_in] (D_in): a tensor's first N rows. */
    const char *input_tensor;
} task_model;

/* ---- the descriptor */

typedef struct mimod_task {
    const char *name;         /* "wm": the key's value, the result group, checkpoint names */
    const char *title;        /* what it is, in a few words (mimod-train --help) */

    /* -- configuration */
    const task_preset *presets; /* ends with {NULL}; the first is the default ("paper") */
    /* Sizes that follow from the configuration. */
    int (*n_in)(const mimod_config *c);
    int (*n_out)(const mimod_config *c);
    int (*transient)(const mimod_config *c);    /* steps before the learned segment */
    int (*learned_len)(const mimod_config *c);  /* L */
    /* Targets the D indices split the outputs into, for n_out outputs (each
     * target's outputs are consecutive: n_out / n_targets per target), and
     * the names of output k and target j for tables. */
    int (*n_targets)(int n_out);
    void (*output_name)(int n_out, int k, char *buf, size_t n);
    void (*target_name)(int n_out, int j, char *buf, size_t n);
    /* Keys that follow from others, after loading (NULL: none). */
    void (*derive)(mimod_config *c);
    /* Cross-key checks of this task (NULL: none). */
    int (*validate)(const mimod_config *c, mimod_err *err);

    /* -- its part of the result schema (schema.h) */
    unsigned quantities;      /* bit q: the task records quantity q beyond SCHEMA_COMMON */
    int success_quantity;     /* a trial "succeeds" when its final value of it > threshold */

    /* -- the main model and the data */
    const task_model *model;
    /* Batches: MM steps and fresh evaluation batches start from h0 ~ N(0, 1)
     * (else 0; SM steps always from 0); records evaluate one test batch made
     * when the trial is created (else a fresh batch per record). */
    int random_h0;
    int fixed_test_set;
    /* Bytes of work the generator needs (the trial keeps them; 0: none). */
    size_t (*work_bytes)(const mimod_config *c);
    /* The batch's inputs and targets: b->B sequences of the configuration's
     * T steps, sequence i from rng_split(rng, i) only. */
    void (*generate)(const mimod_config *c, void *work, const task_batch *b, const mimod_rng *rng);
    /* Its part of a record point. */
    void (*record)(task_record *r);

    /* -- cost (SPEC §8) and measured speed-ups (docs/threads.md) */
    double (*mm_forward_flops)(const mimod_config *c); /* one batch through the model */
    double speedup2;          /* a paper-size trial at 2 threads over 1 */
    double speedup_cap;       /* the most more threads can give (0: Amdahl only) */
} mimod_task;

/* 1 if the task records schema quantity q (SCHEMA_COMMON or its own). */
int task_records(const mimod_task *t, int q);
/* The sizes of a trial of configuration c. */
void task_dims_of(const mimod_config *c, task_dims *d);
/* A record's unit correlations pooled over its (batch × step) samples, the
 * WM way [code]: corr_c signed, corr_a = |corr_c| with a zero diagonal,
 * unit_out = |corr(unit, dcor_with)|. For a task's record part. */
void task_correlations_pooled(task_record *r);

#endif
