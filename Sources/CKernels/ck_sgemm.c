// SGEMM driver: cache blocking, packing and the dispatch to a level's micro-kernel
// (see include/ck_sgemm.h for the contract, ck_sgemm_kernels.c for the micro-kernels).
#include "ck_sgemm.h"
#include "ck_sgemm_internal.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#define CK_X86 1
#include <immintrin.h>
#else
#define CK_X86 0
#endif

/// 0, 1 or 2: the highest level this CPU runs (ignores LISAKIT_SIMD).
static int detect_level(void) {
#if CK_X86
    __builtin_cpu_init();
    int level = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
    if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) level = 2;
    return level;
#else
    return 0;
#endif
}

int ck_sgemm_supported(int level) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        v = detect_level();
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return level >= 1 && level <= v;
}

// ---------------------------------------------------------------------------------------------
// Per-thread packing buffer, grown on demand and freed when the thread exits. Reusing it keeps
// small products (attention heads) free of allocation and of page faults on fresh memory.

typedef struct {
    float *data;
    size_t floats;
} ck_buffer;

static pthread_key_t buffer_key;
static pthread_once_t buffer_once = PTHREAD_ONCE_INIT;

static void buffer_free(void *p) {
    ck_buffer *b = p;
    if (b) {
        free(b->data);
        free(b);
    }
}

static void buffer_key_init(void) { pthread_key_create(&buffer_key, buffer_free); }

static float *scratch(size_t floats) {
    pthread_once(&buffer_once, buffer_key_init);
    ck_buffer *b = pthread_getspecific(buffer_key);
    if (!b) {
        b = calloc(1, sizeof *b);
        if (!b) return NULL;
        if (pthread_setspecific(buffer_key, b) != 0) {
            free(b);
            return NULL;
        }
    }
    if (b->floats < floats) {
        size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
        float *p = aligned_alloc(64, bytes);
        if (!p) return NULL;
        free(b->data);
        b->data = p;
        b->floats = bytes / sizeof(float);
    }
    return b->data;
}

// ---------------------------------------------------------------------------------------------
// Packing. op(A) element (i, p) sits at a[i*rs + p*cs]; op(B) element (p, j) at b[p*rs + j*cs].

/// Rows [0, mc) × columns [0, kc) of op(A) into MR-row micro-panels: panel r holds element
/// (r·MR + i, p) at dst[r·MR·kc + p·MR + i]; rows past mc are zero.
static void pack_a(int MR, long mc, long kc, const float *a, long rs, long cs, float *dst) {
    for (long ir = 0; ir < mc; ir += MR) {
        int mr = mc - ir < MR ? (int)(mc - ir) : MR;
        const float *src = a + ir * rs;
        if (cs == 1) {
            for (int i = 0; i < mr; i++) {
                const float *row = src + i * rs;
                for (long p = 0; p < kc; p++) dst[p * MR + i] = row[p];
            }
        } else {
            for (long p = 0; p < kc; p++) {
                const float *col = src + p * cs;
                float *d = dst + p * MR;
                for (int i = 0; i < mr; i++) d[i] = col[i * rs];
            }
        }
        for (int i = mr; i < MR; i++)
            for (long p = 0; p < kc; p++) dst[p * MR + i] = 0;
        dst += (long)MR * kc;
    }
}

#if CK_X86
/// 8×8 transpose of rows r[0..7] in place.
__attribute__((target("avx2,fma"))) static inline void transpose8(__m256 r[8]) {
    __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}
#endif

/// Rows [0, kc) × columns [0, nc) of op(B) into NR-column micro-panels: panel q holds element
/// (p, q·NR + j) at dst[q·NR·kc + p·NR + j]; columns past nc are zero. Transposed storage
/// (cs ≠ 1, the `nn.Linear` weight layout) goes through 8×8 register transposes.
#if CK_X86
__attribute__((target("avx2,fma")))
#endif
static void pack_b(int NR, long nc, long kc, const float *b, long rs, long cs, float *dst) {
    for (long jr = 0; jr < nc; jr += NR) {
        int nr = nc - jr < NR ? (int)(nc - jr) : NR;
        const float *src = b + jr * cs;
        if (cs == 1) {
            for (long p = 0; p < kc; p++) {
                const float *row = src + p * rs;
                float *d = dst + p * NR;
                int j = 0;
                for (; j < nr; j++) d[j] = row[j];
                for (; j < NR; j++) d[j] = 0;
            }
        } else {
            long p = 0;
#if CK_X86
            int n8 = nr & ~7;
            for (; p + 8 <= kc; p += 8) {
                for (int j = 0; j < n8; j += 8) {
                    const float *s = src + (long)j * cs + p * rs;
                    __m256 r[8];
                    for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(s + q * cs);
                    transpose8(r);
                    for (int q = 0; q < 8; q++) _mm256_storeu_ps(dst + (p + q) * NR + j, r[q]);
                }
                for (int q = 0; q < 8; q++) {
                    float *d = dst + (p + q) * NR;
                    for (int j = n8; j < nr; j++) d[j] = src[(long)j * cs + (p + q) * rs];
                    for (int j = nr; j < NR; j++) d[j] = 0;
                }
            }
#endif
            for (; p < kc; p++) {
                float *d = dst + p * NR;
                for (int j = 0; j < nr; j++) d[j] = src[(long)j * cs + p * rs];
                for (int j = nr; j < NR; j++) d[j] = 0;
            }
        }
        dst += (long)NR * kc;
    }
}

