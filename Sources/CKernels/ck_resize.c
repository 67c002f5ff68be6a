// Separable bilinear passes for fp32 planes (see include/ck_resize.h). Every path does the
// same roundings in the same order as the scalar one, so all levels agree bit for bit.
#include "ck_resize.h"
#include "ck_cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

// One rounding per * and +, as PyTorch's and our Swift reference loops: no contraction.
#pragma STDC FP_CONTRACT OFF

// ---- portable C ----

static void horizontal_c(const float *src, size_t rows, size_t stride, const int32_t *x0, const int32_t *x1,
                         const float *w0, const float *w1, size_t out_w, float *out) {
    for (size_t r = 0; r < rows; r++) {
        const float *s = src + r * stride;
        float *o = out + r * out_w;
        for (size_t i = 0; i < out_w; i++) {
            float a = s[x0[i]] * w0[i];
            float b = s[x1[i]] * w1[i];
            o[i] = a + b;
        }
    }
}

static void blend_c(const float *a, const float *b, float wa, float wb, size_t n, float *out) {
    for (size_t i = 0; i < n; i++) {
        float p = a[i] * wa;
        float q = b[i] * wb;
        out[i] = p + q;
    }
}

static void blend_mask_c(const float *a, const float *b, float wa, float wb, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i++) {
        float p = a[i] * wa;
        float q = b[i] * wb;
        out[i] = (p + q) > 0.0f ? 1 : 0;
    }
}

static void threshold_c(const float *x, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? 1 : 0;
}

#ifdef CK_X86
#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))
#define CK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

// ---- AVX2 ----

CK_AVX2 static void horizontal_avx2(const float *src, size_t rows, size_t stride, const int32_t *x0, const int32_t *x1,
                                    const float *w0, const float *w1, size_t out_w, float *out) {
    for (size_t r = 0; r < rows; r++) {
        const float *s = src + r * stride;
        float *o = out + r * out_w;
        size_t i = 0;
        for (; i + 8 <= out_w; i += 8) {
            __m256i i0 = _mm256_loadu_si256((const __m256i *)(x0 + i));
            __m256i i1 = _mm256_loadu_si256((const __m256i *)(x1 + i));
            __m256 a = _mm256_mul_ps(_mm256_i32gather_ps(s, i0, 4), _mm256_loadu_ps(w0 + i));
            __m256 b = _mm256_mul_ps(_mm256_i32gather_ps(s, i1, 4), _mm256_loadu_ps(w1 + i));
            _mm256_storeu_ps(o + i, _mm256_add_ps(a, b));
        }
        for (; i < out_w; i++) {
            float a = s[x0[i]] * w0[i];
            float b = s[x1[i]] * w1[i];
            o[i] = a + b;
        }
    }
}

CK_AVX2 static void blend_avx2(const float *a, const float *b, float wa, float wb, size_t n, float *out) {
    __m256 va = _mm256_set1_ps(wa), vb = _mm256_set1_ps(wb);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 p = _mm256_mul_ps(_mm256_loadu_ps(a + i), va);
        __m256 q = _mm256_mul_ps(_mm256_loadu_ps(b + i), vb);
        _mm256_storeu_ps(out + i, _mm256_add_ps(p, q));
    }
    blend_c(a + i, b + i, wa, wb, n - i, out + i);
}

CK_AVX2 static void blend_mask_avx2(const float *a, const float *b, float wa, float wb, size_t n, uint8_t *out) {
    __m256 va = _mm256_set1_ps(wa), vb = _mm256_set1_ps(wb), zero = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 p = _mm256_mul_ps(_mm256_loadu_ps(a + i), va);
        __m256 q = _mm256_mul_ps(_mm256_loadu_ps(b + i), vb);
        int bits = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_add_ps(p, q), zero, _CMP_GT_OQ));
        for (int j = 0; j < 8; j++) out[i + j] = (uint8_t)((bits >> j) & 1);
    }
    blend_mask_c(a + i, b + i, wa, wb, n - i, out + i);
}

CK_AVX2 static void threshold_avx2(const float *x, size_t n, uint8_t *out) {
    __m256 zero = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        int bits = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + i), zero, _CMP_GT_OQ));
        for (int j = 0; j < 8; j++) out[i + j] = (uint8_t)((bits >> j) & 1);
    }
    threshold_c(x + i, n - i, out + i);
}

// ---- AVX-512 ----

