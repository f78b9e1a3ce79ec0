/* common.h — scalar type, status codes, error messages and the BLAS wrapper
 * shared by every mimod module.
 *
 * Conventions (see docs/design.md):
 *  - Functions that can fail return int: MIMOD_OK (0) or a negative MIMOD_E*
 *    code, and fill a caller-owned mimod_err with a message saying what and
 *    where. Library code never calls exit().
 *  - `real` is float, or double when built with -Dscalar=double (the gradient
 *    checks need double precision to reach relative errors of 1e-5).
 *  - Matrices are row-major. A weight matrix "W [out][in]" maps in->out. */
#ifndef MIMOD_COMMON_H
#define MIMOD_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef MIMOD_DOUBLE
typedef double real;
#define MIMOD_REAL_NAME "double"
#else
typedef float real;
#define MIMOD_REAL_NAME "float"
#endif

enum {
    MIMOD_OK = 0,
    MIMOD_EINVAL = -1,   /* bad argument / bad configuration */
    MIMOD_ENOMEM = -2,   /* allocation failed */
    MIMOD_EIO = -3,      /* file or HDF5 failure */
    MIMOD_EDIVERGED = -4,/* NaN/Inf met in training */
    MIMOD_EINTR = -5,    /* stopped on request (signal); resumable */
    MIMOD_EMPI = -6,     /* MPI failure */
};

typedef struct {
    int code;
    char msg[1024];
} mimod_err;

/* Set err (if non-NULL) to code and a printf-style message; returns code so
 * callers can write `return mimod_errf(err, MIMOD_EINVAL, "...")`. */
int mimod_errf(mimod_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message with more context ("while X: <old msg>"). */
int mimod_err_prefix(mimod_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "PROGRAM: mimod VERSION (git COMMIT), float|double build" on stdout: every
 * program's --version. COMMIT is the first 12 hex digits of mimod_git_commit(). */
void mimod_print_version(const char *program);
/* The full commit of the checkout the binary was built from (read by git at
 * every build, include/mimod/meson.build; the result files' git_commit), or
 * "unknown" outside a git checkout. */
const char *mimod_git_commit(void);
/* The build's short name: the first 12 hex digits of mimod_git_commit() (what
 * --version prints and the result files' per-point build rows hold), into
 * out (NUL-terminated). */
enum { MIMOD_BUILD_ID_LEN = 13 };
void mimod_build_id(char out[MIMOD_BUILD_ID_LEN]);

/* A file of the distribution named by a relative path (sweeps/quick.yaml,
 * sweeps/paper_claims.yaml): `path` itself when it exists from the working
 * directory or is absolute; else the same path under the installed data
 * directory (<prefix>/share/mimod, where `meson install` puts sweeps/, jobs/,
 * docs/ and python/), else under the source tree the program was built from.
 * Writes the path to use into out (path itself when none exists, so the
 * caller's error names what the user gave). Returns 1 when it found another. */
int mimod_data_path(const char *path, char *out, size_t cap);

/* 64-byte aligned, zero-filled allocation; free with mimod_free. NULL on failure. */
void *mimod_calloc(size_t n, size_t size);
void mimod_free(void *p);

/* C[m][n] = alpha * op(A) op(B) + beta * C, row-major, leading dimensions
 * given explicitly. ta/tb: 0 = as stored, 1 = transposed. Wraps the
 * single-threaded cblas_sgemm/cblas_dgemm according to `real`; a large
 * product is split into tiles of C fixed by its shape (never along K) that
 * the thread pool (gemm_pool.h) runs, so the result's bits do not depend on
 * the number of threads (see common.c). */
void mm_gemm(int ta, int tb, int m, int n, int k, real alpha,
             const real *a, int lda, const real *b, int ldb,
             real beta, real *c, int ldc);

/* The tiles mm_gemm splits a product into: *tm along M times *tn along N
 * (1 × 1: one call). Depends on the arguments given only. For tests. */
void mm_gemm_tiles(int ta, int tb, int m, int n, int k, real alpha, real beta, int *tm, int *tn);
/* 1 when the OpenBLAS kernel in use is one on which every tile's bits were
 * checked equal to one call of the whole product (the AVX-512 SGEMM sets, and
 * the double build, which never splits): mm_gemm at one thread then makes one
 * call; 0 elsewhere (Haswell, Zen, …), where one thread runs the tiles in
 * order. Either way the bits do not depend on the thread count. */
int mm_gemm_one_call_equals_tiles(void);

/* y = alpha * op(A) x + beta * y, A row-major [m][n]. */
void mm_gemv(int ta, int m, int n, real alpha, const real *a, int lda,
             const real *x, real beta, real *y);

/* MIMOD_SIMD_CLONES on a function with element-wise loops: GCC compiles it
 * for AVX-512 (x86-64-v4), AVX2 (x86-64-v3) and the baseline, and the loader
 * picks the best the CPU has (ifunc). The default build targets the x86-64
 * baseline (SSE2) so one binary runs on every node of a cluster; these loops
 * then run 4–8x wider where the CPU allows. Results do not depend on the
 * clone taken: the build uses -ffp-contract=off (no FMA contraction) and the
 * loops have no reductions across lanes, so every element gets the same
 * IEEE operations in the same order. Off for other compilers/architectures. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && __GNUC__ >= 11 && \
    !defined(MIMOD_NO_SIMD_CLONES)
#define MIMOD_SIMD_CLONES \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MIMOD_SIMD_CLONES
#endif

/* For small helpers called inside a MIMOD_SIMD_CLONES function: inlined, they
 * are compiled as part of each clone instead of running at the baseline. */
#define MIMOD_ALWAYS_INLINE inline __attribute__((always_inline))

/* Wall-clock seconds from a monotonic clock. */
double mimod_now(void);

/* Whether this CPU runs the hand-written kernels' instruction sets (gru_step.c,
 * fixed_gemm.c): AVX-512F with FMA, and AVX2 with FMA. 0 off x86-64. */
int mimod_cpu_runs_avx512_fma(void);
int mimod_cpu_runs_avx2_fma(void);

/* MIMOD_VERSION, the project's version in meson.build, comes from the build (-D). */
#ifndef MIMOD_VERSION
#error "MIMOD_VERSION is defined by meson.build (project version)"
#endif

#endif
