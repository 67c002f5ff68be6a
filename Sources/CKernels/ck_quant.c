// GGUF block types: dequantization and quantized products (see include/ck_quant.h).
// Facts (block layouts, value formulas) follow ggml; the code is LisaKit's own.
#include "ck_quant.h"
#include "ck_cpu.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

// The dequantizers must round exactly like the reference (one rounding per * and +), so no
// fused multiply-adds are formed from plain C expressions in this file; the SIMD products
// ask for FMA explicitly through intrinsics.
#pragma STDC FP_CONTRACT OFF

#define QK 32
#define QKK 256

static inline float f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {
            int e = -1;
            do { e++; mant <<= 1; } while ((mant & 0x400u) == 0);
            bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline float bf16_to_f32(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline uint16_t load_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

int ck_quant_block_size(int type) {
    switch (type) {
    case CK_QUANT_F32: case CK_QUANT_F16: case CK_QUANT_BF16: return 1;
    case CK_QUANT_Q4_0: case CK_QUANT_Q4_1: case CK_QUANT_Q8_0: return QK;
    case CK_QUANT_Q4_K: case CK_QUANT_Q6_K: return QKK;
    default: return 0;
    }
}

int ck_quant_supported(int type) { return ck_quant_block_size(type) != 0; }

static size_t block_bytes(int type) {
    switch (type) {
    case CK_QUANT_F32: return 4;
    case CK_QUANT_F16: case CK_QUANT_BF16: return 2;
    case CK_QUANT_Q4_0: return 18;
    case CK_QUANT_Q4_1: return 20;
    case CK_QUANT_Q8_0: return 34;
    case CK_QUANT_Q4_K: return 144;
    case CK_QUANT_Q6_K: return 210;
    default: return 0;
    }
}

// MARK: - Scalar dequantization (one block)

// The six-bit scale and min of sub-block j (0..7) of a Q4_K block.
static inline void q4k_scale_min(const uint8_t *s, int j, uint8_t *sc, uint8_t *mn) {
    if (j < 4) {
        *sc = s[j] & 63;
        *mn = s[j + 4] & 63;
    } else {
        *sc = (uint8_t)((s[j + 4] & 0x0f) | ((s[j - 4] >> 2) & 0x30));
        *mn = (uint8_t)((s[j + 4] >> 4) | ((s[j] >> 2) & 0x30));
    }
}

static void dequant_block(int type, const uint8_t *b, float *out) {
    switch (type) {
    case CK_QUANT_Q4_0: {
        float d = f16_to_f32(load_u16(b));
        const uint8_t *qs = b + 2;
        for (int i = 0; i < 16; i++) {
            out[i] = d * (float)((int)(qs[i] & 0x0f) - 8);
            out[i + 16] = d * (float)((int)(qs[i] >> 4) - 8);
        }
        break;
    }
    case CK_QUANT_Q4_1: {
        float d = f16_to_f32(load_u16(b)), m = f16_to_f32(load_u16(b + 2));
        const uint8_t *qs = b + 4;
        for (int i = 0; i < 16; i++) {
            out[i] = d * (float)(qs[i] & 0x0f) + m;
            out[i + 16] = d * (float)(qs[i] >> 4) + m;
        }
        break;
    }
    case CK_QUANT_Q8_0: {
        float d = f16_to_f32(load_u16(b));
        for (int i = 0; i < QK; i++) out[i] = d * (float)(int8_t)b[2 + i];
        break;
    }
    case CK_QUANT_Q4_K: {
        float d = f16_to_f32(load_u16(b)), dmin = f16_to_f32(load_u16(b + 2));
        const uint8_t *scales = b + 4, *qs = b + 16;
        for (int j = 0; j < 8; j++) {
            uint8_t sc, mn;
            q4k_scale_min(scales, j, &sc, &mn);
            float dj = d * (float)sc, mj = dmin * (float)mn;
            const uint8_t *q = qs + 32 * (j / 2);
            int shift = (j & 1) * 4;
            for (int i = 0; i < 32; i++) out[32 * j + i] = dj * (float)((q[i] >> shift) & 0x0f) - mj;
        }
        break;
    }
    case CK_QUANT_Q6_K: {
        const uint8_t *ql = b, *qh = b + 128;
        const int8_t *scales = (const int8_t *)(b + 192);
        float d = f16_to_f32(load_u16(b + 208));
        for (int e = 0; e < QKK; e++) {
            int h = e / 128, r = e % 128, k = r / 32, i = r % 32;
            int lo = (ql[64 * h + 32 * (k & 1) + i] >> (4 * (k >> 1))) & 0x0f;
            int hi = (qh[32 * h + i] >> (2 * k)) & 0x03;
            float dk = d * (float)scales[e / 16];
            out[e] = dk * (float)((lo | (hi << 4)) - 32);
        }
        break;
    }
    default:
        break;
    }
}

void ck_quant_dequantize(int type, const void *src, float *dst, size_t n) {
    const uint8_t *p = (const uint8_t *)src;
    switch (type) {
    case CK_QUANT_F32:
        memcpy(dst, src, n * 4);
        return;
    case CK_QUANT_F16:
        for (size_t i = 0; i < n; i++) dst[i] = f16_to_f32(load_u16(p + 2 * i));
        return;
    case CK_QUANT_BF16:
        for (size_t i = 0; i < n; i++) dst[i] = bf16_to_f32(load_u16(p + 2 * i));
        return;
    default: {
        size_t bs = (size_t)ck_quant_block_size(type), bb = block_bytes(type);
        if (bs == 0) return;
        for (size_t blk = 0; blk < n / bs; blk++) dequant_block(type, p + blk * bb, dst + blk * bs);
    }
    }
}

// MARK: - Portable products

static float dot_f32_scalar(const float *a, const float *b, size_t k) {
    float s[4] = {0, 0, 0, 0};
    size_t j = 0;
    for (; j + 4 <= k; j += 4)
        for (int t = 0; t < 4; t++) s[t] += a[j + t] * b[j + t];
    for (; j < k; j++) s[0] += a[j] * b[j];
    return (s[0] + s[1]) + (s[2] + s[3]);
}

static float dot_scalar(int type, const uint8_t *row, const float *x, size_t k) {
    float tmp[QKK];
    if (type == CK_QUANT_F32) return dot_f32_scalar((const float *)(const void *)row, x, k);
    size_t bs = (size_t)ck_quant_block_size(type), bb = block_bytes(type);
    if (type == CK_QUANT_F16 || type == CK_QUANT_BF16) bs = 64, bb = 128;
    float sum = 0;
    size_t j = 0;
    for (; j + bs <= k; j += bs, row += bb) {
        ck_quant_dequantize(type, row, tmp, bs);
        sum += dot_f32_scalar(tmp, x + j, bs);
    }
    if (j < k) {  // only the plain 16-bit types have a tail
        ck_quant_dequantize(type, row, tmp, k - j);
        sum += dot_f32_scalar(tmp, x + j, k - j);
    }
    return sum;
}

#ifdef CK_X86
// MARK: - AVX2 + FMA + F16C

#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))

CK_AVX2 static inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

CK_AVX2 static inline float h2f_avx2(const uint8_t *p) { return _cvtsh_ss(load_u16(p)); }

// 16 signed bytes → two vectors of 8 floats.
CK_AVX2 static inline void i8x16_to_ps(__m128i v, __m256 *lo, __m256 *hi) {
    *lo = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v));
    *hi = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_unpackhi_epi64(v, v)));
}

