import CJPEG

/// What the JPEG header says, read without decoding pixels.
public struct JPEGInfo: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Components in the file: 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK.
    public var components: Int
    public var isProgressive: Bool
    /// The EXIF orientation (1...8), or nil when the file has none.
    public var orientation: EXIFOrientation?
}

/// JPEG decoding and encoding through libjpeg-turbo: baseline and progressive, gray, RGB, and
/// CMYK/YCCK converted to RGB (Adobe-inverted CMYK handled). libjpeg's `exit()` on error is
/// replaced by a thrown `ImageCodecError`; a truncated file is an error, not gray padding.
public enum JPEGCodec {
    /// Decodes JPEG bytes into 8-bit gray (1 channel) or RGB (3 channels).
    /// With `applyOrientation`, the EXIF orientation is applied so the pixels come out upright.
    public static func decode(_ bytes: [UInt8], source: String = "<memory>",
                              applyOrientation: Bool = false) throws(ImageCodecError) -> PixelBuffer<UInt8> {
        var image = lk_jpeg_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            message.withUnsafeMutableBufferPointer { error in
                lk_jpeg_decode(buffer.baseAddress, buffer.count, &image, error.baseAddress, error.count)
            }
        }
        guard status == 0 else {
            throw .corrupt(source: source, format: .jpeg, reason: cMessage(message))
        }
        defer { lk_jpeg_free(image.data) }
        let pixels = PixelBuffer(width: Int(image.width), height: Int(image.height), channels: Int(image.channels),
                                 samples: Array(UnsafeBufferPointer(start: image.data, count: image.size)))
        guard applyOrientation, let orientation = EXIFOrientation(rawValue: Int(image.exif_orientation)) else {
            return pixels
        }
        return orientation.apply(to: pixels)
    }

    /// Reads and decodes the JPEG file at `path`.
    public static func decode(contentsOf path: String, applyOrientation: Bool = false) throws(ImageCodecError) -> PixelBuffer<UInt8> {
        try decode(try FileBytes.read(path), source: path, applyOrientation: applyOrientation)
    }

    /// Reads the header only: size, components, progressive flag and EXIF orientation.
    public static func info(_ bytes: [UInt8], source: String = "<memory>") throws(ImageCodecError) -> JPEGInfo {
        var image = lk_jpeg_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            message.withUnsafeMutableBufferPointer { error in
                lk_jpeg_read_header(buffer.baseAddress, buffer.count, &image, error.baseAddress, error.count)
            }
        }
        guard status == 0 else {
            throw .corrupt(source: source, format: .jpeg, reason: cMessage(message))
        }
        return JPEGInfo(width: Int(image.width), height: Int(image.height), components: Int(image.source_components),
                        isProgressive: image.progressive != 0,
                        orientation: EXIFOrientation(rawValue: Int(image.exif_orientation)))
    }

    /// Encodes 8-bit gray or RGB pixels. `quality` 1...100.
    public static func encode(_ image: PixelBuffer<UInt8>, quality: Int = 95,
                              progressive: Bool = false) throws(ImageCodecError) -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw .cannotEncode(format: .jpeg, reason: "JPEG needs 1 (gray) or 3 (RGB) channels, got \(image.channels)")
        }
        guard image.width > 0, image.height > 0, image.width <= 65535, image.height <= 65535 else {
            throw .cannotEncode(format: .jpeg, reason: "image size \(image.width)x\(image.height) out of range")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.samples.withUnsafeBufferPointer { pixels in
            message.withUnsafeMutableBufferPointer { error in
                lk_jpeg_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                               Int32(quality), progressive ? 1 : 0, &output, &length, error.baseAddress, error.count)
            }
        }
        guard status == 0, let output else {
            throw .cannotEncode(format: .jpeg, reason: cMessage(message))
        }
        defer { lk_jpeg_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
