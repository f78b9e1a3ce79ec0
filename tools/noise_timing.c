/* noise_timing.c — rng_add_normal on n = 5e7 floats (the MINE input noise of
 * an SEP SM step), best of 5, for the version of this checkout and, in the
 * same run, for an older src/rng.c compiled in with its functions renamed
 * old_* (tools/noise-timing.sh builds both; not run by meson test). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mimod/rng.h"

void old_rng_init(mimod_rng *r, uint64_t seed, uint64_t stream, uint64_t index);
void old_rng_add_normal(mimod_rng *r, real *dst, const real *src, size_t n, double sd);

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef void add_fn(mimod_rng *, real *, const real *, size_t, double);

static double best_of(add_fn *f, void (*init)(mimod_rng *, uint64_t, uint64_t, uint64_t),
                      real *dst, const real *src, size_t n, int reps) {
    double best = 1e30;
    for (int k = 0; k < reps; k++) {
        mimod_rng r;
        init(&r, 1, RNG_STREAM_TEST, (uint64_t)k);
        double t0 = now();
        f(&r, dst, src, n, 0.1);
        double t = now() - t0;
        if (t < best) best = t;
    }
    return best;
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)atof(argv[1]) : 50000000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    real *src = malloc(n * sizeof *src), *dst = malloc(n * sizeof *dst);
    if (!src || !dst) return 1;
    for (size_t i = 0; i < n; i++) src[i] = (real)(i % 1000) * (real)0.001;
    memset(dst, 0, n * sizeof *dst); /* pages faulted in before timing */
    /* warm-up: tables built, caches */
    best_of(old_rng_add_normal, old_rng_init, dst, src, n / 10 + 1, 1);
    best_of(rng_add_normal, rng_init, dst, src, n / 10 + 1, 1);
    double t_old = 1e30, t_new = 1e30;
    for (int k = 0; k < reps; k++) { /* interleaved, so both see the same machine state */
        double a = best_of(old_rng_add_normal, old_rng_init, dst, src, n, 1);
        double b = best_of(rng_add_normal, rng_init, dst, src, n, 1);
        if (a < t_old) t_old = a;
        if (b < t_new) t_new = b;
    }
    printf("rng_add_normal, n = %zu %s, best of %d: old %.4f s, new %.4f s (path %d), %.2fx\n", n,
           MIMOD_REAL_NAME, reps, t_old, t_new, rng_add_normal_path(-1, NULL, NULL, NULL, 0, 0.0),
           t_old / t_new);
    /* each code path of the new one (0 scalar, 1 AVX2, 2 AVX-512) this CPU runs */
    static const char *names[] = {"scalar", "AVX2", "AVX-512"};
    for (int path = 0; path < 3; path++) {
        double best = 1e30;
        for (int k = 0; k < reps; k++) {
            mimod_rng r;
            rng_init(&r, 1, RNG_STREAM_TEST, (uint64_t)k);
            double t0 = now();
            if (rng_add_normal_path(path, &r, dst, src, n, 0.1) < 0) break;
            double t = now() - t0;
            if (t < best) best = t;
        }
        if (best < 1e30) printf("  new, path %d (%s): %.4f s\n", path, names[path], best);
    }
    free(src);
    free(dst);
    return 0;
}
