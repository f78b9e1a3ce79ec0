/* init.h — weight initialisers (src/init.c).
 * Layout conventions as in models.h: time-major sequences, [out][in] weights,
 * caller-provided buffers, backward passes accumulate (+=). */
#ifndef MIMOD_INIT_H
#define MIMOD_INIT_H

#include <stddef.h>
#include "mimod/common.h"
#include "mimod/rng.h"

/* Glorot-uniform fill: U(−l, l), l = √(6/(fan_in+fan_out)). */
void init_glorot_uniform(real *w, size_t n, int fan_in, int fan_out, mimod_rng *rng);
/* Keras 'orthogonal' for a kernel of shape rows×cols (rows = fan-in): result has
 * orthonormal rows if rows ≤ cols, else orthonormal columns; written row-major. */
void init_semi_orthogonal(real *w, int rows, int cols, mimod_rng *rng);

#endif
