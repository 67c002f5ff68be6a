// Element-wise kernels (softmax, GELU, SiLU, layer norm) for AVX-512 and AVX2+FMA; see
// include/ck_vecmath.h for the contract. The portable path stays in Swift (level 0 = not run).
#include "ck_vecmath.h"
#include "ck_cpu.h"
#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define T512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
#define T256 __attribute__((target("avx2,fma")))

// FastMath.exp / FastMath.erf constants (Sources/Model/Kernels/FastMath.swift).
#define EXP_LO (-87.3f)
#define EXP_HI 88.3f
#define EXP_MAGIC 12582912.0f /* 1.5·2²³: adding it rounds to an integer in the low mantissa bits */
#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO (-2.12194440e-4f)
#define EP0 1.9875691500e-4f
#define EP1 1.3981999507e-3f
#define EP2 8.3334519073e-3f
#define EP3 4.1665795894e-2f
#define EP4 1.6666665459e-1f
#define EP5 5.0000001201e-1f

#define ERF_A0 (-2.72614225801306e-10f)
#define ERF_A1 2.77068142495902e-08f
#define ERF_A2 (-2.10102402082508e-06f)
#define ERF_A3 (-5.69250639462346e-05f)
#define ERF_A4 (-7.34990630326855e-04f)
#define ERF_A5 (-2.95459980854025e-03f)
#define ERF_A6 (-1.60960333262415e-02f)
#define ERF_B0 (-1.45660718464996e-05f)
#define ERF_B1 (-2.13374055278905e-04f)
#define ERF_B2 (-1.68282697438203e-03f)
#define ERF_B3 (-7.37332916720468e-03f)
#define ERF_B4 (-1.42647390514189e-02f)

#define SQRT1_2 0.70710678118654752f
#define GELU_TANH_K 0.79788456080286536f
#define GELU_TANH_C 0.044715f

// =============================================================================================
// AVX-512: 16 lanes, tails with mask registers.

T512 static inline __mmask16 tail16(long r) { return r >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << r) - 1); }

/// e^x: clamp to [-87.3, 88.3], n = round(x·log2 e), r = x - n·ln2 (two parts), degree-6
/// polynomial, scale by 2ⁿ built in the exponent bits; 0 where x < -87.3 (so -inf gives 0).
T512 static inline __m512 exp16(__m512 x) {
    const __m512 lo = _mm512_set1_ps(EXP_LO), magic = _mm512_set1_ps(EXP_MAGIC);
    // max(lo, x)/min(hi, ·) keep a NaN x (MAXPS returns the second operand on NaN).
    __m512 c = _mm512_min_ps(_mm512_set1_ps(EXP_HI), _mm512_max_ps(lo, x));
    __m512 shifted = _mm512_fmadd_ps(c, _mm512_set1_ps(LOG2E), magic);
    __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_HI), c);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_LO), r);
    __m512 p = _mm512_set1_ps(EP0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EP5));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r);
    p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
    __m512i bits = _mm512_castps_si512(shifted);
    __m512i scale = _mm512_slli_epi32(_mm512_add_epi32(bits, _mm512_set1_epi32(127 - 0x4B400000)), 23);
    __m512 result = _mm512_mul_ps(p, _mm512_castsi512_ps(scale));
    return _mm512_mask_mov_ps(result, _mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ), _mm512_setzero_ps());
}

T512 static inline __m512 erf16(__m512 x) {
    __m512 c = _mm512_min_ps(_mm512_set1_ps(4.0f), _mm512_max_ps(_mm512_set1_ps(-4.0f), x));
    __m512 x2 = _mm512_mul_ps(c, c);
    __m512 p = _mm512_set1_ps(ERF_A0);
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(ERF_A1));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(ERF_A2));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(ERF_A3));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(ERF_A4));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(ERF_A5));
    p = _mm512_fmadd_ps(p, x2, _mm512_set1_ps(ERF_A6));
    p = _mm512_mul_ps(p, c);
    __m512 q = _mm512_set1_ps(ERF_B0);
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(ERF_B1));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(ERF_B2));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(ERF_B3));
    q = _mm512_fmadd_ps(q, x2, _mm512_set1_ps(ERF_B4));
    return _mm512_div_ps(p, q);
}

