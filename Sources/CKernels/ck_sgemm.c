// SGEMM driver: cache blocking, packing and the dispatch to a level's micro-kernel
// (see include/ck_sgemm.h for the contract, ck_sgemm_kernels.c for the micro-kernels).
#include "ck_sgemm.h"
#include "ck_cpu.h"
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

int ck_sgemm_supported(int level) { return level >= 1 && level <= ck_cpu_level(); }

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

/// Rows [0, mc) × columns [0, kc) of op(A) into MR-row micro-panels: panel r holds element
/// (r·MR + i, p) at dst[r·MR·kc + p·MR + i]; rows past mc are zero. Row-major storage (cs = 1,
/// the attention scores of S·V) goes through 8×8 register transposes of up to 8 rows at a time
/// (12 = 8 + 4 rows for AVX-512, 6 for AVX2), so each source row is read 8 floats at a time and
/// each k step's MR values are written together.
#if CK_X86
__attribute__((target("avx2,fma"), always_inline))
#endif
static inline void pack_a_tile(const int MR, long mc, long kc, const float *a, long rs, long cs, float *dst) {
    for (long ir = 0; ir < mc; ir += MR) {
        int mr = mc - ir < MR ? (int)(mc - ir) : MR;
        const float *src = a + ir * rs;
        if (cs == 1) {
            long p = 0;
#if CK_X86
            for (; p + 8 <= kc; p += 8) {
                for (int i0 = 0; i0 < MR; i0 += 8) {
                    const int w = MR - i0 < 8 ? MR - i0 : 8;
                    __m256 r[8];
                    if (i0 + 8 <= mr) {
                        for (int q = 0; q < 8; q++) r[q] = _mm256_loadu_ps(src + (long)(i0 + q) * rs + p);
                    } else {
                        for (int q = 0; q < 8; q++)
                            r[q] = i0 + q < mr ? _mm256_loadu_ps(src + (long)(i0 + q) * rs + p) : _mm256_setzero_ps();
                    }
                    transpose8(r);
                    float *d = dst + p * MR + i0;
                    if (w == 8) {
                        for (int q = 0; q < 8; q++) _mm256_storeu_ps(d + q * MR, r[q]);
                    } else if (w == 4) {
                        for (int q = 0; q < 8; q++) _mm_storeu_ps(d + q * MR, _mm256_castps256_ps128(r[q]));
                    } else {
                        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(w), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
                        for (int q = 0; q < 8; q++) _mm256_maskstore_ps(d + q * MR, mask, r[q]);
                    }
                }
            }
#endif
            for (; p < kc; p++) {
                float *d = dst + p * MR;
                for (int i = 0; i < mr; i++) d[i] = src[(long)i * rs + p];
                for (int i = mr; i < MR; i++) d[i] = 0;
            }
        } else {
            for (long p = 0; p < kc; p++) {
                const float *col = src + p * cs;
                float *d = dst + p * MR;
                for (int i = 0; i < mr; i++) d[i] = col[(long)i * rs];
                for (int i = mr; i < MR; i++) d[i] = 0;
            }
        }
        dst += (long)MR * kc;
    }
}

/// pack_a with the register tile's MR as a constant (the 12- and 6-row tiles unroll fully).
#if CK_X86
__attribute__((target("avx2,fma")))
#endif
static void pack_a(int MR, long mc, long kc, const float *a, long rs, long cs, float *dst) {
    if (MR == 12) pack_a_tile(12, mc, kc, a, rs, cs, dst);
    else if (MR == 6) pack_a_tile(6, mc, kc, a, rs, cs, dst);
    else pack_a_tile(MR, mc, kc, a, rs, cs, dst);
}

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

/// The K blocking: k split into equal pieces of at most K->kc. A pure function of k, so a B
/// packed once (ck_sgemm_pack_b) matches every later product over the same k.
static long kc_block(const ck_kernel *K, long k) {
    long kBlocks = (k + K->kc - 1) / K->kc;
    return (k + kBlocks - 1) / kBlocks;
}

/// Columns of a packed block of op(B) that fill half the L2 with kc rows (NR multiple).
static long nb_block(const ck_kernel *K, long n, long kcMax) {
    long nbLimit = K->nb;
    long l2 = l2_bytes();
    if (l2 > 0) {
        long fit = l2 / 2 / (kcMax * (long)sizeof(float)) / K->nr * K->nr;
        if (fit >= K->nr) nbLimit = min_l(fit, K->nbMax);
    }
    long nBlocks = (n + nbLimit - 1) / nbLimit;
    return round_up((n + nBlocks - 1) / nBlocks, K->nr);
}

