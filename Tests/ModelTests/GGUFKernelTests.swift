import Foundation
import Testing
@testable import Model

/// Quantized products (`QuantizedMatrixWeight`) on every tensor type and every SIMD path this
/// CPU has, against the dequantized matrix (bit-exact with gguf-py, see GGUFFileTests) times
/// the activations in double precision.
@Suite("GGUF quantized kernels")
struct GGUFKernelTests {
    static var levels: [SIMDLevel] { [.baseline, .avx2, .avx512].filter { $0 <= SIMDLevel.current } }

    /// Deterministic activations in [-1, 1).
    static func activations(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
        }
    }

    /// Checks y = x·Wᵀ for `rows` activation rows against double-precision sums over `dense`.
    static func check(_ weight: QuantizedMatrixWeight, dense: [Float], rows: Int, label: String) {
        let k = weight.inFeatures, n = weight.outFeatures
        let x = activations(rows * k, seed: UInt64(rows * 31 + k))
        var y = [Float](repeating: .nan, count: rows * n)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in weight.multiply(px.baseAddress!, rows: rows, into: py.baseAddress!) }
        }
        var worst: Double = 0
        for i in 0..<rows {
            for r in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for j in 0..<k {
                    let p = Double(dense[r * k + j]) * Double(x[i * k + j])
                    sum += p
                    magnitude += abs(p)
                }
                let error = abs(Double(y[i * n + r]) - sum) / (magnitude + 1e-6)
                worst = max(worst, error.isNaN ? .infinity : error)
            }
        }
        #expect(worst < 2e-6, "\(label): worst relative error \(worst)")
    }

    @Test("products on the fixture tensors: every type, every SIMD path, 1, 2 and 5 rows")
    func fixtureTensors() throws {
        let g = try GGUFFile(path: GGUFFileTests.fixture("tensors-v3.gguf"))
        for info in g.tensors where info.dimensions.count == 2 {
            let dense = try g.dequantize(info.name).withUnsafeFloats { Array($0) }
            for level in Self.levels {
                var w = try g.matrixWeight(info.name)
                w.simdLevel = level
                for rows in [1, 2, 5] { Self.check(w, dense: dense, rows: rows, label: "\(info.name) \(level) rows \(rows)") }
                // Embedding lookup: a row is the dequantized row, bit for bit.
                var row = [Float](repeating: 0, count: w.inFeatures)
                row.withUnsafeMutableBufferPointer { w.row(w.outFeatures - 1, into: $0.baseAddress!) }
                #expect(row == Array(dense.suffix(w.inFeatures)))
            }
        }
    }

    /// A GGUF file with one [rows, cols] matrix of random blocks for each quantized type (random
    /// bytes with finite f16 scales), large enough for the products to split over cores.
    static func randomMatrixFile(at url: URL, rows: Int, cols: Int,
                                 types: [GGUFTensorType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q4_K, .q6_K]) throws -> [GGUFTensorType] {
        var b = GGUFBuilder()
        b.header(tensors: UInt64(types.count), kvs: 0)
        var offset = 0
        var blobs: [[UInt8]] = []
        var state: UInt64 = 0x1234_5678
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        for t in types {
            let bytes = t.byteCount(elements: rows * cols)!
            var blob = (0..<bytes).map { _ in next() }
            let scaleOffsets: [Int] = switch t {
            case .q8_0, .q4_0: [0]
            case .q4_1, .q4_K: [0, 2]
            case .q6_K: [208]
            default: []
            }
            if t == .f32 {
                for i in 0..<(rows * cols) { withUnsafeBytes(of: (Float(Int(next()) - 128) / 64).bitPattern) { blob.replaceSubrange(i * 4..<(i * 4 + 4), with: $0) } }
            } else if t == .f16 || t == .bf16 {
                for i in 0..<(rows * cols) {
                    let v = Float(Int(next()) - 128) / 64
                    let bits = t == .f16 ? HalfConversion.f16(v) : HalfConversion.bf16(v)
                    blob[2 * i] = UInt8(bits & 0xff); blob[2 * i + 1] = UInt8(bits >> 8)
                }
            }
            for block in 0..<(bytes / t.typeSize) {
                for so in scaleOffsets {
                    let bits = HalfConversion.f16(Float(Int(next()) - 128) / 2048)
                    blob[block * t.typeSize + so] = UInt8(bits & 0xff)
                    blob[block * t.typeSize + so + 1] = UInt8(bits >> 8)
                }
            }
            b.tensorInfo("\(t)", dims: [UInt64(cols), UInt64(rows)], type: t.rawValue, offset: UInt64(offset))
            offset += (bytes + 31) / 32 * 32
            blobs.append(blob)
        }
        b.pad()
        for blob in blobs { b.raw(blob); b.pad() }
        try b.write(to: url)
        return types
    }

    @Test("products on larger random matrices split over cores", arguments: [768, 32 * 23])
    func largerMatrices(cols: Int) throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("random.gguf")
        // 23 blocks of 32: an odd count, for the two-blocks-at-a-time loops' tails.
        let types = try Self.randomMatrixFile(at: url, rows: 96, cols: cols,
                                              types: cols % 256 == 0 ? [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q4_K, .q6_K]
                                                                     : [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1])
        let g = try GGUFFile(path: url.path)
        for t in types {
            let dense = try g.dequantize("\(t)").withUnsafeFloats { Array($0) }
            for level in Self.levels {
                var w = try g.matrixWeight("\(t)")
                w.simdLevel = level
                for rows in [1, 7, 20] { Self.check(w, dense: dense, rows: rows, label: "\(t) \(level) rows \(rows)") }
            }
            // The MatrixWeight protocol's Tensor entry point.
            let w = try g.matrixWeight("\(t)")
            let x = Tensor(shape: [2, 3, cols], data: Self.activations(2 * 3 * cols, seed: 5))
            let y = w.apply(x)
            #expect(y.shape == [2, 3, 96])
        }
    }
}