// Σ q·x over 16 signed bytes and 16 floats, as 8 lanes.
CK_AVX2 static inline __m256 qx16_avx2(__m128i q, const float *x) {
    __m256 a, b;
    i8x16_to_ps(q, &a, &b);
    return _mm256_fmadd_ps(b, _mm256_loadu_ps(x + 8), _mm256_mul_ps(a, _mm256_loadu_ps(x)));
}

CK_AVX2 static float dot_f32_avx2(const float *w, const float *x, size_t k) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= k; j += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + j), _mm256_loadu_ps(x + j), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + j + 8), _mm256_loadu_ps(x + j + 8), a1);
    }
    float s = hsum256(_mm256_add_ps(a0, a1));
    for (; j < k; j++) s += w[j] * x[j];
    return s;
}

CK_AVX2 static float dot_half_avx2(const uint8_t *w, const float *x, size_t k, int bf16) {
    __m256 a0 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= k; j += 8) {
        __m128i h = _mm_loadu_si128((const __m128i *)(w + 2 * j));
        __m256 wf = bf16 ? _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)) : _mm256_cvtph_ps(h);
        a0 = _mm256_fmadd_ps(wf, _mm256_loadu_ps(x + j), a0);
    }
    float s = hsum256(a0);
    for (; j < k; j++) s += (bf16 ? bf16_to_f32(load_u16(w + 2 * j)) : f16_to_f32(load_u16(w + 2 * j))) * x[j];
    return s;
}

