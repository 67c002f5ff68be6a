// Shared between the SGEMM driver (ck_sgemm.c) and its micro-kernels (ck_sgemm_kernels.c).
#ifndef LISAKIT_CK_SGEMM_INTERNAL_H
#define LISAKIT_CK_SGEMM_INTERNAL_H

/// C[mr×nr] (row stride ldc) = alpha · Σ_p Ap[p·MR + i] · Bp[p·NR + j] + beta · C over kc
/// steps of packed, zero-padded micro-panels (Bp 64-byte aligned); beta == 0 never reads C.
typedef void (*ck_micro_kernel)(long kc, const float *ap, const float *bp, float *c, long ldc,
                                int mr, int nr, float alpha, float beta);

/// The same tile with A read in place (row-major, row stride lda) instead of from a packed
/// panel: rows at or past mr are never stored (their loads repeat row mr − 1).
typedef void (*ck_direct_kernel)(long kc, const float *a, long lda, const float *bp, float *c, long ldc,
                                 int mr, int nr, float alpha, float beta);

/// A level's register tile and cache blocks.
typedef struct {
    int mr, nr;      // register tile: rows of A × columns of B
    long kc;         // K block: an MR×KC panel of A stays in L1
    long nb;         // columns of the packed KC×NB block of op(B) when the L2 size is unknown
    long nbMax;      // upper bound when it is known (the block takes half of L2)
    long mb;         // rows of the packed MB×KC block of op(A) (L3)
    ck_micro_kernel kernel;
    ck_direct_kernel direct;  // for products with few column panels, where packing A cannot pay off
} ck_kernel;

extern const ck_kernel ck_sgemm_avx2;
extern const ck_kernel ck_sgemm_avx512;

#endif