CK_AVX512 static void horizontal_avx512(const float *src, size_t rows, size_t stride, const int32_t *x0, const int32_t *x1,
                                        const float *w0, const float *w1, size_t out_w, float *out) {
    for (size_t r = 0; r < rows; r++) {
        const float *s = src + r * stride;
        float *o = out + r * out_w;
        size_t i = 0;
        for (; i + 16 <= out_w; i += 16) {
            __m512i i0 = _mm512_loadu_si512((const void *)(x0 + i));
            __m512i i1 = _mm512_loadu_si512((const void *)(x1 + i));
            __m512 a = _mm512_mul_ps(_mm512_i32gather_ps(i0, s, 4), _mm512_loadu_ps(w0 + i));
            __m512 b = _mm512_mul_ps(_mm512_i32gather_ps(i1, s, 4), _mm512_loadu_ps(w1 + i));
            _mm512_storeu_ps(o + i, _mm512_add_ps(a, b));
        }
        if (i < out_w) {
            __mmask16 m = (__mmask16)((1u << (out_w - i)) - 1);
            __m512i i0 = _mm512_maskz_loadu_epi32(m, x0 + i);
            __m512i i1 = _mm512_maskz_loadu_epi32(m, x1 + i);
            __m512 g0 = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, i0, s, 4);
            __m512 g1 = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, i1, s, 4);
            __m512 a = _mm512_mul_ps(g0, _mm512_maskz_loadu_ps(m, w0 + i));
            __m512 b = _mm512_mul_ps(g1, _mm512_maskz_loadu_ps(m, w1 + i));
            _mm512_mask_storeu_ps(o + i, m, _mm512_add_ps(a, b));
        }
    }
}

CK_AVX512 static void blend_avx512(const float *a, const float *b, float wa, float wb, size_t n, float *out) {
    __m512 va = _mm512_set1_ps(wa), vb = _mm512_set1_ps(wb);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 p = _mm512_mul_ps(_mm512_loadu_ps(a + i), va);
        __m512 q = _mm512_mul_ps(_mm512_loadu_ps(b + i), vb);
        _mm512_storeu_ps(out + i, _mm512_add_ps(p, q));
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, a + i), va);
        __m512 q = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, b + i), vb);
        _mm512_mask_storeu_ps(out + i, m, _mm512_add_ps(p, q));
    }
}

CK_AVX512 static void blend_mask_avx512(const float *a, const float *b, float wa, float wb, size_t n, uint8_t *out) {
    __m512 va = _mm512_set1_ps(wa), vb = _mm512_set1_ps(wb), zero = _mm512_setzero_ps();
    __m128i one = _mm_set1_epi8(1);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 p = _mm512_mul_ps(_mm512_loadu_ps(a + i), va);
        __m512 q = _mm512_mul_ps(_mm512_loadu_ps(b + i), vb);
        __mmask16 k = _mm512_cmp_ps_mask(_mm512_add_ps(p, q), zero, _CMP_GT_OQ);
        _mm_storeu_si128((__m128i *)(out + i), _mm_maskz_mov_epi8(k, one));
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, a + i), va);
        __m512 q = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, b + i), vb);
        __mmask16 k = _mm512_cmp_ps_mask(_mm512_add_ps(p, q), zero, _CMP_GT_OQ);
        _mm_mask_storeu_epi8(out + i, m, _mm_maskz_mov_epi8(k, one));
    }
}

CK_AVX512 static void threshold_avx512(const float *x, size_t n, uint8_t *out) {
    __m512 zero = _mm512_setzero_ps();
    __m128i one = _mm_set1_epi8(1);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __mmask16 k = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + i), zero, _CMP_GT_OQ);
        _mm_storeu_si128((__m128i *)(out + i), _mm_maskz_mov_epi8(k, one));
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        __mmask16 k = _mm512_cmp_ps_mask(_mm512_maskz_loadu_ps(m, x + i), zero, _CMP_GT_OQ);
        _mm_mask_storeu_epi8(out + i, m, _mm_maskz_mov_epi8(k, one));
    }
}
#endif

// ---- dispatch ----

void ck_bilinear_horizontal(const float *src, size_t rows, size_t src_stride,
                            const int32_t *x0, const int32_t *x1, const float *w0, const float *w1,
                            size_t out_w, float *out, int level) {
    level = ck_simd_lowered(level);
#ifdef CK_X86
    if (level >= 2) { horizontal_avx512(src, rows, src_stride, x0, x1, w0, w1, out_w, out); return; }
    if (level == 1) { horizontal_avx2(src, rows, src_stride, x0, x1, w0, w1, out_w, out); return; }
#endif
    horizontal_c(src, rows, src_stride, x0, x1, w0, w1, out_w, out);
}

void ck_bilinear_blend(const float *a, const float *b, float wa, float wb, size_t n, float *out, int level) {
    level = ck_simd_lowered(level);
#ifdef CK_X86
    if (level >= 2) { blend_avx512(a, b, wa, wb, n, out); return; }
    if (level == 1) { blend_avx2(a, b, wa, wb, n, out); return; }
#endif
    blend_c(a, b, wa, wb, n, out);
}

void ck_bilinear_blend_mask(const float *a, const float *b, float wa, float wb, size_t n, uint8_t *out, int level) {
    level = ck_simd_lowered(level);
#ifdef CK_X86
    if (level >= 2) { blend_mask_avx512(a, b, wa, wb, n, out); return; }
    if (level == 1) { blend_mask_avx2(a, b, wa, wb, n, out); return; }
#endif
    blend_mask_c(a, b, wa, wb, n, out);
}

void ck_threshold_mask(const float *x, size_t n, uint8_t *out, int level) {
    level = ck_simd_lowered(level);
#ifdef CK_X86
    if (level >= 2) { threshold_avx512(x, n, out); return; }
    if (level == 1) { threshold_avx2(x, n, out); return; }
#endif
    threshold_c(x, n, out);
}
