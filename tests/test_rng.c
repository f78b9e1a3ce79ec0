/* test_rng.c — the splittable RNG: streams are pure functions of
 * (seed, stream, index); uniform and normal moments; unbiased permutations. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mimod/rng.h"

/* rng_add_normal's rule (rng.h), re-implemented one element at a time in
 * plain C for the check below: the 256-layer ziggurat table built here from
 * the published constants, the draws taken as the rule says. */
#define REF_R 3.6541528853610088
#define REF_V 0.00492867323399
static float ref_xf[257], ref_rho[256];
static double ref_x[257], ref_f[257], ref_closure;

static void ref_build(void) {
    double x[257], f = exp(-0.5 * REF_R * REF_R);
    x[0] = REF_V / f;
    x[1] = REF_R;
    for (int i = 2; i < 256; i++) {
        x[i] = sqrt(-2.0 * log(REF_V / x[i - 1] + f));
        f = exp(-0.5 * x[i] * x[i]);
    }
    ref_closure = REF_V / x[255] + f; /* exp(−x_256²/2): 1 when x_256 = 0 */
    x[256] = 0.0;
    for (int i = 0; i <= 256; i++) {
        ref_xf[i] = (float)x[i];
        ref_x[i] = ref_xf[i];
        ref_f[i] = exp(-0.5 * ref_x[i] * ref_x[i]);
    }
    for (int i = 0; i < 256; i++) { /* the largest float ρ with ρ·X_i ≤ X_{i+1} */
        float r = (float)(ref_x[i + 1] / ref_x[i]);
        while ((double)r * ref_x[i] > ref_x[i + 1]) r = nextafterf(r, 0.0f);
        while ((double)nextafterf(r, 2.0f) * ref_x[i] <= ref_x[i + 1]) r = nextafterf(r, 2.0f);
        ref_rho[i] = r;
    }
}

