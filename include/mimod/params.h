/* params.h — flat parameter buffers with named tensors (llm.c style).
 *
 * A model's parameters live in one contiguous `real` array; a layout lists the
 * tensors in it (name, offset, shape, L2 factor). Gradients and optimiser
 * moments are arrays of the same length and layout, so optimisers, clipping,
 * checkpoints and gradient checks loop over one array. */
#ifndef MIMOD_PARAMS_H
#define MIMOD_PARAMS_H

#include "mimod/common.h"

/* 7 tensors per statistics network × up to 28 networks (K = 8 pairs, config.h) */
#define MIMOD_MAX_TENSORS 196

typedef struct {
    const char *name; /* e.g. "w_rec"; also the HDF5 dataset name */
    size_t offset;    /* first element in the flat buffer */
    int rows, cols;   /* shape; vectors have rows = n, cols = 1 */
    double l2_factor; /* multiplies λ_reg in L_reg = λ_reg · Σ factor·½Σw²; 0 for biases */
} mimod_tensor;

typedef struct {
    int n_tensors;
    mimod_tensor t[MIMOD_MAX_TENSORS];
    size_t n_params;
} mimod_layout;

/* Append a tensor; returns its index. */
int layout_add(mimod_layout *l, const char *name, int rows, int cols, double l2_factor);
static inline size_t tensor_size(const mimod_tensor *t) { return (size_t)t->rows * (size_t)t->cols; }
/* Index of a named tensor or -1. */
int layout_find(const mimod_layout *l, const char *name);

/* L_reg = Σ_tensors l2_factor · ½ Σ w²  (without λ_reg). If grad != NULL,
 * adds scale · dL_reg/dw to it. */
double l2_penalty(const mimod_layout *l, const real *params, real *grad, real scale);

/* 1 if every element of buf[0..n) is finite. */
int all_finite(const real *buf, size_t n);

#endif
