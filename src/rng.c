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

/* A normal beyond tail_start (negated when negative), by Marsaglia's method
 * on numbers from r: the tail of both ziggurats (128 and 256 layers). */
static double normal_tail(mimod_rng *r, double tail_start, int negative) {
    double x, y;
    do {
        double u1, u2;
        do u1 = rng_uniform(r); while (u1 <= 0.0);
        do u2 = rng_uniform(r); while (u2 <= 0.0);
        x = -log(u1) / tail_start;
        y = -log(u2);
    } while (y + y < x * x);
    return negative ? -(tail_start + x) : tail_start + x;
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
        if (i == 0) return normal_tail(r, ZIG_R, u < 0.0);
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

/* ---- rng_add_normal (issue 28): the rule of rng.h ----
 * 8 interleaved xoshiro streams whose steps run side by side in vector
 * registers, each 64-bit number split into two 32-bit draws of a 256-layer
 * float ziggurat (Marsaglia & Tsang 2000): ~98.5 % of the draws are one
 * lookup of {sd·X, ρ} (an 8-byte gather), a compare, a float multiply and the
 * add of src, 16 at a time; the indices of the rest are packed into a list
 * and finished afterwards in element order, in double, on one more stream
 * (the wedge test with one exp, the tail by Marsaglia's method). The numbers
 * are defined by the rule in rng.h, not by the vector width: the AVX-512,
 * AVX2 and scalar paths compute them with the same integer and IEEE
 * operations. It replaced (e59d404) a 128-layer double ziggurat on 64-bit
 * draws, 8 at a time, whose misses (~2.8 %) each cost two exp calls:
 * 0.11 s → 0.045 s for an SEP step's 5e7 numbers (docs/performance.md). */
enum { NZ_LANES = 8, NZ_ROUND = 2 * NZ_LANES, NZ_BLOCK = 1024 };
#define NZ_LAYERS 256
#define NZ_R 3.6541528853610088 /* Marsaglia & Tsang's tail start and layer area for 256 layers */
#define NZ_V 0.00492867323399

/* X_i (float) and X_i, f_i = exp(−X_i²/2) in double for the slow path; ρ_i
 * the largest float with ρ_i·X_i ≤ X_{i+1}, so the fast path accepts only
 * points inside the layer's rectangle (those it leaves at the edge pass the
 * wedge test). */
static float nz_xf[NZ_LAYERS + 1], nz_ratio_f[NZ_LAYERS];
static double nz_x[NZ_LAYERS + 1], nz_f[NZ_LAYERS + 1];
static pthread_once_t nz_once = PTHREAD_ONCE_INIT;

static void nz_build(void) {
    double x[NZ_LAYERS + 1], f = exp(-0.5 * NZ_R * NZ_R);
    x[0] = NZ_V / f; /* the base strip's width: rectangle plus tail, area V */
    x[1] = NZ_R;
    for (int i = 2; i < NZ_LAYERS; i++) {
        x[i] = sqrt(-2.0 * log(NZ_V / x[i - 1] + f));
        f = exp(-0.5 * x[i] * x[i]);
    }
    /* the next layer would end at x = sqrt(−2 log(V/x_255 + f_255)) = 0: the
     * constants close the ziggurat (the argument is 1 + 2.3e-11, test_rng) */
    x[NZ_LAYERS] = 0.0;
    for (int i = 0; i <= NZ_LAYERS; i++) {
        nz_xf[i] = (float)x[i];
        nz_x[i] = (double)nz_xf[i];
        nz_f[i] = exp(-0.5 * nz_x[i] * nz_x[i]);
    }
    for (int i = 0; i < NZ_LAYERS; i++) {
        float r = (float)(nz_x[i + 1] / nz_x[i]);
        while ((double)r * nz_x[i] > nz_x[i + 1]) r = nextafterf(r, 0.0f); /* products exact */
        while ((double)nextafterf(r, 2.0f) * nz_x[i] <= nz_x[i + 1]) r = nextafterf(r, 2.0f);
        nz_ratio_f[i] = r;
    }
}

/* A draw the fast path left: layer i, u; its point x = u·X_i is inside the
 * rectangle, in the base strip's tail (i = 0) or in the wedge (one exp).
 * A rejected draw is replaced by a fresh one, layer and u from one 64-bit
 * number of the slow stream. */
static __attribute__((noinline)) double nz_slow(mimod_rng *slow, int i, double u) {
    for (;;) {
        double x = u * nz_x[i];
        if (fabs(x) < nz_x[i + 1]) return x;
        if (i == 0) return normal_tail(slow, NZ_R, u < 0.0);
        if (nz_f[i] + rng_uniform(slow) * (nz_f[i + 1] - nz_f[i]) < exp(-0.5 * x * x)) return x;
        uint64_t b = rng_u64(slow);
        i = (int)(b & (NZ_LAYERS - 1));
        u = 2.0 * (double)(b >> 11) * 0x1.0p-53 - 1.0;
    }
}

/* u of a 32-bit draw: (2s + 1)·2⁻²⁴, s its top 24 bits as a signed number:
 * symmetric about 0, never 0, exact in float. */
static MIMOD_ALWAYS_INLINE float nz_u(uint32_t w) {
    return (float)(((int32_t)w >> 7) | 1) * 0x1.0p-24f;
}

/* The lanes' states as GCC vector types: the operations below (shift, or,
 * add, xor on 64-bit integers) are exact on every target, and GCC lowers them
 * to one AVX-512 instruction, two AVX2 or four SSE2 ones. */
typedef uint64_t nz_u64 __attribute__((vector_size(NZ_LANES * sizeof(uint64_t))));
typedef uint32_t nz_u32 __attribute__((vector_size(NZ_LANES * sizeof(uint32_t))));
typedef struct {
    nz_u64 s0, s1, s2, s3;
} nz_lanes;

/* One xoshiro256** step of the 8 lanes, their numbers into *out. x·5 and x·9
 * as shifts and adds (the same mod 2^64): AVX2 and SSE2 have no 64-bit
 * multiply. */
static MIMOD_ALWAYS_INLINE void nz_step(nz_u64 *s0, nz_u64 *s1, nz_u64 *s2, nz_u64 *s3, nz_u64 *out) {
    nz_u64 x5 = (*s1 << 2) + *s1;
    nz_u64 rot = (x5 << 7) | (x5 >> 57);
    *out = (rot << 3) + rot;
    nz_u64 t = *s1 << 17;
    *s2 ^= *s0;
    *s3 ^= *s1;
    *s1 ^= *s2;
    *s0 ^= *s3;
    *s2 ^= t;
    *s3 = (*s3 << 45) | (*s3 >> 19);
}

/* w[16k + 2l + h] = bits 32h..32h+31 of lane l's next number, k < n / 16
 * (n a multiple of 16). */
static void nz_words(nz_lanes *st, uint32_t *w, int n) {
    nz_u64 s0 = st->s0, s1 = st->s1, s2 = st->s2, s3 = st->s3;
    for (int k = 0; k < n; k += NZ_ROUND) {
        nz_u64 out;
        nz_step(&s0, &s1, &s2, &s3, &out);
        for (int l = 0; l < NZ_LANES; l++) {
            w[k + 2 * l] = (uint32_t)out[l];
            w[k + 2 * l + 1] = (uint32_t)(out[l] >> 32);
        }
    }
    st->s0 = s0;
    st->s1 = s1;
    st->s2 = s2;
    st->s3 = s3;
}

/* One call's tables: S_i = (real)(sd·X_i), the fast path's noise per unit of
 * u, and ρ_i; for the vector paths also {S_i, ρ_i} as one 64-bit entry (S in
 * the low half) for one 8-byte gather. */
typedef struct {
    real s[NZ_LAYERS];
    float ratio[NZ_LAYERS];
    uint64_t pair[NZ_LAYERS];
} nz_tables;

static void nz_tables_for(nz_tables *t, double sd) {
    for (int i = 0; i < NZ_LAYERS; i++) {
        t->s[i] = (real)(sd * nz_x[i]);
        t->ratio[i] = nz_ratio_f[i];
#ifndef MIMOD_DOUBLE
        uint32_t sb, rb;
        memcpy(&sb, &t->s[i], sizeof sb);
        memcpy(&rb, &t->ratio[i], sizeof rb);
        t->pair[i] = (uint64_t)sb | (uint64_t)rb << 32;
#endif
    }
}

/* The fast path of draws i0 ≤ i < i1, one at a time (the baseline code path,
 * and the last partial round of the vector ones): dst[i] = src[i] + u·S_layer
 * (in real) where |u| < ρ_layer; else dst[i] = src[i] and i appended to
 * miss[] (*n_miss of them). */
static void nz_fast_scalar(const nz_tables *t, const uint32_t *w, const real *src, real *dst, int32_t *miss,
                           int *n_miss, int i0, int i1) {
    for (int i = i0; i < i1; i++) {
        uint32_t layer = w[i] & (NZ_LAYERS - 1);
        float u = nz_u(w[i]);
        real s = src[i];
        if (fabsf(u) < t->ratio[layer]) {
            dst[i] = s + (real)u * t->s[layer];
        } else {
            dst[i] = s;
            miss[(*n_miss)++] = i;
        }
    }
}

/* The code paths: 0 the scalar loop above (any CPU, either scalar type);
 * float builds also 1 AVX2 and 2 AVX-512. The vector ones run whole rounds,
 * 16 draws, in registers with the lanes' step, and compute every draw with
 * the same operations as the scalar loop (int→float of a 25-bit integer and
 * the scaling by 2⁻²⁴ are exact; then one float multiply and one float add):
 * the bytes do not depend on the path. Under x86-64 little-endian order the
 * 32-bit halves of the lanes' numbers, taken as they lie in the register,
 * are the draws in element order. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && __GNUC__ >= 11 && \
    !defined(MIMOD_DOUBLE)
#define NZ_X86 1
#include <immintrin.h>

/* For a mask of 8 bits, the positions of its set bits in increasing order. */
static uint8_t nz_compress8[256][8];

__attribute__((target("arch=x86-64-v4")))
static int nz_rounds_avx512(const nz_tables *t, nz_lanes *st, uint32_t *w, const float *src, float *dst,
                            int32_t *miss, int rounds) {
    int n_miss = 0;
    nz_u64 s0 = st->s0, s1 = st->s1, s2 = st->s2, s3 = st->s3;
    const __m512i low8 = _mm512_set1_epi32(NZ_LAYERS - 1), one = _mm512_set1_epi32(1);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, one);
    const __m512 scale = _mm512_set1_ps(0x1.0p-24f);
    for (int k = 0; k < rounds; k++) {
        int i = NZ_ROUND * k;
        nz_u64 out_u;
        nz_step(&s0, &s1, &s2, &s3, &out_u);
        __m512i wv = (__m512i)out_u;
        _mm512_storeu_si512(w + i, wv);
        __m512i idx = _mm512_and_si512(wv, low8);
        __m512i e0 = _mm512_i32gather_epi64(_mm512_castsi512_si256(idx), (const void *)t->pair, 8);
        __m512i e1 = _mm512_i32gather_epi64(_mm512_extracti64x4_epi64(idx, 1), (const void *)t->pair, 8);
        __m512 sx = _mm512_castsi512_ps(_mm512_permutex2var_epi32(e0, even, e1));
        __m512 rho = _mm512_castsi512_ps(_mm512_permutex2var_epi32(e0, odd, e1));
        __m512 u = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_or_si512(_mm512_srai_epi32(wv, 7), one)), scale);
        __mmask16 fast = _mm512_cmp_ps_mask(_mm512_abs_ps(u), rho, _CMP_LT_OQ);
        __m512 sv = _mm512_loadu_ps(src + i);
        _mm512_storeu_ps(dst + i, _mm512_mask_add_ps(sv, fast, sv, _mm512_mul_ps(u, sx)));
        __mmask16 slow = (__mmask16)~fast; /* their indices, packed, in order */
        _mm512_storeu_si512(miss + n_miss, _mm512_maskz_compress_epi32(slow, _mm512_add_epi32(_mm512_set1_epi32(i), iota)));
        n_miss += __builtin_popcount(slow);
    }
    st->s0 = s0;
    st->s1 = s1;
    st->s2 = s2;
    st->s3 = s3;
    return n_miss;
}