// ---------------------------------------------------------------------------------------------
// Driver.

/// C = beta · C over m×n (beta == 0 writes zeros without reading).
static void scale_c(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0) memset(row, 0, (size_t)n * sizeof(float));
        else if (beta != 1)
            for (long j = 0; j < n; j++) row[j] *= beta;
    }
}

static long min_l(long a, long b) { return a < b ? a : b; }
static long round_up(long x, long to) { return (x + to - 1) / to * to; }

/// Half the L2 cache (per core) holds the packed KC×NB block of op(B).
static long l2_bytes(void) {
    static long cached = 0;
    long v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v == 0) {
        v = -1;
#ifdef _SC_LEVEL2_CACHE_SIZE
        long s = sysconf(_SC_LEVEL2_CACHE_SIZE);
        if (s > 0) v = s;
#endif
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

static int drive(const ck_kernel *K, int transA, int transB, long m, long n, long k, float alpha,
                 const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return 0;
    if (alpha == 0 || k <= 0) {
        scale_c(m, n, beta, c, ldc);
        return 0;
    }
    const int MR = K->mr, NR = K->nr;
    long ars = transA ? 1 : lda, acs = transA ? lda : 1;
    long brs = transB ? 1 : ldb, bcs = transB ? ldb : 1;

    // Balanced blocks: k split into equal KC-sized pieces, n into NB-wide ones.
    long kBlocks = (k + K->kc - 1) / K->kc;
    long kcMax = (k + kBlocks - 1) / kBlocks;
    long nbLimit = K->nb;
    long l2 = l2_bytes();
    if (l2 > 0) {
        long fit = l2 / 2 / (kcMax * (long)sizeof(float)) / NR * NR;
        if (fit >= NR) nbLimit = min_l(fit, K->nbMax);
    }
    long nBlocks = (n + nbLimit - 1) / nbLimit;
    long nbMax = round_up((n + nBlocks - 1) / nBlocks, NR);
    long mbMax = round_up(min_l(m, K->mb), MR);

    long aFloats = round_up(mbMax * kcMax, 16);
    float *ap = scratch((size_t)(aFloats + nbMax * kcMax));
    if (!ap) return -1;
    float *bp = ap + aFloats;

    for (long pc = 0; pc < k; pc += kcMax) {
        long kc = min_l(kcMax, k - pc);
        float betaK = pc == 0 ? beta : 1.0f;
        for (long ic = 0; ic < m; ic += mbMax) {
            long mc = min_l(mbMax, m - ic);
            pack_a(MR, mc, kc, a + ic * ars + pc * acs, ars, acs, ap);
            for (long jc = 0; jc < n; jc += nbMax) {
                long nc = min_l(nbMax, n - jc);
                pack_b(NR, nc, kc, b + pc * brs + jc * bcs, brs, bcs, bp);
                for (long ir = 0; ir < mc; ir += MR) {
                    int mr = (int)min_l(MR, mc - ir);
                    const float *aPanel = ap + ir * kc;
                    float *cRow = c + (ic + ir) * ldc + jc;
                    for (long jr = 0; jr < nc; jr += NR) {
                        int nr = (int)min_l(NR, nc - jr);
                        K->kernel(kc, aPanel, bp + jr * kc, cRow + jr, ldc, mr, nr, alpha, betaK);
                    }
                }
            }
        }
    }
    return 0;
}

int ck_sgemm(int level, int transA, int transB, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m < 0 || n < 0 || k < 0) return -1;
    const ck_kernel *K = NULL;
    if (level == 2 && ck_sgemm_supported(2)) K = &ck_sgemm_avx512;
    else if (level == 1 && ck_sgemm_supported(1)) K = &ck_sgemm_avx2;
    if (!K) return -1;
    return drive(K, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
