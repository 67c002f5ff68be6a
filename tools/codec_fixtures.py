#!/usr/bin/env python3
"""Generates the image-codec fixtures of Tests/AnnotateTests/Fixtures/codecs with Pillow.

Each fixture is a small encoded file plus the pixels Pillow decodes from it (raw bytes, the
expected output of our libpng/libjpeg-turbo codecs), described in manifest.json. Run:

    python3 -m venv /tmp/refenv && /tmp/refenv/bin/pip install pillow numpy
    /tmp/refenv/bin/python tools/codec_fixtures.py
"""
import io
import json
import os

import numpy as np
from PIL import Image, ImageOps

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "AnnotateTests", "Fixtures", "codecs")
SAMPLE = os.path.join(os.path.dirname(__file__), "..", "samples", "images", "chelsea.jpg")
rng = np.random.default_rng(7)
manifest = []


def photo(width, height):
    """A crop of a real photograph (smooth areas and edges), as RGB uint8."""
    with Image.open(SAMPLE) as im:
        return np.asarray(im.convert("RGB").resize((width, height), Image.BILINEAR))


def add(name, data, pixels, **extra):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    pixels = np.ascontiguousarray(pixels)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    raw = name + ".pixels"
    if pixels.dtype == np.uint16:
        pixels = pixels.astype("<u2")
    with open(os.path.join(OUT, raw), "wb") as f:
        f.write(pixels.tobytes())
    entry = {"file": name, "pixels": raw, "height": int(pixels.shape[0]), "width": int(pixels.shape[1]),
             "channels": int(pixels.shape[2]), "bits": 16 if pixels.dtype.itemsize == 2 else 8}
    entry.update(extra)
    manifest.append(entry)


def png_bytes(image, **kw):
    buf = io.BytesIO()
    image.save(buf, format="PNG", **kw)
    return buf.getvalue()


def jpeg_bytes(image, **kw):
    buf = io.BytesIO()
    image.save(buf, format="JPEG", **kw)
    return buf.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    rgb = photo(24, 16)
    gray = np.asarray(Image.fromarray(rgb).convert("L"))

    # PNG: 8-bit gray, RGB, RGBA, gray+alpha, 16-bit gray (labels beyond 255), 1-bit, palette
    # (with and without transparency), interlaced.
    add("gray8.png", png_bytes(Image.fromarray(gray)), gray, kind="png")
    add("rgb8.png", png_bytes(Image.fromarray(rgb)), rgb, kind="png")
    alpha = rng.integers(0, 256, size=gray.shape, dtype=np.uint8)
    rgba = np.dstack([rgb, alpha])
    add("rgba8.png", png_bytes(Image.fromarray(rgba, "RGBA")), rgba, kind="png")
    la = np.dstack([gray, alpha])
    add("gray_alpha8.png", png_bytes(Image.fromarray(la, "LA")), la, kind="png")
    labels16 = (rng.integers(0, 1200, size=(16, 24))).astype(np.uint16)
    add("gray16.png", png_bytes(Image.fromarray(labels16.astype(np.int32), "I").convert("I;16")), labels16,
        kind="png", keep16=True)
    bits = (gray > 128)
    add("gray1.png", png_bytes(Image.fromarray(bits)), (bits * 255).astype(np.uint8), kind="png")
    palette_image = Image.fromarray(rgb).quantize(colors=16)
    indices = np.asarray(palette_image)
    add("palette_indices.png", png_bytes(palette_image), indices, kind="png", palette_as_indices=True)
    add("palette_rgb.png", png_bytes(palette_image), np.asarray(palette_image.convert("RGB")), kind="png")
    transparent = palette_image.copy()
    transparent.info["transparency"] = 0
    add("palette_trns.png", png_bytes(transparent, transparency=0), np.asarray(transparent.convert("RGBA")), kind="png")
    # Pillow cannot write Adam7 interlacing: build that file by hand.
    add("interlaced.png", adam7_png(rgb), rgb, kind="png")

    # JPEG: baseline RGB, progressive, gray, CMYK (Adobe, inverted), and EXIF orientations.
    for name, kw in [("baseline.jpg", {"quality": 90}), ("progressive.jpg", {"quality": 85, "progressive": True})]:
        data = jpeg_bytes(Image.fromarray(rgb), **kw)
        add(name, data, np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), kind="jpeg")
    data = jpeg_bytes(Image.fromarray(gray), quality=90)
    add("gray.jpg", data, np.asarray(Image.open(io.BytesIO(data))), kind="jpeg")
    data = jpeg_bytes(Image.fromarray(rgb).convert("CMYK"), quality=95)
    add("cmyk.jpg", data, np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), kind="jpeg", tolerance=1)
    base = Image.fromarray(photo(20, 12))
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        data = jpeg_bytes(base, quality=92, exif=exif.tobytes())
        upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
        add(f"orientation{orientation}.jpg", data, np.asarray(upright), kind="jpeg", apply_orientation=True,
            orientation=orientation)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {len(manifest)} fixtures to {os.path.normpath(OUT)}")


def adam7_png(rgb):
    """An Adam7-interlaced 8-bit RGB PNG written by hand (zlib + CRC), filter type 0."""
    import struct
    import zlib
    h, w, _ = rgb.shape
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        sub = rgb[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        for row in sub:
            raw.append(0)
            raw += row.tobytes()

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


if __name__ == "__main__":
    main()
