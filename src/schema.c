/* schema.c — the quantity table of the result file (schema.h). */
#include "mimod/schema.h"

const schema_quantity schema_quantities[Q_COUNT] = {
    [TC_TASK_LOSS] = {"task_loss", "loss", "MSE on the evaluation batch"},
    [TC_REG_LOSS] = {"reg_loss", "L_reg", "½Σw² (without λ_reg)"},
    [TC_MI] = {"mi", "MI", "Î, nats"},
    [TC_ACCURACY] = {"accuracy", "acc", "fraction of correct signs"},
    [TC_R2_MEAN] = {"r2_mean", "R2", "mean R² over the outputs"},
    [TC_Q_COR] = {"q_cor", "Q_cor", "modularity of the correlation network"},
    [TC_Q_STR] = {"q_str", "Q_str", "modularity of the structural network"},
    [TC_D_COR] = {"d_cor", "D_cor", "output-correlation differentiation index"},
    [TC_D_OUT] = {"d_out", "D_out", "output-weight differentiation index"},
    [TC_D_IN] = {"d_in", "D_in", "input-weight differentiation index"},
    [Q_I_N] = {"i_n", "I_n", "normalised MI of the CNM K-partition vs the K groups (K = 2 by default)"},
};

const char *schema_status_name(int status) {
    static const char *const names[] = {"pending", "running", "done", "failed"};
    return status >= RESULTS_PENDING && status <= RESULTS_FAILED ? names[status] : "?";
}

int schema_quantity_has_timecourse(int q) { return q >= 0 && q < TC_COUNT; }
