/* task_models.h — the main models a task can use (src/task_models.c), each a
 * task_model (task.h): the leaky-integrator RNN of leaky_rnn.h (the keys
 * alpha, noise_std, noise_inside_alpha, w_rec_init_scale) and the GRU of
 * gru.h (gru_reset_after). */
#ifndef MIMOD_TASK_MODELS_H
#define MIMOD_TASK_MODELS_H

#include "mimod/task.h"

extern const task_model task_model_leaky;
extern const task_model task_model_gru;

#endif