__attribute__((target("arch=x86-64-v3")))
static int nz_rounds_avx2(const nz_tables *t, nz_lanes *st, uint32_t *w, const float *src, float *dst,
                          int32_t *miss, int rounds) {
    int n_miss = 0;
    nz_u64 s0 = st->s0, s1 = st->s1, s2 = st->s2, s3 = st->s3;
    const __m256i low8 = _mm256_set1_epi32(NZ_LAYERS - 1), one = _mm256_set1_epi32(1);
    const __m256 scale = _mm256_set1_ps(0x1.0p-24f), absmask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    for (int k = 0; k < rounds; k++) {
        nz_u64 out;
        nz_step(&s0, &s1, &s2, &s3, &out);
        __m256i half[2]; /* lanes 0-3: draws 16k..16k+7; lanes 4-7: the next 8 */
        memcpy(half, &out, sizeof half);
        for (int h = 0; h < 2; h++) {
            int i = NZ_ROUND * k + NZ_LANES * h;
            __m256i wv = half[h];
            _mm256_storeu_si256((__m256i *)(w + i), wv);
            __m256i idx = _mm256_and_si256(wv, low8);
            __m256 sx = _mm256_i32gather_ps(t->s, idx, 4);
            __m256 rho = _mm256_i32gather_ps(t->ratio, idx, 4);
            __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_or_si256(_mm256_srai_epi32(wv, 7), one)), scale);
            __m256 fast = _mm256_cmp_ps(_mm256_and_ps(u, absmask), rho, _CMP_LT_OQ);
            __m256 sv = _mm256_loadu_ps(src + i);
            _mm256_storeu_ps(dst + i, _mm256_blendv_ps(sv, _mm256_add_ps(sv, _mm256_mul_ps(u, sx)), fast));
            unsigned slow = ~(unsigned)_mm256_movemask_ps(fast) & 0xFF; /* their indices, packed, in order */
            __m256i pick = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)nz_compress8[slow]));
            _mm256_storeu_si256((__m256i *)(miss + n_miss), _mm256_add_epi32(_mm256_set1_epi32(i), pick));
            n_miss += __builtin_popcount(slow);
        }
    }
    st->s0 = s0;
    st->s1 = s1;
    st->s2 = s2;
    st->s3 = s3;
    return n_miss;
}