/// C[mc×nc] = alpha · Ap · Bk + betaK · C over packed panels: Ap holds mc rows of A in
/// MR-row panels, Bk nc columns of B in NR-column panels, both kc deep.
static void panel_loops(const ck_kernel *K, long mc, long nc, long kc, float alpha, const float *ap,
                        const float *bk, float betaK, float *c, long ldc) {
    const int MR = K->mr, NR = K->nr;
    for (long ir = 0; ir < mc; ir += MR) {
        int mr = (int)min_l(MR, mc - ir);
        const float *aPanel = ap + ir * kc;
        float *cRow = c + ir * ldc;
        for (long jr = 0; jr < nc; jr += NR) {
            int nr = (int)min_l(NR, nc - jr);
            K->kernel(kc, aPanel, bk + jr * kc, cRow + jr, ldc, mr, nr, alpha, betaK);
        }
    }
}

/// Products with at most this many column panels read a row-major A in place (the level's
/// direct kernel) instead of packing it: each element of A then feeds only 2 FMAs per panel, and
/// packing (an 8×8 transpose per 64 values) would cost up to a quarter of the product
/// (measured: S·V of attention, 192×64×4096, 121 → 152 GFLOP/s on one AVX-512 core).
#define CK_DIRECT_PANELS 4

static int use_direct(const ck_kernel *K, long acs, long n) {
    return acs == 1 && K->direct && n <= CK_DIRECT_PANELS * (long)K->nr;
}

/// panel_loops with A read in place: rows of stride ars from `a` (already at the K block).
static void direct_loops(const ck_kernel *K, long m, long nc, long kc, float alpha, const float *a, long ars,
                         const float *bk, float betaK, float *c, long ldc) {
    const int MR = K->mr, NR = K->nr;
    for (long ir = 0; ir < m; ir += MR) {
        int mr = (int)min_l(MR, m - ir);
        for (long jr = 0; jr < nc; jr += NR) {
            int nr = (int)min_l(NR, nc - jr);
            K->direct(kc, a + ir * ars, ars, bk + jr * kc, c + ir * ldc + jr, ldc, mr, nr, alpha, betaK);
        }
    }
}

/// One K block: C[m×nc] = alpha · op(A)[:, block] · Bk + betaK · C, with Bk the kc×nc block of
/// op(B) already packed in NR-column panels (panel q at bk + q·NR·kc). A is packed MB×KC at a
/// time into `ap`; the inner loops walk NB-column (L2-sized) stretches of Bk.
static void block_product(const ck_kernel *K, long m, long nc, long kc, float alpha, const float *a,
                          long ars, long acs, const float *bk, float betaK, float *c, long ldc,
                          long mbMax, long nbMax, float *ap) {
    if (use_direct(K, acs, nc)) {
        direct_loops(K, m, nc, kc, alpha, a, ars, bk, betaK, c, ldc);
        return;
    }
    for (long ic = 0; ic < m; ic += mbMax) {
        long mc = min_l(mbMax, m - ic);
        pack_a(K->mr, mc, kc, a + ic * ars, ars, acs, ap);
        for (long jc = 0; jc < nc; jc += nbMax)
            panel_loops(K, mc, min_l(nbMax, nc - jc), kc, alpha, ap, bk + jc * kc, betaK, c + ic * ldc + jc, ldc);
    }
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

    long kcMax = kc_block(K, k);
    long nbMax = nb_block(K, n, kcMax);
    long mbMax = round_up(min_l(m, K->mb), MR);
    long aFloats = round_up(mbMax * kcMax, 16);

    if (m <= mbMax) {
        // One block of A rows: B is packed once anyway, an L2-sized block at a time.
        float *ap = scratch((size_t)(aFloats + nbMax * kcMax));
        if (!ap) return -1;
        float *bp = ap + aFloats;
        int direct = use_direct(K, acs, n);
        for (long pc = 0; pc < k; pc += kcMax) {
            long kc = min_l(kcMax, k - pc);
            float betaK = pc == 0 ? beta : 1.0f;
            if (!direct) pack_a(MR, m, kc, a + pc * acs, ars, acs, ap);
            for (long jc = 0; jc < n; jc += nbMax) {
                long nc = min_l(nbMax, n - jc);
                pack_b(NR, nc, kc, b + pc * brs + jc * bcs, brs, bcs, bp);
                if (direct) direct_loops(K, m, nc, kc, alpha, a + pc * acs, ars, bp, betaK, c + jc, ldc);
                else panel_loops(K, m, nc, kc, alpha, ap, bp, betaK, c + jc, ldc);
            }
        }
        return 0;
    }
    // Several blocks of A rows: each K block of B is packed whole once, then shared by all of them.
    long bFloats = round_up(n, NR) * kcMax;
    float *ap = scratch((size_t)(aFloats + bFloats));
    if (!ap) return -1;
    float *bp = ap + aFloats;
    for (long pc = 0; pc < k; pc += kcMax) {
        long kc = min_l(kcMax, k - pc);
        float betaK = pc == 0 ? beta : 1.0f;
        pack_b(NR, n, kc, b + pc * brs, brs, bcs, bp);
        block_product(K, m, n, kc, alpha, a + pc * acs, ars, acs, bp, betaK, c, ldc, mbMax, nbMax, ap);
    }
    return 0;
}

