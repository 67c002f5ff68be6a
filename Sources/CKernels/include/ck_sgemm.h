// LisaKit CKernels: single-precision matrix products (SGEMM) for x86 with AVX2+FMA or AVX-512.
//
// Row-major, BLAS semantics: C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k
// (A stored m×k, or k×m when transA) and op(B) is k×n (B stored k×n, or n×k when transB).
// beta == 0 never reads C (NaN or garbage in C does not reach the result); alpha == 0 or
// k == 0 never reads A or B. Single-threaded: callers split the product over cores.
//
// Structure after GotoBLAS/BLIS: op(A) and op(B) are packed into cache-blocked panels
// (micro-panels of MR rows of A and NR columns of B, K blocked to KC), and a register-blocked
// micro-kernel computes an MR×NR tile of C with broadcast-FMA: 12×32 with zmm registers for
// AVX-512, 6×16 with ymm for AVX2+FMA. Edges are zero-padded in the panels and written back
// with masked stores.
#ifndef LISAKIT_CK_SGEMM_H
#define LISAKIT_CK_SGEMM_H

#ifdef __cplusplus
extern "C" {
#endif

/// Whether this CPU can run `level` (1 = AVX2+FMA, 2 = AVX-512 F/BW/VL/DQ) of ck_sgemm,
/// regardless of the LISAKIT_SIMD cap (tests use it to cover each level in one process).
int ck_sgemm_supported(int level);

/// The product above with the kernel of `level` (1 or 2). Returns 0, or -1 (C untouched)
/// when the level is unknown or this CPU lacks it. Sizes must be ≥ 0 and leading dimensions
/// at least the stored row lengths (≥ 1).
int ck_sgemm(int level, int transA, int transB, long m, long n, long k, float alpha,
             const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

#ifdef __cplusplus
}
#endif
#endif
