import CKernels

/// Softmax over the last dimension, numerically stable (max subtracted).
///
/// Runs the AVX-512 or AVX2+FMA kernel of CKernels (`ck_softmax_rows`) where the CPU has one
/// (`SIMDLevel.current`, capped by `LISAKIT_SIMD`); the Swift code below is the portable path
/// and the reference the C kernels are tested against.
public enum Softmax {
    /// In place over `rows` rows of `cols` contiguous floats, rows split over cores.
    public static func rows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        let p = SendablePointer(x)
        Parallel.forRanges(rows, grain: max(1, 16_384 / max(cols, 1))) { range in
            Self.rows(p.base + range.lowerBound * cols, rows: range.count, cols: cols, level: .avx512)
        }
    }

    /// `rows` contiguous rows on this thread with the kernel of `level` (lowered to what this
    /// process may use; `.baseline` is the Swift code). Returns the level that ran.
    @discardableResult
    public static func rows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, level: SIMDLevel) -> SIMDLevel {
        if rows <= 0 || cols <= 0 { return level.lowered }
        let ran = Int(ck_softmax_rows(Int32(level.rawValue), x, rows, cols))
        if ran > 0, let done = SIMDLevel(rawValue: ran) { return done }
        for r in 0..<rows { portableRow(x + r * cols, cols) }
        return .baseline
    }

    /// One row in place.
    @inline(__always)
    public static func row(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        rows(x, rows: 1, cols: n, level: .avx512)
    }

    /// One row in place, the portable Swift path (a scalar loop the compiler vectorizes).
    static func portableRow(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        if n == 0 { return }
        var m = -Float.infinity
        for i in 0..<n { m = max(m, x[i]) }
        if m == -.infinity {  // fully masked row: no key to attend to
            x.update(repeating: 0, count: n)
            return
        }
        // exp in its own loop so it vectorizes (a running float sum would keep it scalar:
        // perf showed the scalar loop at ~17% of a MiniLM batch), then a 16-lane sum.
        for i in 0..<n { x[i] = FastMath.exp(x[i] - m) }
        let raw = UnsafeRawPointer(x)
        var lanes = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= n {
            lanes += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Float>.stride, as: SIMD16<Float>.self)
            i += 16
        }
        var sum = lanes.sum()
        while i < n { sum += x[i]; i += 1 }
        let inv = sum > 0 ? 1 / sum : 0
        for i in 0..<n { x[i] *= inv }
    }

    /// Softmax of `x` over its last dimension.
    public static func lastDimension(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1, "softmax: needs rank ≥ 1")
        var out = x.contiguous()
        let cols = x.shape[x.rank - 1]
        out.withUnsafeMutableFloats { rows($0.baseAddress!, rows: cols == 0 ? 0 : $0.count / cols, cols: cols) }
        return out
    }
}
