/* models.h — the main model (MM): leaky-integrator RNN (task WM), GRU (task
 * SEP), and the linear readout y = W_out a + b_out shared by both.
 *
 * Layout conventions: sequences are time-major, x[t][b][k] for t < T, b < B;
 * states h[t][b][i]. Weight matrices are [out][in] row-major. Every forward
 * stores what its backward needs in caller-provided buffers; backward passes
 * *accumulate* (+=) into the gradient buffer and into upstream gradients, so a
 * caller zeroes them once per step. No allocation inside forward/backward.
 * This header gathers the four that declare them. */
#ifndef MIMOD_MODELS_H
#define MIMOD_MODELS_H

/* One header per file: */
#include "mimod/gru.h"       /* src/gru.c */
#include "mimod/init.h"      /* src/init.c */
#include "mimod/leaky_rnn.h" /* src/leaky_rnn.c */
#include "mimod/readout.h"   /* src/readout.c */

#endif
