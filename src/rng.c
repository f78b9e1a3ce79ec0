/* rng.c — SplitMix64-seeded xoshiro256** (Blackman & Vigna). */
#include "mimod/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t mix(uint64_t a, uint64_t b) {
    uint64_t x = a ^ (b * 0xD6E8FEB86659FD93ull);
    return splitmix64(&x);
}

void rng_init(mimod_rng *r, uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t x = mix(mix(mix(0x6D696D6F64ull, seed), stream), index);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1;
    r->has_spare = 0;
    r->spare_normal = 0.0;
}

void rng_split(mimod_rng *child, const mimod_rng *parent, uint64_t sub) {
    uint64_t x = mix(mix(parent->s[0] ^ parent->s[2], parent->s[1] ^ parent->s[3]), sub);
    for (int i = 0; i < 4; i++) child->s[i] = splitmix64(&x);
    child->has_spare = 0;
    child->spare_normal = 0.0;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_u64(mimod_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_uniform(mimod_rng *r) { return (double)(rng_u64(r) >> 11) * 0x1.0p-53; }

double rng_normal(mimod_rng *r) {
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare_normal;
    }
    double u1, u2;
    do u1 = rng_uniform(r); while (u1 <= 0.0);
    u2 = rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    double th = 6.283185307179586476925 * u2;
    r->spare_normal = rad * sin(th);
    r->has_spare = 1;
    return rad * cos(th);
}

uint64_t rng_below(mimod_rng *r, uint64_t n) {
    if (n <= 1) return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do v = rng_u64(r); while (v >= limit);
    return v % n;
}

void rng_permutation(mimod_rng *r, uint32_t *perm, size_t n) {
    for (size_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i);
        uint32_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
}

void rng_fill_normal(mimod_rng *r, real *x, size_t n, double mean, double sd) {
    for (size_t i = 0; i < n; i++) x[i] = (real)(mean + sd * rng_normal(r));
}