static int nz_path_supported(int path) {
    __builtin_cpu_init();
    if (path == 2) return __builtin_cpu_supports("x86-64-v4");
    if (path == 1) return __builtin_cpu_supports("x86-64-v3");
    return path == 0;
}
#else
#define NZ_X86 0
static int nz_path_supported(int path) { return path == 0; }
#endif

/* The path rng_add_normal takes: the widest this CPU runs (as the
 * MIMOD_SIMD_CLONES loops do), or with -DMIMOD_NO_SIMD_CLONES the widest the
 * compiler targets (-march), so that the SSE2-baseline build of
 * test_simd_clones runs the scalar loop. */
static int nz_default_path;

static void nz_init(void) {
    nz_build();
#if NZ_X86
    for (int mask = 0; mask < 256; mask++)
        for (int j = 0, k = 0; j < 8; j++)
            if (mask >> j & 1) nz_compress8[mask][k++] = (uint8_t)j;
#if !defined(MIMOD_NO_SIMD_CLONES)
    nz_default_path = nz_path_supported(2) ? 2 : nz_path_supported(1) ? 1 : 0;
#elif defined(__AVX512F__) && defined(__AVX512VL__) && defined(__AVX512DQ__) && defined(__AVX512BW__)
    nz_default_path = 2;
#elif defined(__AVX2__) && defined(__FMA__)
    nz_default_path = 1;
#endif
#endif
}

