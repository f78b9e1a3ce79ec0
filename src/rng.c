/* rng.c — SplitMix64-seeded xoshiro256** (Blackman & Vigna). */
#include "mimod/rng.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

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

/* The layer (low 7 bits) and u, uniform in [−1, 1) (top 53 bits), of one
 * ziggurat draw. zig_fast_block computes the same, 8 at a time. */
static inline int zig_layer_u(uint64_t bits, double *u) {
    *u = 2.0 * (double)(bits >> 11) * 0x1.0p-53 - 1.0;
    return (int)(bits & (ZIG_LAYERS - 1));
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
        i = zig_layer_u(rng_u64(r), &u);
        if (fabs(u) < zig_ratio[i]) return u * zig_x[i];
    }
}

/* One normal from 64 random bits: the common case inline, the rest in
 * zig_slow (which reads further numbers from *r). The tables must be built. */
static inline double zig_from_bits(mimod_rng *r, uint64_t bits) {
    double u;
    int i = zig_layer_u(bits, &u);
    return fabs(u) < zig_ratio[i] ? u * zig_x[i] : zig_slow(r, i, u);
}

double rng_normal(mimod_rng *r) {
    pthread_once(&zig_once, zig_build);
    return zig_from_bits(r, rng_u64(r));
}

double rng_normal_from_bits(mimod_rng *slow, uint64_t bits) {
    pthread_once(&zig_once, zig_build);
    return zig_from_bits(slow, bits);
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
    for (size_t i = 0; i < n; i++) x[i] = (real)(mean + sd * zig_from_bits(&local, rng_u64(&local)));
    *r = local;
}

/* ---- rng_add_normal: NORMAL_LANES interleaved streams ----
 * One xoshiro stream is a serial chain and the ziggurat's table lookups and
 * branch do not vectorise, so a single-stream fill costs ~2.6 ns per number:
 * 0.13 s for the 5e7 MINE-noise numbers of an SEP step. Here element i takes
 * the (i / 8)-th number of lane stream i mod 8 (lanes split off r), so the
 * streams advance side by side in vector registers and the ziggurat's fast
 * path is evaluated 8 at a time; the ~2 % of draws that miss it are finished
 * in element order by zig_slow on one more stream split off r. The numbers
 * are defined by that rule (rng.h), not by the vector width, and every clone
 * computes them with the same integer and IEEE operations (~0.095 s per SEP
 * step, a third of it the slow path's exp calls). */
enum { NORMAL_LANES = 8, NORMAL_BLOCK = 512 };

/* The lanes' states as GCC vector types: the operations below (shift, or,
 * add, xor on 64-bit integers) are exact on every target, and GCC lowers them
 * to one AVX-512 instruction, two AVX2 or four SSE2 ones (target_clones). */
typedef uint64_t lanes_u64 __attribute__((vector_size(NORMAL_LANES * sizeof(uint64_t))));
typedef struct {
    lanes_u64 s0, s1, s2, s3;
} normal_lanes;

/* bits[k·L + l] = next number of lane l, for k < n / L (n a multiple of L).
 * x·5 and x·9 as shifts and adds (the same mod 2^64): AVX2 and SSE2 have no
 * 64-bit multiply. */
MIMOD_SIMD_CLONES
static void lanes_next(normal_lanes *st, uint64_t *bits, int n) {
    lanes_u64 s0 = st->s0, s1 = st->s1, s2 = st->s2, s3 = st->s3;
    for (int k = 0; k < n; k += NORMAL_LANES) {
        lanes_u64 x5 = (s1 << 2) + s1;
        lanes_u64 rot = (x5 << 7) | (x5 >> 57);
        lanes_u64 out = (rot << 3) + rot;
        memcpy(bits + k, &out, sizeof out);
        lanes_u64 t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >> 19);
    }
    st->s0 = s0;
    st->s1 = s1;
    st->s2 = s2;
    st->s3 = s3;
}

typedef int64_t lanes_i64 __attribute__((vector_size(NORMAL_LANES * sizeof(int64_t))));
typedef double lanes_f64 __attribute__((vector_size(NORMAL_LANES * sizeof(double))));

/* z[i] = the ziggurat's fast-path value of bits[i] — the same operations, in
 * the same order, as rng_normal_from_bits — or NaN where it misses (a fast-path
 * value is |u|·x_layer < 3.8, never NaN). NORMAL_LANES at a time in GCC vector
 * types; n a multiple of NORMAL_LANES. */
MIMOD_SIMD_CLONES
static void zig_fast_block(const uint64_t *bits, double *z, int n) {
    const lanes_u64 abs_mask = (lanes_u64){0} + 0x7FFFFFFFFFFFFFFFull;
    const lanes_u64 nan_bits = (lanes_u64){0} + 0x7FF8000000000000ull;
    for (int k = 0; k < n; k += NORMAL_LANES) {
        lanes_u64 b;
        memcpy(&b, bits + k, sizeof b);
        lanes_u64 layer = b & (ZIG_LAYERS - 1);
        lanes_f64 d = __builtin_convertvector((lanes_i64)(b >> 11), lanes_f64);
        lanes_f64 u = 2.0 * d * 0x1.0p-53 - 1.0;
        lanes_f64 ratio, xl;
        for (int l = 0; l < NORMAL_LANES; l++) {
            ratio[l] = zig_ratio[layer[l]];
            xl[l] = zig_x[layer[l]];
        }
        lanes_f64 abs_u = (lanes_f64)((lanes_u64)u & abs_mask);
        lanes_u64 fast = (lanes_u64)(abs_u < ratio); /* all ones where |u| < ratio */
        lanes_u64 v = (lanes_u64)(u * xl);
        lanes_u64 out = (v & fast) | (nan_bits & ~fast);
        memcpy(z + k, &out, sizeof out);
    }
}

MIMOD_SIMD_CLONES
static void add_scaled(real *dst, const real *src, const double *z, int n, double sd) {
    for (int i = 0; i < n; i++) dst[i] = src[i] + (real)(sd * z[i]);
}

void rng_add_normal(mimod_rng *r, real *dst, const real *src, size_t n, double sd) {
    pthread_once(&zig_once, zig_build);
    normal_lanes st;
    for (int l = 0; l < NORMAL_LANES; l++) {
        mimod_rng lane;
        rng_split(&lane, r, RNG_ADD_NORMAL_SUB + (uint64_t)l);
        st.s0[l] = lane.s[0];
        st.s1[l] = lane.s[1];
        st.s2[l] = lane.s[2];
        st.s3[l] = lane.s[3];
    }
    mimod_rng slow;
    rng_split(&slow, r, RNG_ADD_NORMAL_SUB + NORMAL_LANES);
    (void)rng_u64(r); /* a second call on r gets other numbers */

    uint64_t bits[NORMAL_BLOCK];
    double z[NORMAL_BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += NORMAL_BLOCK) {
        int m = n - i0 < NORMAL_BLOCK ? (int)(n - i0) : NORMAL_BLOCK;
        /* a whole number of lane rounds; the unused tail of the last is dropped */
        int m_lanes = (m + NORMAL_LANES - 1) / NORMAL_LANES * NORMAL_LANES;
        lanes_next(&st, bits, m_lanes);
        zig_fast_block(bits, z, m_lanes);
        for (int i = 0; i < m; i++)
            if (z[i] != z[i]) z[i] = zig_from_bits(&slow, bits[i]); /* NaN: a miss */
        add_scaled(dst + i0, src + i0, z, m, sd);
    }
}
