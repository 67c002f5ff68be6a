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
// with masked stores. Each K block of op(B) is packed once per call (once per load with
// ck_sgemm_pack_b / ck_sgemm_packed, for weights and attention heads); products with at most 4
// column panels and a row-major A read A in place (direct kernels) instead of packing it.
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

/// Columns per micro-panel (NR) of `level`'s packed op(B), 0 when the level is unknown or this
/// CPU lacks it. Column ranges of a packed B start at multiples of it.
int ck_sgemm_panel_width(int level);

/// Floats needed for op(B) (k×n) packed for `level` (64-byte aligned storage), -1 when the level
/// is unknown or unsupported. Layout: for each K block of k (balanced pieces of at most the
/// level's KC, a function of k alone), all ⌈n/NR⌉ NR-column panels, zero-padded past n; so a
/// packed B serves any number of rows of A and any column range starting at an NR multiple.
long ck_sgemm_packed_size(int level, long k, long n);

/// Packs columns [j0, j0 + nc) of op(B) (k×n; B stored k×n, or n×k when transB) into `dst`
/// laid out for all n columns (ck_sgemm_packed_size floats, 64-byte aligned); disjoint column
/// ranges can be packed by different threads. j0 must be a multiple of the panel width.
/// Returns 0, or -1 on an unknown level or a bad range.
int ck_sgemm_pack_b(int level, int transB, long k, long n, long j0, long nc, const float *b, long ldb,
                    float *dst);

/// C[m×nc] = alpha · op(A) · op(B)[:, j0 ..< j0 + nc] + beta · C with op(B) (k×n) packed by
/// ck_sgemm_pack_b at the same level; `c` points at the first element of the m×nc result.
/// j0 must be a multiple of the panel width. Same alpha/beta rules as ck_sgemm. Returns 0, or
/// -1 (C untouched) on an unknown level, a bad range, or when the A buffer cannot be allocated.
int ck_sgemm_packed(int level, int transA, long m, long nc, long k, float alpha, const float *a, long lda,
                    const float *bp, long n, long j0, float beta, float *c, long ldc);

/// Writes column j of a packed op(B) (k×n, ck_sgemm_pack_b at `level`) to dst[0..<k]: one
/// row of an `nn.Linear` weight back from its packed form (tied embedding tables).
/// Returns 0, or -1 on an unknown level or j outside [0, n).
int ck_sgemm_packed_column(int level, long k, long n, const float *bp, long j, float *dst);

#ifdef __cplusplus
}
#endif
#endif