static void nz_add(int path, mimod_rng *r, real *dst, const real *src, size_t n, double sd) {
    nz_lanes st;
    for (int l = 0; l < NZ_LANES; l++) {
        mimod_rng lane;
        rng_split(&lane, r, RNG_ADD_NORMAL_SUB + (uint64_t)l);
        st.s0[l] = lane.s[0];
        st.s1[l] = lane.s[1];
        st.s2[l] = lane.s[2];
        st.s3[l] = lane.s[3];
    }
    mimod_rng slow;
    rng_split(&slow, r, RNG_ADD_NORMAL_SUB + NZ_LANES);
    (void)rng_u64(r); /* a second call on r gets other numbers */
    nz_tables t __attribute__((aligned(64)));
    nz_tables_for(&t, sd);

    uint32_t w[NZ_BLOCK];
    int32_t miss[NZ_BLOCK + 16]; /* a vector store of indices may pass the count */
    for (size_t i0 = 0; i0 < n; i0 += NZ_BLOCK) {
        int m = n - i0 < NZ_BLOCK ? (int)(n - i0) : NZ_BLOCK;
        int done = 0, n_miss = 0; /* done: draws the vector path computed, whole rounds */
#if NZ_X86
        if (path == 2) n_miss = nz_rounds_avx512(&t, &st, w, src + i0, dst + i0, miss, m / NZ_ROUND);
        if (path == 1) n_miss = nz_rounds_avx2(&t, &st, w, src + i0, dst + i0, miss, m / NZ_ROUND);
        if (path) done = m / NZ_ROUND * NZ_ROUND;
#else
        (void)path;
#endif
        if (done < m) {
            /* a whole number of rounds; the unused tail of the last is dropped */
            nz_words(&st, w + done, (m - done + NZ_ROUND - 1) / NZ_ROUND * NZ_ROUND);
            nz_fast_scalar(&t, w, src + i0, dst + i0, miss, &n_miss, done, m);
        }
        /* the misses, in element order; dst[i] holds src[i] there */
        for (int k = 0; k < n_miss; k++) {
            int i = miss[k];
            double z = nz_slow(&slow, (int)(w[i] & (NZ_LAYERS - 1)), (double)nz_u(w[i]));
            dst[i0 + i] += (real)(sd * z);
        }
    }
}

void rng_add_normal(mimod_rng *r, real *dst, const real *src, size_t n, double sd) {
    pthread_once(&nz_once, nz_init);
    nz_add(nz_default_path, r, dst, src, n, sd);
}

int rng_add_normal_path(int path, mimod_rng *r, real *dst, const real *src, size_t n, double sd) {
    pthread_once(&nz_once, nz_init);
    if (path < 0) return nz_default_path;
    if (!nz_path_supported(path)) return -1;
    nz_add(path, r, dst, src, n, sd);
    return path;
}
