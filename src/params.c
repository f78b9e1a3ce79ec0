/* params.c — tensor layouts and the L2 penalty over them. */
#include "mimod/params.h"

#include <math.h>
#include <string.h>

int layout_add(mimod_layout *l, const char *name, int rows, int cols, double l2_factor) {
    int i = l->n_tensors++;
    l->t[i].name = name;
    l->t[i].offset = l->n_params;
    l->t[i].rows = rows;
    l->t[i].cols = cols;
    l->t[i].l2_factor = l2_factor;
    l->n_params += (size_t)rows * (size_t)cols;
    return i;
}

int layout_find(const mimod_layout *l, const char *name) {
    for (int i = 0; i < l->n_tensors; i++)
        if (strcmp(l->t[i].name, name) == 0) return i;
    return -1;
}

double l2_penalty(const mimod_layout *l, const real *params, real *grad, real scale) {
    double total = 0.0;
    for (int i = 0; i < l->n_tensors; i++) {
        const mimod_tensor *t = &l->t[i];
        if (t->l2_factor == 0.0) continue;
        const real *w = params + t->offset;
        size_t n = tensor_size(t);
        double s = 0.0;
        for (size_t j = 0; j < n; j++) s += (double)w[j] * (double)w[j];
        total += t->l2_factor * 0.5 * s;
        if (grad) {
            real f = (real)(scale * t->l2_factor);
            real *g = grad + t->offset;
            for (size_t j = 0; j < n; j++) g[j] += f * w[j];
        }
    }
    return total;
}

int all_finite(const real *buf, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(buf[i])) return 0;
    return 1;
}
