import Annotate
import Testing

/// 1-bit gray mask PNGs: packed rows of every width remainder decode (libpng expands them to
/// 0/255) to the mask that was written, and equal the 8-bit encoding's mask.
@Suite("MaskPNG 1-bit")
struct MaskPNG1BitTests {
    static func mask(width: Int, height: Int, seed: UInt64) throws -> BinaryMask {
        var state = seed &* 0x9E3779B97F4A7C15 | 1
        var values = [UInt8](repeating: 0, count: width * height)
        for i in values.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            // Runs and single pixels, touching the row ends.
            values[i] = (state % 5 == 0) != (i % width < width / 3) ? 1 : 0
        }
        return try BinaryMask(width: width, height: height, values: values)
    }

    @Test(arguments: [(1, 1), (7, 3), (8, 2), (9, 5), (13, 11), (64, 1), (65, 17), (640, 480)])
    func roundTrip(width: Int, height: Int) throws {
        let mask = try Self.mask(width: width, height: height, seed: UInt64(width * 1000 + height))
        for level in [1, 6] {
            let png = try MaskPNG.encode1Bit(mask, compressionLevel: level)
            // IHDR: bit depth 1, color type 0 (gray).
            #expect(png[24] == 1 && png[25] == 0)
            let decoded = try PNGCodec.decode(png)
            guard case .uint8(let buffer) = decoded else { Issue.record("not 8-bit after expansion"); continue }
            #expect(buffer.channels == 1 && Set(buffer.samples).isSubset(of: [0, 255]))
            #expect(try MaskPNG.mask(from: decoded, source: "1-bit") == mask)
            #expect(try MaskPNG.mask(from: try PNGCodec.decode(try MaskPNG.encode(mask)), source: "8-bit") == mask)
        }
    }

    @Test func allBackgroundAndAllForeground() throws {
        for value: UInt8 in [0, 1] {
            let mask = try BinaryMask(width: 33, height: 4, values: [UInt8](repeating: value, count: 33 * 4))
            #expect(try MaskPNG.mask(from: try PNGCodec.decode(try MaskPNG.encode1Bit(mask)), source: "flat") == mask)
        }
    }

    /// Straight from the runs: the very bytes of packing the decoded mask, for every width
    /// remainder, runs crossing columns, a first pixel set, empty and full masks.
    @Test(arguments: [(1, 1), (7, 3), (8, 2), (9, 5), (13, 11), (64, 1), (65, 17), (1, 40), (640, 480)])
    func fromRLEIsTheSameAsFromTheDecodedMask(width: Int, height: Int) throws {
        var masks = [try Self.mask(width: width, height: height, seed: UInt64(width * 7 + height)),
                     try BinaryMask(width: width, height: height, values: [UInt8](repeating: 0, count: width * height)),
                     try BinaryMask(width: width, height: height, values: [UInt8](repeating: 1, count: width * height))]
        // Tall column runs: the top-left pixel set, a run wrapping into the next column.
        var columns = [UInt8](repeating: 0, count: width * height)
        for x in 0..<width { for y in 0..<height where (x + y / 3) % 2 == 0 { columns[y * width + x] = 1 } }
        masks.append(try BinaryMask(width: width, height: height, values: columns))
        for mask in masks {
            let rle = RLE(encoding: mask)
            for level in [1, 6] {
                #expect(try MaskPNG.encode1Bit(rle, compressionLevel: level) == (try MaskPNG.encode1Bit(mask, compressionLevel: level)),
                        "\(width)x\(height) level \(level)")
            }
        }
    }

    @Test func packedRowsOfTheWrongSizeAreRefused() {
        #expect(throws: ImageCodecError.self) { try PNGCodec.encodeGray(packedRows: [0, 0], width: 9, height: 2, bitDepth: 1) }
        #expect(throws: ImageCodecError.self) { try PNGCodec.encodeGray(packedRows: [0, 0], width: 8, height: 2, bitDepth: 3) }
    }
}
