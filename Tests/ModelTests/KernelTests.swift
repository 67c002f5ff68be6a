import Foundation
import Testing
@testable import Model

/// Every kernel against PyTorch outputs recorded by tools/model_kernel_fixtures.py.
@Suite("Kernels vs PyTorch")
struct KernelTests {
    struct Fixture: Decodable {
        struct Array: Decodable { var shape: [Int]; var data: [Float] }
        struct Params: Decodable {
            var eps: Float?
            var mask: String?
            var scale: Float?
            var ids: [Int]?
            var stride: [Int]?
            var padding: [Int]?
            var dilation: [Int]?
            var outputPadding: [Int]?
            var groups: Int?
            var height: Int?
            var width: Int?
            var alignCorners: Bool?
            enum CodingKeys: String, CodingKey {
                case eps, mask, scale, ids, stride, padding, dilation, groups, height, width
                case outputPadding = "output_padding"
                case alignCorners = "align_corners"
            }
        }
        struct Case: Decodable {
            var name: String
            var op: String
            var inputs: [String: Array]
            var params: Params
            var expected: Array
            func input(_ key: String) -> Tensor? { inputs[key].map { Tensor(shape: $0.shape, data: $0.data) } }
        }
        var cases: [Case]
    }

    static let cases: [Fixture.Case] = {
        guard let url = try? Support.fixtures.appendingPathComponent("kernels.json"),
              let data = try? Data(contentsOf: url),
              let fixture = try? JSONDecoder().decode(Fixture.self, from: data) else { return [] }
        return fixture.cases
    }()

    @Test func fixtureLoads() {
        #expect(Self.cases.count >= 20, "kernels.json missing or unreadable")
    }

    static func pair(_ v: [Int]?) -> Convolution.Pair { Convolution.Pair(v![0], v![1]) }

    static func run(_ c: Fixture.Case) -> Tensor {
        let p = c.params
        switch c.op {
        case "matmul": return GEMM.matmul(c.input("a")!, c.input("b")!)
        case "linear": return GEMM.linear(c.input("x")!, weight: c.input("weight")!, bias: c.input("bias"))
        case "softmax": return Softmax.lastDimension(c.input("x")!)
        case "layer_norm": return Normalization.layerNorm(c.input("x")!, weight: c.input("weight")!, bias: c.input("bias"), eps: p.eps!)
        case "rms_norm": return Normalization.rmsNorm(c.input("x")!, weight: c.input("weight")!, eps: p.eps!)
        case "gelu_erf": return Activation.geluErf(c.input("x")!)
        case "gelu_tanh": return Activation.geluTanh(c.input("x")!)
        case "silu": return Activation.silu(c.input("x")!)
        case "attention":
            let mask: AttentionMask = switch p.mask {
            case "causal": .causal
            case "key_padding": .keyPadding(c.input("mask")!)
            case "additive": .additive(c.input("mask")!)
            default: .none
            }
            return Attention.scaledDotProduct(c.input("q")!, c.input("k")!, c.input("v")!, mask: mask, scale: p.scale)
        case "embedding": return Embedding.lookup(c.input("table")!, ids: p.ids!)
        case "conv2d":
            return Convolution.conv2d(c.input("x")!, weight: c.input("weight")!, bias: c.input("bias"),
                                      stride: pair(p.stride), padding: pair(p.padding), dilation: pair(p.dilation), groups: p.groups!)
        case "conv_transpose2d":
            return Convolution.convTranspose2d(c.input("x")!, weight: c.input("weight")!, bias: c.input("bias"),
                                               stride: pair(p.stride), padding: pair(p.padding),
                                               outputPadding: pair(p.outputPadding), dilation: pair(p.dilation), groups: p.groups!)
        case "bilinear":
            return Resize.bilinear(c.input("x")!, height: p.height!, width: p.width!, alignCorners: p.alignCorners!)
        default:
            Issue.record("unknown op \(c.op) in kernels.json")
            return Tensor(zeros: [0])
        }
    }

