// Planes → rows with a fused add (see include/ck_layout.h).
#include "ck_layout.h"
#include "ck_cpu.h"
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

#pragma STDC FP_CONTRACT OFF

// Portable C: 32 × 32 tiles so both sides stay in L1.
static void planes_to_rows_c(const float *planes, size_t channels, size_t pixels, const float *add, const float *bias,
                             float *out, size_t p_begin, size_t p_end) {
    const size_t tile = 32;
    for (size_t p0 = p_begin; p0 < p_end; p0 += tile) {
        size_t p1 = p0 + tile < p_end ? p0 + tile : p_end;
        for (size_t c0 = 0; c0 < channels; c0 += tile) {
            size_t c1 = c0 + tile < channels ? c0 + tile : channels;
            for (size_t c = c0; c < c1; c++) {
                const float *row = planes + c * pixels;
                if (add) {
                    const float *extra = add + c * pixels;
                    for (size_t p = p0; p < p1; p++) out[p * channels + c] = row[p] + extra[p];
                } else {
                    float b = bias ? bias[c] : 0.0f;
                    for (size_t p = p0; p < p1; p++) out[p * channels + c] = row[p] + b;
                }
            }
        }
    }
}

static void rows_dot_c(const float *x, size_t k, const float *w, size_t m, float *out, size_t ldo,
                       size_t r_begin, size_t r_end) {
    for (size_t r = r_begin; r < r_end; r++) {
        const float *row = x + r * k;
        for (size_t j = 0; j < m; j++) {
            const float *wj = w + j * k;
            float sum = 0.0f;
            for (size_t e = 0; e < k; e++) sum += row[e] * wj[e];
            out[j * ldo + r] = sum;
        }
    }
}

#ifdef CK_X86
#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))
#define CK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

// One output row (a pixel's channels) at a time, gathering each channel's value from its plane:
// consecutive pixels read consecutive floats of the same cache lines, which stay in L1.
CK_AVX2 static void planes_to_rows_avx2(const float *planes, size_t channels, size_t pixels, const float *add,
                                        const float *bias, float *out, size_t p_begin, size_t p_end) {
    const __m256i step = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i stride = _mm256_set1_epi32((int)pixels);
    const __m256i lanes = _mm256_mullo_epi32(step, stride);
    size_t full = channels / 8 * 8;
    for (size_t p = p_begin; p < p_end; p++) {
        float *o = out + p * channels;
        size_t c = 0;
        for (; c < full; c += 8) {
            __m256 v = _mm256_i32gather_ps(planes + c * pixels + p, lanes, 4);
            __m256 e = add ? _mm256_i32gather_ps(add + c * pixels + p, lanes, 4)
                           : (bias ? _mm256_loadu_ps(bias + c) : _mm256_setzero_ps());
            _mm256_storeu_ps(o + c, _mm256_add_ps(v, e));
        }
        for (; c < channels; c++) {
            float e = add ? add[c * pixels + p] : (bias ? bias[c] : 0.0f);
            o[c] = planes[c * pixels + p] + e;
        }
    }
}

// 16 × 16 transpose in registers: r[i] (row i, 16 columns) → r[j] (column j, 16 rows).
CK_AVX512 static inline void transpose16(__m512 *r) {
    __m512 t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);       // a0 b0 a1 b1 per 128-bit lane
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);   // a2 b2 a3 b3
    }
    for (int i = 0; i < 4; i++) {                                    // u[4i + j], lane L: rows 4i..4i+3 at column 4L + j
        u[4 * i + 0] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * i + 1] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; j++) {                                    // gather lane L of u[j], u[4+j], u[8+j], u[12+j]
        __m512 v0 = _mm512_shuffle_f32x4(u[j], u[4 + j], _MM_SHUFFLE(1, 0, 1, 0));
        __m512 v1 = _mm512_shuffle_f32x4(u[j], u[4 + j], _MM_SHUFFLE(3, 2, 3, 2));
        __m512 v2 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], _MM_SHUFFLE(1, 0, 1, 0));
        __m512 v3 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], _MM_SHUFFLE(3, 2, 3, 2));
        r[j] = _mm512_shuffle_f32x4(v0, v2, _MM_SHUFFLE(2, 0, 2, 0));
        r[4 + j] = _mm512_shuffle_f32x4(v0, v2, _MM_SHUFFLE(3, 1, 3, 1));
        r[8 + j] = _mm512_shuffle_f32x4(v1, v3, _MM_SHUFFLE(2, 0, 2, 0));
        r[12 + j] = _mm512_shuffle_f32x4(v1, v3, _MM_SHUFFLE(3, 1, 3, 1));
    }
}

