/// Mask PNG reading and writing in the two usual conventions.
public enum MaskPNG {
    /// How foreground is stored in the PNG.
    public enum Convention: String, Sendable, CaseIterable {
        /// 0 background, 255 foreground (viewable).
        case zeroTo255 = "255"
        /// 0 background, 1 foreground (label-map style).
        case zeroToOne = "1"
    }

    /// Reads a mask PNG: gray (or the first channel of color), foreground = value > 127 for
    /// 8-bit 0/255 masks; a PNG whose values are all 0 or 1 is read as a 0/1 mask. With alpha,
    /// only the gray/first channel counts. 16-bit PNGs: any nonzero value is foreground.
    public static func read(contentsOf path: String) throws(MaskError) -> BinaryMask {
        let image: DecodedImage
        do { image = try PNGCodec.decode(contentsOf: path, options: .init(paletteAsIndices: true, keep16Bit: true)) } catch {
            throw .image(error)
        }
        return try mask(from: image, source: path)
    }

    /// Reads the raw single-channel byte values (0/1/255 label maps such as LISA's ground truth).
    public static func readLabels(contentsOf path: String) throws(MaskError) -> LabelMask {
        let image: DecodedImage
        do { image = try PNGCodec.decode(contentsOf: path, options: .init(paletteAsIndices: true, keep16Bit: false)) } catch {
            throw .image(error)
        }
        let buffer = image.eightBit
        let c = buffer.channels
        let values = c == 1 ? buffer.samples : stride(from: 0, to: buffer.samples.count, by: c).map { buffer.samples[$0] }
        return try LabelMask(width: buffer.width, height: buffer.height, values: values)
    }

    /// Converts a decoded image to a mask (see `read(contentsOf:)`).
    public static func mask(from image: DecodedImage, source: String) throws(MaskError) -> BinaryMask {
        switch image {
        case .uint16(let b):
            let values = stride(from: 0, to: b.samples.count, by: b.channels).map { b.samples[$0] != 0 ? UInt8(1) : 0 }
            return try BinaryMask(width: b.width, height: b.height, values: values)
        case .uint8(let b):
            let c = b.channels
            var values = c == 1 ? b.samples : stride(from: 0, to: b.samples.count, by: c).map { b.samples[$0] }
            let maximum = values.max() ?? 0
            if maximum > 1 { values = values.map { $0 > 127 ? 1 : 0 } }
            return BinaryMask(width: b.width, height: b.height, normalizedPixels: values)
        }
    }

    /// Encodes a mask as an 8-bit gray PNG.
    public static func encode(_ mask: BinaryMask, convention: Convention = .zeroTo255) throws(MaskError) -> [UInt8] {
        let scale: UInt8 = convention == .zeroTo255 ? 255 : 1
        let buffer = PixelBuffer(width: mask.width, height: mask.height, channels: 1,
                                 samples: mask.pixels.map { $0 &* scale })
        do { return try PNGCodec.encode(buffer) } catch { throw .image(error) }
    }

    /// Encodes a mask as a 1-bit gray PNG (0 background, 1 foreground; readers that expand to
    /// 8 bits give 0/255). A fraction of the 8-bit encoding's work and size; `compressionLevel`
    /// is zlib's (1 = fastest).
    public static func encode1Bit(_ mask: BinaryMask, compressionLevel: Int = 6) throws(MaskError) -> [UInt8] {
        let width = mask.width, height = mask.height
        let rowBytes = (width + 7) / 8
        let fullBytes = width / 8
        let packed = [UInt8](unsafeUninitializedCapacity: rowBytes * height) { out, initialized in
            mask.pixels.withUnsafeBytes { raw in
                guard let pixels = raw.baseAddress, let packedBase = out.baseAddress else { return }
                for y in 0..<height {
                    let row = pixels + y * width
                    let dst = packedBase + y * rowBytes
                    // Eight 0/1 bytes at once: the multiply gathers byte i's low bit into bit
                    // 7 - i of the top byte (no carries: every partial sum stays below 256).
                    for i in 0..<fullBytes {
                        let eight = row.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian
                        dst[i] = UInt8(truncatingIfNeeded: (eight &* 0x8040_2010_0804_0201) >> 56)
                    }
                    if fullBytes < rowBytes {
                        var byte: UInt8 = 0
                        for x in 8 * fullBytes..<width where row.load(fromByteOffset: x, as: UInt8.self) != 0 {
                            byte |= 0x80 >> UInt8(x - 8 * fullBytes)
                        }
                        dst[fullBytes] = byte
                    }
                }
            }
            initialized = rowBytes * height
        }
        do { return try PNGCodec.encodeGray(packedRows: packed, width: width, height: height, bitDepth: 1,
                                             compressionLevel: compressionLevel) } catch { throw .image(error) }
    }

    /// Encodes a label map (values as they are) as an 8-bit gray PNG.
    public static func encode(_ labels: LabelMask) throws(MaskError) -> [UInt8] {
        let buffer = PixelBuffer(width: labels.width, height: labels.height, channels: 1, samples: labels.values)
        do { return try PNGCodec.encode(buffer) } catch { throw .image(error) }
    }

    /// Writes a mask PNG atomically.
    public static func write(_ mask: BinaryMask, to path: String, convention: Convention = .zeroTo255) throws(MaskError) {
        do { try FileBytes.writeAtomically(try encode(mask, convention: convention), to: path) } catch let e as ImageCodecError {
            throw .image(e)
        } catch let e as MaskError { throw e } catch { throw .invalidGeometry(operation: "write", reason: "\(error)") }
    }

    /// Writes a label map PNG atomically.
    public static func write(_ labels: LabelMask, to path: String) throws(MaskError) {
        let bytes = try encode(labels)
        do { try FileBytes.writeAtomically(bytes, to: path) } catch { throw .image(error) }
    }
}
