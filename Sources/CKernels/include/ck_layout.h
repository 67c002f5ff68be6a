// LisaKit CKernels: layout changes of fp32 feature maps — channel planes [C, P] to pixel rows
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

#ifdef __cplusplus
}
#endif
#endif
