/* check.h — a minimal test harness: each test program counts checks and ends
 * with check_report(), which prints "<name>: N passed, N failed" and returns
 * the process exit status. */
#ifndef MIMOD_CHECK_H
#define MIMOD_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_n_passed, check_n_failed;

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (cond) {                                                               \
            check_n_passed++;                                                     \
        } else {                                                                  \
            check_n_failed++;                                                     \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
            fprintf(stderr, __VA_ARGS__);                                         \
            fprintf(stderr, "\n");                                                \
        }                                                                         \
    } while (0)

/* |a − b| ≤ tol_abs + tol_rel·|b| */
#define CHECK_CLOSE(a, b, tol_abs, tol_rel, what)                                 \
    do {                                                                          \
        double ca_ = (double)(a), cb_ = (double)(b);                              \
        CHECK(fabs(ca_ - cb_) <= (tol_abs) + (tol_rel) * fabs(cb_),               \
              "%s: got %.12g, expected %.12g", (what), ca_, cb_);                 \
    } while (0)

static inline int check_report(const char *name) {
    printf("%s: %d passed, %d failed\n", name, check_n_passed, check_n_failed);
    return check_n_failed ? 1 : (check_n_passed ? 0 : 1);
}

#endif