    @Test(arguments: KernelTests.cases.map(\.name))
    func matchesPyTorch(_ name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let out = Self.run(c)
        #expect(out.shape == c.expected.shape, "\(name): shape \(out.shape) vs \(c.expected.shape)")
        guard out.shape == c.expected.shape else { return }
        let scale = c.expected.data.map(abs).max() ?? 1
        let diff = Support.maxAbsDifference(out.scalars, c.expected.data)
        #expect(diff <= 2e-5 * max(1, scale), "\(name): max |Δ| = \(diff) (output scale \(scale))")
    }

    @Test func fastMathAccuracy() {
        var worstExp: Float = 0, worstErf: Float = 0
        var x: Float = -80
        while x < 80 {
            let rel = abs(FastMath.exp(x) - Foundation.exp(x)) / Foundation.exp(x)
            worstExp = max(worstExp, rel)
            x += 0.0137
        }
        x = -6
        while x < 6 {
            worstErf = max(worstErf, abs(FastMath.erf(x) - Foundation.erf(x)))
            x += 0.001
        }
        #expect(worstExp < 1e-6, "exp relative error \(worstExp)")
        #expect(worstErf < 1e-6, "erf absolute error \(worstErf)")
        #expect(FastMath.exp(-200) < 1e-37)
    }

    @Test func softmaxOfFullyMaskedRowIsZero() {
        var row: [Float] = [-.infinity, -.infinity, -.infinity]
        row.withUnsafeMutableBufferPointer { Softmax.row($0.baseAddress!, 3) }
        #expect(row == [0, 0, 0])
    }

    @Test func largeParallelSoftmaxRowsSumToOne() {
        let rows = 300, cols = 257
        let x = Tensor(shape: [rows, cols], data: (0..<(rows * cols)).map { Float(($0 * 7919) % 1000) / 37 })
        let s = Softmax.lastDimension(x).scalars
        for r in 0..<rows {
            let sum = s[(r * cols)..<((r + 1) * cols)].reduce(0, +)
            #expect(abs(sum - 1) < 1e-5)
        }
    }
}

/// The row/column split of large products against a plain triple loop.
@Suite("GEMM splitting")
struct GEMMSplitTests {
    static let shapes: [(Int, Int, Int)] = [(300, 70, 50), (40, 500, 30), (64, 64, 64), (5, 7, 3)]

    @Test(arguments: GEMMSplitTests.shapes.indices, [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveProduct(_ shape: Int, _ trans: (Bool, Bool)) {
        let (m, n, k) = Self.shapes[shape]
        var seed: UInt32 = 12345
        func next() -> Float { seed = seed &* 1_664_525 &+ 1_013_904_223; return Float(seed >> 8) / Float(1 << 24) - 0.5 }
        let a = (0..<(m * k)).map { _ in next() }, b = (0..<(k * n)).map { _ in next() }
        var c = (0..<(m * n)).map { _ in next() }
        let c0 = c
        // Stored layouts: A is m×k (or k×m when transposed), B is k×n (or n×k).
        func aAt(_ i: Int, _ p: Int) -> Float { trans.0 ? a[p * m + i] : a[i * k + p] }
        func bAt(_ p: Int, _ j: Int) -> Float { trans.1 ? b[j * k + p] : b[p * n + j] }
        c.withUnsafeMutableBufferPointer { cp in
            GEMM.sgemm(transA: trans.0, transB: trans.1, m: m, n: n, k: k, alpha: 0.5, a: a, lda: trans.0 ? m : k,
                       b: b, ldb: trans.1 ? k : n, beta: 2, c: cp.baseAddress!, ldc: n)
        }
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k { s += aAt(i, p) * bAt(p, j) }
                worst = max(worst, abs(c[i * n + j] - (0.5 * s + 2 * c0[i * n + j])))
            }
        }
        #expect(worst < 1e-4, "m=\(m) n=\(n) k=\(k) trans=\(trans): max |Δ| \(worst)")
    }
}