// 16 channels × 16 pixels blocks (add, transpose in registers, store), channel blocks outer so
// the reads are 16 sequential streams and every store fills a whole cache line; pixels outside
// whole blocks (and channel counts that are not a multiple of 16) take per-pixel gathers.
CK_AVX512 static void planes_to_rows_avx512(const float *planes, size_t channels, size_t pixels, const float *add,
                                            const float *bias, float *out, size_t p_begin, size_t p_end) {
    const __m512i lanes = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32((int)pixels));
    size_t blocked_end = p_begin;
    if (channels % 16 == 0) {
        blocked_end = p_begin + (p_end - p_begin) / 16 * 16;
        for (size_t c0 = 0; c0 < channels; c0 += 16) {
            for (size_t p0 = p_begin; p0 < blocked_end; p0 += 16) {
                __m512 r[16];
                for (int i = 0; i < 16; i++) {
                    size_t c = c0 + (size_t)i;
                    __m512 v = _mm512_loadu_ps(planes + c * pixels + p0);
                    __m512 e = add ? _mm512_loadu_ps(add + c * pixels + p0) : _mm512_set1_ps(bias ? bias[c] : 0.0f);
                    r[i] = _mm512_add_ps(v, e);
                }
                transpose16(r);
                for (int j = 0; j < 16; j++) _mm512_storeu_ps(out + (p0 + (size_t)j) * channels + c0, r[j]);
            }
        }
    }
    size_t full = channels / 16 * 16;
    for (size_t p = blocked_end; p < p_end; p++) {
        float *o = out + p * channels;
        size_t c = 0;
        for (; c < full; c += 16) {
            __m512 v = _mm512_i32gather_ps(lanes, planes + c * pixels + p, 4);
            __m512 e = add ? _mm512_i32gather_ps(lanes, add + c * pixels + p, 4)
                           : (bias ? _mm512_loadu_ps(bias + c) : _mm512_setzero_ps());
            _mm512_storeu_ps(o + c, _mm512_add_ps(v, e));
        }
        for (; c < channels; c++) {
            float e = add ? add[c * pixels + p] : (bias ? bias[c] : 0.0f);
            o[c] = planes[c * pixels + p] + e;
        }
    }
}

CK_AVX2 static void rows_dot_avx2(const float *x, size_t k, const float *w, size_t m, float *out, size_t ldo,
                                  size_t r_begin, size_t r_end) {
    size_t full = k / 8 * 8;
    for (size_t r = r_begin; r < r_end; r++) {
        const float *row = x + r * k;
        for (size_t j = 0; j < m; j++) {
            const float *wj = w + j * k;
            __m256 acc = _mm256_setzero_ps();
            for (size_t e = 0; e < full; e += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(row + e), _mm256_loadu_ps(wj + e), acc);
            __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
            s4 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
            s4 = _mm_add_ss(s4, _mm_movehdup_ps(s4));
            float sum = _mm_cvtss_f32(s4);
            for (size_t e = full; e < k; e++) sum += row[e] * wj[e];
            out[j * ldo + r] = sum;
        }
    }
}

CK_AVX512 static void rows_dot_avx512(const float *x, size_t k, const float *w, size_t m, float *out, size_t ldo,
                                      size_t r_begin, size_t r_end) {
    size_t full = k / 16 * 16;
    for (size_t r = r_begin; r < r_end; r++) {
        const float *row = x + r * k;
        for (size_t j = 0; j < m; j++) {
            const float *wj = w + j * k;
            __m512 acc = _mm512_setzero_ps();
            for (size_t e = 0; e < full; e += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(row + e), _mm512_loadu_ps(wj + e), acc);
            if (full < k) {
                __mmask16 mask = (__mmask16)((1u << (k - full)) - 1);
                acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, row + full), _mm512_maskz_loadu_ps(mask, wj + full), acc);
            }
            out[j * ldo + r] = _mm512_reduce_add_ps(acc);
        }
    }
}
#endif

void ck_rows_dot(const float *x, size_t k, const float *w, size_t m, float *out, size_t ldo,
                 size_t r_begin, size_t r_end, int level) {
    level = ck_simd_lowered(level);
#ifdef CK_X86
    if (level >= 2) { rows_dot_avx512(x, k, w, m, out, ldo, r_begin, r_end); return; }
    if (level == 1) { rows_dot_avx2(x, k, w, m, out, ldo, r_begin, r_end); return; }
#endif
    rows_dot_c(x, k, w, m, out, ldo, r_begin, r_end);
}

void ck_planes_to_rows(const float *planes, size_t channels, size_t pixels, const float *add, const float *bias,
                       float *out, size_t p_begin, size_t p_end, int level) {
    level = ck_simd_lowered(level);
#ifdef CK_X86
    if (level >= 2) { planes_to_rows_avx512(planes, channels, pixels, add, bias, out, p_begin, p_end); return; }
    if (level == 1) { planes_to_rows_avx2(planes, channels, pixels, add, bias, out, p_begin, p_end); return; }
#endif
    planes_to_rows_c(planes, channels, pixels, add, bias, out, p_begin, p_end);
}