CK_AVX2 static float dot_q4_0_avx2(const uint8_t *b, const float *x, size_t k) {
    const __m128i m4 = _mm_set1_epi8(0x0f), eight = _mm_set1_epi8(8);
    __m256 acc = _mm256_setzero_ps();
    for (size_t j = 0; j < k; j += QK, b += 18, x += QK) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 2));
        __m128i lo = _mm_sub_epi8(_mm_and_si128(v, m4), eight);
        __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(v, 4), m4), eight);
        __m256 p = _mm256_add_ps(qx16_avx2(lo, x), qx16_avx2(hi, x + 16));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f_avx2(b)), p, acc);
    }
    return hsum256(acc);
}

// Two blocks per iteration with independent accumulators, as on AVX-512 (see below).
CK_AVX2 static float dot_q4_1_avx2(const uint8_t *b, const float *x, size_t k) {
    const __m128i m4 = _mm_set1_epi8(0x0f);
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), m0 = _mm256_setzero_ps(), m1 = _mm256_setzero_ps();
    size_t nb = k / QK, j = 0;
    for (; j + 2 <= nb; j += 2, b += 40, x += 64) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 4)), u = _mm_loadu_si128((const __m128i *)(b + 24));
        __m256 p = _mm256_add_ps(qx16_avx2(_mm_and_si128(v, m4), x), qx16_avx2(_mm_and_si128(_mm_srli_epi16(v, 4), m4), x + 16));
        __m256 q = _mm256_add_ps(qx16_avx2(_mm_and_si128(u, m4), x + 32), qx16_avx2(_mm_and_si128(_mm_srli_epi16(u, 4), m4), x + 48));
        __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(x + 8)),
                                 _mm256_add_ps(_mm256_loadu_ps(x + 16), _mm256_loadu_ps(x + 24)));
        __m256 t = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(x + 32), _mm256_loadu_ps(x + 40)),
                                 _mm256_add_ps(_mm256_loadu_ps(x + 48), _mm256_loadu_ps(x + 56)));
        __m128 f = _mm_cvtph_ps(_mm_setr_epi16((short)load_u16(b), (short)load_u16(b + 2), (short)load_u16(b + 20),
                                               (short)load_u16(b + 22), 0, 0, 0, 0));
        a0 = _mm256_fmadd_ps(_mm256_broadcastss_ps(f), p, a0);
        m0 = _mm256_fmadd_ps(_mm256_broadcastss_ps(_mm_shuffle_ps(f, f, 1)), s, m0);
        a1 = _mm256_fmadd_ps(_mm256_broadcastss_ps(_mm_shuffle_ps(f, f, 2)), q, a1);
        m1 = _mm256_fmadd_ps(_mm256_broadcastss_ps(_mm_shuffle_ps(f, f, 3)), t, m1);
    }
    for (; j < nb; j++, b += 20, x += 32) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 4));
        __m256 p = _mm256_add_ps(qx16_avx2(_mm_and_si128(v, m4), x), qx16_avx2(_mm_and_si128(_mm_srli_epi16(v, 4), m4), x + 16));
        __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(x + 8)),
                                 _mm256_add_ps(_mm256_loadu_ps(x + 16), _mm256_loadu_ps(x + 24)));
        a0 = _mm256_fmadd_ps(_mm256_set1_ps(h2f_avx2(b)), p, a0);
        m0 = _mm256_fmadd_ps(_mm256_set1_ps(h2f_avx2(b + 2)), s, m0);
    }
    return hsum256(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(m0, m1)));
}

CK_AVX2 static float dot_q8_0_avx2(const uint8_t *b, const float *x, size_t k) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    size_t nb = k / QK, j = 0;
    for (; j + 2 <= nb; j += 2, b += 68, x += 64) {
        __m256 p = _mm256_add_ps(qx16_avx2(_mm_loadu_si128((const __m128i *)(b + 2)), x),
                                 qx16_avx2(_mm_loadu_si128((const __m128i *)(b + 18)), x + 16));
        __m256 q = _mm256_add_ps(qx16_avx2(_mm_loadu_si128((const __m128i *)(b + 36)), x + 32),
                                 qx16_avx2(_mm_loadu_si128((const __m128i *)(b + 52)), x + 48));
        __m128 f = _mm_cvtph_ps(_mm_setr_epi16((short)load_u16(b), (short)load_u16(b + 34), 0, 0, 0, 0, 0, 0));
        a0 = _mm256_fmadd_ps(_mm256_broadcastss_ps(f), p, a0);
        a1 = _mm256_fmadd_ps(_mm256_broadcastss_ps(_mm_shuffle_ps(f, f, 1)), q, a1);
    }
    for (; j < nb; j++, b += 34, x += 32) {
        __m256 p = _mm256_add_ps(qx16_avx2(_mm_loadu_si128((const __m128i *)(b + 2)), x),
                                 qx16_avx2(_mm_loadu_si128((const __m128i *)(b + 18)), x + 16));
        a0 = _mm256_fmadd_ps(_mm256_set1_ps(h2f_avx2(b)), p, a0);
    }
    return hsum256(_mm256_add_ps(a0, a1));
}

