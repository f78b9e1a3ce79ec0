/* blas.h — OpenBLAS set-up shared by every mimod program. */
#ifndef MIMOD_BLAS_H
#define MIMOD_BLAS_H

/* Call first thing in main(), before MPI_Init.
 * 1. Kernel choice: OpenBLAS 0.3.21 (Debian 12) detects AVX-512 AMD cores as
 *    "Haswell" and runs its AVX2 kernels at about half the speed of its
 *    SkylakeX kernels (SPEC §8). OpenBLAS reads OPENBLAS_CORETYPE only when it
 *    is loaded, so when the CPU has AVX-512F/BW/DQ/VL, the library picked
 *    Haswell or Zen, and the user did not set OPENBLAS_CORETYPE (or
 *    MIMOD_NO_BLAS_FIX), the program re-executes itself once with
 *    OPENBLAS_CORETYPE=SkylakeX. An OPENBLAS_CORETYPE already in the
 *    environment is kept, even when it names a slower kernel than the CPU
 *    supports (a site may pin it on purpose); mimod_blas_summary() then says
 *    so and how to lift it, and mimod_blas_slow() is 1.
 * 2. Threads: OpenBLAS is kept single-threaded (its threads change the
 *    results' last bits); `threads` (1 by default) sizes mimod's own pool
 *    (gemm_pool.h), which splits large products into tiles fixed by their
 *    shape, so the results do not depend on it. */
void mimod_blas_setup(int argc, char **argv, int threads);

/* Kernel name in use, e.g. "Haswell". */
const char *mimod_blas_corename(void);
/* One line for logs: the kernel in use and who chose it, e.g.
 * "Cooperlake (detected by OpenBLAS)". Valid after mimod_blas_setup. */
const char *mimod_blas_summary(void);
/* 1 when the CPU has AVX-512 but the kernel in use does not use it. */
int mimod_blas_slow(void);

#endif
