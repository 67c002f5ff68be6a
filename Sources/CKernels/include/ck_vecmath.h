// LisaKit CKernels: element-wise kernels of the transformer layers — row softmax (plain and with
// SAM's decomposed relative positions added first), GELU (erf and tanh forms), SiLU, and layer
// normalization over rows or over the channels of a channels-first map.
//
// The arithmetic follows the Swift portable code in Sources/Model/Kernels (FastMath.exp's range
// reduction and degree-6 polynomial, FastMath.erf's rational fit, two-pass mean and biased
// variance), computed 16 (AVX-512) or 8 (AVX2+FMA) lanes at a time with fused multiply-adds, so
// results agree with the Swift code up to rounding and summation order.
//
// Every function takes the SIMD `level` it should run (1 = AVX2+FMA, 2 = AVX-512; negative = the
// widest this process may use), lowers it to ck_simd_level() (so LISAKIT_SIMD caps it), and
// returns the level it ran: 0 means it did nothing and the caller runs its portable code.
// Single-threaded: callers split rows or pixels over cores.
#ifndef LISAKIT_CK_VECMATH_H
#define LISAKIT_CK_VECMATH_H

#ifdef __cplusplus
extern "C" {
#endif

/// Softmax in place of `rows` contiguous rows of `cols` floats: max, exp(x - max), sum, scale.
/// A row whose entries are all -inf becomes zeros.
int ck_softmax_rows(int level, float *x, long rows, long cols);

/// SAM's grid-attention scores: for each of `rows` query rows of height·width keys (contiguous,
/// row r at scores + r·height·width), adds rel_h[r·height + kh] + rel_w[r·width + kw] to key
/// (kh, kw) = element kh·width + kw, then takes the softmax of the row as ck_softmax_rows does.
int ck_softmax_relpos_rows(int level, float *scores, long rows, const float *rel_h, const float *rel_w,
                           long height, long width);

/// x = 0.5·x·(1 + erf(x/√2)) in place (GELU, exact erf form).
int ck_gelu_erf(int level, float *x, long n);

/// x = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) in place (GELU, tanh approximation).
int ck_gelu_tanh(int level, float *x, long n);

/// x = x / (1 + e^-x) in place (SiLU).
int ck_silu(int level, float *x, long n);

/// out[r] = (x[r] - mean) / sqrt(var + eps) · gamma + beta for `rows` contiguous rows of `cols`
/// floats (biased variance, two passes). `beta` may be NULL (no shift); `out` may equal `x`.
int ck_layernorm_rows(int level, const float *x, long rows, long cols, const float *gamma, const float *beta,
                      float eps, float *out);

/// Layer norm across channels, in place, for `pixels` pixels of a channels-first map whose
/// channel planes are `stride` floats apart (x points at the first pixel of the range in plane
/// 0): per pixel, mean and biased variance over the `channels` values, then per-channel
/// gamma/beta (SAM's LayerNorm2d).
int ck_layernorm_channels(int level, float *x, long channels, long pixels, long stride, const float *gamma,
                          const float *beta, float eps);

#ifdef __cplusplus
}
#endif
#endif