CK_AVX2 static float dot_q4_K_avx2(const uint8_t *b, const float *x, size_t k) {
    const __m128i m4 = _mm_set1_epi8(0x0f);
    __m256 acc = _mm256_setzero_ps();
    for (size_t j = 0; j < k; j += QKK, b += 144, x += QKK) {
        float d = h2f_avx2(b), dmin = h2f_avx2(b + 2);
        const uint8_t *qs = b + 16;
        for (int g = 0; g < 4; g++) {
            uint8_t sc0, mn0, sc1, mn1;
            q4k_scale_min(b + 4, 2 * g, &sc0, &mn0);
            q4k_scale_min(b + 4, 2 * g + 1, &sc1, &mn1);
            __m128i v0 = _mm_loadu_si128((const __m128i *)(qs + 32 * g));
            __m128i v1 = _mm_loadu_si128((const __m128i *)(qs + 32 * g + 16));
            const float *xg = x + 64 * g;
            __m256 pl = _mm256_add_ps(qx16_avx2(_mm_and_si128(v0, m4), xg), qx16_avx2(_mm_and_si128(v1, m4), xg + 16));
            __m256 ph = _mm256_add_ps(qx16_avx2(_mm_and_si128(_mm_srli_epi16(v0, 4), m4), xg + 32),
                                      qx16_avx2(_mm_and_si128(_mm_srli_epi16(v1, 4), m4), xg + 48));
            __m256 sl = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(xg), _mm256_loadu_ps(xg + 8)),
                                      _mm256_add_ps(_mm256_loadu_ps(xg + 16), _mm256_loadu_ps(xg + 24)));
            __m256 sh = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(xg + 32), _mm256_loadu_ps(xg + 40)),
                                      _mm256_add_ps(_mm256_loadu_ps(xg + 48), _mm256_loadu_ps(xg + 56)));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc0), pl, acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc1), ph, acc);
            acc = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * (float)mn0), sl, acc);
            acc = _mm256_fnmadd_ps(_mm256_set1_ps(dmin * (float)mn1), sh, acc);
        }
    }
    return hsum256(acc);
}

CK_AVX2 static float dot_q6_K_avx2(const uint8_t *b, const float *x, size_t k) {
    const __m128i m4 = _mm_set1_epi8(0x0f), m2 = _mm_set1_epi8(0x03), off = _mm_set1_epi8(32);
    __m256 acc = _mm256_setzero_ps();
    for (size_t j = 0; j < k; j += QKK, b += 210, x += QKK) {
        const int8_t *sc = (const int8_t *)(b + 192);
        float d = h2f_avx2(b + 208);
        for (int c = 0; c < 8; c++) {
            int h = c / 4, kk = c % 4;
            const uint8_t *ql = b + 64 * h + 32 * (kk & 1), *qh = b + 128 + 32 * h;
            for (int half = 0; half < 2; half++) {
                __m128i l = _mm_loadu_si128((const __m128i *)(ql + 16 * half));
                l = _mm_and_si128((kk >> 1) ? _mm_srli_epi16(l, 4) : l, m4);
                __m128i hb = _mm_loadu_si128((const __m128i *)(qh + 16 * half));
                hb = _mm_and_si128(_mm_srl_epi16(hb, _mm_cvtsi32_si128(2 * kk)), m2);
                __m128i q = _mm_sub_epi8(_mm_or_si128(l, _mm_slli_epi16(hb, 4)), off);
                __m256 p = qx16_avx2(q, x + 32 * c + 16 * half);
                acc = _mm256_fmadd_ps(_mm256_set1_ps(d * (float)sc[2 * c + half]), p, acc);
            }
        }
    }
    return hsum256(acc);
}

