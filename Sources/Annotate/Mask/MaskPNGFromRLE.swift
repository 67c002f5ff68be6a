extension MaskPNG {
    /// Encodes an RLE mask as a 1-bit gray PNG, the same bytes as `encode1Bit(rle.decode())`,
    /// without the one-byte-per-pixel mask in between: the packed rows are built straight from
    /// the runs (each run boundary toggles one bit, then one pass XORs every row into the next,
    /// eight bytes at a time), so the cost follows the number of runs and the packed size
    /// (1/8 of the pixels) rather than the pixel count. This is what a WebDataset export does
    /// for every mask.
    public static func encode1Bit(_ rle: RLE, compressionLevel: Int = 6) throws(MaskError) -> [UInt8] {
        let w = rle.width, h = rle.height, n = w * h
        // An empty mask gets the image encoder's own error.
        guard n > 0 else { return try encode1Bit(rle.decode(), compressionLevel: compressionLevel) }
        let rowBytes = (w + 7) / 8
        var packed = [UInt8](repeating: 0, count: rowBytes * h)
        packed.withUnsafeMutableBufferPointer { o in
            let q = o.baseAddress!
            @inline(__always) func bit(_ x: Int) -> UInt8 { 0x80 >> UInt8(truncatingIfNeeded: x & 7) }
            rle.counts.withUnsafeBufferPointer { c in
                var position = 0
                var value = false
                for k in 0..<c.count {
                    let run = Int(c[k])
                    let end = position + run
                    // A run starting inside a column (not at its top) toggles its first pixel.
                    if k > 0 && position < n {
                        let x = position / h
                        let y = position - x * h
                        if y != 0 { q[y * rowBytes + x >> 3] ^= bit(x) }
                    }
                    if value && run > 0 {
                        // Columns whose top pixel falls inside this run of ones start at 1.
                        var x = (position + h - 1) / h
                        while x < w && x * h < end { q[x >> 3] |= bit(x); x += 1 }
                    }
                    position = end
                    value.toggle()
                }
            }
            // Toggles to runs: every row is the XOR of itself and the row above.
            let raw = UnsafeMutableRawPointer(q)
            for y in 1..<h {
                let a = (y - 1) * rowBytes, b = y * rowBytes
                var x = 0
                while x + 8 <= rowBytes {
                    let v = raw.loadUnaligned(fromByteOffset: a + x, as: UInt64.self) ^ raw.loadUnaligned(fromByteOffset: b + x, as: UInt64.self)
                    raw.storeBytes(of: v, toByteOffset: b + x, as: UInt64.self)
                    x += 8
                }
                while x < rowBytes { q[b + x] ^= q[a + x]; x += 1 }
            }
        }
        do { return try PNGCodec.encodeGray(packedRows: packed, width: w, height: h, bitDepth: 1,
                                             compressionLevel: compressionLevel) } catch { throw .image(error) }
    }
}
