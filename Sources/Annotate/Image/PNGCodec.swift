import CPNG

/// How a PNG is decoded.
public struct PNGDecodeOptions: Sendable, Equatable {
    /// Palette images come back as 1-channel palette indices (semantic label maps store class
    /// ids this way) instead of being expanded to RGB(A).
    public var paletteAsIndices: Bool
    /// 16-bit images stay 16-bit (`DecodedImage.uint16`); otherwise they are reduced to 8 bits.
    public var keep16Bit: Bool

    public init(paletteAsIndices: Bool = false, keep16Bit: Bool = true) {
        self.paletteAsIndices = paletteAsIndices
        self.keep16Bit = keep16Bit
    }
}

/// PNG decoding and encoding through libpng: 1/2/4/8/16-bit gray, gray + alpha, RGB, RGBA and
/// palette images (with tRNS transparency), interlaced or not.
public enum PNGCodec {
    /// Decodes PNG bytes. `source` names the file in errors.
    public static func decode(_ bytes: [UInt8], source: String = "<memory>",
                              options: PNGDecodeOptions = .init()) throws(ImageCodecError) -> DecodedImage {
        var image = lk_png_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            message.withUnsafeMutableBufferPointer { error in
                lk_png_decode(buffer.baseAddress, buffer.count, options.paletteAsIndices ? 1 : 0,
                              options.keep16Bit ? 1 : 0, &image, error.baseAddress, error.count)
            }
        }
        guard status == 0 else {
            throw .corrupt(source: source, format: .png, reason: cMessage(message))
        }
        defer { lk_png_free(image.data) }
        let width = Int(image.width), height = Int(image.height), channels = Int(image.channels)
        if image.bit_depth == 16 {
            let count = width * height * channels
            let samples = [UInt16](unsafeUninitializedCapacity: count) { out, initialized in
                UnsafeRawPointer(image.data).withMemoryRebound(to: UInt16.self, capacity: count) { src in
                    out.baseAddress!.initialize(from: src, count: count)
                }
                initialized = count
            }
            return .uint16(PixelBuffer(width: width, height: height, channels: channels, samples: samples))
        }
        let samples = Array(UnsafeBufferPointer(start: image.data, count: image.size))
        return .uint8(PixelBuffer(width: width, height: height, channels: channels, samples: samples))
    }

    /// Reads and decodes the PNG file at `path`.
    public static func decode(contentsOf path: String,
                              options: PNGDecodeOptions = .init()) throws(ImageCodecError) -> DecodedImage {
        try decode(try FileBytes.read(path), source: path, options: options)
    }

    /// Encodes an 8-bit image (1–4 channels).
    public static func encode(_ image: PixelBuffer<UInt8>, compressionLevel: Int = 6) throws(ImageCodecError) -> [UInt8] {
        try image.samples.withUnsafeBytes { raw in
            Result { () throws(ImageCodecError) in
                try encodeRaw(raw, width: image.width, height: image.height, channels: image.channels,
                              bitDepth: 8, compressionLevel: compressionLevel)
            }
        }.get()
    }

    /// Encodes a 16-bit image (1–4 channels).
    public static func encode(_ image: PixelBuffer<UInt16>, compressionLevel: Int = 6) throws(ImageCodecError) -> [UInt8] {
        try image.samples.withUnsafeBytes { raw in
            Result { () throws(ImageCodecError) in
                try encodeRaw(raw, width: image.width, height: image.height, channels: image.channels,
                              bitDepth: 16, compressionLevel: compressionLevel)
            }
        }.get()
    }

    /// Encodes a 1-, 2- or 4-bit gray image whose rows are already packed the PNG way (most
    /// significant bits first, `(width * bitDepth + 7) / 8` bytes per row). Binary masks at 1 bit
    /// are 8× fewer bytes to compress than at 8 bits; every PNG reader expands them (PIL as
    /// mode "1", libpng/OpenCV to 0/255).
    public static func encodeGray(packedRows: [UInt8], width: Int, height: Int, bitDepth: Int,
                                  compressionLevel: Int = 6) throws(ImageCodecError) -> [UInt8] {
        guard [1, 2, 4].contains(bitDepth) else {
            throw .cannotEncode(format: .png, reason: "packed gray rows need 1, 2 or 4 bits, not \(bitDepth)")
        }
        guard width > 0, height > 0, packedRows.count == (width * bitDepth + 7) / 8 * height else {
            throw .cannotEncode(format: .png, reason: "\(packedRows.count) bytes of packed rows for a \(width)x\(height) \(bitDepth)-bit image")
        }
        return try packedRows.withUnsafeBytes { raw in
            Result { () throws(ImageCodecError) in
                try encodeRaw(raw, width: width, height: height, channels: 1, bitDepth: Int32(bitDepth),
                              compressionLevel: compressionLevel)
            }
        }.get()
    }

    private static func encodeRaw(_ raw: UnsafeRawBufferPointer, width: Int, height: Int, channels: Int,
                                  bitDepth: Int32, compressionLevel: Int) throws(ImageCodecError) -> [UInt8] {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw .cannotEncode(format: .png, reason: "empty or oversized image \(width)x\(height)")
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { error in
            lk_png_encode(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(width), UInt32(height),
                          Int32(channels), bitDepth, Int32(compressionLevel), &output, &length,
                          error.baseAddress, error.count)
        }
        guard status == 0, let output else {
            throw .cannotEncode(format: .png, reason: cMessage(message))
        }
        defer { lk_png_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