CK_AVX2 static float dot_avx2(int type, const uint8_t *row, const float *x, size_t k) {
    switch (type) {
    case CK_QUANT_F32: return dot_f32_avx2((const float *)(const void *)row, x, k);
    case CK_QUANT_F16: return dot_half_avx2(row, x, k, 0);
    case CK_QUANT_BF16: return dot_half_avx2(row, x, k, 1);
    case CK_QUANT_Q4_0: return dot_q4_0_avx2(row, x, k);
    case CK_QUANT_Q4_1: return dot_q4_1_avx2(row, x, k);
    case CK_QUANT_Q8_0: return dot_q8_0_avx2(row, x, k);
    case CK_QUANT_Q4_K: return dot_q4_K_avx2(row, x, k);
    case CK_QUANT_Q6_K: return dot_q6_K_avx2(row, x, k);
    default: return 0;
    }
}

// Four dot products of one fp32 row with four activation rows.
CK_AVX2 static void dot4_f32_avx2(const float *w, const float *x, size_t k, float *out, size_t ldo) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= k; j += 8) {
        __m256 wv = _mm256_loadu_ps(w + j);
        a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + j), a0);
        a1 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + k + j), a1);
        a2 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + 2 * k + j), a2);
        a3 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + 3 * k + j), a3);
    }
    float s0 = hsum256(a0), s1 = hsum256(a1), s2 = hsum256(a2), s3 = hsum256(a3);
    for (; j < k; j++) {
        s0 += w[j] * x[j]; s1 += w[j] * x[k + j]; s2 += w[j] * x[2 * k + j]; s3 += w[j] * x[3 * k + j];
    }
    out[0] = s0; out[ldo] = s1; out[2 * ldo] = s2; out[3 * ldo] = s3;
}

// MARK: - AVX-512

#define CK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

CK_AVX512 static inline __m512 qx16_avx512(__m128i q, const float *x) {
    return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q)), _mm512_loadu_ps(x));
}

CK_AVX512 static inline float h2f_avx512(const uint8_t *p) { return _cvtsh_ss(load_u16(p)); }

CK_AVX512 static float dot_f32_avx512(const float *w, const float *x, size_t k) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 32 <= k; j += 32) {
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(w + j), _mm512_loadu_ps(x + j), a0);
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(w + j + 16), _mm512_loadu_ps(x + j + 16), a1);
    }
    if (j < k) {
        size_t n = k - j;
        __mmask16 m0 = (__mmask16)(n >= 16 ? 0xffff : ((1u << n) - 1));
        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, w + j), _mm512_maskz_loadu_ps(m0, x + j), a0);
        if (n > 16) {
            __mmask16 m1 = (__mmask16)((1u << (n - 16)) - 1);
            a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m1, w + j + 16), _mm512_maskz_loadu_ps(m1, x + j + 16), a1);
        }
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

CK_AVX512 static float dot_half_avx512(const uint8_t *w, const float *x, size_t k, int bf16) {
    __m512 a0 = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= k; j += 16) {
        __m256i h = _mm256_loadu_si256((const __m256i *)(w + 2 * j));
        __m512 wf = bf16 ? _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16)) : _mm512_cvtph_ps(h);
        a0 = _mm512_fmadd_ps(wf, _mm512_loadu_ps(x + j), a0);
    }
    float s = _mm512_reduce_add_ps(a0);
    for (; j < k; j++) s += (bf16 ? bf16_to_f32(load_u16(w + 2 * j)) : f16_to_f32(load_u16(w + 2 * j))) * x[j];
    return s;
}

// The 32-blocks run two at a time with independent accumulators (the scale multiply-adds of
// consecutive blocks do not wait on each other) and the blocks' f16 scales converted together.
// Measured on SmolLM2's Q4_1 1536×576 matrix: 1.5× the one-block loop, and faster than
// quantizing x to int8 and using integer dot products (which also loses precision).

// 16 nibbles (low or high halves of 16 bytes) → 16 floats.
CK_AVX512 static inline __m512 nib_lo(__m128i v) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_and_si128(v, _mm_set1_epi8(0x0f))));
}
CK_AVX512 static inline __m512 nib_hi(__m128i v) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_and_si128(_mm_srli_epi16(v, 4), _mm_set1_epi8(0x0f))));
}
CK_AVX512 static inline __m512 lane(__m128 f, int i) {
    switch (i) {
    case 0: return _mm512_broadcastss_ps(f);
    case 1: return _mm512_broadcastss_ps(_mm_shuffle_ps(f, f, 1));
    case 2: return _mm512_broadcastss_ps(_mm_shuffle_ps(f, f, 2));
    default: return _mm512_broadcastss_ps(_mm_shuffle_ps(f, f, 3));
    }
}

