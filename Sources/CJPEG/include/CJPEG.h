// C shim over libjpeg(-turbo). libjpeg's default error handler calls exit(): this shim installs a
// setjmp/longjmp handler so that every failure comes back as a return code and a message.
#ifndef LISAKIT_CJPEG_H
#define LISAKIT_CJPEG_H
#include <stddef.h>
#include <stdint.h>

typedef struct lk_jpeg_image {
    uint32_t width;
    uint32_t height;
    int channels;         // 1 (grayscale) or 3 (RGB); CMYK and YCCK files are converted to RGB
    int source_components;// components in the file (1, 3 or 4)
    int progressive;      // 1 when the file is progressive
    int exif_orientation; // 1..8 from the EXIF APP1 segment, 0 when absent
    int warnings;         // count of recoverable libjpeg warnings
    uint8_t *data;        // width * height * channels bytes, malloc'd
    size_t size;
} lk_jpeg_image;

// Decodes a JPEG held in memory. A truncated file (premature end of data) is an error, not a
// gray-padded image. Returns 0 on success, else non-zero with a message in `error`.
int lk_jpeg_decode(const uint8_t *bytes, size_t length, lk_jpeg_image *out, char *error,
                   size_t error_capacity);

// Reads only the header: dimensions, components and EXIF orientation (no pixel decoding).
int lk_jpeg_read_header(const uint8_t *bytes, size_t length, lk_jpeg_image *out, char *error,
                        size_t error_capacity);

// Encodes 8-bit gray (channels 1) or RGB (channels 3) pixels as a baseline JPEG.
int lk_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                   int quality, int progressive, uint8_t **out, size_t *out_length, char *error,
                   size_t error_capacity);

void lk_jpeg_free(void *pointer);

#endif
