import CKernels

/// Layer normalization (follows PyTorch `nn.LayerNorm` over the last dimension: biased variance,
/// eps inside the square root) and RMS normalization (follows LLaMA's `RMSNorm`).
public enum Normalization {
    /// out[r] = (x[r] - mean) / sqrt(var + eps) · gamma + beta for each row of `cols` floats.
    /// `out` may equal `x`.
    public static func layerNorm(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>?, eps: Float,
        into out: UnsafeMutablePointer<Float>
    ) {
        let px = SendablePointer(UnsafeMutablePointer(mutating: x)), po = SendablePointer(out)
        let pg = SendablePointer(UnsafeMutablePointer(mutating: gamma))
        let pb = beta.map { SendablePointer(UnsafeMutablePointer(mutating: $0)) }
        Parallel.forRanges(rows, grain: max(1, 8192 / max(cols, 1))) { range in
            let first = range.lowerBound * cols
            layerNorm(px.base + first, rows: range.count, cols: cols, gamma: pg.base, beta: pb?.base, eps: eps,
                      into: po.base + first, level: .avx512)
        }
    }

    /// `rows` rows on this thread with the kernel of `level` (lowered to what this process may
    /// use: AVX-512 or AVX2+FMA `ck_layernorm_rows`; `.baseline` is the Swift code below).
    /// Returns the level that ran.
    @discardableResult
    public static func layerNorm(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>?, eps: Float,
        into out: UnsafeMutablePointer<Float>, level: SIMDLevel
    ) -> SIMDLevel {
        if rows <= 0 || cols <= 0 { return level.lowered }
        let ran = Int(ck_layernorm_rows(Int32(level.rawValue), x, rows, cols, gamma, beta, eps, out))
        if ran > 0, let done = SIMDLevel(rawValue: ran) { return done }
        for r in 0..<rows {
            let xi = x + r * cols, oi = out + r * cols
            var sum: Float = 0
            for i in 0..<cols { sum += xi[i] }
            let mean = sum / Float(cols)
            var sq: Float = 0
            for i in 0..<cols { let d = xi[i] - mean; sq += d * d }
            let inv = 1 / (sq / Float(cols) + eps).squareRoot()
            if let beta {
                for i in 0..<cols { oi[i] = (xi[i] - mean) * inv * gamma[i] + beta[i] }
            } else {
                for i in 0..<cols { oi[i] = (xi[i] - mean) * inv * gamma[i] }
            }
        }
        return .baseline
    }

    /// out[r] = x[r] / sqrt(mean(x[r]²) + eps) · gamma. `out` may equal `x`.
    public static func rmsNorm(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, eps: Float, into out: UnsafeMutablePointer<Float>
    ) {
        let px = SendablePointer(UnsafeMutablePointer(mutating: x)), po = SendablePointer(out)
        let pg = SendablePointer(UnsafeMutablePointer(mutating: gamma))
        Parallel.forRanges(rows, grain: max(1, 8192 / max(cols, 1))) { range in
            for r in range {
                let xi = px.base + r * cols, oi = po.base + r * cols
                var sq: Float = 0
                for i in 0..<cols { sq += xi[i] * xi[i] }
                let inv = 1 / (sq / Float(cols) + eps).squareRoot()
                for i in 0..<cols { oi[i] = xi[i] * inv * pg.base[i] }
            }
        }
    }

    /// Layer norm of `x` over its last dimension with `weight`/`bias` of that size.
    public static func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor?, eps: Float) -> Tensor {
        let cols = x.shape.last ?? 0
        precondition(weight.shape == [cols], "layerNorm: weight \(weight.shape) does not match \(x.shape)")
        if let bias { precondition(bias.shape == [cols], "layerNorm: bias \(bias.shape) does not match \(x.shape)") }
        return x.withUnsafeFloats { px in
            weight.withUnsafeFloats { pw in
                Tensor(shape: x.shape) { out in
                    if let bias {
                        bias.withUnsafeFloats { pb in
                            layerNorm(px.baseAddress!, rows: x.count / max(cols, 1), cols: cols, gamma: pw.baseAddress!,
                                      beta: pb.baseAddress!, eps: eps, into: out.baseAddress!)
                        }
                    } else {
                        layerNorm(px.baseAddress!, rows: x.count / max(cols, 1), cols: cols, gamma: pw.baseAddress!,
                                  beta: nil, eps: eps, into: out.baseAddress!)
                    }
                }
            }
        }
    }

    /// RMS norm of `x` over its last dimension.
    public static func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float) -> Tensor {
        let cols = x.shape.last ?? 0
        precondition(weight.shape == [cols], "rmsNorm: weight \(weight.shape) does not match \(x.shape)")
        return x.withUnsafeFloats { px in
            weight.withUnsafeFloats { pw in
                Tensor(shape: x.shape) { out in
                    rmsNorm(px.baseAddress!, rows: x.count / max(cols, 1), cols: cols, gamma: pw.baseAddress!,
                            eps: eps, into: out.baseAddress!)
                }
            }
        }
    }
}
