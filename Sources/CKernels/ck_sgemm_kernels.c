// SGEMM micro-kernels: one MR×NR tile of C from packed panels (or, for the direct kernels, from
// A in place and a packed panel of B), broadcast-FMA in registers.
// Each is compiled for its instruction set with __attribute__((target)); the driver calls one
// only after checking the CPU (ck_sgemm_supported).
#include "ck_sgemm_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))

// Pieces shared by the packed and direct kernels of a level: C prefetch, the accumulators, one
// k step's FMAs for a row given its A element, and the alpha/beta write-back with lane masks for
// partial tiles (beta == 0 never reads C). Each kernel differs only in how it reads A.

#define PREFETCH_C(second)                                                                  \
    for (int i = 0; i < mr; i++) {                                                          \
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);                             \
        _mm_prefetch((const char *)(c + i * ldc + (second)), _MM_HINT_T0);                  \
    }

// --- AVX-512: 12 rows × 32 columns (24 zmm accumulators, 2 vector loads + 12 broadcasts
// per k step for 24 FMAs, so the two FMA ports stay the bottleneck).

#define ACC512(i) __m512 c##i##_0 = _mm512_setzero_ps(), c##i##_1 = _mm512_setzero_ps();
#define ACC512_TILE ACC512(0) ACC512(1) ACC512(2) ACC512(3) ACC512(4) ACC512(5) \
                    ACC512(6) ACC512(7) ACC512(8) ACC512(9) ACC512(10) ACC512(11)
#define FMA512(i, element)                                 \
    t = _mm512_set1_ps(element);                           \
    c##i##_0 = _mm512_fmadd_ps(t, b0, c##i##_0);           \
    c##i##_1 = _mm512_fmadd_ps(t, b1, c##i##_1);
#define STORE512(i)                                                                \
    if (i < mr) {                                                                  \
        float *r = c + (long)(i) * ldc;                                            \
        __m512 x0 = _mm512_mul_ps(va, c##i##_0), x1 = _mm512_mul_ps(va, c##i##_1); \
        if (beta != 0) {                                                           \
            x0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k0, r), x0);            \
            x1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k1, r + 16), x1);       \
        }                                                                          \
        _mm512_mask_storeu_ps(r, k0, x0);                                          \
        _mm512_mask_storeu_ps(r + 16, k1, x1);                                     \
    }
#define STORE512_TILE                                                                                          \
    {                                                                                                          \
        const __mmask16 k0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);                        \
        const __mmask16 k1 = nr >= 32 ? (__mmask16)0xFFFF : nr <= 16 ? (__mmask16)0 : (__mmask16)((1u << (nr - 16)) - 1); \
        const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);                                    \
        STORE512(0) STORE512(1) STORE512(2) STORE512(3) STORE512(4) STORE512(5)                                \
        STORE512(6) STORE512(7) STORE512(8) STORE512(9) STORE512(10) STORE512(11)                              \
    }

TARGET_AVX512
static void kernel_12x32(long kc, const float *restrict a, const float *restrict b, float *restrict c,
                         long ldc, int mr, int nr, float alpha, float beta) {
    PREFETCH_C(16)
    ACC512_TILE
#define ROW(i) FMA512(i, a[i])
#pragma clang loop unroll_count(4)
    for (long p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16), t;
        ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7) ROW(8) ROW(9) ROW(10) ROW(11)
        a += 12;
        b += 32;
    }
#undef ROW
    STORE512_TILE
}

// The 12×32 tile with A read in place: row i at a + i·lda (rows past mr repeat row mr − 1, so
// every load stays inside A; their accumulators are never stored). Used where B has only a
// few column panels (attention's S·V: 64 columns), so each element of A feeds only a few FMAs
// and packing it would cost a quarter of the product.
TARGET_AVX512
static void kernel_12x32_direct(long kc, const float *restrict a, long lda, const float *restrict b,
                                float *restrict c, long ldc, int mr, int nr, float alpha, float beta) {
    PREFETCH_C(16)
#define RP(i) const float *restrict a##i = a + (long)((i) < mr ? (i) : mr - 1) * lda;
    RP(0) RP(1) RP(2) RP(3) RP(4) RP(5) RP(6) RP(7) RP(8) RP(9) RP(10) RP(11)
#undef RP
    ACC512_TILE
#define ROW(i) FMA512(i, a##i[p])
#pragma clang loop unroll_count(4)
    for (long p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16), t;
        ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7) ROW(8) ROW(9) ROW(10) ROW(11)
        b += 32;
    }
#undef ROW
    STORE512_TILE
}

// --- AVX2 + FMA: 6 rows × 16 columns (12 ymm accumulators, 2 loads + 6 broadcasts per step).