CK_AVX512 static float dot_q4_0_avx512(const uint8_t *b, const float *x, size_t k) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), m0 = _mm512_setzero_ps(), m1 = _mm512_setzero_ps();
    const __m512 minus8 = _mm512_set1_ps(-8.0f);
    size_t nb = k / QK, j = 0;
    // value = d·(q − 8): Σ d·(q·x) − 8·d·Σx.
    for (; j + 2 <= nb; j += 2, b += 36, x += 64) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 2)), u = _mm_loadu_si128((const __m128i *)(b + 20));
        __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16), x2 = _mm512_loadu_ps(x + 32), x3 = _mm512_loadu_ps(x + 48);
        __m512 p = _mm512_fmadd_ps(nib_hi(v), x1, _mm512_mul_ps(nib_lo(v), x0));
        __m512 q = _mm512_fmadd_ps(nib_hi(u), x3, _mm512_mul_ps(nib_lo(u), x2));
        p = _mm512_fmadd_ps(minus8, _mm512_add_ps(x0, x1), p);
        q = _mm512_fmadd_ps(minus8, _mm512_add_ps(x2, x3), q);
        __m128 f = _mm_cvtph_ps(_mm_setr_epi16((short)load_u16(b), (short)load_u16(b + 18), 0, 0, 0, 0, 0, 0));
        a0 = _mm512_fmadd_ps(lane(f, 0), p, a0);
        a1 = _mm512_fmadd_ps(lane(f, 1), q, a1);
    }
    for (; j < nb; j++, b += 18, x += 32) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 2));
        __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
        __m512 p = _mm512_fmadd_ps(nib_hi(v), x1, _mm512_mul_ps(nib_lo(v), x0));
        p = _mm512_fmadd_ps(minus8, _mm512_add_ps(x0, x1), p);
        m0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f_avx512(b)), p, m0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(m0, m1)));
}

CK_AVX512 static float dot_q4_1_avx512(const uint8_t *b, const float *x, size_t k) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), m0 = _mm512_setzero_ps(), m1 = _mm512_setzero_ps();
    size_t nb = k / QK, j = 0;
    for (; j + 2 <= nb; j += 2, b += 40, x += 64) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 4)), u = _mm_loadu_si128((const __m128i *)(b + 24));
        __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16), x2 = _mm512_loadu_ps(x + 32), x3 = _mm512_loadu_ps(x + 48);
        __m512 p = _mm512_fmadd_ps(nib_hi(v), x1, _mm512_mul_ps(nib_lo(v), x0));
        __m512 q = _mm512_fmadd_ps(nib_hi(u), x3, _mm512_mul_ps(nib_lo(u), x2));
        __m128 f = _mm_cvtph_ps(_mm_setr_epi16((short)load_u16(b), (short)load_u16(b + 2), (short)load_u16(b + 20),
                                               (short)load_u16(b + 22), 0, 0, 0, 0));
        a0 = _mm512_fmadd_ps(lane(f, 0), p, a0);
        m0 = _mm512_fmadd_ps(lane(f, 1), _mm512_add_ps(x0, x1), m0);
        a1 = _mm512_fmadd_ps(lane(f, 2), q, a1);
        m1 = _mm512_fmadd_ps(lane(f, 3), _mm512_add_ps(x2, x3), m1);
    }
    for (; j < nb; j++, b += 20, x += 32) {
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 4));
        __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
        __m512 p = _mm512_fmadd_ps(nib_hi(v), x1, _mm512_mul_ps(nib_lo(v), x0));
        a0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f_avx512(b)), p, a0);
        m0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f_avx512(b + 2)), _mm512_add_ps(x0, x1), m0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(m0, m1)));
}

CK_AVX512 static inline __m512 i8x16(const uint8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p)));
}

