import Foundation
import Testing
@testable import Model

/// Every SGEMM kernel this CPU can run (ours at each SIMD level, and OpenBLAS) against a
/// double-precision triple loop: shapes around the register tiles and cache blocks, every
/// transpose combination, padded leading dimensions and the BLAS alpha/beta rules.
@Suite("SGEMM kernels")
struct SGEMMTests {
    /// (m, n, k): 1×1, k = 1, m or n below the 6×16 / 12×32 tiles, primes, exact tiles, k over
    /// one and several K blocks (256 / 384), n over a column block, m over a row block (3072).
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 1, 7), (7, 1, 1), (3, 5, 1), (1, 33, 5), (13, 31, 17), (11, 31, 2), (5, 15, 9),
        (6, 16, 8), (12, 32, 384), (97, 101, 389), (37, 65, 1031), (25, 1000, 20), (3100, 20, 8),
    ]

    struct Rng {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % (1 << 24)) / Float(1 << 23) - 1  // [-1, 1)
        }
    }

    /// One product's operands in storage layout with padded leading dimensions.
    struct Problem {
        let m, n, k: Int
        let transA, transB: Bool
        let lda, ldb, ldc: Int
        let a, b: [Float]
        let c0: [Float]

        init(_ m: Int, _ n: Int, _ k: Int, transA: Bool, transB: Bool, pad: Int, seed: UInt64, nanC: Bool) {
            self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB
            lda = (transA ? m : k) + pad; ldb = (transB ? k : n) + pad; ldc = n + pad
            var rng = Rng(state: seed)
            a = (0..<((transA ? k : m) * lda)).map { _ in rng.next() }
            b = (0..<((transB ? n : k) * ldb)).map { _ in rng.next() }
            c0 = (0..<(m * ldc)).map { _ in nanC ? .nan : rng.next() }
        }

        func aAt(_ i: Int, _ p: Int) -> Float { transA ? a[p * lda + i] : a[i * lda + p] }
        func bAt(_ p: Int, _ j: Int) -> Float { transB ? b[j * ldb + p] : b[p * ldb + j] }

        /// Exact-ish result (double) and the forward error bound of an fp32 dot product of
        /// length k: (k + 2)·u·(|alpha|·Σ|a||b| + |beta·c|), u = 2⁻²⁴.
        func reference(alpha: Float, beta: Float) -> (value: [Double], bound: [Double]) {
            var value = [Double](repeating: 0, count: m * n), bound = value
            let u = 1.0 / Double(1 << 24)
            for i in 0..<m {
                for j in 0..<n {
                    var s = 0.0, mag = 0.0
                    for p in 0..<k {
                        let t = Double(aAt(i, p)) * Double(bAt(p, j))
                        s += t; mag += abs(t)
                    }
                    let c = beta == 0 ? 0 : Double(beta) * Double(c0[i * ldc + j])
                    value[i * n + j] = Double(alpha) * s + c
                    bound[i * n + j] = Double(k + 2) * u * (abs(Double(alpha)) * mag + abs(c)) + 1e-30
                }
            }
            return (value, bound)
        }

        func run(_ kernel: GEMMKernel, alpha: Float, beta: Float, parallel: Bool = false) -> [Float] {
            var c = c0
            c.withUnsafeMutableBufferPointer { cp in
                GEMM.sgemm(kernel: kernel, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: cp.baseAddress!, ldc: ldc, parallel: parallel)
            }
            return c
        }
    }

    @Test func everyLevelOfThisCPUIsTested() {
        let kernels = GEMMKernel.available
        #expect(kernels.contains(.openBLAS))
        // A CPU with AVX2 must have our AVX2 kernel available, and AVX-512 likewise.
        if SIMDLevel.current >= .avx2 { #expect(kernels.contains(.avx2)) }
        if SIMDLevel.current >= .avx512 { #expect(kernels.contains(.avx512)) }
        #expect(GEMMKernel.current == GEMMKernel(level: SIMDLevel.current))
    }

    @Test(arguments: SGEMMTests.shapes.indices)
    func matchesDoubleReference(_ index: Int) {
        let (m, n, k) = Self.shapes[index]
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            // alpha/beta: general; beta = 0 over a NaN-filled C (C must not be read); beta = 1.
            for (alpha, beta, nanC, pad) in [(Float(0.75), Float(-1.5), false, 3), (1.25, 0, true, 5), (1, 1, false, 0)] {
                let problem = Problem(m, n, k, transA: ta, transB: tb, pad: pad, seed: UInt64(index * 131 + pad), nanC: nanC)
                let (want, bound) = problem.reference(alpha: alpha, beta: beta)
                for kernel in GEMMKernel.available {
                    let got = problem.run(kernel, alpha: alpha, beta: beta)
                    var bad = 0, first = ""
                    for i in 0..<m {
                        for j in 0..<n where !(abs(Double(got[i * problem.ldc + j]) - want[i * n + j]) <= bound[i * n + j]) {
                            if bad == 0 { first = "C[\(i),\(j)] = \(got[i * problem.ldc + j]), want \(want[i * n + j]) ± \(bound[i * n + j])" }
                            bad += 1
                        }
                        // Padding columns past n keep what was there (NaN stays NaN).
                        for j in n..<problem.ldc where !(got[i * problem.ldc + j].bitPattern == problem.c0[i * problem.ldc + j].bitPattern) {
                            bad += 1
                            if first.isEmpty { first = "padding C[\(i),\(j)] changed" }
                        }
                    }
                    #expect(bad == 0, "\(kernel) m=\(m) n=\(n) k=\(k) transA=\(ta) transB=\(tb) alpha=\(alpha) beta=\(beta): \(bad) wrong, first \(first)")
                }
            }
        }
    }

    /// The row / column split over cores around our kernels.
    @Test(arguments: [(300, 70, 50), (40, 500, 30), (257, 263, 129)])
    func parallelSplitMatches(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        for (ta, tb) in [(false, false), (true, true), (false, true)] {
            let problem = Problem(m, n, k, transA: ta, transB: tb, pad: 2, seed: 7, nanC: false)
            let (want, bound) = problem.reference(alpha: 0.5, beta: 2)
            for kernel in GEMMKernel.available {
                let got = problem.run(kernel, alpha: 0.5, beta: 2, parallel: true)
                var bad = 0
                for i in 0..<m { for j in 0..<n where !(abs(Double(got[i * problem.ldc + j]) - want[i * n + j]) <= bound[i * n + j]) { bad += 1 } }
                #expect(bad == 0, "\(kernel) split m=\(m) n=\(n) k=\(k): \(bad) wrong")
            }
        }
    }

    /// BLAS: alpha = 0 or k = 0 leave A and B unread: C = beta·C (beta = 0 gives zeros, even
    /// over NaN).
    @Test func alphaZeroAndEmptyKScaleC() {
        let nanA = [Float](repeating: .nan, count: 64), nanB = nanA
        for kernel in GEMMKernel.available where kernel != .openBLAS {
            for beta: Float in [0, 2] {
                var c: [Float] = beta == 0 ? [.nan, .nan, .nan, .nan, .nan, .nan] : [1, 2, 3, 4, 5, 6]
                c.withUnsafeMutableBufferPointer { cp in
                    GEMM.sgemm(kernel: kernel, m: 2, n: 3, k: 4, alpha: 0, a: nanA, lda: 4, b: nanB, ldb: 3,
                               beta: beta, c: cp.baseAddress!, ldc: 3)
                }
                #expect(c == (beta == 0 ? [0, 0, 0, 0, 0, 0] : [2, 4, 6, 8, 10, 12]), "\(kernel) alpha = 0, beta = \(beta)")
            }
        }
        for kernel in GEMMKernel.available {
            var c: [Float] = [.nan, .nan, 1, 1]
            c.withUnsafeMutableBufferPointer { cp in
                GEMM.sgemm(kernel: kernel, m: 2, n: 2, k: 0, a: nanA, lda: 0, b: nanB, ldb: 2, beta: 0, c: cp.baseAddress!, ldc: 2)
            }
            #expect(c == [0, 0, 0, 0], "\(kernel) k = 0")
        }
    }

    /// Infinities and NaN in the operands propagate as IEEE arithmetic says (no fast-math).
    @Test func nonFiniteOperandsPropagate() {
        for kernel in GEMMKernel.available {
            let a: [Float] = [.infinity, 1, .nan, 1], b: [Float] = [1, 0, 1, 0]
            var c = [Float](repeating: 0, count: 4)
            c.withUnsafeMutableBufferPointer { cp in
                GEMM.sgemm(kernel: kernel, m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2, c: cp.baseAddress!, ldc: 2)
            }
            // Row 0: ∞·1 + 1·1 = ∞ and ∞·0 + 1·0 = NaN; row 1: NaN everywhere.
            #expect(c[0] == .infinity && c[1].isNaN && c[2].isNaN && c[3].isNaN, "\(kernel): \(c)")
        }
    }
}
