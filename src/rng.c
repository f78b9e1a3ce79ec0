/* rng.c — SplitMix64-seeded xoshiro256** (Blackman & Vigna). */
#include "mimod/rng.h"

#include <math.h>
#include <pthread.h>

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

static inline uint64_t xoshiro_next(mimod_rng *r) {
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

uint64_t rng_u64(mimod_rng *r) { return xoshiro_next(r); }

double rng_uniform(mimod_rng *r) { return (double)(rng_u64(r) >> 11) * 0x1.0p-53; }

/* Standard normals by the ziggurat method (Marsaglia & Tsang 2000, in the
 * 128-layer form of Doornik 2005): ~98 % of draws cost one 64-bit number and
 * a compare, against a log and a sincos for Box-Muller. The tables depend only
 * on constants, so they are built once per process. */
#define ZIG_LAYERS 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

static double zig_x[ZIG_LAYERS + 1], zig_ratio[ZIG_LAYERS];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_build(void) {
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    zig_x[0] = ZIG_V / f;
    zig_x[1] = ZIG_R;
    zig_x[ZIG_LAYERS] = 0.0;
    for (int i = 2; i < ZIG_LAYERS; i++) {
        zig_x[i] = sqrt(-2.0 * log(ZIG_V / zig_x[i - 1] + f));
        f = exp(-0.5 * zig_x[i] * zig_x[i]);
    }
    for (int i = 0; i < ZIG_LAYERS; i++) zig_ratio[i] = zig_x[i + 1] / zig_x[i];
}

static double zig_tail(mimod_rng *r, int negative) {
    double x, y;
    do {
        double u1, u2;
        do u1 = rng_uniform(r); while (u1 <= 0.0);
        do u2 = rng_uniform(r); while (u2 <= 0.0);
        x = -log(u1) / ZIG_R;
        y = -log(u2);
    } while (y + y < x * x);
    return negative ? -(ZIG_R + x) : ZIG_R + x;
}

/* The ziggurat's rare branch (~2 % of draws): the base strip's tail, or the
 * wedge between two layers, taking more numbers from r as needed. Kept out of
 * line so the fill loops below hold the generator state in registers. */
static __attribute__((noinline)) double zig_slow(mimod_rng *r, int i, double u) {
    for (;;) {
        if (i == 0) return zig_tail(r, u < 0.0);
        double x = u * zig_x[i];
        double f0 = exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
        double f1 = exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
        if (f1 + rng_uniform(r) * (f0 - f1) < 1.0) return x;
        uint64_t bits = rng_u64(r);
        i = (int)(bits & (ZIG_LAYERS - 1));
        u = 2.0 * (double)(bits >> 11) * 0x1.0p-53 - 1.0;
        if (fabs(u) < zig_ratio[i]) return u * zig_x[i];
    }
}

/* One normal from 64 random bits: the common case inline, the rest in
 * zig_slow (which reads further numbers from the state in *r). */
#define ZIG_DRAW(out, r)                                                     \
    do {                                                                     \
        uint64_t bits_ = rng_u64(r);                                         \
        int i_ = (int)(bits_ & (ZIG_LAYERS - 1));                            \
        double u_ = 2.0 * (double)(bits_ >> 11) * 0x1.0p-53 - 1.0;          \
        (out) = fabs(u_) < zig_ratio[i_] ? u_ * zig_x[i_] : zig_slow(r, i_, u_); \
    } while (0)

double rng_normal(mimod_rng *r) {
    pthread_once(&zig_once, zig_build);
    double z;
    ZIG_DRAW(z, r);
    return z;
}

uint64_t rng_below(mimod_rng *r, uint64_t n) {
    if (n <= 1) return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do v = rng_u64(r); while (v >= limit);
    return v % n;
}

void rng_permutation(mimod_rng *r, uint32_t *perm, size_t n) {
    mimod_rng local = *r; /* state in registers, as in rng_fill_normal */
    for (size_t i = 0; i < n; i++) perm[i] = (uint32_t)i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(&local, i);
        uint32_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    *r = local;
}

/* The fill loops work on a local copy of the generator, so that the compiler
 * keeps its state in registers (through r it would reload and store it on
 * every draw), and build the tables once per call, not once per draw. They
 * draw exactly the numbers rng_normal would. */
void rng_fill_normal(mimod_rng *r, real *x, size_t n, double mean, double sd) {
    pthread_once(&zig_once, zig_build);
    mimod_rng local = *r;
    for (size_t i = 0; i < n; i++) {
        double z;
        ZIG_DRAW(z, &local);
        x[i] = (real)(mean + sd * z);
    }
    *r = local;
}

void rng_add_normal(mimod_rng *r, real *dst, const real *src, size_t n, double sd) {
    pthread_once(&zig_once, zig_build);
    mimod_rng local = *r;
    for (size_t i = 0; i < n; i++) {
        double z;
        ZIG_DRAW(z, &local);
        dst[i] = src[i] + (real)(sd * z);
    }
    *r = local;
}