T512 static inline __m512 gelu_erf16(__m512 v) {
    __m512 e = erf16(_mm512_mul_ps(v, _mm512_set1_ps(SQRT1_2)));
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), v), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

T512 static inline __m512 gelu_tanh16(__m512 v) {
    __m512 v3 = _mm512_mul_ps(_mm512_mul_ps(v, v), v);
    __m512 u = _mm512_mul_ps(_mm512_set1_ps(GELU_TANH_K), _mm512_fmadd_ps(_mm512_set1_ps(GELU_TANH_C), v3, v));
    __m512 c = _mm512_min_ps(_mm512_set1_ps(9.0f), _mm512_max_ps(_mm512_set1_ps(-9.0f), u));
    __m512 e = exp16(_mm512_add_ps(c, c));
    __m512 one = _mm512_set1_ps(1.0f);
    __m512 t = _mm512_div_ps(_mm512_sub_ps(e, one), _mm512_add_ps(e, one));
    return _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), v), _mm512_add_ps(one, t));
}

T512 static inline __m512 silu16(__m512 v) {
    __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), v));
    return _mm512_div_ps(v, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

/// exp(x - m) in place over the row, then scaled by 1/sum (0 when the sum is not positive).
T512 static void softmax_finish16(float *x, long n, float m) {
    const __m512 mb = _mm512_set1_ps(m);
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 e0 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), mb));
        __m512 e1 = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i + 16), mb));
        _mm512_storeu_ps(x + i, e0);
        _mm512_storeu_ps(x + i + 16, e1);
        s0 = _mm512_add_ps(s0, e0);
        s1 = _mm512_add_ps(s1, e1);
    }
    for (; i < n; i += 16) {
        __mmask16 k = tail16(n - i);
        __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), mb));
        _mm512_mask_storeu_ps(x + i, k, e);
        s0 = _mm512_mask_add_ps(s0, k, s0, e);
    }
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
    const __m512 inv = _mm512_set1_ps(sum > 0 ? 1.0f / sum : 0.0f);
    for (i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), inv));
    if (i < n) {
        __mmask16 k = tail16(n - i);
        _mm512_mask_storeu_ps(x + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), inv));
    }
}

T512 static void softmax_row16(float *x, long n) {
    if (n <= 0) return;
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    __m512 m0 = ninf, m1 = ninf, m2 = ninf, m3 = ninf;
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        m0 = _mm512_max_ps(m0, _mm512_loadu_ps(x + i));
        m1 = _mm512_max_ps(m1, _mm512_loadu_ps(x + i + 16));
        m2 = _mm512_max_ps(m2, _mm512_loadu_ps(x + i + 32));
        m3 = _mm512_max_ps(m3, _mm512_loadu_ps(x + i + 48));
    }
    for (; i < n; i += 16) {
        __mmask16 k = tail16(n - i);
        m0 = _mm512_mask_max_ps(m0, k, m0, _mm512_maskz_loadu_ps(k, x + i));
    }
    float m = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(m0, m1), _mm512_max_ps(m2, m3)));
    if (m == -INFINITY) {  // fully masked row: no key to attend to
        memset(x, 0, (size_t)n * sizeof(float));
        return;
    }
    softmax_finish16(x, n, m);
}

T512 static void softmax_relpos_row16(float *row, const float *rh, const float *rw, long height, long width) {
    const long n = height * width;
    if (n <= 0) return;
    __m512 m0 = _mm512_set1_ps(-INFINITY), m1 = m0;
    for (long kh = 0; kh < height; kh++) {
        const __m512 a = _mm512_set1_ps(rh[kh]);
        float *seg = row + kh * width;
        long kw = 0;
        for (; kw + 32 <= width; kw += 32) {
            __m512 v0 = _mm512_add_ps(_mm512_loadu_ps(seg + kw), _mm512_add_ps(a, _mm512_loadu_ps(rw + kw)));
            __m512 v1 = _mm512_add_ps(_mm512_loadu_ps(seg + kw + 16), _mm512_add_ps(a, _mm512_loadu_ps(rw + kw + 16)));
            _mm512_storeu_ps(seg + kw, v0);
            _mm512_storeu_ps(seg + kw + 16, v1);
            m0 = _mm512_max_ps(m0, v0);
            m1 = _mm512_max_ps(m1, v1);
        }
        for (; kw < width; kw += 16) {
            __mmask16 k = tail16(width - kw);
            __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(k, seg + kw), _mm512_add_ps(a, _mm512_maskz_loadu_ps(k, rw + kw)));
            _mm512_mask_storeu_ps(seg + kw, k, v);
            m0 = _mm512_mask_max_ps(m0, k, m0, v);
        }
    }
    float m = _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
    if (m == -INFINITY) {
        memset(row, 0, (size_t)n * sizeof(float));
        return;
    }
    softmax_finish16(row, n, m);
}

