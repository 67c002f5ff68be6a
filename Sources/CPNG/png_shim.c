#include "CPNG.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    jmp_buf jump;
    char *error;
    size_t capacity;
} lk_png_errors;

static void lk_png_error_fn(png_structp png, png_const_charp message) {
    lk_png_errors *errors = (lk_png_errors *)png_get_error_ptr(png);
    snprintf(errors->error, errors->capacity, "%s", message ? message : "libpng error");
    longjmp(errors->jump, 1);
}

static void lk_png_warning_fn(png_structp png, png_const_charp message) {
    (void)png;
    (void)message; // Warnings (e.g. an sRGB profile mismatch) do not change pixel data.
}

typedef struct {
    const uint8_t *bytes;
    size_t length;
    size_t offset;
} lk_png_reader;

static void lk_png_read_fn(png_structp png, png_bytep out, png_size_t count) {
    lk_png_reader *reader = (lk_png_reader *)png_get_io_ptr(png);
    if (reader->length - reader->offset < count) {
        png_error(png, "unexpected end of file (truncated PNG)");
    }
    memcpy(out, reader->bytes + reader->offset, count);
    reader->offset += count;
}

int lk_png_decode(const uint8_t *bytes, size_t length, int keep_palette, int keep_16,
                  lk_png_image *out, char *error, size_t error_capacity) {
    memset(out, 0, sizeof(*out));
    if (length < 8 || png_sig_cmp((png_const_bytep)bytes, 0, 8) != 0) {
        snprintf(error, error_capacity, "not a PNG file (bad signature)");
        return 1;
    }
    lk_png_errors errors = {.error = error, .capacity = error_capacity};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &errors, lk_png_error_fn,
                                             lk_png_warning_fn);
    if (!png) {
        snprintf(error, error_capacity, "out of memory");
        return 2;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        snprintf(error, error_capacity, "out of memory");
        return 2;
    }
    lk_png_reader reader = {bytes, length, 0};
    uint8_t *volatile data = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(errors.jump)) {
        free(data);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return 3;
    }
    png_set_read_fn(png, &reader, lk_png_read_fn);
    // Refuse absurd dimensions before allocating (a corrupt header must not exhaust memory).
    png_set_user_limits(png, 1u << 16, 1u << 16);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);
    out->color_type = color_type;

    int palette_indices = 0;
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        if (keep_palette) {
            palette_indices = 1;
            if (bit_depth < 8) png_set_packing(png);
        } else {
            png_set_palette_to_rgb(png);
        }
    }
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (!palette_indices && png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) {
        if (keep_16) {
            int one = 1;
            if (*(char *)&one == 1) png_set_swap(png); // PNG is big-endian; hand back host order
        } else {
            png_set_strip_16(png);
        }
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    int out_depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (row_bytes != (size_t)width * channels * (out_depth / 8)) {
        png_error(png, "unsupported PNG layout");
    }
    data = (uint8_t *)malloc(row_bytes * height);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (!data || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = data + y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);

    out->width = width;
    out->height = height;
    out->channels = channels;
    out->bit_depth = out_depth;
    out->is_palette_indices = palette_indices;
    out->data = data;
    out->size = row_bytes * height;
    return 0;
}

typedef struct {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
    int failed;
} lk_png_writer;

static void lk_png_write_fn(png_structp png, png_bytep data, png_size_t count) {
    lk_png_writer *writer = (lk_png_writer *)png_get_io_ptr(png);
    if (writer->length + count > writer->capacity) {
        size_t capacity = writer->capacity ? writer->capacity * 2 : 65536;
        while (capacity < writer->length + count) capacity *= 2;
        uint8_t *grown = (uint8_t *)realloc(writer->bytes, capacity);
        if (!grown) png_error(png, "out of memory");
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->length, data, count);
    writer->length += count;
}

static void lk_png_flush_fn(png_structp png) { (void)png; }

int lk_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                  int bit_depth, int compression_level, uint8_t **out, size_t *out_length,
                  char *error, size_t error_capacity) {
    *out = NULL;
    *out_length = 0;
    int low_gray = channels == 1 && (bit_depth == 1 || bit_depth == 2 || bit_depth == 4);
    if (width == 0 || height == 0 || channels < 1 || channels > 4 ||
        (bit_depth != 8 && bit_depth != 16 && !low_gray)) {
        snprintf(error, error_capacity, "cannot encode a %ux%u image with %d channels at %d bits",
                 width, height, channels, bit_depth);
        return 1;
    }
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                       PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    lk_png_errors errors = {.error = error, .capacity = error_capacity};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &errors, lk_png_error_fn,
                                              lk_png_warning_fn);
    if (!png) {
        snprintf(error, error_capacity, "out of memory");
        return 2;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(error, error_capacity, "out of memory");
        return 2;
    }
    lk_png_writer writer = {0};
    png_bytep *volatile rows = NULL;
    if (setjmp(errors.jump)) {
        free(rows);
        free(writer.bytes);
        png_destroy_write_struct(&png, &info);
        return 3;
    }
    png_set_write_fn(png, &writer, lk_png_write_fn, lk_png_flush_fn);
    png_set_compression_level(png, compression_level < 0 ? 6 : (compression_level > 9 ? 9 : compression_level));
    png_set_IHDR(png, info, width, height, bit_depth, color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // Sub-byte gray (binary masks): no per-row filter search, which gains nothing on packed
    // bits and costs most of the encoding time.
    if (low_gray) png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    if (bit_depth == 16) {
        int one = 1;
        if (*(char *)&one == 1) png_set_swap(png);
    }
    size_t row_bytes = low_gray ? ((size_t)width * bit_depth + 7) / 8 : (size_t)width * channels * (bit_depth / 8);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + y * row_bytes);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    *out = writer.bytes;
    *out_length = writer.length;
    return 0;
}

void lk_png_free(void *pointer) { free(pointer); }
