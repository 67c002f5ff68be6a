import Annotate
import Serialization

/// 1-bit gray mask PNGs written with our own deflate, for exports that write one per sample.
///
/// A mask's PNG data (a filter byte and the packed bits of each row) is made of long runs of
/// 0x00 or 0xFF and of rows equal to the row above, which a general compressor finds by hashing
/// every byte (zlib at level 1 spends ~70 µs on a 640×480 mask, plus its Adler-32 pass). Here
/// the deflate stream is built from the two matches that matter, compared eight bytes at a
/// time: the previous byte (distance 1, a run) and the byte one row up (distance of a row, an
/// unchanged stretch); anything else is a literal. One fixed-Huffman block, no search: the
/// output is a valid PNG (any reader inflates it), typically about as small as zlib level 1's,
/// in a fraction of the time. The Adler-32 skips words of 0x00 and 0xFF bytes in one step.
public enum MaskPNGEncoder {
    /// Rows longer than deflate's 32 KiB window cannot be copied from the row above.
    static let maximumRowBytes = 32_767

    /// The PNG of `rle` (1-bit gray: 0 background, 1 foreground), or nil for a mask this encoder
    /// does not take (empty, or rows over `maximumRowBytes`).
    public static func encode(_ rle: RLE) -> [UInt8]? {
        let width = rle.width, height = rle.height
        let stride = 1 + (width + 7) / 8
        guard width > 0, height > 0, stride - 1 <= maximumRowBytes, width <= Int(UInt32.max), height <= Int(UInt32.max) else { return nil }
        let data = MaskPNG.packedRows(rle, rowPrefix: 1)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [1, 0, 0, 0, 0] // bit depth 1, gray, deflate, filter method 0, no interlace
        appendChunk("IHDR", header, to: &png)
        var zlib: [UInt8] = [0x78, 0x01]
        data.withUnsafeBytes { raw in
            deflate(raw, stride: stride, into: &zlib)
            appendBigEndian(adler32(raw), to: &zlib)
        }
        appendChunk("IDAT", zlib, to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                  UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    static func appendChunk(_ type: String, _ body: [UInt8], to png: inout [UInt8]) {
        appendBigEndian(UInt32(body.count), to: &png)
        let typed = Array(type.utf8) + body
        png += typed
        appendBigEndian(ZipArchive.crc32(typed), to: &png)
    }

    /// Adler-32 (RFC 1950) of `bytes`; words of eight 0x00 or 0xFF bytes in one step.
    static func adler32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let modulus: UInt64 = 65521
        var a: UInt64 = 1, b: UInt64 = 0
        var at = 0
        let count = bytes.count
        while at < count {
            // Up to 4096 bytes between reductions: a < 2^20, b grows by < 2^32 per block.
            let end = min(count, at + 4096)
            while at + 8 <= end {
                let word = bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                if word == 0 {
                    b += 8 * a
                } else if word == ~0 {
                    b += 8 * a + 255 * 36
                    a += 8 * 255
                } else {
                    for i in 0..<8 {
                        a += UInt64(bytes[at + i])
                        b += a
                    }
                }
                at += 8
            }
            while at < end {
                a += UInt64(bytes[at])
                b += a
                at += 1
            }
            a %= modulus
            b %= modulus
        }
        return UInt32(b << 16 | a)
    }

    /// Deflate bits, least significant first.
    struct BitWriter {
        var out: [UInt8]
        var buffer: UInt64 = 0
        var count = 0

        @inline(__always) mutating func write(_ bits: UInt32, _ length: Int) {
            buffer |= UInt64(bits) << UInt64(count)
            count += length
            while count >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                count -= 8
            }
        }

        mutating func finish() {
            if count > 0 { out.append(UInt8(truncatingIfNeeded: buffer)) }
            buffer = 0
            count = 0
        }
    }

    /// The fixed Huffman code of a literal/length symbol, bit-reversed for the LSB-first stream.
    static let literalCodes: [(code: UInt32, length: Int)] = (0..<288).map { symbol in
        let (code, length): (Int, Int) = switch symbol {
        case 0..<144: (0x30 + symbol, 8)
        case 144..<256: (0x190 + symbol - 144, 9)
        case 256..<280: (symbol - 256, 7)
        default: (0xC0 + symbol - 280, 8)
        }
        return (reversed(code, length), length)
    }

    static func reversed(_ code: Int, _ length: Int) -> UInt32 {
        var result: UInt32 = 0
        for i in 0..<length where code & (1 << i) != 0 { result |= 1 << UInt32(length - 1 - i) }
        return result
    }

    static let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBases = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The code of a match length (3...258): its symbol's code, then the extra bits.
    static let lengthCodes: [(code: UInt32, length: Int)] = (0...258).map { length in
        guard length >= 3 else { return (0, 0) }
        let index = (lengthBases.lastIndex { $0 <= length }) ?? 0
        let symbol = literalCodes[257 + index]
        let extra = UInt32(length - lengthBases[index])
        return (symbol.code | extra << UInt32(symbol.length), symbol.length + lengthExtra[index])
    }

    /// The code of a distance (1...32768): five bits of symbol, then the extra bits.
    static func distanceCode(_ distance: Int) -> (code: UInt32, length: Int) {
        let index = (distanceBases.lastIndex { $0 <= distance }) ?? 0
        let extra = UInt32(distance - distanceBases[index])
        return (reversed(index, 5) | extra << 5, 5 + distanceExtra[index])
    }

    /// One final fixed-Huffman block of `data` (rows of `stride` bytes, filter byte first),
    /// greedy: at each byte the longer of the run (distance 1) and the row-above (distance
    /// `stride`) matches when it is at least 3 bytes, else a literal.
    static func deflate(_ data: UnsafeRawBufferPointer, stride: Int, into out: inout [UInt8]) {
        var bits = BitWriter(out: out)
        out = []
        bits.write(0b011, 3) // BFINAL = 1, BTYPE = 01 (fixed Huffman)
        let one = distanceCode(1), up = distanceCode(stride)
        let count = data.count
        /// How many bytes from `at` (at most 258) equal those `distance` before them.
        @inline(__always) func matchLength(_ at: Int, _ distance: Int) -> Int {
            guard at >= distance else { return 0 }
            let limit = min(258, count - at)
            var n = 0
            while n + 8 <= limit,
                  data.loadUnaligned(fromByteOffset: at + n, as: UInt64.self) == data.loadUnaligned(fromByteOffset: at + n - distance, as: UInt64.self) {
                n += 8
            }
            while n < limit, data[at + n] == data[at + n - distance] { n += 1 }
            return n
        }
        var at = 0
        while at < count {
            let run = matchLength(at, 1), above = stride > 1 ? matchLength(at, stride) : 0
            let (length, distance) = above >= run ? (above, up) : (run, one)
            if length >= 3 {
                let code = lengthCodes[length]
                bits.write(code.code, code.length)
                bits.write(distance.code, distance.length)
                at += length
            } else {
                let code = literalCodes[Int(data[at])]
                bits.write(code.code, code.length)
                at += 1
            }
        }
        let end = literalCodes[256]
        bits.write(end.code, end.length)
        bits.finish()
        out = bits.out
    }
}
