// LisaKit CKernels: GGUF tensor types (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q6_K) —
// dequantization to fp32 and matrix–vector / matrix–matrix products that read the quantized
// blocks directly. Block layouts follow ggml (see Sources/Model/GGUF/GGUFTensorType.swift).
// Every product has a portable C path, an AVX2+FMA+F16C path and an AVX-512 path, chosen at
// run time: `level` asks for one (0 baseline, 1 AVX2, 2 AVX-512, negative = the widest this
// process may use); it is lowered to ck_simd_level(), never raised.
#ifndef LISAKIT_CK_QUANT_H
#define LISAKIT_CK_QUANT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ggml type codes handled here.
enum {
    CK_QUANT_F32 = 0, CK_QUANT_F16 = 1, CK_QUANT_Q4_0 = 2, CK_QUANT_Q4_1 = 3,
    CK_QUANT_Q8_0 = 8, CK_QUANT_Q4_K = 12, CK_QUANT_Q6_K = 14, CK_QUANT_BF16 = 30
};

/// 1 when `type` is one of the codes above.
int ck_quant_supported(int type);

/// Elements per block of `type` (1, 32 or 256), 0 when unsupported.
int ck_quant_block_size(int type);

/// Writes the `n` values (a multiple of the block size) stored at `src` as fp32 to `dst`.
/// Scalar code with the arithmetic order of the reference (gguf-py `quants.dequantize`), so
/// results are bit-identical to it.
void ck_quant_dequantize(int type, const void *src, float *dst, size_t n);

/// Matrix–vector product over rows [row_begin, row_end) of a weight stored row by row
/// (`row_bytes` apart, `k` elements each): y[r] = Σ_j W[r][j]·x[j].
void ck_quant_matvec(int type, const void *w, size_t row_bytes, size_t k, const float *x,
                     float *y, size_t row_begin, size_t row_end, int level);

/// Matrix–matrix product for `rows` activation rows (x is rows×k, row-major) over weight rows
/// [row_begin, row_end): y[i·ldy + r] = Σ_j W[r][j]·x[i·k + j]. Each weight row is
/// dequantized once into `scratch` (k floats) and multiplied with every activation row.
void ck_quant_matmul(int type, const void *w, size_t row_bytes, size_t k, const float *x,
                     size_t rows, float *y, size_t ldy, size_t row_begin, size_t row_end,
                     float *scratch, int level);

#ifdef __cplusplus
}
#endif
#endif