static void ref_add_normal(mimod_rng *r, real *dst, const real *src, size_t n, double sd, long *n_miss,
                           long *n_tail, long *n_retry) {
    mimod_rng lane[8], slow;
    for (int l = 0; l < 8; l++) rng_split(&lane[l], r, RNG_ADD_NORMAL_SUB + (uint64_t)l);
    rng_split(&slow, r, RNG_ADD_NORMAL_SUB + 8);
    (void)rng_u64(r);
    uint64_t number[8] = {0};
    for (size_t i = 0; i < n; i++) {
        int l = (int)(i % 16 / 2), h = (int)(i % 2);
        if (i % 16 == 0)
            for (int k = 0; k < 8; k++) number[k] = rng_u64(&lane[k]); /* round i / 16 */
        uint32_t w = (uint32_t)(number[l] >> (32 * h));
        int layer = (int)(w & 255);
        int32_t sgn24 = (int32_t)w >> 8; /* the top 24 bits as a signed number */
        float u = (float)(2 * sgn24 + 1) * 0x1.0p-24f;
        real s = (real)(sd * ref_x[layer]);
        if (fabsf(u) < ref_rho[layer]) {
            dst[i] = src[i] + (real)u * s;
            continue;
        }
        (*n_miss)++;
        double uu = u, z;
        for (;;) {
            double x = uu * ref_x[layer];
            if (fabs(x) < ref_x[layer + 1]) {
                z = x;
                break;
            }
            if (layer == 0) { /* Marsaglia's tail */
                double t, y;
                (*n_tail)++;
                do {
                    double u1, u2;
                    do u1 = rng_uniform(&slow); while (u1 <= 0.0);
                    do u2 = rng_uniform(&slow); while (u2 <= 0.0);
                    t = -log(u1) / REF_R;
                    y = -log(u2);
                } while (y + y < t * t);
                z = uu < 0.0 ? -(REF_R + t) : REF_R + t;
                break;
            }
            double v = rng_uniform(&slow);
            if (ref_f[layer] + v * (ref_f[layer + 1] - ref_f[layer]) < exp(-0.5 * x * x)) {
                z = x;
                break;
            }
            (*n_retry)++;
            uint64_t b = rng_u64(&slow);
            layer = (int)(b & 255);
            uu = 2.0 * (double)(b >> 11) * 0x1.0p-53 - 1.0;
        }
        dst[i] = src[i] + (real)(sd * z);
    }
}

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
        mimod_rng r0, r1, r2, rp_in;
        rng_init(&r0, 5, RNG_STREAM_TEST, 1);
        r1 = r2 = r0;
        for (int i = 0; i < M; i++) src[i] = (real)(0.001 * i);
        for (int i = 0; i < M; i++) ref[i] = (real)(2.0 + 0.5 * rng_normal(&r0));
        rng_fill_normal(&r1, fill, M, 2.0, 0.5);
        int same_fill = memcmp(ref, fill, M * sizeof *ref) == 0;
        CHECK(same_fill, "rng_fill_normal draws what rng_normal draws");
        CHECK(rng_u64(&r0) == rng_u64(&r1), "rng_fill_normal leaves the state rng_normal leaves");
        /* rng_add_normal against its definition in rng.h, written out one
         * element at a time (ref_add_normal above). M is not a multiple of the
         * block or of 16, so partial rounds are covered. */
        {
            const size_t m = M - 3;
            ref_build();
            CHECK(fabs(ref_closure - 1.0) < 1e-9, "the 256-layer constants close the ziggurat (x_256: argument %.12g)",
                  ref_closure);
            mimod_rng base;
            rng_init(&base, 5, RNG_STREAM_TEST, 1);
            rng_init(&r2, 5, RNG_STREAM_TEST, 1);
            rng_add_normal(&r2, add, src, m, 0.3);
            long n_miss = 0, n_tail = 0, n_retry = 0;
            real *want = malloc(m * sizeof *want);
            ref_add_normal(&base, want, src, m, 0.3, &n_miss, &n_tail, &n_retry);
            CHECK(memcmp(want, add, m * sizeof *add) == 0, "rng_add_normal follows its definition in rng.h");
            CHECK(n_miss > 1000 && n_tail > 10 && n_retry > 100,
                  "the check covered the slow path: %ld misses, %ld tail draws, %ld rejected wedges", n_miss, n_tail,
                  n_retry);
            printf("rng_add_normal on %zu draws: %ld misses (slow path), %ld tail draws, %ld rejected wedges\n", m,
                   n_miss, n_tail, n_retry);
            CHECK(rng_u64(&base) == rng_u64(&r2), "rng_add_normal advances r by one number");
            /* every code path this CPU runs gives the same bytes (test_simd_clones
             * compares whole trials with the SSE2-baseline build too) */
            int n_paths = 0, same_paths = 1;
            for (int path = 0; path < 3; path++) {
                mimod_rng rp;
                rng_init(&rp, 5, RNG_STREAM_TEST, 1);
                memset(want, 0, m * sizeof *want);
                if (rng_add_normal_path(path, &rp, want, src, m, 0.3) < 0) continue;
                n_paths++;
                same_paths &= memcmp(want, add, m * sizeof *add) == 0;
            }
            printf("rng_add_normal: default code path %d, %d path(s) compared\n",
                   rng_add_normal_path(-1, NULL, NULL, NULL, 0, 0.0), n_paths);
            CHECK(n_paths >= 1 && same_paths, "every code path gives the same bytes (%d compared)", n_paths);
            /* in place */
            memcpy(want, src, m * sizeof *want);
            rng_init(&rp_in, 5, RNG_STREAM_TEST, 1);
            rng_add_normal(&rp_in, want, want, m, 0.3);
            CHECK(memcmp(want, add, m * sizeof *add) == 0, "rng_add_normal in place gives the same bytes");
            free(want);
        }
        /* and the numbers are standard normal: moments, tail masses and a
         * chi-square over equiprobable bins on 1.6e7 draws; tolerances 6
         * standard errors */
        {
            const size_t nn = 16000003;
            real *zero = calloc(nn, sizeof *zero), *z = malloc(nn * sizeof *z);
            mimod_rng rs;
            rng_init(&rs, 11, RNG_STREAM_TEST, 4);
            rng_add_normal(&rs, z, zero, nn, 1.0);
            enum { BINS = 200 };
            long bin[BINS] = {0}, t2 = 0, t3 = 0, t4 = 0, tr = 0;
            double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
            for (size_t i = 0; i < nn; i++) {
                double v = z[i], v2 = v * v;
                m1 += v;
                m2 += v2;
                m3 += v2 * v;
                m4 += v2 * v2;
                t2 += fabs(v) > 2.0;
                t3 += fabs(v) > 3.0;
                t4 += fabs(v) > 4.0;
                tr += fabs(v) > 3.6541528853610088;
                int k = (int)(0.5 * erfc(-v / sqrt(2.0)) * BINS); /* Φ(v)·BINS */
                bin[k < 0 ? 0 : k >= BINS ? BINS - 1 : k]++;
            }
            double n = (double)nn, mean = m1 / n, var = m2 / n - mean * mean;
            double c3 = m3 / n - 3 * mean * m2 / n + 2 * mean * mean * mean;
            double c4 = m4 / n - 4 * mean * m3 / n + 6 * mean * mean * m2 / n - 3 * mean * mean * mean * mean;
            double skew = c3 / pow(var, 1.5), kurt = c4 / (var * var);
            CHECK_CLOSE(mean, 0.0, 6 * sqrt(1 / n), 0, "rng_add_normal mean");
            CHECK_CLOSE(var, 1.0, 6 * sqrt(2 / n), 0, "rng_add_normal variance");
            CHECK_CLOSE(skew, 0.0, 6 * sqrt(6 / n), 0, "rng_add_normal skewness");
            CHECK_CLOSE(kurt, 3.0, 6 * sqrt(24 / n), 0, "rng_add_normal kurtosis");
            const struct {
                long count;
                double p;
                const char *what;
            } tails[] = {{t2, 0.04550026389635842, "P(|z| > 2)"},
                         {t3, 0.0026997960632601866, "P(|z| > 3)"},
                         {t4, 6.334248366623996e-05, "P(|z| > 4)"},
                         {tr, erfc(3.6541528853610088 / sqrt(2.0)), "P(|z| > R), the ziggurat's tail"}};
            for (int k = 0; k < 4; k++)
                CHECK_CLOSE(tails[k].count / n, tails[k].p, 6 * sqrt(tails[k].p * (1 - tails[k].p) / n), 0,
                            tails[k].what);
            double chi2 = 0, e = n / BINS;
            for (int k = 0; k < BINS; k++) chi2 += (bin[k] - e) * (bin[k] - e) / e;
            /* 199 degrees of freedom: mean 199, sd 19.9; P(χ² > 320) ≈ 1e-7 */
            CHECK(chi2 < 320, "rng_add_normal chi-square over %d equiprobable bins: %.1f", BINS, chi2);
            printf("rng_add_normal on %zu draws: mean %.2e var %.6f skew %.2e kurtosis %.5f, P(|z|>2,3,4) %.6f %.7f "
                   "%.3e, chi2(%d bins) %.1f\n",
                   nn, mean, var, skew, kurt, t2 / n, t3 / n, t4 / n, BINS, chi2);
            free(zero);
            free(z);
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
