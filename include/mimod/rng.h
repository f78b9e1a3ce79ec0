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
/* dst[i] = src[i] + (real)(sd · z_i), i < n (dst may equal src), for large n
 * (the MINE input noise). Eight interleaved streams, so that they run side by
 * side in vector registers (~10x faster than a loop over rng_normal):
 * lane l = rng_split(r, RNG_ADD_NORMAL_SUB + l) for l < 8, slow =
 * rng_split(r, RNG_ADD_NORMAL_SUB + 8); z_i = rng_normal_from_bits(&slow,
 * rng_u64(&lane[i mod 8])), in order of i. Then r advances by one number. */
#define RNG_ADD_NORMAL_SUB 0x6E6F697365ull /* "noise" */
void rng_add_normal(mimod_rng *r, real *dst, const real *src, size_t n, double sd);

#endif
