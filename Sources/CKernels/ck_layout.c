// Planes → rows with a fused add (see include/ck_layout.h).
#include "ck_layout.h"
#include "ck_cpu.h"
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_X86 1
#endif

#pragma STDC FP_CONTRACT OFF

static int layout_level(int level) {
    int top = ck_simd_level();
    return (level < 0 || level > top) ? top : level;
}

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

CK_AVX512 static void planes_to_rows_avx512(const float *planes, size_t channels, size_t pixels, const float *add,
                                            const float *bias, float *out, size_t p_begin, size_t p_end) {
    const __m512i lanes = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32((int)pixels));
    size_t full = channels / 16 * 16;
    for (size_t p = p_begin; p < p_end; p++) {
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
#endif

void ck_planes_to_rows(const float *planes, size_t channels, size_t pixels, const float *add, const float *bias,
                       float *out, size_t p_begin, size_t p_end, int level) {
    level = layout_level(level);
#ifdef CK_X86
    if (level >= 2) { planes_to_rows_avx512(planes, channels, pixels, add, bias, out, p_begin, p_end); return; }
    if (level == 1) { planes_to_rows_avx2(planes, channels, pixels, add, bias, out, p_begin, p_end); return; }
#endif
    planes_to_rows_c(planes, channels, pixels, add, bias, out, p_begin, p_end);
}
