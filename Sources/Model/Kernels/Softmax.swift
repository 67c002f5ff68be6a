/// Softmax over the last dimension, numerically stable (max subtracted).
public enum Softmax {
    /// In place over `rows` rows of `cols` contiguous floats, rows split over cores.
    public static func rows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        let p = SendablePointer(x)
        Parallel.forRanges(rows, grain: max(1, 16_384 / max(cols, 1))) { range in
            for r in range { row(p.base + r * cols, cols) }
        }
    }

    /// One row in place.
    @inline(__always)
    public static func row(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
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