CK_AVX512 static float dot_q8_0_avx512(const uint8_t *b, const float *x, size_t k) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    size_t nb = k / QK, j = 0;
    for (; j + 2 <= nb; j += 2, b += 68, x += 64) {
        __m512 p = _mm512_fmadd_ps(i8x16(b + 18), _mm512_loadu_ps(x + 16), _mm512_mul_ps(i8x16(b + 2), _mm512_loadu_ps(x)));
        __m512 q = _mm512_fmadd_ps(i8x16(b + 52), _mm512_loadu_ps(x + 48), _mm512_mul_ps(i8x16(b + 36), _mm512_loadu_ps(x + 32)));
        __m128 f = _mm_cvtph_ps(_mm_setr_epi16((short)load_u16(b), (short)load_u16(b + 34), 0, 0, 0, 0, 0, 0));
        a0 = _mm512_fmadd_ps(lane(f, 0), p, a0);
        a1 = _mm512_fmadd_ps(lane(f, 1), q, a1);
    }
    for (; j < nb; j++, b += 34, x += 32) {
        __m512 p = _mm512_fmadd_ps(i8x16(b + 18), _mm512_loadu_ps(x + 16), _mm512_mul_ps(i8x16(b + 2), _mm512_loadu_ps(x)));
        a0 = _mm512_fmadd_ps(_mm512_set1_ps(h2f_avx512(b)), p, a0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}

CK_AVX512 static float dot_q4_K_avx512(const uint8_t *b, const float *x, size_t k) {
    const __m128i m4 = _mm_set1_epi8(0x0f);
    __m512 acc = _mm512_setzero_ps(), accm = _mm512_setzero_ps();
    for (size_t j = 0; j < k; j += QKK, b += 144, x += QKK) {
        float d = h2f_avx512(b), dmin = h2f_avx512(b + 2);
        const uint8_t *qs = b + 16;
        for (int g = 0; g < 4; g++) {
            uint8_t sc0, mn0, sc1, mn1;
            q4k_scale_min(b + 4, 2 * g, &sc0, &mn0);
            q4k_scale_min(b + 4, 2 * g + 1, &sc1, &mn1);
            __m128i v0 = _mm_loadu_si128((const __m128i *)(qs + 32 * g));
            __m128i v1 = _mm_loadu_si128((const __m128i *)(qs + 32 * g + 16));
            const float *xg = x + 64 * g;
            __m512 x0 = _mm512_loadu_ps(xg), x1 = _mm512_loadu_ps(xg + 16);
            __m512 x2 = _mm512_loadu_ps(xg + 32), x3 = _mm512_loadu_ps(xg + 48);
            __m512 pl = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_and_si128(v1, m4))), x1,
                                        _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_and_si128(v0, m4))), x0));
            __m512 ph = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_and_si128(_mm_srli_epi16(v1, 4), m4))), x3,
                                        _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_and_si128(_mm_srli_epi16(v0, 4), m4))), x2));
            acc = _mm512_fmadd_ps(_mm512_set1_ps(d * (float)sc0), pl, acc);
            acc = _mm512_fmadd_ps(_mm512_set1_ps(d * (float)sc1), ph, acc);
            accm = _mm512_fmadd_ps(_mm512_set1_ps(dmin * (float)mn0), _mm512_add_ps(x0, x1), accm);
            accm = _mm512_fmadd_ps(_mm512_set1_ps(dmin * (float)mn1), _mm512_add_ps(x2, x3), accm);
        }
    }
    return _mm512_reduce_add_ps(_mm512_sub_ps(acc, accm));
}

CK_AVX512 static float dot_q6_K_avx512(const uint8_t *b, const float *x, size_t k) {
    const __m128i m4 = _mm_set1_epi8(0x0f), m2 = _mm_set1_epi8(0x03), off = _mm_set1_epi8(32);
    __m512 acc = _mm512_setzero_ps();
    for (size_t j = 0; j < k; j += QKK, b += 210, x += QKK) {
        const int8_t *sc = (const int8_t *)(b + 192);
        float d = h2f_avx512(b + 208);
        for (int c = 0; c < 8; c++) {
            int h = c / 4, kk = c % 4;
            const uint8_t *ql = b + 64 * h + 32 * (kk & 1), *qh = b + 128 + 32 * h;
            for (int half = 0; half < 2; half++) {
                __m128i l = _mm_loadu_si128((const __m128i *)(ql + 16 * half));
                l = _mm_and_si128((kk >> 1) ? _mm_srli_epi16(l, 4) : l, m4);
                __m128i hb = _mm_loadu_si128((const __m128i *)(qh + 16 * half));
                hb = _mm_and_si128(_mm_srl_epi16(hb, _mm_cvtsi32_si128(2 * kk)), m2);
                __m128i q = _mm_sub_epi8(_mm_or_si128(l, _mm_slli_epi16(hb, 4)), off);
                acc = _mm512_fmadd_ps(_mm512_set1_ps(d * (float)sc[2 * c + half]), qx16_avx512(q, x + 32 * c + 16 * half), acc);
            }
        }
    }
    return _mm512_reduce_add_ps(acc);
}

