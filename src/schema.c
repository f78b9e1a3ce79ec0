/* schema.c — the quantity table of the result file (schema.h). */
#include "mimod/schema.h"

const char *const schema_task_names[SCHEMA_N_TASKS] = {"wm", "sep"};

#define BOTH (SCHEMA_WM | SCHEMA_SEP)
const schema_quantity schema_quantities[Q_COUNT] = {
    [TC_TASK_LOSS] = {"task_loss", BOTH, "MSE on the evaluation batch"},
    [TC_REG_LOSS] = {"reg_loss", BOTH, "½Σw² (without λ_reg)"},
    [TC_MI] = {"mi", BOTH, "Î, nats"},
    [TC_ACCURACY] = {"accuracy", SCHEMA_WM, "fraction of correct signs"},
    [TC_R2_MEAN] = {"r2_mean", SCHEMA_SEP, "mean R² over the outputs"},
    [TC_Q_COR] = {"q_cor", BOTH, "modularity of the correlation network"},
    [TC_Q_STR] = {"q_str", BOTH, "modularity of the structural network"},
    [TC_D_COR] = {"d_cor", BOTH, "output-correlation differentiation index"},
    [TC_D_OUT] = {"d_out", BOTH, "output-weight differentiation index"},
    [TC_D_IN] = {"d_in", SCHEMA_WM, "input-weight differentiation index"},
    [Q_I_N] = {"i_n", BOTH, "normalised MI of the CNM K-partition vs the K groups (K = 2 by default)"},
};

const char *schema_status_name(int status) {
    static const char *const names[] = {"pending", "running", "done", "failed"};
    return status >= RESULTS_PENDING && status <= RESULTS_FAILED ? names[status] : "?";
}

int schema_quantity_in_task(int q, int is_wm) {
    if (q < 0 || q >= Q_COUNT) return 0;
    return (schema_quantities[q].tasks & (is_wm ? SCHEMA_WM : SCHEMA_SEP)) != 0;
}

int schema_quantity_has_timecourse(int q) { return q >= 0 && q < TC_COUNT; }