static const ck_kernel *kernel_of(int level) {
    if (level == 2 && ck_sgemm_supported(2)) return &ck_sgemm_avx512;
    if (level == 1 && ck_sgemm_supported(1)) return &ck_sgemm_avx2;
    return NULL;
}

int ck_sgemm(int level, int transA, int transB, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (m < 0 || n < 0 || k < 0) return -1;
    const ck_kernel *K = kernel_of(level);
    if (!K) return -1;
    return drive(K, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// ---------------------------------------------------------------------------------------------
// Prepacked op(B): for each K block (kc_block, in order), all ⌈n/NR⌉ NR-column panels of that
// block; the block starting at row pc begins at panels·NR·pc.

int ck_sgemm_panel_width(int level) {
    const ck_kernel *K = kernel_of(level);
    return K ? K->nr : 0;
}

long ck_sgemm_packed_size(int level, long k, long n) {
    const ck_kernel *K = kernel_of(level);
    if (!K || k < 0 || n < 0) return -1;
    return round_up(n, K->nr) * k;
}

int ck_sgemm_pack_b(int level, int transB, long k, long n, long j0, long nc, const float *b, long ldb, float *dst) {
    const ck_kernel *K = kernel_of(level);
    if (!K || k < 0 || n < 0 || j0 < 0 || nc < 0 || j0 + nc > n || j0 % K->nr != 0) return -1;
    if (k == 0 || nc == 0) return 0;
    const int NR = K->nr;
    long brs = transB ? 1 : ldb, bcs = transB ? ldb : 1;
    long panels = round_up(n, NR) / NR;
    long kcMax = kc_block(K, k);
    for (long pc = 0; pc < k; pc += kcMax) {
        long kc = min_l(kcMax, k - pc);
        pack_b(NR, nc, kc, b + pc * brs + j0 * bcs, brs, bcs, dst + panels * NR * pc + j0 * kc);
    }
    return 0;
}

int ck_sgemm_packed(int level, int transA, long m, long nc, long k, float alpha, const float *a, long lda,
                    const float *bp, long n, long j0, float beta, float *c, long ldc) {
    const ck_kernel *K = kernel_of(level);
    if (!K || m < 0 || nc < 0 || k < 0 || n < 0 || j0 < 0 || j0 + nc > n || j0 % K->nr != 0) return -1;
    if (m == 0 || nc == 0) return 0;
    if (alpha == 0 || k == 0) {
        scale_c(m, nc, beta, c, ldc);
        return 0;
    }
    const int MR = K->mr, NR = K->nr;
    long ars = transA ? 1 : lda, acs = transA ? lda : 1;
    long panels = round_up(n, NR) / NR;
    long kcMax = kc_block(K, k);
    long nbMax = nb_block(K, nc, kcMax);
    long mbMax = round_up(min_l(m, K->mb), MR);
    float *ap = scratch((size_t)round_up(mbMax * kcMax, 16));
    if (!ap) return -1;
    for (long pc = 0; pc < k; pc += kcMax) {
        long kc = min_l(kcMax, k - pc);
        float betaK = pc == 0 ? beta : 1.0f;
        const float *bk = bp + panels * NR * pc + j0 * kc;
        block_product(K, m, nc, kc, alpha, a + pc * acs, ars, acs, bk, betaK, c, ldc, mbMax, nbMax, ap);
    }
    return 0;
}

int ck_sgemm_packed_column(int level, long k, long n, const float *bp, long j, float *dst) {
    const ck_kernel *K = kernel_of(level);
    if (!K || k < 0 || n < 0 || j < 0 || j >= n) return -1;
    if (k == 0) return 0;
    const int NR = K->nr;
    long panels = round_up(n, NR) / NR;
    long kcMax = kc_block(K, k);
    for (long pc = 0; pc < k; pc += kcMax) {
        long kc = min_l(kcMax, k - pc);
        const float *src = bp + panels * NR * pc + (j / NR) * NR * kc + j % NR;
        for (long p = 0; p < kc; p++) dst[pc + p] = src[p * NR];
    }
    return 0;
}
