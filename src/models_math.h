/* models_math.h — element-wise exp, sigmoid and tanh for the main models
 * (private to src/leaky_rnn.c and src/gru.c).
 *
 * Double builds (gradient checks) use libm. Float builds use branch-free
 * versions that GCC vectorises: the per-step gate non-linearities were ~45% of
 * a paper-size GRU forward pass with glibc's scalar expf/tanhf. Accuracy
 * (tested in test_models): exp ≤ 2 ulp on [−87, 88], sigmoid and tanh within
 * 3e-7 relative everywhere they are not clamped; NaN propagates.
 *
 * Including this header switches GCC to -fno-trapping-math for the rest of
 * the including file (it must come before the helpers so they inline into
 * the callers): without it GCC keeps the selects below as branches and does
 * not vectorise the loops. mimod never enables FP traps, so assuming none
 * changes no result. */
#ifndef MIMOD_MODELS_MATH_H
#define MIMOD_MODELS_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "mimod/common.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

#ifdef MIMOD_DOUBLE

static inline double mm_sigmoid(double v) { return 1 / (1 + exp(-v)); }
static inline double mm_tanh(double v) { return tanh(v); }

#else

/* e^x in float (Cephes expf): x = n·ln2 + r with |r| ≤ ln2/2, e^r by a
 * degree-7 polynomial, 2^n put into the exponent bits. Arguments are clamped
 * to [−87, 88] so that 2^n stays a normal float (results then saturate at
 * e^−87 ≈ 1.6e-38 and e^88 ≈ 1.7e38, harmless for sigmoid and tanh). */
static inline float mm_expf(float x) {
    x = x > 88.0f ? 88.0f : x; /* comparisons with NaN are false: NaN passes */
    x = x < -87.0f ? -87.0f : x;
    /* adding 1.5·2^23 rounds x·log2(e) to the nearest integer n, which then
     * sits in the low mantissa bits of t: no float→int conversion needed */
    const float shifter = 12582912.0f; /* bit pattern 0x4B400000 */
    float t = x * 1.44269504088896341f + shifter;
    float n = t - shifter;
    /* r = x − n·ln2 with ln2 split in two (Cody–Waite) so n·C1 is exact */
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r +
                 4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * (r * r) +
              r + 1.0f;
    uint32_t t_bits;
    memcpy(&t_bits, &t, sizeof t_bits);
    uint32_t scale_bits = (t_bits - 0x4B400000u + 127u) << 23; /* 2^n */
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    return p * scale;
}

static inline float mm_sigmoid(float v) { return 1.0f / (1.0f + mm_expf(-v)); }

/* tanh: odd polynomial below 0.625 (Cephes tanhf), where 1 − 2/(e^{2|x|}+1)
 * would lose relative accuracy by cancellation; that form above. */
static inline float mm_tanh(float x) {
    float ax = fabsf(x), z = x * x;
    float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                    1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
    float large = 1.0f - 2.0f / (mm_expf(2.0f * ax) + 1.0f);
    large = x < 0 ? -large : large;
    return ax < 0.625f ? small : large;
}

#endif
#endif