/// The same for grids of at most 16×16 keys (SAM's 14×14 windows), on the flattened row: lane
/// (kh, kw) of each 16-wide vector takes relH[kh] + relW[kw] by permuting the two term vectors
/// with index tables built once per call. Whole-vector stores, so the exp pass that reloads
/// them forwards from the store buffer (the per-kh masked stores of the general path do not).
T512 static void softmax_relpos_small16(float *scores, long rows, const float *rel_h, const float *rel_w, long height,
                                        long width) {
    const long n = height * width, vectors = (n + 15) / 16;
    __m512i ih[16], iw[16];
    for (long v = 0; v < vectors; v++) {
        int hh[16], ww[16];
        for (long l = 0; l < 16; l++) {
            long f = v * 16 + l < n ? v * 16 + l : n - 1;
            hh[l] = (int)(f / width);
            ww[l] = (int)(f % width);
        }
        ih[v] = _mm512_loadu_si512(hh);
        iw[v] = _mm512_loadu_si512(ww);
    }
    for (long r = 0; r < rows; r++) {
        float *x = scores + r * n;
        const __m512 rh = _mm512_maskz_loadu_ps(tail16(height), rel_h + r * height);
        const __m512 rw = _mm512_maskz_loadu_ps(tail16(width), rel_w + r * width);
        __m512 m0 = _mm512_set1_ps(-INFINITY);
        for (long v = 0; v < vectors; v++) {
            __mmask16 k = tail16(n - v * 16);
            __m512 bias = _mm512_add_ps(_mm512_permutexvar_ps(ih[v], rh), _mm512_permutexvar_ps(iw[v], rw));
            __m512 s = _mm512_add_ps(_mm512_maskz_loadu_ps(k, x + v * 16), bias);
            _mm512_mask_storeu_ps(x + v * 16, k, s);
            m0 = _mm512_mask_max_ps(m0, k, m0, s);
        }
        float m = _mm512_reduce_max_ps(m0);
        if (m == -INFINITY) {
            memset(x, 0, (size_t)n * sizeof(float));
            continue;
        }
        softmax_finish16(x, n, m);
    }
}

#define MAP16(name, f)                                                                  \
    T512 static void name(float *x, long n) {                                           \
        long i = 0;                                                                     \
        for (; i + 32 <= n; i += 32) {                                                  \
            __m512 a = f(_mm512_loadu_ps(x + i)), b = f(_mm512_loadu_ps(x + i + 16));   \
            _mm512_storeu_ps(x + i, a);                                                 \
            _mm512_storeu_ps(x + i + 16, b);                                            \
        }                                                                               \
        for (; i < n; i += 16) {                                                        \
            __mmask16 k = tail16(n - i);                                                \
            _mm512_mask_storeu_ps(x + i, k, f(_mm512_maskz_loadu_ps(k, x + i)));        \
        }                                                                               \
    }
MAP16(gelu_erf_map16, gelu_erf16)
MAP16(gelu_tanh_map16, gelu_tanh16)
MAP16(silu_map16, silu16)

