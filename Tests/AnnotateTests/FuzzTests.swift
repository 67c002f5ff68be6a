import Testing
@testable import Annotate

/// Seeded random garbage: every call must return or throw a typed error, never trap.
@Suite("Random input never crashes")
struct FuzzTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("random RLE strings and sizes")
    func rleStrings() {
        var rng = SplitMix(state: 1)
        var decoded = 0
        for _ in 0..<3000 {
            let length = Int.random(in: 0...12, using: &rng)
            let bytes = (0..<length).map { _ in UInt8.random(in: 40...115, using: &rng) }
            let text = String(decoding: bytes, as: UTF8.self)
            let h = Int.random(in: 0...6, using: &rng), w = Int.random(in: 0...6, using: &rng)
            if let rle = try? RLE(height: h, width: w, compressedCounts: text) {
                decoded += 1
                let mask = rle.decode()
                #expect(RLE(encoding: mask) == rle || rle.counts.dropFirst().contains(0))
                _ = rle.boundingBox
            }
        }
        #expect(decoded > 0)
    }

    @Test("random polygons through every rasterizer")
    func polygons() throws {
        var rng = SplitMix(state: 2)
        for _ in 0..<200 {
            let w = Int.random(in: 1...40, using: &rng), h = Int.random(in: 1...40, using: &rng)
            let n = Int.random(in: 1...12, using: &rng)
            let spread = [4.0, 50.0, 2000.0][Int.random(in: 0...2, using: &rng)]
            let flat = (0..<(2 * n)).map { _ in Double.random(in: -spread...spread, using: &rng) }
            var canvas = LabelMask(width: w, height: h)
            let points = stride(from: 0, to: flat.count, by: 2).map { PixelPoint(x: Int32(flat[$0]), y: Int32(flat[$0 + 1])) }
            OpenCVDrawing.fillPoly(&canvas, contours: [points], value: 1, rule: Bool.random(using: &rng) ? .legacy : .current)
            OpenCVDrawing.polylines(&canvas, contours: [points], closed: true, value: 255)
            #expect(canvas.values.allSatisfy { $0 == 0 || $0 == 1 || $0 == 255 })
            if n >= 3 {
                let rle = try RLE(polygon: flat, height: h, width: w)
                #expect(rle.counts.reduce(0) { $0 + Int($1) } == w * h)
                let mask = EvenOddRasterizer.rasterize([try Polygon(exterior: flat)], width: w, height: h)
                #expect(EvenOddRasterizer.rasterize(ContourTracer.trace(mask), width: w, height: h) == mask)
            }
        }
    }

    @Test("random masks: encode/decode, tracing and LISA export round trips")
    func masks() throws {
        var rng = SplitMix(state: 3)
        for _ in 0..<60 {
            let w = Int.random(in: 1...30, using: &rng), h = Int.random(in: 1...30, using: &rng)
            let density = Double.random(in: 0...1, using: &rng)
            let mask = try BinaryMask(width: w, height: h, values: (0..<(w * h)).map { _ in Double.random(in: 0..<1, using: &rng) < density ? 1 : 0 })
            #expect(RLE(encoding: mask).decode() == mask)
            #expect(EvenOddRasterizer.rasterize(ContourTracer.trace(mask), width: w, height: h) == mask)
            let shapes = LISAPolygonExport.polygons(from: mask).map { LabeledShape(label: "t", points: $0.map { [Double($0.x), Double($0.y)] }) }
            let back = try ReasonSegRasterizer.mask(for: ReasonSegAnnotation(texts: [], isSentence: nil, shapes: shapes), width: w, height: h)
            #expect(back.target == mask)
        }
    }
}
