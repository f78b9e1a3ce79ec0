/* rng.h — splittable random numbers.
 *
 * Every random stream of a trial is derived from (seed, stream id, index) by
 * hashing with SplitMix64 into the 256-bit state of xoshiro256**. A stream is
 * therefore a pure function of the trial seed and of *what* it is used for
 * (e.g. "data of SM step 1234"), never of the order in which other streams were
 * consumed, of the MPI rank, or of a resume. The whole state is plain data
 * (copyable, checkpointable). */
#ifndef MIMOD_RNG_H
#define MIMOD_RNG_H

#include <stdint.h>
#include "mimod/common.h"

typedef struct {
    uint64_t s[4];
    double spare_normal; /* unused (kept for checkpoint layout stability) */
    int has_spare;
} mimod_rng;

/* Stream ids used by the trial loop; new uses get new ids (never reuse). */
enum {
    RNG_STREAM_MM_INIT = 1,   /* main-model initial weights            (index 0)        */
    RNG_STREAM_SM_INIT = 2,   /* statistics-network initial weights    (index 0)        */
    RNG_STREAM_SM_BATCH = 3,  /* data, h0, ξ, MINE noise, π of SM step (index = step)   */
    RNG_STREAM_MM_BATCH = 4,  /* same for MM step                      (index = step)   */
    RNG_STREAM_EVAL = 5,      /* evaluation batch at a record point    (index = record) */
    RNG_STREAM_TEST_SET = 6,  /* SEP fixed test batch                  (index 0)        */
    RNG_STREAM_TEST = 100,    /* free for tests                                          */
};

void rng_init(mimod_rng *r, uint64_t seed, uint64_t stream, uint64_t index);
/* Derive a child stream from a parent without consuming it (for sub-streams). */
void rng_split(mimod_rng *child, const mimod_rng *parent, uint64_t sub);
uint64_t rng_u64(mimod_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double rng_uniform(mimod_rng *r);
/* Standard normal (ziggurat). */
double rng_normal(mimod_rng *r);
/* Uniform integer in [0, n) without modulo bias. */
uint64_t rng_below(mimod_rng *r, uint64_t n);
/* Uniformly random permutation of 0..n-1 (Fisher-Yates). */
void rng_permutation(mimod_rng *r, uint32_t *perm, size_t n);
/* Fill x[0..n) with mean + sd * N(0,1). */
void rng_fill_normal(mimod_rng *r, real *x, size_t n, double mean, double sd);
/* The ziggurat applied to given 64 random bits: what rng_normal does with its
 * first number. The rare draws that need more numbers take them from *slow.
 * rng_normal(r) == rng_normal_from_bits(r, rng_u64(r)). */
double rng_normal_from_bits(mimod_rng *slow, uint64_t bits);
/* dst[i] = src[i] + noise_i, i < n (dst may equal src), noise_i ~ N(0, sd²),
 * for large n (the MINE input noise). The rule (issue 28), the same on every
 * CPU and code path:
 * - streams: lane l = rng_split(r, RNG_ADD_NORMAL_SUB + l) for l < 8, slow =
 *   rng_split(r, RNG_ADD_NORMAL_SUB + 8); then r advances by one number.
 * - draw i takes the 32-bit word w = bits 32h..32h+31 of the k-th number of
 *   lane l, k = i / 16, l = (i mod 16) / 2, h = i mod 2 (the unused numbers
 *   of a last partial round are dropped).
 * - a 256-layer ziggurat (Marsaglia & Tsang 2000, R = 3.6541528853610088,
 *   V = 0.00492867323399): X_0 = V / e^(−R²/2), X_1 = R, X_j = sqrt(−2 ln(V/X_{j−1}
 *   + e^(−X_{j−1}²/2))) for 1 < j < 256, X_256 = 0, computed in double and
 *   rounded to float (X below is that float); ρ_j is the largest float with
 *   ρ_j·X_j ≤ X_{j+1}; f_j = exp(−X_j²/2) in double.
 * - layer j = w & 255; u = (2s + 1)·2⁻²⁴ in float, s = the top 24 bits of w
 *   as a signed number ((int32_t)w >> 8).
 * - fast path, |u| < ρ_j: noise_i = (real)u · S_j in real arithmetic, with
 *   S_j = (real)(sd·X_j).
 * - otherwise, in order of i, on the slow stream, in double: x = u·X_j;
 *   accept x if |x| < X_{j+1}; else if j = 0 the tail: repeat
 *   t = −ln(U1)/R, y = −ln(U2) (U = rng_uniform > 0) until 2y ≥ t², x =
 *   ±(R + t) with the sign of u; else accept x if f_j + U·(f_{j+1} − f_j) <
 *   exp(−x²/2) (U = rng_uniform(slow)), else draw b = rng_u64(slow),
 *   j = b & 255, u = 2·(b >> 11)·2⁻⁵³ − 1 and start over. noise_i =
 *   (real)(sd·x).
 * ~1.5 % of the draws take the slow path. test_rng re-implements this rule. */
#define RNG_ADD_NORMAL_SUB 0x6E6F697365ull /* "noise" */
void rng_add_normal(mimod_rng *r, real *dst, const real *src, size_t n, double sd);
/* For tests and timings: rng_add_normal on code path `path` (0 scalar, 1 AVX2,
 * 2 AVX-512; all give the same bytes). Returns path, or -1 when this CPU or
 * build cannot run it; path < 0 only returns the path rng_add_normal takes. */
int rng_add_normal_path(int path, mimod_rng *r, real *dst, const real *src, size_t n, double sd);

#endif
