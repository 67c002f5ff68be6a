import Foundation
import Testing
@testable import Model

/// The eight-lane softmax against the scalar one (and exp against libm).
@Suite("Softmax, SIMD rows")
struct SoftmaxSIMDTests {
    @Test(arguments: [1, 7, 8, 13, 64, 196, 4099])
    func matchesScalarRow(n: Int) {
        var state: UInt32 = 12345
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24) * 40 - 20
        }
        var a = (0..<n).map { _ in next() }
        if n > 3 { a[1] = -.infinity; a[n - 1] = -100 }
        var b = a
        a.withUnsafeMutableBufferPointer { Softmax.row($0.baseAddress!, n) }
        b.withUnsafeMutableBufferPointer { Softmax.rowSIMD($0.baseAddress!, n) }
        #expect(Support.maxAbsDifference(a, b) < 1e-6)
        #expect(abs(b.reduce(0, +) - 1) < 1e-5)
        if n > 3 { #expect(b[1] == 0) }
    }

    @Test func fullyMaskedRowIsZero() {
        var row = [Float](repeating: -.infinity, count: 19)
        row.withUnsafeMutableBufferPointer { Softmax.rowSIMD($0.baseAddress!, 19) }
        #expect(row.allSatisfy { $0 == 0 })
    }

    @Test func vectorExpMatchesLibm() {
        let xs: [Float] = [-100, -87.4, -87.2, -20, -1.5, -0.3, 0, 0.25, 1, 10, 88]
        for start in stride(from: 0, to: xs.count, by: 8) {
            var lanes = SIMD8<Float>(repeating: 0)
            for i in 0..<8 where start + i < xs.count { lanes[i] = xs[start + i] }
            let e = FastMath.exp(lanes)
            for i in 0..<8 where start + i < xs.count {
                let x = xs[start + i], reference = Float(Foundation.exp(Double(x)))
                if x < -87.3 { #expect(e[i] == 0) } else { #expect(abs(e[i] - reference) <= 1e-6 * reference, "exp(\(x))") }
            }
        }
    }
}
