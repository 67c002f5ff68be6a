import Foundation
import Testing
@testable import Model

/// Products with a prepacked right operand (`PackedMatrix`) for every kernel this CPU can run:
/// against the double-precision reference of `SGEMMTests`, against the unpacked product (ours
/// packs the same panels, so the two agree bit for bit), over column ranges, and the shared
/// packing of `GEMM.sgemm`'s row split.
@Suite("SGEMM with packed B")
struct PackedGEMMTests {
    typealias Problem = SGEMMTests.Problem

    /// (m, n, k): tiny, m and n off the 12×32 / 6×16 tiles, k over one and several K blocks
    /// (256 / 384), n over an L2 column block, m over a row block (3072: B packed once for both
    /// blocks). Up to 4 column panels (128 columns for AVX-512, 64 for AVX2) a row-major A is
    /// read in place by the direct kernels; wider products pack A through 8×8 transposes, where
    /// m = 10 and 23 leave partial second groups of rows (8 + 2, 12 + 8 + 3) and k = 37 a tail.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (3, 5, 7), (10, 33, 17), (13, 31, 9), (12, 32, 384), (20, 40, 64), (97, 101, 389),
        (37, 65, 1031), (25, 1000, 20), (3100, 20, 8), (3100, 70, 20), (10, 300, 37), (23, 257, 50),
    ]

    /// Elements of `got` (m×n, row stride `ldc`) outside the reference bound, and the first.
    static func mismatches(_ got: [Float], _ want: [Double], _ bound: [Double], m: Int, n: Int, ldc: Int,
                           columns: Range<Int>? = nil) -> (count: Int, first: String) {
        var bad = 0, first = ""
        let cols = columns ?? 0..<n
        for i in 0..<m {
            for (jj, j) in cols.enumerated() where !(abs(Double(got[i * ldc + jj]) - want[i * n + j]) <= bound[i * n + j]) {
                if bad == 0 { first = "C[\(i),\(j)] = \(got[i * ldc + jj]), want \(want[i * n + j]) ± \(bound[i * n + j])" }
                bad += 1
            }
        }
        return (bad, first)
    }

    static func packed(_ p: Problem, _ kernel: GEMMKernel) -> PackedMatrix {
        p.b.withUnsafeBufferPointer { b in
            PackedMatrix(kernel: kernel, transB: p.transB, k: p.k, n: p.n, b: b.baseAddress!, ldb: p.ldb)
        }
    }

    static func run(_ p: Problem, _ b: PackedMatrix, alpha: Float, beta: Float, parallel: Bool) -> [Float] {
        var c = p.c0
        c.withUnsafeMutableBufferPointer { cp in
            GEMM.sgemm(transA: p.transA, m: p.m, alpha: alpha, a: p.a, lda: p.lda, b: b, beta: beta,
                       c: cp.baseAddress!, ldc: p.ldc, parallel: parallel)
        }
        return c
    }

    @Test(arguments: PackedGEMMTests.shapes.indices)
    func matchesReferenceAndUnpacked(_ index: Int) {
        let (m, n, k) = Self.shapes[index]
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            for (alpha, beta, nanC, pad) in [(Float(0.75), Float(-1.5), false, 3), (1.25, 0, true, 5), (1, 1, false, 0)] {
                let p = Problem(m, n, k, transA: ta, transB: tb, pad: pad, seed: UInt64(index * 977 + pad), nanC: nanC)
                let (want, bound) = p.reference(alpha: alpha, beta: beta)
                for kernel in GEMMKernel.available {
                    let b = Self.packed(p, kernel)
                    #expect(b.kernel == kernel && b.k == k && b.n == n)
                    let got = Self.run(p, b, alpha: alpha, beta: beta, parallel: false)
                    let (bad, first) = Self.mismatches(got, want, bound, m: m, n: n, ldc: p.ldc)
                    #expect(bad == 0, "\(kernel) packed m=\(m) n=\(n) k=\(k) transA=\(ta) transB=\(tb) alpha=\(alpha) beta=\(beta): \(bad) wrong, first \(first)")
                    // Columns past n (the padding of C's rows) are never written.
                    var touched = 0
                    for i in 0..<m { for j in n..<p.ldc where got[i * p.ldc + j].bitPattern != p.c0[i * p.ldc + j].bitPattern { touched += 1 } }
                    #expect(touched == 0, "\(kernel) packed wrote \(touched) padding elements")
                    if kernel != .openBLAS {
                        // Same panels, same K blocks, same micro-kernel: identical to the unpacked product.
                        let plain = p.run(kernel, alpha: alpha, beta: beta)
                        let same = zip(got, plain).allSatisfy { $0.bitPattern == $1.bitPattern }
                        #expect(same, "\(kernel) packed and unpacked differ for m=\(m) n=\(n) k=\(k) transA=\(ta) transB=\(tb)")
                    }
                }
            }
        }
    }

    /// Column ranges starting at panel multiples, with C pointing at the range's first column,
    /// and the column read-back of the packed layout.
    @Test func columnRangesAndColumnReadBack() {
        let (m, n, k) = (29, 150, 800)
        for tb in [false, true] {
            let p = Problem(m, n, k, transA: false, transB: tb, pad: 0, seed: 99, nanC: true)
            let (want, bound) = p.reference(alpha: 0.5, beta: 0)
            for kernel in GEMMKernel.available {
                let b = Self.packed(p, kernel)
                let w = b.panelWidth
                #expect(w == (kernel == .openBLAS ? 1 : kernel == .avx2 ? 16 : 32))
                for cols in [0..<w, w..<n, (2 * w)..<(3 * w + 5), (n / w * w)..<n] where !cols.isEmpty {
                    var c = [Float](repeating: .nan, count: m * cols.count)
                    c.withUnsafeMutableBufferPointer { cp in
                        GEMM.sgemm(m: m, alpha: 0.5, a: p.a, lda: p.lda, b: b, columns: cols, c: cp.baseAddress!, ldc: cols.count)
                    }
                    let (bad, first) = Self.mismatches(c, want, bound, m: m, n: n, ldc: cols.count, columns: cols)
                    #expect(bad == 0, "\(kernel) columns \(cols): \(bad) wrong, first \(first)")
                }
                var column = [Float](repeating: .nan, count: k)
                for j in [0, 1, w - 1, w, n - 1] {
                    column.withUnsafeMutableBufferPointer { b.column(j, into: $0.baseAddress!) }
                    let expected = (0..<k).map { p.bAt($0, j) }
                    #expect(column == expected, "\(kernel) column \(j) read back from the packed layout")
                }
            }
        }
    }

    /// `GEMM.sgemm` split over workers with a packed B (rows, and column panels), and the
    /// unpacked row split that packs B once for all workers (few rows per worker).
    @Test(arguments: [(600, 200, 100), (40, 500, 30), (2000, 300, 70)])
    func parallelSplits(_ shape: (Int, Int, Int)) {
        let (m, n, k) = shape
        for (ta, tb) in [(false, false), (true, true), (false, true)] {
            let p = Problem(m, n, k, transA: ta, transB: tb, pad: 2, seed: 11, nanC: false)
            let (want, bound) = p.reference(alpha: 0.5, beta: 2)
            for kernel in GEMMKernel.available {
                let packedResult = Self.run(p, Self.packed(p, kernel), alpha: 0.5, beta: 2, parallel: true)
                let a = Self.mismatches(packedResult, want, bound, m: m, n: n, ldc: p.ldc)
                #expect(a.count == 0, "\(kernel) packed split m=\(m) n=\(n) k=\(k): \(a.count) wrong, first \(a.first)")
                let plain = p.run(kernel, alpha: 0.5, beta: 2, parallel: true)
                let b = Self.mismatches(plain, want, bound, m: m, n: n, ldc: p.ldc)
                #expect(b.count == 0, "\(kernel) unpacked split m=\(m) n=\(n) k=\(k): \(b.count) wrong, first \(b.first)")
            }
        }
    }

    /// alpha = 0 and k = 0 leave A unread: C = beta·C, zeros over NaN when beta = 0.
    @Test func alphaZeroAndEmptyK() {
        let nanA = [Float](repeating: .nan, count: 64)
        let bValues = (0..<12).map { Float($0) }
        for kernel in GEMMKernel.available {
            let b = bValues.withUnsafeBufferPointer { PackedMatrix(kernel: kernel, transB: false, k: 4, n: 3, b: $0.baseAddress!, ldb: 3) }
            for beta: Float in [0, 2] {
                var c: [Float] = beta == 0 ? [.nan, .nan, .nan, .nan, .nan, .nan] : [1, 2, 3, 4, 5, 6]
                c.withUnsafeMutableBufferPointer { cp in
                    GEMM.sgemm(m: 2, alpha: 0, a: nanA, lda: 4, b: b, beta: beta, c: cp.baseAddress!, ldc: 3)
                }
                if kernel != .openBLAS {
                    #expect(c == (beta == 0 ? [0, 0, 0, 0, 0, 0] : [2, 4, 6, 8, 10, 12]), "\(kernel) alpha = 0, beta = \(beta)")
                }
            }
            let empty = bValues.withUnsafeBufferPointer { PackedMatrix(kernel: kernel, transB: false, k: 0, n: 2, b: $0.baseAddress!, ldb: 2) }
            var c: [Float] = [.nan, .nan, 1, 1]
            c.withUnsafeMutableBufferPointer { cp in
                GEMM.sgemm(m: 2, a: nanA, lda: 1, b: empty, beta: 0, c: cp.baseAddress!, ldc: 2)
            }
            #expect(c == [0, 0, 0, 0], "\(kernel) k = 0")
            var nothing: [Float] = [7]
            nothing.withUnsafeMutableBufferPointer { empty.column(1, into: $0.baseAddress!) }
            #expect(nothing == [7], "\(kernel) column of a k = 0 matrix writes nothing")
        }
    }

    /// `linear` with a packed `nn.Linear` weight equals `linear` with the plain weight.
    @Test func linearWithPackedWeight() {
        var rng = SGEMMTests.Rng(state: 5)
        let weight = Tensor(shape: [70, 45], data: (0..<(70 * 45)).map { _ in rng.next() })
        let bias = Tensor(shape: [70], data: (0..<70).map { _ in rng.next() })
        let x = Tensor(shape: [3, 9, 45], data: (0..<(27 * 45)).map { _ in rng.next() })
        let plain = GEMM.linear(x, weight: weight, bias: bias)
        for kernel in GEMMKernel.available {
            let packed = GEMM.linear(x, weight: PackedMatrix(weight: weight, kernel: kernel), bias: bias)
            #expect(packed.shape == [3, 9, 70])
            let worst = zip(packed.scalars, plain.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(kernel): packed linear differs by \(worst)")
        }
    }
}
