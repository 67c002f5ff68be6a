extension MaskPNG {
    /// Encodes an RLE mask as a 1-bit gray PNG, the same bytes as `encode1Bit(rle.decode())`,
    /// without the one-byte-per-pixel mask in between: the packed rows are built straight from
    /// the runs (each run boundary toggles one bit, then one pass XORs every row into the next,
    /// eight bytes at a time), so the cost follows the number of runs and the packed size
    /// (1/8 of the pixels) rather than the pixel count.
    public static func encode1Bit(_ rle: RLE, compressionLevel: Int = 6) throws(MaskError) -> [UInt8] {
        let w = rle.width, h = rle.height, n = w * h
        // An empty mask gets the image encoder's own error.
        guard n > 0 else { return try encode1Bit(rle.decode(), compressionLevel: compressionLevel) }
        let packed = packedRows(rle)
        do { return try PNGCodec.encodeGray(packedRows: packed, width: w, height: h, bitDepth: 1,
                                             compressionLevel: compressionLevel) } catch { throw .image(error) }
    }

    /// The mask's rows packed eight pixels a byte (most significant bit first, as PNG wants),
    /// each row preceded by `rowPrefix` zero bytes (1: PNG's filter byte "none").
    public static func packedRows(_ rle: RLE, rowPrefix: Int = 0) -> [UInt8] {
        let w = rle.width, h = rle.height
        let stride = rowPrefix + (w + 7) / 8
        var packed = [UInt8](repeating: 0, count: stride * h)
        guard w > 0, h > 0 else { return packed }
        packed.withUnsafeMutableBufferPointer { o in
            let q = o.baseAddress! + rowPrefix
            @inline(__always) func bit(_ x: Int) -> UInt8 { 0x80 >> UInt8(truncatingIfNeeded: x & 7) }
            rle.forEachRunEdge(top: { x in q[x >> 3] |= bit(x) }, toggle: { x, y in q[y * stride + x >> 3] ^= bit(x) })
            // The prefix bytes stay zero: 0 XOR 0.
            RLE.xorRowsDown(UnsafeMutableRawPointer(o.baseAddress!), rowBytes: stride, rows: h)
        }
        return packed
    }
}
