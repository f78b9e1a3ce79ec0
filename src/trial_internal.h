/* trial_internal.h — the trial's state, shared by trial.c, checkpoint.c and the
 * tests (which need the MM loss as a function of the parameters). */
#ifndef MIMOD_TRIAL_INTERNAL_H
#define MIMOD_TRIAL_INTERNAL_H

#include "mimod/mine.h"
#include "mimod/optim.h"
#include "mimod/prefetch.h"
#include "mimod/task.h"
#include "mimod/trial.h"

/* Statistics networks at most: K(K−1)/2 pairs at the largest K. */
#define TRIAL_MAX_MI_NETS (MIMOD_MAX_GROUPS * (MIMOD_MAX_GROUPS - 1) / 2)

struct trial {
    mimod_config cfg;
    const mimod_task *task;    /* cfg.task: what the trial asks instead of which task it is */
    const task_model *model;   /* its main model (task->model) */
    void *ms;                  /* the model's state (dimensions, weight views, buffers) */
    task_dims d;               /* the sizes below, as the task sees them */
    int N, n_in, n_out;
    int K, gsize;              /* K fixed groups of gsize = N/K contiguous units */
    int B, B_eval;             /* training batch, evaluation batch */
    int T_trans, L, T_total;   /* transient, learned, total steps of a sequence */
    size_t n_samples_max;      /* L · max(B, B_eval): rows handed to MINE */

    /* main model: params, grads, optimiser over one flat buffer each (the
     * task's state holds its views into mm_params) */
    mimod_layout mm_layout;
    real *mm_params, *mm_grad;
    optimizer mm_opt;

    /* statistics networks: n_nets copies of one network's layout (sm_layout1)
     * back to back in one flat buffer (sm_layout), so the optimiser, the
     * checkpoint and the gradient check loop over one array. Network p sees
     * group net_x[p] as x and group net_y[p] as y, or with net_y[p] = −1 the
     * other K−1 groups (one_vs_rest). K = 2 pairs: one network, g1 vs g2. */
    int n_nets;
    int net_x[TRIAL_MAX_MI_NETS], net_y[TRIAL_MAX_MI_NETS];
    mine_dims sm_dims;
    mimod_layout sm_layout1, sm_layout;
    real *sm_params, *sm_grad;
    mine_params sm_p[TRIAL_MAX_MI_NETS], sm_g[TRIAL_MAX_MI_NETS];
    optimizer sm_opt;
    mine_workspace *sm_ws;

    /* batch buffers, time-major, sized for max(B, B_eval) (the model's own
     * buffers — noise, rates, caches — are in the task's state) */
    real *x;        /* [T_total][B][n_in]  */
    real *target;   /* [T_total][B][n_out] */
    real *h0;       /* [B][N] */
    real *h;        /* [T_total][B][N] states */
    real *y;        /* [L][B][n_out] outputs of the learned segment */
    real *d_y;      /* [L][B][n_out] */
    real *d_act;    /* [L][B][N] dL/da from readout and MINE */
    real *act_noisy;/* [L·B][N] MINE input: activity + noise */
    real *act_wide; /* one_vs_rest only: [L·B][2N], each noisy row twice, so the
                       other groups of group a are the contiguous columns
                       (a+1)·gsize .. (a+1)·gsize + N − gsize − 1 */
    real *d_mx, *d_my; /* [L·B][dx], [L·B][dy]: one network's dÎ/dx, dÎ/dy */
    uint32_t *perm; /* [L·B] */
    /* The spare set of MINE inputs (same sizes; NULL until the first
     * prefetch): the data thread writes the next SM step's batch into it
     * while the update reads the set above, then the two are swapped. */
    real *act_noisy2, *act_wide2;
    uint32_t *perm2;
    /* the fixed test batch (tasks with fixed_test_set) */
    real *test_x, *test_target;
    void *task_work;           /* the task's generator's work (task->work_bytes) */