#define ACC256_TILE                                                                       \
    __m256 c0_0 = _mm256_setzero_ps(), c0_1 = _mm256_setzero_ps(), c1_0 = _mm256_setzero_ps(), \
           c1_1 = _mm256_setzero_ps(), c2_0 = _mm256_setzero_ps(), c2_1 = _mm256_setzero_ps(), \
           c3_0 = _mm256_setzero_ps(), c3_1 = _mm256_setzero_ps(), c4_0 = _mm256_setzero_ps(), \
           c4_1 = _mm256_setzero_ps(), c5_0 = _mm256_setzero_ps(), c5_1 = _mm256_setzero_ps();
#define FMA256(i, address)                                 \
    t = _mm256_broadcast_ss(address);                      \
    c##i##_0 = _mm256_fmadd_ps(t, b0, c##i##_0);           \
    c##i##_1 = _mm256_fmadd_ps(t, b1, c##i##_1);
// Full width: plain loads and stores; partial width: lane masks (maskload reads nothing from
// masked-off lanes).
#define STORE256(i, LOAD0, LOAD1, STORE0, STORE1)                                  \
    if (i < mr) {                                                                  \
        float *r = c + (long)(i) * ldc;                                            \
        __m256 x0 = _mm256_mul_ps(va, c##i##_0), x1 = _mm256_mul_ps(va, c##i##_1); \
        if (beta != 0) {                                                           \
            x0 = _mm256_fmadd_ps(vb, LOAD0, x0);                                   \
            x1 = _mm256_fmadd_ps(vb, LOAD1, x1);                                   \
        }                                                                          \
        STORE0;                                                                    \
        STORE1;                                                                    \
    }
#define FULL(i) STORE256(i, _mm256_loadu_ps(r), _mm256_loadu_ps(r + 8), _mm256_storeu_ps(r, x0), _mm256_storeu_ps(r + 8, x1))
#define PART(i) STORE256(i, _mm256_maskload_ps(r, m0), _mm256_maskload_ps(r + 8, m1), \
                         _mm256_maskstore_ps(r, m0, x0), _mm256_maskstore_ps(r + 8, m1, x1))
#define STORE256_TILE                                                                 \
    {                                                                                 \
        const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);           \
        if (nr == 16) {                                                               \
            FULL(0) FULL(1) FULL(2) FULL(3) FULL(4) FULL(5)                           \
        } else {                                                                      \
            const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);          \
            const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr), lanes);      \
            const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(nr - 8), lanes);  \
            PART(0) PART(1) PART(2) PART(3) PART(4) PART(5)                           \
        }                                                                             \
    }

TARGET_AVX2
static void kernel_6x16(long kc, const float *restrict a, const float *restrict b, float *restrict c,
                        long ldc, int mr, int nr, float alpha, float beta) {
    PREFETCH_C(8)
    ACC256_TILE
#define ROW(i) FMA256(i, a + i)
#pragma clang loop unroll_count(4)
    for (long p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8), t;
        ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
        a += 6;
        b += 16;
    }
#undef ROW
    STORE256_TILE
}

// The 6×16 tile with A read in place (see kernel_12x32_direct).
TARGET_AVX2
static void kernel_6x16_direct(long kc, const float *restrict a, long lda, const float *restrict b,
                               float *restrict c, long ldc, int mr, int nr, float alpha, float beta) {
    PREFETCH_C(8)
#define RP(i) const float *restrict a##i = a + (long)((i) < mr ? (i) : mr - 1) * lda;
    RP(0) RP(1) RP(2) RP(3) RP(4) RP(5)
#undef RP
    ACC256_TILE
#define ROW(i) FMA256(i, a##i + p)
#pragma clang loop unroll_count(4)
    for (long p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8), t;
        ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
        b += 16;
    }
#undef ROW
    STORE256_TILE
}

// Blocks: KC = 384 keeps a 12×384 panel of A (18 KiB) in a 32–48 KiB L1 while 32-wide panels of
// B stream from L2; the KC×NB block of B takes half the L2 (measured at run time; nb is the
// fallback). AVX2 parts have smaller L1/L2 (Haswell: 32 KiB / 256 KiB): KC = 256.
const ck_kernel ck_sgemm_avx512 = {12, 32, 384, 320, 1536, 3072, kernel_12x32, kernel_12x32_direct};
const ck_kernel ck_sgemm_avx2 = {6, 16, 256, 160, 1536, 3072, kernel_6x16, kernel_6x16_direct};

#else
const ck_kernel ck_sgemm_avx512 = {1, 1, 1, 1, 1, 1, 0, 0};
const ck_kernel ck_sgemm_avx2 = {1, 1, 1, 1, 1, 1, 0, 0};
#endif
