import CKernels

extension Normalization {
    /// Layer norm across channels at every pixel of a [C, H·W] (channels-first) map, as SAM's
    /// `LayerNorm2d` and ConvNeXt's channels-first LayerNorm do: per pixel, mean and biased
    /// variance over the C channels, then per-channel `gamma`/`beta`. In place.
    /// Runs plane by plane (contiguous inner loops over pixels) rather than with strided rows.
    public static func layerNormChannels(
        _ x: UnsafeMutablePointer<Float>, channels: Int, pixels: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float
    ) {
        if channels == 0 || pixels == 0 { return }
        let px = SendablePointer(x)
        let pg = SendablePointer(UnsafeMutablePointer(mutating: gamma))
        let pb = SendablePointer(UnsafeMutablePointer(mutating: beta))
        // Pixel ranges are independent: each worker owns a column block of every plane.
        Parallel.forRanges(pixels, grain: 256) { range in
            layerNormChannels(px.base + range.lowerBound, channels: channels, pixels: range.count, stride: pixels,
                              gamma: pg.base, beta: pb.base, eps: eps, level: .avx512)
        }
    }

    /// `pixels` pixels starting at `x` (channel planes `stride` floats apart) on this thread,
    /// with the kernel of `level` (lowered to what this process may use: AVX-512 or AVX2+FMA
    /// `ck_layernorm_channels`, 16 or 8 pixels down all planes at a time; `.baseline` is the
    /// Swift code below). Returns the level that ran.
    @discardableResult
    public static func layerNormChannels(
        _ x: UnsafeMutablePointer<Float>, channels: Int, pixels n: Int, stride: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float, level: SIMDLevel
    ) -> SIMDLevel {
        if channels <= 0 || n <= 0 { return level.lowered }
        let ran = Int(ck_layernorm_channels(Int32(level.rawValue), x, channels, n, stride, gamma, beta, eps))
        if ran > 0, let done = SIMDLevel(rawValue: ran) { return done }
        var mean = [Float](repeating: 0, count: n)
        var inv = [Float](repeating: 0, count: n)
        mean.withUnsafeMutableBufferPointer { m in
            inv.withUnsafeMutableBufferPointer { v in
                for c in 0..<channels {
                    let plane = x + c * stride
                    for i in 0..<n { m[i] += plane[i] }
                }
                let scale = 1 / Float(channels)
                for i in 0..<n { m[i] *= scale }
                for c in 0..<channels {
                    let plane = x + c * stride
                    for i in 0..<n { let d = plane[i] - m[i]; v[i] += d * d }
                }
                for i in 0..<n { v[i] = 1 / (v[i] * scale + eps).squareRoot() }
                for c in 0..<channels {
                    let plane = x + c * stride
                    let g = gamma[c], b = beta[c]
                    for i in 0..<n { plane[i] = (plane[i] - m[i]) * v[i] * g + b }
                }
            }
        }
        return .baseline
    }
}
