#include "CJPEG.h"
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *error;
    size_t capacity;
    int warnings;
} lk_jpeg_errors;

static void lk_jpeg_error_exit(j_common_ptr cinfo) {
    lk_jpeg_errors *errors = (lk_jpeg_errors *)cinfo->err;
    char buffer[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, buffer);
    snprintf(errors->error, errors->capacity, "%s", buffer);
    longjmp(errors->jump, 1);
}

static void lk_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return; // trace messages
    lk_jpeg_errors *errors = (lk_jpeg_errors *)cinfo->err;
    // A file that ends early would otherwise decode as gray padding: treat it as corrupt.
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
        lk_jpeg_error_exit(cinfo);
    }
    errors->warnings += 1;
}

static void lk_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void lk_jpeg_install_errors(struct jpeg_decompress_struct *cinfo, lk_jpeg_errors *errors) {
    cinfo->err = jpeg_std_error(&errors->base);
    errors->base.error_exit = lk_jpeg_error_exit;
    errors->base.emit_message = lk_jpeg_emit_message;
    errors->base.output_message = lk_jpeg_output_message;
}

static uint16_t lk_read16(const uint8_t *p, int little) {
    return little ? (uint16_t)(p[0] | (p[1] << 8)) : (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t lk_read32(const uint8_t *p, int little) {
    return little ? ((uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24))
                  : (((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3]);
}

// Finds the Orientation tag (0x0112) in IFD0 of an EXIF APP1 payload ("Exif\0\0" + TIFF).
static int lk_exif_orientation(const uint8_t *data, size_t length) {
    if (length < 14 || memcmp(data, "Exif\0\0", 6) != 0) return 0;
    const uint8_t *tiff = data + 6;
    size_t size = length - 6;
    int little;
    if (tiff[0] == 'I' && tiff[1] == 'I') little = 1;
    else if (tiff[0] == 'M' && tiff[1] == 'M') little = 0;
    else return 0;
    if (lk_read16(tiff + 2, little) != 42) return 0;
    uint32_t ifd = lk_read32(tiff + 4, little);
    if (ifd > size || size - ifd < 2) return 0;
    uint16_t entries = lk_read16(tiff + ifd, little);
    for (uint16_t i = 0; i < entries; i++) {
        size_t entry = (size_t)ifd + 2 + (size_t)i * 12;
        if (entry + 12 > size) return 0;
        if (lk_read16(tiff + entry, little) == 0x0112) {
            uint16_t type = lk_read16(tiff + entry + 2, little);
            if (type != 3) return 0; // SHORT
            uint16_t value = lk_read16(tiff + entry + 8, little);
            return (value >= 1 && value <= 8) ? value : 0;
        }
    }
    return 0;
}

static int lk_find_orientation(struct jpeg_decompress_struct *cinfo) {
    for (jpeg_saved_marker_ptr marker = cinfo->marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1) {
            int orientation = lk_exif_orientation(marker->data, marker->data_length);
            if (orientation) return orientation;
        }
    }
    return 0;
}

static int lk_jpeg_begin(struct jpeg_decompress_struct *cinfo, const uint8_t *bytes, size_t length) {
    jpeg_create_decompress(cinfo);
    jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_mem_src(cinfo, (const unsigned char *)bytes, (unsigned long)length);
    return jpeg_read_header(cinfo, TRUE);
}

int lk_jpeg_read_header(const uint8_t *bytes, size_t length, lk_jpeg_image *out, char *error,
                        size_t error_capacity) {
    memset(out, 0, sizeof(*out));
    if (length < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8) {
        snprintf(error, error_capacity, "not a JPEG file (no SOI marker)");
        return 1;
    }
    struct jpeg_decompress_struct cinfo;
    lk_jpeg_errors errors = {.error = error, .capacity = error_capacity};
    lk_jpeg_install_errors(&cinfo, &errors);
    if (setjmp(errors.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return 3;
    }
    lk_jpeg_begin(&cinfo, bytes, length);
    out->width = cinfo.image_width;
    out->height = cinfo.image_height;
    out->source_components = cinfo.num_components;
    out->channels = cinfo.num_components == 1 ? 1 : 3;
    out->progressive = cinfo.progressive_mode ? 1 : 0;
    out->exif_orientation = lk_find_orientation(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int lk_jpeg_decode(const uint8_t *bytes, size_t length, lk_jpeg_image *out, char *error,
                   size_t error_capacity) {
    memset(out, 0, sizeof(*out));
    if (length < 3 || bytes[0] != 0xFF || bytes[1] != 0xD8) {
        snprintf(error, error_capacity, "not a JPEG file (no SOI marker)");
        return 1;
    }
    struct jpeg_decompress_struct cinfo;
    lk_jpeg_errors errors = {.error = error, .capacity = error_capacity};
    lk_jpeg_install_errors(&cinfo, &errors);
    uint8_t *volatile data = NULL;
    uint8_t *volatile row = NULL;
    if (setjmp(errors.jump)) {
        free(data);
        free(row);
        jpeg_destroy_decompress(&cinfo);
        return 3;
    }
    lk_jpeg_begin(&cinfo, bytes, length);
    if (cinfo.image_width > 65535 || cinfo.image_height > 65535) {
        snprintf(error, error_capacity, "image too large (%ux%u)", cinfo.image_width, cinfo.image_height);
        jpeg_destroy_decompress(&cinfo);
        return 4;
    }
    int cmyk = (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK);
    int adobe_inverted = cmyk && cinfo.saw_Adobe_marker;
    if (cmyk) cinfo.out_color_space = JCS_CMYK;
    else if (cinfo.num_components == 1) cinfo.out_color_space = JCS_GRAYSCALE;
    else cinfo.out_color_space = JCS_RGB;
    out->exif_orientation = lk_find_orientation(&cinfo);
    out->progressive = cinfo.progressive_mode ? 1 : 0;
    out->source_components = cinfo.num_components;

    jpeg_start_decompress(&cinfo);
    uint32_t width = cinfo.output_width, height = cinfo.output_height;
    int in_channels = cinfo.output_components;
    int channels = cmyk ? 3 : in_channels;
    data = (uint8_t *)malloc((size_t)width * height * channels);
    row = (uint8_t *)malloc((size_t)width * in_channels);
    if (!data || !row) ERREXIT(&cinfo, JERR_OUT_OF_MEMORY);
    while (cinfo.output_scanline < height) {
        uint32_t y = cinfo.output_scanline;
        JSAMPROW rows[1] = {row};
        jpeg_read_scanlines(&cinfo, rows, 1);
        uint8_t *dst = data + (size_t)y * width * channels;
        if (!cmyk) {
            memcpy(dst, row, (size_t)width * channels);
            continue;
        }
        for (uint32_t x = 0; x < width; x++) {
            int c = row[4 * x], m = row[4 * x + 1], yy = row[4 * x + 2], k = row[4 * x + 3];
            if (!adobe_inverted) { // plain CMYK: ink amounts
                c = 255 - c; m = 255 - m; yy = 255 - yy; k = 255 - k;
            }
            // Adobe files store inverted CMYK: values are already "1 - ink".
            dst[3 * x] = (uint8_t)((c * k + 127) / 255);
            dst[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
            dst[3 * x + 2] = (uint8_t)((yy * k + 127) / 255);
        }
    }
    jpeg_finish_decompress(&cinfo);
    free(row);
    out->warnings = errors.warnings;
    jpeg_destroy_decompress(&cinfo);
    out->width = width;
    out->height = height;
    out->channels = channels;
    out->data = data;
    out->size = (size_t)width * height * channels;
    return 0;
}

int lk_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                   int quality, int progressive, uint8_t **out, size_t *out_length, char *error,
                   size_t error_capacity) {
    *out = NULL;
    *out_length = 0;
    if (width == 0 || height == 0 || (channels != 1 && channels != 3)) {
        snprintf(error, error_capacity, "cannot encode a %ux%u image with %d channels as JPEG",
                 width, height, channels);
        return 1;
    }
    struct jpeg_compress_struct cinfo;
    lk_jpeg_errors errors = {.error = error, .capacity = error_capacity};
    cinfo.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = lk_jpeg_error_exit;
    errors.base.output_message = lk_jpeg_output_message;
    unsigned char *buffer = NULL;
    unsigned long buffer_size = 0;
    if (setjmp(errors.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return 3;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &buffer_size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < height) {
        JSAMPROW rows[1] = {(JSAMPROW)(pixels + (size_t)cinfo.next_scanline * width * channels)};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_length = buffer_size;
    return 0;
}

void lk_jpeg_free(void *pointer) { free(pointer); }