T512 static void layernorm_row16(const float *x, long n, const float *g, const float *b, float eps, float *out) {
    if (n <= 0) return;
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm512_add_ps(s0, _mm512_loadu_ps(x + i));
        s1 = _mm512_add_ps(s1, _mm512_loadu_ps(x + i + 16));
    }
    for (; i < n; i += 16) s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(tail16(n - i), x + i));
    const float mean = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1)) / (float)n;
    const __m512 mb = _mm512_set1_ps(mean);
    s0 = s1 = _mm512_setzero_ps();
    for (i = 0; i + 32 <= n; i += 32) {
        __m512 d0 = _mm512_sub_ps(_mm512_loadu_ps(x + i), mb), d1 = _mm512_sub_ps(_mm512_loadu_ps(x + i + 16), mb);
        s0 = _mm512_fmadd_ps(d0, d0, s0);
        s1 = _mm512_fmadd_ps(d1, d1, s1);
    }
    for (; i < n; i += 16) {
        __mmask16 k = tail16(n - i);
        __m512 d = _mm512_maskz_sub_ps(k, _mm512_maskz_loadu_ps(k, x + i), mb);
        s0 = _mm512_fmadd_ps(d, d, s0);
    }
    const float var = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1)) / (float)n;
    const __m512 inv = _mm512_set1_ps(1.0f / sqrtf(var + eps));
    for (i = 0; i < n; i += 16) {
        __mmask16 k = tail16(n - i);
        __m512 y = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), mb), inv);
        y = b ? _mm512_fmadd_ps(y, _mm512_maskz_loadu_ps(k, g + i), _mm512_maskz_loadu_ps(k, b + i))
              : _mm512_mul_ps(y, _mm512_maskz_loadu_ps(k, g + i));
        _mm512_mask_storeu_ps(out + i, k, y);
    }
}

/// Pixels per block of the channel layer norm: each pass streams a contiguous 1 KiB segment of
/// every plane against per-pixel sums held in L1. (Walking one vector of pixels down all planes
/// instead strides by the plane size, often a power of two: every load falls in one cache set.)
#define LN2D_BLOCK 256

/// `n` (≤ LN2D_BLOCK) pixels of a channels-first map: mean and biased variance over the planes.
T512 static void layernorm_channels_block16(float *x, long channels, long stride, long n, const float *g,
                                            const float *b, float eps) {
    float mean[LN2D_BLOCK] __attribute__((aligned(64))), inv[LN2D_BLOCK] __attribute__((aligned(64)));
    const __m512 scale = _mm512_set1_ps(1.0f / (float)channels);
    for (long i = 0; i < n; i += 16) {
        _mm512_store_ps(mean + i, _mm512_setzero_ps());
        _mm512_store_ps(inv + i, _mm512_setzero_ps());
    }
    for (long c = 0; c < channels; c++) {
        const float *p = x + c * stride;
        for (long i = 0; i < n; i += 16)
            _mm512_store_ps(mean + i, _mm512_add_ps(_mm512_load_ps(mean + i), _mm512_maskz_loadu_ps(tail16(n - i), p + i)));
    }
    for (long i = 0; i < n; i += 16) _mm512_store_ps(mean + i, _mm512_mul_ps(_mm512_load_ps(mean + i), scale));
    for (long c = 0; c < channels; c++) {
        const float *p = x + c * stride;
        for (long i = 0; i < n; i += 16) {
            __mmask16 k = tail16(n - i);
            __m512 d = _mm512_maskz_sub_ps(k, _mm512_maskz_loadu_ps(k, p + i), _mm512_load_ps(mean + i));
            _mm512_store_ps(inv + i, _mm512_fmadd_ps(d, d, _mm512_load_ps(inv + i)));
        }
    }
    for (long i = 0; i < n; i += 16) {
        __m512 v = _mm512_fmadd_ps(_mm512_load_ps(inv + i), scale, _mm512_set1_ps(eps));
        _mm512_store_ps(inv + i, _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_sqrt_ps(v)));
    }
    for (long c = 0; c < channels; c++) {
        float *p = x + c * stride;
        const __m512 gc = _mm512_set1_ps(g[c]), bc = _mm512_set1_ps(b[c]);
        for (long i = 0; i < n; i += 16) {
            __mmask16 k = tail16(n - i);
            __m512 y = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, p + i), _mm512_load_ps(mean + i)), _mm512_load_ps(inv + i));
            _mm512_mask_storeu_ps(p + i, k, _mm512_fmadd_ps(y, gc, bc));
        }
    }
}

// =============================================================================================
// AVX2 + FMA: 8 lanes; tails through an 8-float buffer padded with a neutral value.

T256 static inline __m256i tail8(long r) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(r < 8 ? r : 8)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

T256 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

T256 static inline float hmax8(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// Loads the first r (< 8) floats of p, the other lanes `fill`.
T256 static inline __m256 load_tail8(const float *p, long r, float fill) {
    __m256i k = tail8(r);
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, k), _mm256_castsi256_ps(k));
}

