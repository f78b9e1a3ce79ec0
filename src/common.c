/* common.c — errors, aligned allocation, the clock. The BLAS wrappers are in gemm.c. */
#define _POSIX_C_SOURCE 200809L
#include "mimod/common.h"
#include "mimod/git_commit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int mimod_errf(mimod_err *err, int code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int mimod_data_path(const char *path, char *out, size_t cap) {
    snprintf(out, cap, "%s", path);
    if (!path[0] || path[0] == '/' || access(path, F_OK) == 0) return 0;
    const char *roots[] = {MIMOD_DATADIR, MIMOD_SOURCE_ROOT};
    for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
        char cand[4096];
        int n = snprintf(cand, sizeof cand, "%s/%s", roots[i], path);
        if (n > 0 && (size_t)n < sizeof cand && (size_t)n < cap && access(cand, F_OK) == 0) {
            snprintf(out, cap, "%s", cand);
            return 1;
        }
    }
    return 0;
}

const char *mimod_git_commit(void) { return MIMOD_GIT_COMMIT; }

void mimod_build_id(char out[MIMOD_BUILD_ID_LEN]) {
    snprintf(out, MIMOD_BUILD_ID_LEN, "%.12s", MIMOD_GIT_COMMIT);
}

void mimod_print_version(const char *program) {
    char id[MIMOD_BUILD_ID_LEN];
    mimod_build_id(id);
    printf("%s: mimod %s (git %s), %s build\n", program, MIMOD_VERSION, id, MIMOD_REAL_NAME);
}

int mimod_err_prefix(mimod_err *err, const char *fmt, ...) {
    if (!err) return MIMOD_OK;
    char head[512], old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t hl = strlen(head);
    if (hl > sizeof err->msg - 3) hl = sizeof err->msg - 3;
    memcpy(err->msg, head, hl);
    memcpy(err->msg + hl, ": ", 2);
    size_t room = sizeof err->msg - hl - 3;
    size_t ol = strnlen(old, room);
    memcpy(err->msg + hl + 2, old, ol);
    err->msg[hl + 2 + ol] = '\0';
    return err->code;
}

void *mimod_calloc(size_t n, size_t size) {
    if (n == 0 || size == 0) n = size = 1;
    if (n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    /* Large buffers (the activations of a whole batch) are read in random
     * row order through MINE's π: on 4 KiB pages nearly every such row costs
     * a TLB miss and a page walk. Ask for transparent huge pages (the kernel's
     * default policy is often "madvise"); where that is refused nothing
     * changes but the TLB cost. */
    const size_t huge = (size_t)2 << 20;
    if (bytes >= 2 * huge) {
        bytes = (bytes + huge - 1) & ~(huge - 1);
        void *p = aligned_alloc(huge, bytes);
        if (!p) return NULL;
        (void)madvise(p, bytes, MADV_HUGEPAGE);
        memset(p, 0, bytes);
        return p;
    }
    bytes = (bytes + 63) & ~(size_t)63;
    void *p = aligned_alloc(64, bytes);
    if (p) memset(p, 0, bytes);
    return p;
}

void mimod_free(void *p) { free(p); }

double mimod_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int mimod_cpu_runs_avx512_fma(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int mimod_cpu_runs_avx2_fma(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
