// LisaKit CKernels: layout changes of fp32 feature maps (and a row-wise dot product for the same
// decoder) — channel planes [C, P] to pixel rows
// [P, C] — fused with the elementwise add that usually comes with them (SAM's mask decoder
// adds the dense prompt, or a per-channel "no mask" embedding, while it transposes the image
// embedding). One add per element, so every level gives the same bits as the portable C.
// `level` asks for a path (0 portable C, 1 AVX2, 2 AVX-512, negative = the widest this process
// may use); it is lowered to ck_simd_level(), never raised.
#ifndef LISAKIT_CK_LAYOUT_H
#define LISAKIT_CK_LAYOUT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For pixels p in [p_begin, p_end) and channels c < channels:
/// out[p·channels + c] = planes[c·pixels + p] + (add ? add[c·pixels + p] : bias ? bias[c] : 0).
/// `channels · pixels` must be below 2^31.
void ck_planes_to_rows(const float *planes, size_t channels, size_t pixels, const float *add, const float *bias,
                       float *out, size_t p_begin, size_t p_end, int level);

/// Many short dot products: out[j·ldo + r] = Σ_e x[r·k + e] · w[j·k + e] for rows r in
/// [r_begin, r_end) and j < m (SAM's hypernetwork weights applied to every upscaled pixel: m ≤ 4
/// masks, k = 32 channels, where a GEMM would pad m to its tile and pack all of x). Sums run in
/// a different order per level (lane partial sums), so levels agree to rounding, not bits.
void ck_rows_dot(const float *x, size_t k, const float *w, size_t m, float *out, size_t ldo,
                 size_t r_begin, size_t r_end, int level);

#ifdef __cplusplus
}
#endif
#endif