T256 static inline __m256 exp8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(EXP_LO), magic = _mm256_set1_ps(EXP_MAGIC);
    __m256 c = _mm256_min_ps(_mm256_set1_ps(EXP_HI), _mm256_max_ps(lo, x));
    __m256 shifted = _mm256_fmadd_ps(c, _mm256_set1_ps(LOG2E), magic);
    __m256 n = _mm256_sub_ps(shifted, magic);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), c);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
    __m256 p = _mm256_set1_ps(EP0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EP5));
    p = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, r);
    p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_castps_si256(shifted);
    __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(127 - 0x4B400000)), 23);
    __m256 result = _mm256_mul_ps(p, _mm256_castsi256_ps(scale));
    return _mm256_andnot_ps(_mm256_cmp_ps(x, lo, _CMP_LT_OQ), result);
}

T256 static inline __m256 erf8(__m256 x) {
    __m256 c = _mm256_min_ps(_mm256_set1_ps(4.0f), _mm256_max_ps(_mm256_set1_ps(-4.0f), x));
    __m256 x2 = _mm256_mul_ps(c, c);
    __m256 p = _mm256_set1_ps(ERF_A0);
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(ERF_A1));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(ERF_A2));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(ERF_A3));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(ERF_A4));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(ERF_A5));
    p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(ERF_A6));
    p = _mm256_mul_ps(p, c);
    __m256 q = _mm256_set1_ps(ERF_B0);
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(ERF_B1));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(ERF_B2));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(ERF_B3));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(ERF_B4));
    return _mm256_div_ps(p, q);
}

T256 static inline __m256 gelu_erf8(__m256 v) {
    __m256 e = erf8(_mm256_mul_ps(v, _mm256_set1_ps(SQRT1_2)));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

T256 static inline __m256 gelu_tanh8(__m256 v) {
    __m256 v3 = _mm256_mul_ps(_mm256_mul_ps(v, v), v);
    __m256 u = _mm256_mul_ps(_mm256_set1_ps(GELU_TANH_K), _mm256_fmadd_ps(_mm256_set1_ps(GELU_TANH_C), v3, v));
    __m256 c = _mm256_min_ps(_mm256_set1_ps(9.0f), _mm256_max_ps(_mm256_set1_ps(-9.0f), u));
    __m256 e = exp8(_mm256_add_ps(c, c));
    __m256 one = _mm256_set1_ps(1.0f);
    __m256 t = _mm256_div_ps(_mm256_sub_ps(e, one), _mm256_add_ps(e, one));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), _mm256_add_ps(one, t));
}

T256 static inline __m256 silu8(__m256 v) {
    __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), v));
    return _mm256_div_ps(v, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

T256 static void softmax_finish8(float *x, long n, float m) {
    const __m256 mb = _mm256_set1_ps(m);
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), mb));
        __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), mb));
        _mm256_storeu_ps(x + i, e0);
        _mm256_storeu_ps(x + i + 8, e1);
        s0 = _mm256_add_ps(s0, e0);
        s1 = _mm256_add_ps(s1, e1);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), mb));
        _mm256_storeu_ps(x + i, e);
        s0 = _mm256_add_ps(s0, e);
    }
    if (i < n) {  // padding lanes hold -inf: e^-inf = 0 adds nothing
        __m256 e = exp8(_mm256_sub_ps(load_tail8(x + i, n - i, -INFINITY), mb));
        _mm256_maskstore_ps(x + i, tail8(n - i), e);
        s1 = _mm256_add_ps(s1, e);
    }
    float sum = hsum8(_mm256_add_ps(s0, s1));
    const __m256 inv = _mm256_set1_ps(sum > 0 ? 1.0f / sum : 0.0f);
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
    if (i < n) {
        __m256i k = tail8(n - i);
        _mm256_maskstore_ps(x + i, k, _mm256_mul_ps(_mm256_maskload_ps(x + i, k), inv));
    }
}

