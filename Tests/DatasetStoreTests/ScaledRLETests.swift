import Annotate
import DatasetStore
import Testing

@Suite("RLE of a mask scaled nearest, without the scaled mask")
struct ScaledRLETests {
    static func mask(_ seed: Int, width: Int, height: Int) throws -> BinaryMask {
        var state = UInt64(seed) &* 0x9E3779B97F4A7C15 | 1
        var values = [UInt8](repeating: 0, count: width * height)
        // Blobs and single pixels: runs of every length, touching the borders.
        for i in values.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            values[i] = state % 7 < 3 ? 1 : 0
        }
        for y in 0..<height { for x in 0..<width where (x - width / 2) * (x - width / 2) + (y - height / 3) * (y - height / 3) < width * height / 8 {
            values[y * width + x] = 1
        } }
        return try BinaryMask(width: width, height: height, values: values)
    }

    @Test("same counts as MaskResize.nearest followed by RLE(encoding:)",
          arguments: [(16, 12, 32, 24), (320, 240, 640, 480), (7, 5, 23, 11), (640, 480, 320, 240), (50, 40, 37, 29),
                      (3, 3, 1, 1), (1, 9, 5, 4), (80, 60, 1296, 968), (13, 17, 13, 17)])
    func matchesFullScale(_ size: (Int, Int, Int, Int)) throws {
        for seed in 0..<3 {
            let source = try Self.mask(seed, width: size.0, height: size.1)
            let expected = RLE(encoding: try MaskResize.nearest(source, width: size.2, height: size.3))
            let scaled = try RLE(scaling: source, width: size.2, height: size.3)
            #expect(scaled == expected, "\(size) seed \(seed)")
            #expect(scaled.compressedCounts == expected.compressedCounts)
        }
        let empty = BinaryMask(width: size.0, height: size.1)
        #expect(try RLE(scaling: empty, width: size.2, height: size.3) == RLE(encoding: BinaryMask(width: size.2, height: size.3)))
    }

    @Test("an empty target size is an error, not a crash")
    func emptyTarget() throws {
        #expect(throws: MaskError.self) { try RLE(scaling: BinaryMask(width: 4, height: 4), width: 0, height: 3) }
    }
}
