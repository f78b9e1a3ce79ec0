/* test_rng.c — the splittable RNG: streams are pure functions of
 * (seed, stream, index); uniform and normal moments; unbiased permutations. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/rng.h"

int main(void) {
    mimod_rng a, b;
    rng_init(&a, 42, RNG_STREAM_TEST, 7);
    rng_init(&b, 42, RNG_STREAM_TEST, 7);
    int same = 1;
    for (int i = 0; i < 1000; i++) same &= rng_u64(&a) == rng_u64(&b);
    CHECK(same, "same (seed, stream, index) gives the same numbers");

    rng_init(&a, 42, RNG_STREAM_TEST, 7);
    rng_init(&b, 42, RNG_STREAM_TEST, 8);
    int differ = 0;
    for (int i = 0; i < 16; i++) differ += rng_u64(&a) != rng_u64(&b);
    CHECK(differ == 16, "neighbouring indices give different streams (%d/16 differ)", differ);
    rng_init(&a, 42, RNG_STREAM_TEST, 7);
    rng_init(&b, 43, RNG_STREAM_TEST, 7);
    differ = 0;
    for (int i = 0; i < 16; i++) differ += rng_u64(&a) != rng_u64(&b);
    CHECK(differ == 16, "neighbouring seeds give different streams");

    /* split does not consume the parent */
    mimod_rng parent, c1, c2;
    rng_init(&parent, 1, 2, 3);
    rng_split(&c1, &parent, 5);
    rng_split(&c2, &parent, 5);
    CHECK(rng_u64(&c1) == rng_u64(&c2), "split is a pure function of the parent state");

    /* uniform: mean 1/2, var 1/12; normal: mean 0, var 1, 4th moment 3 */
    const int n = 400000;
    double s1 = 0, s2 = 0, n1 = 0, n2 = 0, n4 = 0, umin = 1, umax = 0;
    long tail3 = 0, tail1 = 0, above_r = 0, below_half = 0; /* P(|z|>3), P(|z|>1), and past the ziggurat base 3.4426 */
    rng_init(&a, 9, RNG_STREAM_TEST, 0);
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&a);
        s1 += u;
        s2 += u * u;
        if (u < umin) umin = u;
        if (u > umax) umax = u;
        double z = rng_normal(&a);
        n1 += z;
        n2 += z * z;
        n4 += z * z * z * z;
        tail3 += fabs(z) > 3.0;
        tail1 += fabs(z) > 1.0;
        above_r += z > 3.442619855899;
        below_half += z < 0.5;
    }
    /* two-sided tail probabilities of N(0,1): 0.3173105 and 0.0026998 */
    CHECK_CLOSE(below_half / (double)n, 0.6914625, 0.0025, 0, "P(z < 0.5)");
    CHECK_CLOSE(tail1 / (double)n, 0.3173105, 0.0025, 0, "P(|z| > 1)");
    CHECK_CLOSE(tail3 / (double)n, 0.0026998, 0.0003, 0, "P(|z| > 3)");
    CHECK_CLOSE(above_r / (double)n, 0.000288, 0.00009, 0, "P(z > 3.4426), the ziggurat tail");
    CHECK(umin >= 0.0 && umax < 1.0, "uniform in [0,1): min %g max %g", umin, umax);
    CHECK_CLOSE(s1 / n, 0.5, 0.003, 0, "uniform mean");
    CHECK_CLOSE(s2 / n - (s1 / n) * (s1 / n), 1.0 / 12, 0.002, 0, "uniform variance");
    CHECK_CLOSE(n1 / n, 0.0, 0.006, 0, "normal mean");
    CHECK_CLOSE(n2 / n, 1.0, 0.01, 0, "normal variance");
    CHECK_CLOSE(n4 / n, 3.0, 0.06, 0, "normal fourth moment");

    /* permutation: a bijection, and each position uniformly distributed */
    enum { P = 5, REPS = 50000 };
    uint32_t perm[P];
    int count[P][P];
    memset(count, 0, sizeof count);
    int bijective = 1;
    for (int r = 0; r < REPS; r++) {
        rng_permutation(&a, perm, P);
        int seen[P] = {0};
        for (int i = 0; i < P; i++) {
            seen[perm[i]]++;
            count[i][perm[i]]++;
        }
        for (int i = 0; i < P; i++) bijective &= seen[i] == 1;
    }
    CHECK(bijective, "permutations are bijections");
    double worst = 0;
    for (int i = 0; i < P; i++)
        for (int j = 0; j < P; j++) {
            double dev = fabs(count[i][j] / (double)REPS - 1.0 / P);
            if (dev > worst) worst = dev;
        }
    CHECK(worst < 0.01, "position frequencies uniform (worst deviation %g)", worst);

    /* rng_below is within range */
    int inrange = 1;
    for (int i = 0; i < 10000; i++) inrange &= rng_below(&a, 7) < 7;
    CHECK(inrange, "rng_below in range");
    /* the fill loops draw exactly the numbers of a loop over rng_normal (which
     * the moment checks above validate), wedge and tail draws included, and
     * leave the generator in the same state */
    {
        enum { M = 200000 };
        real *ref = malloc(M * sizeof *ref), *fill = malloc(M * sizeof *fill);
        real *add = malloc(M * sizeof *add), *src = malloc(M * sizeof *src);
        mimod_rng r0, r1, r2;
        rng_init(&r0, 5, RNG_STREAM_TEST, 1);
        r1 = r2 = r0;
        for (int i = 0; i < M; i++) src[i] = (real)(0.001 * i);
        for (int i = 0; i < M; i++) ref[i] = (real)(2.0 + 0.5 * rng_normal(&r0));
        rng_fill_normal(&r1, fill, M, 2.0, 0.5);
        int same_fill = memcmp(ref, fill, M * sizeof *ref) == 0;
        CHECK(same_fill, "rng_fill_normal draws what rng_normal draws");
        CHECK(rng_u64(&r0) == rng_u64(&r1), "rng_fill_normal leaves the state rng_normal leaves");
        /* rng_add_normal against its definition in rng.h, written out one
         * element at a time: lane i mod 8, slow draws from a 9th stream. M is
         * not a multiple of the block or of 8, so partial rounds are covered. */
        {
            const size_t m = M - 3;
            mimod_rng lane[8], slow, base;
            rng_init(&base, 5, RNG_STREAM_TEST, 1);
            for (int l = 0; l < 8; l++) rng_split(&lane[l], &base, RNG_ADD_NORMAL_SUB + (uint64_t)l);
            rng_split(&slow, &base, RNG_ADD_NORMAL_SUB + 8);
            (void)rng_u64(&base);
            rng_init(&r2, 5, RNG_STREAM_TEST, 1);
            rng_add_normal(&r2, add, src, m, 0.3);
            int same_add = 1, n_slow = 0;
            for (size_t i = 0; i < m; i++) {
                uint64_t bits = rng_u64(&lane[i % 8]);
                mimod_rng probe = slow;
                double z = rng_normal_from_bits(&slow, bits);
                n_slow += memcmp(probe.s, slow.s, sizeof slow.s) != 0; /* slow stream used? */
                same_add &= add[i] == src[i] + (real)(0.3 * z);
            }
            CHECK(same_add, "rng_add_normal follows its definition (lanes i mod 8, slow stream)");
            CHECK(n_slow > 1000, "the check covered the ziggurat's slow path (%d draws)", n_slow);
            CHECK(rng_u64(&base) == rng_u64(&r2), "rng_add_normal advances r by one number");
            /* and the numbers are standard normal: moments and tail masses */
            double a1 = 0, a2 = 0, a4 = 0;
            long t1 = 0, t3 = 0;
            for (size_t i = 0; i < m; i++) {
                double z = ((double)add[i] - (double)src[i]) / 0.3;
                a1 += z;
                a2 += z * z;
                a4 += z * z * z * z;
                t1 += fabs(z) > 1.0;
                t3 += fabs(z) > 3.0;
            }
            CHECK_CLOSE(a1 / m, 0.0, 0.01, 0, "rng_add_normal mean");
            CHECK_CLOSE(a2 / m, 1.0, 0.015, 0, "rng_add_normal variance");
            CHECK_CLOSE(a4 / m, 3.0, 0.08, 0, "rng_add_normal fourth moment");
            CHECK_CLOSE(t1 / (double)m, 0.3173105, 0.004, 0, "rng_add_normal P(|z| > 1)");
            CHECK_CLOSE(t3 / (double)m, 0.0026998, 0.0005, 0, "rng_add_normal P(|z| > 3)");
        }
        /* rng_normal is rng_normal_from_bits on its own first number */
        rng_init(&r0, 8, RNG_STREAM_TEST, 3);
        r1 = r0;
        int same_bits = 1;
        for (int i = 0; i < 20000; i++) {
            double z0 = rng_normal(&r0);
            double z1 = rng_normal_from_bits(&r1, rng_u64(&r1));
            same_bits &= z0 == z1;
        }
        CHECK(same_bits, "rng_normal(r) == rng_normal_from_bits(r, rng_u64(r))");
        rng_add_normal(&r2, src, src, 1, 0.0);
        CHECK(src[0] == 0, "rng_add_normal in place with sd 0 keeps the value");
        /* rng_permutation consumes the caller's generator */
        uint32_t p1[8], p2[8];
        rng_init(&r0, 6, RNG_STREAM_TEST, 2);
        rng_permutation(&r0, p1, 8);
        rng_permutation(&r0, p2, 8);
        CHECK(memcmp(p1, p2, sizeof p1) != 0, "consecutive permutations differ (state advanced)");
        free(ref);
        free(fill);
        free(add);
        free(src);
    }
    return check_report("test_rng");
}