T256 static void softmax_row8(float *x, long n) {
    if (n <= 0) return;
    const __m256 ninf = _mm256_set1_ps(-INFINITY);
    __m256 m0 = ninf, m1 = ninf, m2 = ninf, m3 = ninf;
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
        m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + i + 8));
        m2 = _mm256_max_ps(m2, _mm256_loadu_ps(x + i + 16));
        m3 = _mm256_max_ps(m3, _mm256_loadu_ps(x + i + 24));
    }
    for (; i + 8 <= n; i += 8) m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
    if (i < n) m1 = _mm256_max_ps(m1, load_tail8(x + i, n - i, -INFINITY));
    float m = hmax8(_mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3)));
    if (m == -INFINITY) {
        memset(x, 0, (size_t)n * sizeof(float));
        return;
    }
    softmax_finish8(x, n, m);
}

T256 static void softmax_relpos_row8(float *row, const float *rh, const float *rw, long height, long width) {
    const long n = height * width;
    if (n <= 0) return;
    __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0;
    for (long kh = 0; kh < height; kh++) {
        const __m256 a = _mm256_set1_ps(rh[kh]);
        float *seg = row + kh * width;
        long kw = 0;
        for (; kw + 16 <= width; kw += 16) {
            __m256 v0 = _mm256_add_ps(_mm256_loadu_ps(seg + kw), _mm256_add_ps(a, _mm256_loadu_ps(rw + kw)));
            __m256 v1 = _mm256_add_ps(_mm256_loadu_ps(seg + kw + 8), _mm256_add_ps(a, _mm256_loadu_ps(rw + kw + 8)));
            _mm256_storeu_ps(seg + kw, v0);
            _mm256_storeu_ps(seg + kw + 8, v1);
            m0 = _mm256_max_ps(m0, v0);
            m1 = _mm256_max_ps(m1, v1);
        }
        for (; kw + 8 <= width; kw += 8) {
            __m256 v = _mm256_add_ps(_mm256_loadu_ps(seg + kw), _mm256_add_ps(a, _mm256_loadu_ps(rw + kw)));
            _mm256_storeu_ps(seg + kw, v);
            m0 = _mm256_max_ps(m0, v);
        }
        if (kw < width) {
            long r = width - kw;
            __m256 v = _mm256_add_ps(load_tail8(seg + kw, r, -INFINITY), _mm256_add_ps(a, load_tail8(rw + kw, r, 0.0f)));
            _mm256_maskstore_ps(seg + kw, tail8(r), v);
            m1 = _mm256_max_ps(m1, v);
        }
    }
    float m = hmax8(_mm256_max_ps(m0, m1));
    if (m == -INFINITY) {
        memset(row, 0, (size_t)n * sizeof(float));
        return;
    }
    softmax_finish8(row, n, m);
}

#define MAP8(name, f)                                                                   \
    T256 static void name(float *x, long n) {                                           \
        long i = 0;                                                                     \
        for (; i + 16 <= n; i += 16) {                                                  \
            __m256 a = f(_mm256_loadu_ps(x + i)), b = f(_mm256_loadu_ps(x + i + 8));    \
            _mm256_storeu_ps(x + i, a);                                                 \
            _mm256_storeu_ps(x + i + 8, b);                                             \
        }                                                                               \
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, f(_mm256_loadu_ps(x + i))); \
        if (i < n) {                                                                    \
            __m256i k = tail8(n - i);                                                   \
            _mm256_maskstore_ps(x + i, k, f(_mm256_maskload_ps(x + i, k)));             \
        }                                                                               \
    }
MAP8(gelu_erf_map8, gelu_erf8)
MAP8(gelu_tanh_map8, gelu_tanh8)
MAP8(silu_map8, silu8)

