import Foundation
import Testing
@testable import Model

/// The element-wise C kernels (ck_vecmath: softmax, softmax with SAM's relative positions,
/// GELU erf/tanh, SiLU, layer norm over rows and over channels) at every SIMD level this
/// process may use, against a Double/libm reference and against the portable Swift code.
@Suite("Element-wise kernels")
struct ElementwiseKernelTests {
    static let lengths = [0, 1, 15, 16, 17, 4096, 4097]
    /// The C levels under test (the Swift path is `.baseline`, the reference for the others).
    static var levels: [SIMDLevel] { SIMDLevel.usable }

    struct Rng {
        var state: UInt64
        /// Uniform in [lo, hi).
        mutating func next(_ lo: Float, _ hi: Float) -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return lo + (hi - lo) * Float(state >> 40) / Float(1 << 24)
        }
    }

    // MARK: Levels and the LISAKIT_SIMD cap

    @Test func everyLevelOfThisCPURunsUnlessCapped() {
        let cap = ProcessInfo.processInfo.environment["LISAKIT_SIMD"]
        // GEMMKernel(level:) ignores the cap: it says what the CPU has.
        let cpu = [SIMDLevel.avx2, .avx512].filter { GEMMKernel(level: $0) != nil }
        for level in cpu {
            var x: [Float] = [1, 2, 3]
            let ran = x.withUnsafeMutableBufferPointer { Softmax.rows($0.baseAddress!, rows: 1, cols: 3, level: level) }
            switch cap {
            case "baseline": #expect(ran == .baseline, "LISAKIT_SIMD=baseline must keep \(level) off")
            case "avx2": #expect(ran == min(level, .avx2), "LISAKIT_SIMD=avx2 caps \(level)")
            default: #expect(ran == level, "\(level) is on this CPU and not capped")
            }
            #expect(Self.levels.contains(ran))
        }
        if cap == nil { #expect(Self.levels == [.baseline] + cpu) }
        #expect(Self.levels.first == .baseline && Self.levels.last == SIMDLevel.current)
    }

    // MARK: Softmax

    /// Row softmax in Double from the same float inputs.
    static func softmaxReference(_ x: [Float]) -> [Double] {
        let m = x.map(Double.init).max() ?? 0
        if m == -.infinity { return x.map { _ in 0 } }
        let e = x.map { Foundation.exp(Double($0) - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func checkSoftmax(_ got: [Float], _ input: [Float], swift: [Float], _ label: String) {
        let want = softmaxReference(input)
        var worst = 0.0, worstSwift: Float = 0
        for i in got.indices {
            // Relative error, with an absolute floor below which exp underflows to 0.
            worst = max(worst, abs(Double(got[i]) - want[i]) / (want[i] + 1e-30))
            worstSwift = max(worstSwift, abs(got[i] - swift[i]))
            if input[i] == -.infinity { #expect(got[i] == 0, "\(label): -inf entry \(i) gives \(got[i])") }
        }
        // x - max is rounded in float (|x - max| up to 40 here: 2⁻¹⁹ ≈ 1.9e-6 absolute, which exp
        // turns into relative error); exp's polynomial adds ≈2e-7, the sum and the scale a few ulps.
        #expect(worst < 4e-6, "\(label): relative error \(worst) against Double")
        #expect(worstSwift < 1e-6, "\(label): \(worstSwift) away from the Swift path")
        if want.contains(where: { $0 > 0 }) {
            #expect(abs(got.reduce(0, +) - 1) < 1e-5 * Float(max(1, got.count / 1000)), "\(label): sum")
        }
    }

    @Test(arguments: ElementwiseKernelTests.lengths)
    func softmaxRowsMatchReference(n: Int) {
        var rng = Rng(state: UInt64(n) &+ 7)
        // Three rows: mixed with -inf entries, large magnitudes (most terms underflow), tiny ones.
        var input: [Float] = []
        for i in 0..<n { input.append(i % 7 == 3 ? -.infinity : rng.next(-20, 20)) }
        for _ in 0..<n { input.append(rng.next(-3e4, 3e4)) }
        for _ in 0..<n { input.append(rng.next(-1e-6, 1e-6)) }
        var swift = input
        swift.withUnsafeMutableBufferPointer { #expect(Softmax.rows($0.baseAddress!, rows: 3, cols: n, level: .baseline) == .baseline) }
        for level in Self.levels {
            var got = input
            let ran = got.withUnsafeMutableBufferPointer { Softmax.rows($0.baseAddress!, rows: 3, cols: n, level: level) }
            #expect(ran == level)
            for r in 0..<3 {
                let range = (r * n)..<((r + 1) * n)
                Self.checkSoftmax(Array(got[range]), Array(input[range]), swift: Array(swift[range]), "\(level) n=\(n) row \(r)")
            }
            // The per-row entry point that SAM's attention uses, same result.
            var single = Array(input[0..<n])
            single.withUnsafeMutableBufferPointer { if n > 0 { Softmax.rowSIMD($0.baseAddress!, n) } }
            // (the same C kernel, so bit for bit; with no C level, the eight-lane Swift code
            // against the scalar one: summation order only)
            if level == SIMDLevel.current {
                let same = level == .baseline ? Support.maxAbsDifference(single, Array(got[0..<n])) < 1e-6 : single == Array(got[0..<n])
                #expect(same, "rowSIMD n=\(n) at \(level)")
            }
        }
    }

    @Test(arguments: [1, 15, 16, 17, 4097])
    func fullyMaskedRowsBecomeZeros(n: Int) {
        for level in Self.levels {
            var x = [Float](repeating: -.infinity, count: 3 * n)
            for i in 0..<n { x[i] = Float(i % 5) }  // row 0 live, rows 1 and 2 fully masked
            x.withUnsafeMutableBufferPointer { Softmax.rows($0.baseAddress!, rows: 3, cols: n, level: level) }
            #expect(x[n...].allSatisfy { $0 == 0 }, "\(level) n=\(n)")
            #expect(abs(x[0..<n].reduce(0, +) - 1) < 1e-5, "\(level) n=\(n): live row")
        }
    }

    // MARK: Softmax with decomposed relative positions (SAM grid attention)

    @Test(arguments: [(1, 1), (3, 5), (4, 17), (14, 14), (2, 33), (64, 64)])
    func relativePositionSoftmaxMatchesReference(height: Int, width: Int) {
        var rng = Rng(state: UInt64(height * 100 + width))
        let rows = 3, keys = height * width
        var scores = (0..<(rows * keys)).map { _ in rng.next(-8, 8) }
        scores[1] = -.infinity  // a masked key stays 0
        let relH = (0..<(rows * height)).map { _ in rng.next(-4, 4) }
        let relW = (0..<(rows * width)).map { _ in rng.next(-4, 4) }
        func run(_ level: SIMDLevel) -> ([Float], SIMDLevel) {
            var s = scores
            let ran = s.withUnsafeMutableBufferPointer { sp in
                relH.withUnsafeBufferPointer { hp in
                    relW.withUnsafeBufferPointer { wp in
                        Softmax.rowsAddingRelativePositions(sp.baseAddress!, rows: rows, relH: hp.baseAddress!, relW: wp.baseAddress!,
                                                            height: height, width: width, level: level)
                    }
                }
            }
            return (s, ran)
        }
        let (swift, swiftRan) = run(.baseline)
        #expect(swiftRan == .baseline)
        for level in Self.levels {
            let (got, ran) = run(level)
            #expect(ran == level)
            for r in 0..<rows {
                // The reference adds in float like the kernels (row + (relH + relW)), then Double softmax.
                var added = [Float](repeating: 0, count: keys)
                for kh in 0..<height {
                    for kw in 0..<width {
                        added[kh * width + kw] = scores[r * keys + kh * width + kw] + (relH[r * height + kh] + relW[r * width + kw])
                    }
                }
                let range = (r * keys)..<((r + 1) * keys)
                Self.checkSoftmax(Array(got[range]), added, swift: Array(swift[range]), "\(level) \(height)x\(width) row \(r)")
            }
        }
    }

    @Test func relativePositionSoftmaxOfMaskedRowIsZero() {
        for level in Self.levels {
            var s = [Float](repeating: -.infinity, count: 4 * 5)
            let relH: [Float] = [1, 2, 3, 4], relW: [Float] = [0, -1, 5, 2, 1]
            s.withUnsafeMutableBufferPointer {
                Softmax.rowsAddingRelativePositions($0.baseAddress!, rows: 1, relH: relH, relW: relW, height: 4, width: 5, level: level)
            }
            #expect(s.allSatisfy { $0 == 0 }, "\(level)")
        }
    }

    // MARK: GELU, SiLU

    static func activationReference(_ kind: Activation, _ v: Double) -> Double {
        switch kind {
        case .geluErf: 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
        case .geluTanh: 0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
        case .silu: v / (1 + Foundation.exp(-v))
        case .relu: max(v, 0)
        }
    }

    @Test(arguments: [Activation.geluErf, .geluTanh, .silu], ElementwiseKernelTests.lengths)
    func activationsMatchReference(kind: Activation, n: Int) {
        var rng = Rng(state: UInt64(n) &* 3 &+ 1)
        // Mostly the active range, some large and tiny magnitudes.
        let input: [Float] = (0..<n).map { i in
            switch i % 8 {
            case 0: rng.next(-1e4, 1e4)
            case 1: rng.next(-1e-6, 1e-6)
            default: rng.next(-10, 10)
            }
        }
        var swift = input
        swift.withUnsafeMutableBufferPointer { #expect(kind.apply($0.baseAddress!, count: n, level: .baseline) == .baseline) }
        for level in Self.levels {
            var got = input
            let ran = got.withUnsafeMutableBufferPointer { kind.apply($0.baseAddress!, count: n, level: level) }
            #expect(ran == level)
            var worst = 0.0, worstSwift = 0.0
            for i in 0..<n {
                let want = Self.activationReference(kind, Double(input[i]))
                // The erf fit is good to 1e-7 absolute, exp to 2e-7 relative: measure against |v|.
                let scale = max(abs(Double(input[i])), 1e-3)
                worst = max(worst, abs(Double(got[i]) - want) / scale)
                worstSwift = max(worstSwift, Double(abs(got[i] - swift[i])) / scale)
            }
            #expect(worst < 1e-6, "\(kind) \(level) n=\(n): \(worst) against libm")
            #expect(worstSwift < 1e-6, "\(kind) \(level) n=\(n): \(worstSwift) away from Swift")
        }
    }

    @Test func publicApplySplitsAcrossWorkersLikeOneCall() {
        var rng = Rng(state: 99)
        let input = (0..<100_003).map { _ in rng.next(-6, 6) }
        var whole = input, oneCall = input
        whole.withUnsafeMutableBufferPointer { Activation.geluErf.apply($0.baseAddress!, count: $0.count) }
        oneCall.withUnsafeMutableBufferPointer { Activation.geluErf.apply($0.baseAddress!, count: $0.count, level: .avx512) }
        #expect(whole == oneCall)
    }

    // MARK: Layer norm

    static func layerNormReference(_ x: ArraySlice<Float>, gamma: [Float], beta: [Float]?, eps: Float) -> [Double] {
        let n = Double(x.count)
        let mean = x.reduce(0.0) { $0 + Double($1) } / n
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let inv = 1 / (variance + Double(eps)).squareRoot()
        return x.enumerated().map { i, v in (Double(v) - mean) * inv * Double(gamma[i]) + Double(beta?[i] ?? 0) }
    }

    @Test(arguments: ElementwiseKernelTests.lengths.filter { $0 > 0 } + [768])
    func layerNormRowsMatchReference(cols: Int) {
        var rng = Rng(state: UInt64(cols) &+ 11)
        let gamma = (0..<cols).map { _ in rng.next(0.5, 1.5) }
        let beta = (0..<cols).map { _ in rng.next(-1, 1) }
        // Rows: plain, offset (two-pass variance matters), large, constant (exactly summable: zero variance).
        var input: [Float] = []
        for _ in 0..<cols { input.append(rng.next(-3, 3)) }
        for _ in 0..<cols { input.append(8 + rng.next(-1, 1)) }
        for _ in 0..<cols { input.append(rng.next(-1e4, 1e4)) }
        for _ in 0..<cols { input.append(-2.5) }
        let rows = 4, eps: Float = 1e-6
        for withBeta in [true, false] {
            func run(_ level: SIMDLevel, inPlace: Bool) -> ([Float], SIMDLevel) {
                var out = [Float](repeating: .nan, count: input.count)
                var x = input
                let ran = gamma.withUnsafeBufferPointer { g in
                    beta.withUnsafeBufferPointer { b in
                        if inPlace {
                            return x.withUnsafeMutableBufferPointer { xp in
                                Normalization.layerNorm(xp.baseAddress!, rows: rows, cols: cols, gamma: g.baseAddress!,
                                                        beta: withBeta ? b.baseAddress! : nil, eps: eps, into: xp.baseAddress!, level: level)
                            }
                        }
                        return out.withUnsafeMutableBufferPointer { op in
                            Normalization.layerNorm(input, rows: rows, cols: cols, gamma: g.baseAddress!,
                                                    beta: withBeta ? b.baseAddress! : nil, eps: eps, into: op.baseAddress!, level: level)
                        }
                    }
                }
                return (inPlace ? x : out, ran)
            }
            let (swift, _) = run(.baseline, inPlace: false)
            for level in Self.levels {
                let (got, ran) = run(level, inPlace: false)
                #expect(ran == level)
                let (inPlace, _) = run(level, inPlace: true)
                #expect(inPlace == got, "\(level) cols=\(cols): in place differs")
                for r in 0..<rows {
                    let range = (r * cols)..<((r + 1) * cols)
                    let want = Self.layerNormReference(input[range], gamma: gamma, beta: withBeta ? beta : nil, eps: eps)
                    var worst = 0.0, worstSwift: Float = 0
                    for (j, i) in range.enumerated() {
                        worst = max(worst, abs(Double(got[i]) - want[j]))
                        worstSwift = max(worstSwift, abs(got[i] - swift[i]))
                    }
                    // Row 1 sits at 8 ± 1: a float sum of 4097 such values is off by ~0.1, the mean by ~3e-5.
                    let tolerance = r == 1 ? 2e-4 : 2e-5
                    #expect(worst < tolerance, "\(level) cols=\(cols) row \(r) beta=\(withBeta): \(worst) against Double")
                    #expect(Double(worstSwift) < tolerance, "\(level) cols=\(cols) row \(r): \(worstSwift) away from Swift")
                    if r == 3 {
                        // Zero variance: every output is beta (or 0) exactly.
                        #expect(got[range].enumerated().allSatisfy { j, v in v == (withBeta ? beta[j] : 0) }, "\(level) constant row")
                    }
                }
            }
        }
    }

    @Test(arguments: [1, 3, 16, 256], [1, 15, 16, 17, 300])
    func layerNormChannelsMatchesReference(channels: Int, pixels: Int) {
        var rng = Rng(state: UInt64(channels * 1000 + pixels))
        // A pixel range [first, first + pixels) inside planes of `stride` floats.
        let first = 3, stride = pixels + 7
        let input = (0..<(channels * stride)).map { _ in rng.next(-2, 2) + 5 }
        let gamma = (0..<channels).map { _ in rng.next(0.5, 1.5) }
        let beta = (0..<channels).map { _ in rng.next(-1, 1) }
        func run(_ level: SIMDLevel) -> ([Float], SIMDLevel) {
            var x = input
            let ran = x.withUnsafeMutableBufferPointer {
                Normalization.layerNormChannels($0.baseAddress! + first, channels: channels, pixels: pixels, stride: stride,
                                                gamma: gamma, beta: beta, eps: 1e-6, level: level)
            }
            return (x, ran)
        }
        let (swift, _) = run(.baseline)
        for level in Self.levels {
            let (got, ran) = run(level)
            #expect(ran == level)
            var worst = 0.0, worstSwift: Float = 0, outside = 0
            for p in 0..<stride {
                let column = (0..<channels).map { input[$0 * stride + p] }
                let inRange = p >= first && p < first + pixels
                let want = Self.layerNormReference(column[...], gamma: gamma, beta: beta, eps: 1e-6)
                for c in 0..<channels {
                    let i = c * stride + p
                    if inRange {
                        worst = max(worst, abs(Double(got[i]) - want[c]))
                        worstSwift = max(worstSwift, abs(got[i] - swift[i]))
                    } else if got[i] != input[i] {
                        outside += 1
                    }
                }
            }
            #expect(outside == 0, "\(level) \(channels)x\(pixels): wrote outside the pixel range")
            #expect(worst < 5e-5, "\(level) \(channels)x\(pixels): \(worst) against Double")
            #expect(worstSwift < 5e-5, "\(level) \(channels)x\(pixels): \(worstSwift) away from Swift")
        }
    }
}
