// LisaKit CKernels: the two passes of a separable bilinear resize of fp32 planes (PyTorch
// `F.interpolate(mode="bilinear")` arithmetic: per output pixel
//   top = s[y0][x0]·wx0 + s[y0][x1]·wx1,  bottom = s[y1][x0]·wx0 + s[y1][x1]·wx1,
//   out = top·wy0 + bottom·wy1,
// each product and sum rounded on its own, no fused multiply-adds), used by SAM's mask
// postprocessing. The horizontal pass computes `top`/`bottom` once per source row instead of
// once per output row; the vertical pass blends two such rows, optionally thresholding (> 0)
// straight to bytes. Results are bit-identical at every level.
// `level` asks for a path (0 portable C, 1 AVX2, 2 AVX-512, negative = the widest this process
// may use); it is lowered to ck_simd_level(), never raised.
#ifndef LISAKIT_CK_RESIZE_H
#define LISAKIT_CK_RESIZE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Horizontal pass over `rows` source rows (`src_stride` floats apart):
/// out[r·out_w + o] = src[r][x0[o]]·w0[o] + src[r][x1[o]]·w1[o] for o < out_w.
void ck_bilinear_horizontal(const float *src, size_t rows, size_t src_stride,
                            const int32_t *x0, const int32_t *x1, const float *w0, const float *w1,
                            size_t out_w, float *out, int level);

/// Vertical pass for one output row: out[i] = a[i]·wa + b[i]·wb for i < n.
void ck_bilinear_blend(const float *a, const float *b, float wa, float wb, size_t n, float *out, int level);

/// `ck_bilinear_blend` thresholded: out[i] = (a[i]·wa + b[i]·wb > 0) ? 1 : 0.
void ck_bilinear_blend_mask(const float *a, const float *b, float wa, float wb, size_t n, uint8_t *out, int level);

/// Thresholds n floats: out[i] = (x[i] > 0) ? 1 : 0.
void ck_threshold_mask(const float *x, size_t n, uint8_t *out, int level);

#ifdef __cplusplus
}
#endif
#endif