T256 static void layernorm_row8(const float *x, long n, const float *g, const float *b, float eps, float *out) {
    if (n <= 0) return;
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + i));
        s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + i + 8));
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + i));
    if (i < n) s1 = _mm256_add_ps(s1, _mm256_maskload_ps(x + i, tail8(n - i)));
    const float mean = hsum8(_mm256_add_ps(s0, s1)) / (float)n;
    const __m256 mb = _mm256_set1_ps(mean);
    s0 = s1 = _mm256_setzero_ps();
    for (i = 0; i + 16 <= n; i += 16) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), mb), d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), mb);
        s0 = _mm256_fmadd_ps(d0, d0, s0);
        s1 = _mm256_fmadd_ps(d1, d1, s1);
    }
    for (; i + 8 <= n; i += 8) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + i), mb);
        s0 = _mm256_fmadd_ps(d, d, s0);
    }
    if (i < n) {  // padding lanes hold the mean: zero deviation
        __m256 d = _mm256_sub_ps(load_tail8(x + i, n - i, mean), mb);
        s1 = _mm256_fmadd_ps(d, d, s1);
    }
    const float var = hsum8(_mm256_add_ps(s0, s1)) / (float)n;
    const __m256 inv = _mm256_set1_ps(1.0f / sqrtf(var + eps));
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 y = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mb), inv);
        y = b ? _mm256_fmadd_ps(y, _mm256_loadu_ps(g + i), _mm256_loadu_ps(b + i)) : _mm256_mul_ps(y, _mm256_loadu_ps(g + i));
        _mm256_storeu_ps(out + i, y);
    }
    if (i < n) {
        __m256i k = tail8(n - i);
        __m256 y = _mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(x + i, k), mb), inv);
        y = b ? _mm256_fmadd_ps(y, _mm256_maskload_ps(g + i, k), _mm256_maskload_ps(b + i, k))
              : _mm256_mul_ps(y, _mm256_maskload_ps(g + i, k));
        _mm256_maskstore_ps(out + i, k, y);
    }
}

T256 static void layernorm_channels_block8(float *x, long channels, long stride, long n, const float *g,
                                           const float *b, float eps) {
    float mean[LN2D_BLOCK] __attribute__((aligned(32))), inv[LN2D_BLOCK] __attribute__((aligned(32)));
    const __m256 scale = _mm256_set1_ps(1.0f / (float)channels);
    // Whole vectors with plain loads and stores (AVX2's masked moves are slow); the last
    // n mod 8 pixels through maskload (0 in the dead lanes, never stored) and maskstore.
    const long full = n / 8 * 8;
    const __m256i k = tail8(n - full);
    for (long i = 0; i < n; i += 8) {
        _mm256_store_ps(mean + i, _mm256_setzero_ps());
        _mm256_store_ps(inv + i, _mm256_setzero_ps());
    }
    for (long c = 0; c < channels; c++) {
        const float *p = x + c * stride;
        long i = 0;
        for (; i < full; i += 8) _mm256_store_ps(mean + i, _mm256_add_ps(_mm256_load_ps(mean + i), _mm256_loadu_ps(p + i)));
        if (i < n) _mm256_store_ps(mean + i, _mm256_add_ps(_mm256_load_ps(mean + i), _mm256_maskload_ps(p + i, k)));
    }
    for (long i = 0; i < n; i += 8) _mm256_store_ps(mean + i, _mm256_mul_ps(_mm256_load_ps(mean + i), scale));
    for (long c = 0; c < channels; c++) {
        const float *p = x + c * stride;
        long i = 0;
        for (; i < full; i += 8) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_load_ps(mean + i));
            _mm256_store_ps(inv + i, _mm256_fmadd_ps(d, d, _mm256_load_ps(inv + i)));
        }
        if (i < n) {
            __m256 d = _mm256_sub_ps(_mm256_maskload_ps(p + i, k), _mm256_load_ps(mean + i));
            _mm256_store_ps(inv + i, _mm256_fmadd_ps(d, d, _mm256_load_ps(inv + i)));
        }
    }
    for (long i = 0; i < n; i += 8) {
        __m256 v = _mm256_fmadd_ps(_mm256_load_ps(inv + i), scale, _mm256_set1_ps(eps));
        _mm256_store_ps(inv + i, _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_sqrt_ps(v)));
    }
    for (long c = 0; c < channels; c++) {
        float *p = x + c * stride;
        const __m256 gc = _mm256_set1_ps(g[c]), bc = _mm256_set1_ps(b[c]);
        long i = 0;
        for (; i < full; i += 8) {
            __m256 y = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_load_ps(mean + i)), _mm256_load_ps(inv + i));
            _mm256_storeu_ps(p + i, _mm256_fmadd_ps(y, gc, bc));
        }
        if (i < n) {
            __m256 y = _mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(p + i, k), _mm256_load_ps(mean + i)), _mm256_load_ps(inv + i));
            _mm256_maskstore_ps(p + i, k, _mm256_fmadd_ps(y, gc, bc));
        }
    }
}