CK_AVX512 static float dot_avx512(int type, const uint8_t *row, const float *x, size_t k) {
    switch (type) {
    case CK_QUANT_F32: return dot_f32_avx512((const float *)(const void *)row, x, k);
    case CK_QUANT_F16: return dot_half_avx512(row, x, k, 0);
    case CK_QUANT_BF16: return dot_half_avx512(row, x, k, 1);
    case CK_QUANT_Q4_0: return dot_q4_0_avx512(row, x, k);
    case CK_QUANT_Q4_1: return dot_q4_1_avx512(row, x, k);
    case CK_QUANT_Q8_0: return dot_q8_0_avx512(row, x, k);
    case CK_QUANT_Q4_K: return dot_q4_K_avx512(row, x, k);
    case CK_QUANT_Q6_K: return dot_q6_K_avx512(row, x, k);
    default: return 0;
    }
}

CK_AVX512 static void dot4_f32_avx512(const float *w, const float *x, size_t k, float *out, size_t ldo) {
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= k; j += 16) {
        __m512 wv = _mm512_loadu_ps(w + j);
        a0 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(x + j), a0);
        a1 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(x + k + j), a1);
        a2 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(x + 2 * k + j), a2);
        a3 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(x + 3 * k + j), a3);
    }
    if (j < k) {
        __mmask16 m = (__mmask16)((1u << (k - j)) - 1);
        __m512 wv = _mm512_maskz_loadu_ps(m, w + j);
        a0 = _mm512_fmadd_ps(wv, _mm512_maskz_loadu_ps(m, x + j), a0);
        a1 = _mm512_fmadd_ps(wv, _mm512_maskz_loadu_ps(m, x + k + j), a1);
        a2 = _mm512_fmadd_ps(wv, _mm512_maskz_loadu_ps(m, x + 2 * k + j), a2);
        a3 = _mm512_fmadd_ps(wv, _mm512_maskz_loadu_ps(m, x + 3 * k + j), a3);
    }
    out[0] = _mm512_reduce_add_ps(a0);
    out[ldo] = _mm512_reduce_add_ps(a1);
    out[2 * ldo] = _mm512_reduce_add_ps(a2);
    out[3 * ldo] = _mm512_reduce_add_ps(a3);
}
#endif  // CK_X86

// MARK: - Dispatch

void ck_quant_matvec(int type, const void *w, size_t row_bytes, size_t k, const float *x,
                     float *y, size_t row_begin, size_t row_end, int level) {
    const uint8_t *base = (const uint8_t *)w;
    level = ck_simd_lowered(level);
#ifdef CK_X86
    if (level >= 2) {
        for (size_t r = row_begin; r < row_end; r++) y[r] = dot_avx512(type, base + r * row_bytes, x, k);
        return;
    }
    if (level == 1) {
        for (size_t r = row_begin; r < row_end; r++) y[r] = dot_avx2(type, base + r * row_bytes, x, k);
        return;
    }
#endif
    for (size_t r = row_begin; r < row_end; r++) y[r] = dot_scalar(type, base + r * row_bytes, x, k);
}

void ck_quant_matmul(int type, const void *w, size_t row_bytes, size_t k, const float *x,
                     size_t rows, float *y, size_t ldy, size_t row_begin, size_t row_end,
                     float *scratch, int level) {
    const uint8_t *base = (const uint8_t *)w;
    level = ck_simd_lowered(level);
    for (size_t r = row_begin; r < row_end; r++) {
        const float *wr;
        if (type == CK_QUANT_F32) {
            wr = (const float *)(const void *)(base + r * row_bytes);
        } else {
            ck_quant_dequantize(type, base + r * row_bytes, scratch, k);
            wr = scratch;
        }
        size_t i = 0;
#ifdef CK_X86
        if (level >= 2) {
            for (; i + 4 <= rows; i += 4) dot4_f32_avx512(wr, x + i * k, k, y + i * ldy + r, ldy);
            for (; i < rows; i++) y[i * ldy + r] = dot_f32_avx512(wr, x + i * k, k);
        } else if (level == 1) {
            for (; i + 4 <= rows; i += 4) dot4_f32_avx2(wr, x + i * k, k, y + i * ldy + r, ldy);
            for (; i < rows; i++) y[i * ldy + r] = dot_f32_avx2(wr, x + i * k, k);
        }
#endif
        for (; i < rows; i++) y[i * ldy + r] = dot_f32_scalar(wr, x + i * k, k);
    }
}
