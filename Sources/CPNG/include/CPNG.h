// C shim over libpng: decoding and encoding in memory with libpng's longjmp errors turned into
// return codes and a message, so Swift never sees a longjmp or an abort.
#ifndef LISAKIT_CPNG_H
#define LISAKIT_CPNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct lk_png_image {
    uint32_t width;
    uint32_t height;
    int channels;        // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bit_depth;       // 8 or 16 (16-bit samples are stored in host byte order)
    int color_type;      // the file's PNG color type (PNG_COLOR_TYPE_*)
    int is_palette_indices; // 1 when `data` holds raw palette indices (keep_palette requested)
    uint8_t *data;       // width * height * channels * (bit_depth / 8) bytes, malloc'd
    size_t size;
} lk_png_image;

// Decodes a PNG held in memory. keep_palette: palette images come back as 1-channel indices
// instead of RGB(A). keep_16: 16-bit images stay 16-bit (else they are reduced to 8 bits).
// Returns 0 on success; otherwise a non-zero code and a NUL-terminated message in `error`.
int lk_png_decode(const uint8_t *bytes, size_t length, int keep_palette, int keep_16,
                  lk_png_image *out, char *error, size_t error_capacity);

// Encodes interleaved samples (8-bit, or 16-bit in host byte order) into a PNG in memory.
// channels 1..4; compression_level 0..9. *out is malloc'd; free it with lk_png_free.
// Gray (channels 1) may also be 1, 2 or 4 bits: then each row is packed, most significant bits
// first, into ceil(width * bit_depth / 8) bytes (the PNG row layout), and rows are not filtered.
int lk_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                  int bit_depth, int compression_level, uint8_t **out, size_t *out_length,
                  char *error, size_t error_capacity);

void lk_png_free(void *pointer);

#endif