#define CK_VEC_X86 1
#else
#define CK_VEC_X86 0
#endif

// =============================================================================================
// Dispatch.

int ck_softmax_rows(int level, float *x, long rows, long cols) {
    level = ck_simd_lowered(level);
#if CK_VEC_X86
    if (level == 2) {
        for (long r = 0; r < rows; r++) softmax_row16(x + r * cols, cols);
        return 2;
    }
    if (level == 1) {
        for (long r = 0; r < rows; r++) softmax_row8(x + r * cols, cols);
        return 1;
    }
#endif
    (void)x; (void)rows; (void)cols;
    return 0;
}

int ck_softmax_relpos_rows(int level, float *scores, long rows, const float *rel_h, const float *rel_w,
                           long height, long width) {
    level = ck_simd_lowered(level);
    const long keys = height * width;
#if CK_VEC_X86
    if (level == 2 && height <= 16 && width <= 16) {
        softmax_relpos_small16(scores, rows, rel_h, rel_w, height, width);
        return 2;
    }
    if (level == 2) {
        for (long r = 0; r < rows; r++)
            softmax_relpos_row16(scores + r * keys, rel_h + r * height, rel_w + r * width, height, width);
        return 2;
    }
    if (level == 1) {
        for (long r = 0; r < rows; r++)
            softmax_relpos_row8(scores + r * keys, rel_h + r * height, rel_w + r * width, height, width);
        return 1;
    }
#endif
    (void)scores; (void)rows; (void)rel_h; (void)rel_w; (void)keys;
    return 0;
}

#if CK_VEC_X86
#define MAP_DISPATCH(name, f16, f8)                 \
    int name(int level, float *x, long n) {         \
        level = ck_simd_lowered(level);                \
        if (level == 2) { f16(x, n); return 2; }    \
        if (level == 1) { f8(x, n); return 1; }     \
        return 0;                                   \
    }
MAP_DISPATCH(ck_gelu_erf, gelu_erf_map16, gelu_erf_map8)
MAP_DISPATCH(ck_gelu_tanh, gelu_tanh_map16, gelu_tanh_map8)
MAP_DISPATCH(ck_silu, silu_map16, silu_map8)
#else
int ck_gelu_erf(int level, float *x, long n) { (void)level; (void)x; (void)n; return 0; }
int ck_gelu_tanh(int level, float *x, long n) { (void)level; (void)x; (void)n; return 0; }
int ck_silu(int level, float *x, long n) { (void)level; (void)x; (void)n; return 0; }
#endif

int ck_layernorm_rows(int level, const float *x, long rows, long cols, const float *gamma, const float *beta,
                      float eps, float *out) {
    level = ck_simd_lowered(level);
#if CK_VEC_X86
    if (level == 2) {
        for (long r = 0; r < rows; r++) layernorm_row16(x + r * cols, cols, gamma, beta, eps, out + r * cols);
        return 2;
    }
    if (level == 1) {
        for (long r = 0; r < rows; r++) layernorm_row8(x + r * cols, cols, gamma, beta, eps, out + r * cols);
        return 1;
    }
#endif
    (void)x; (void)rows; (void)cols; (void)gamma; (void)beta; (void)eps; (void)out;
    return 0;
}

int ck_layernorm_channels(int level, float *x, long channels, long pixels, long stride, const float *gamma,
                          const float *beta, float eps) {
    level = ck_simd_lowered(level);
    if (channels <= 0 || pixels <= 0) return level;
#if CK_VEC_X86
    if (level == 2) {
        for (long p = 0; p < pixels; p += LN2D_BLOCK)
            layernorm_channels_block16(x + p, channels, stride, pixels - p < LN2D_BLOCK ? pixels - p : LN2D_BLOCK,
                                       gamma, beta, eps);
        return 2;
    }
    if (level == 1) {
        for (long p = 0; p < pixels; p += LN2D_BLOCK)
            layernorm_channels_block8(x + p, channels, stride, pixels - p < LN2D_BLOCK ? pixels - p : LN2D_BLOCK,
                                      gamma, beta, eps);
        return 1;
    }
#endif
    (void)x; (void)stride; (void)gamma; (void)beta; (void)eps;
    return 0;
}