    /* analysis buffers */
    double *corr_c, *corr_a, *unit_out; /* [N][N], [N][N], [N][n_out] */
    double *str_a;                      /* [N][N] |W|+|W|ᵀ for Q_str */
    int *groups;                        /* [N] the fixed partition: unit i in group i / gsize */

    /* Prefetch (issue 13, docs/threads.md): data_index is the SM step whose
     * MINE inputs act_noisy/act_wide/perm hold, made by the data thread
     * (bg) while the previous step's update ran; −1 when they hold nothing
     * an SM step may use. Only trial_run and trial_do_sm_step set it. */
    int64_t data_index;
    mimod_bg *bg;
    struct {
        trial *t;
        int64_t index;
        mimod_err err;
    } pf_job;

    /* progress */
    int64_t mm_step, sm_step;
    int finished;
    int64_t fail_step;
    trial_results res;
};

/* The trial's buffers, declared once: trial_create allocates the OWNED ones
 * (zeroed), trial_free frees them, and checkpoint.c saves and restores the
 * SAVED ones (owned buffers, counters, optimiser moments) in table order —
 * the checkpoint file's order. Only the buffers this configuration uses are
 * listed. */
enum { TRIAL_BUF_OWNED = 1, TRIAL_BUF_SAVED = 2, TRIAL_BUF_LAZY = 4 };
typedef struct {
    const char *name;
    void *slot;     /* OWNED: address of the pointer member that holds it; else NULL */
    void *p;        /* the data (NULL while an owned buffer is not allocated) */
    size_t bytes;
    unsigned flags; /* TRIAL_BUF_*; LAZY: owned but not allocated by trial_create
                       (the prefetch's spare set, allocated at its first use) */
} trial_buffer;
#define TRIAL_MAX_BUFFERS (52 + TC_COUNT)
/* Fills b[] (room for TRIAL_MAX_BUFFERS) and returns the count. */
int trial_buffers(trial *t, trial_buffer *b);

/* Everything a training step's randomness is drawn from, derived from
 * (seed, stream, index) only. */
typedef struct {
    mimod_rng data, h0, xi, mine_noise, perm;
} step_rngs;
void trial_step_rngs(const trial *t, uint64_t stream, uint64_t index, step_rngs *s);

/* Builds the batch of (stream, index) for `B` sequences and runs the MM forward
 * (with the GRU cache when keep_cache). h0 is N(0,1) when random_h0, else 0. */
int trial_make_batch(trial *t, const step_rngs *s, int B, int random_h0, int keep_cache,
                     mimod_err *err);

/* Total MM loss L = L_task + λ_reg·L_reg + λ_I·Î on the batch of MM step
 * `index` (the SM frozen), and if grad != NULL its gradient w.r.t. mm_params
 * (overwrites grad). Parts are returned through the optional pointers. */
int trial_mm_loss(trial *t, uint64_t index, real *grad, double *loss, double *task_loss,
                  double *reg_loss, double *mi, mimod_err *err);

/* One SM step / one MM step of the schedule (the benchmark calls them directly).
 * With a pool of ≥ 2 threads trial_do_sm_step also makes the next SM step's
 * batch on the data thread while it updates (the benchmark's loops of SM
 * steps); any other step or batch in between discards it. */
int trial_do_sm_step(trial *t, mimod_err *err);
int trial_do_mm_step(trial *t, mimod_err *err);
/* The two halves of an SM step, timed separately by the benchmark: the MM
 * forward that makes the batch (plus MINE noise and permutation), then the
 * statistics network's forward, backward and update. */
int trial_sm_make_data(trial *t, int64_t index, mimod_err *err);
int trial_sm_update(trial *t, double *mi, mimod_err *err);
/* The SM objective on the batch trial_sm_make_data made: Î summed over the
 * statistics networks (*mi) and, if with_grad, sm_grad = scale·dÎ/dθ over
 * the whole flat SM buffer (each network's part in its own slice). */
int trial_sm_objective(trial *t, double *mi, int with_grad, real scale, mimod_err *err);

/* Index of the first SM step that precedes MM step k. */
int64_t trial_sm_target(const trial *t, int64_t mm_step);

#endif
