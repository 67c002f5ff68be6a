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
            let n = range.count, first = range.lowerBound
            var mean = [Float](repeating: 0, count: n)
            var inv = [Float](repeating: 0, count: n)
            mean.withUnsafeMutableBufferPointer { m in
                inv.withUnsafeMutableBufferPointer { v in
                    for c in 0..<channels {
                        let plane = px.base + c * pixels + first
                        for i in 0..<n { m[i] += plane[i] }
                    }
                    let scale = 1 / Float(channels)
                    for i in 0..<n { m[i] *= scale }
                    for c in 0..<channels {
                        let plane = px.base + c * pixels + first
                        for i in 0..<n { let d = plane[i] - m[i]; v[i] += d * d }
                    }
                    for i in 0..<n { v[i] = 1 / (v[i] * scale + eps).squareRoot() }
                    for c in 0..<channels {
                        let plane = px.base + c * pixels + first
                        let g = pg.base[c], b = pb.base[c]
                        for i in 0..<n { plane[i] = (plane[i] - m[i]) * v[i] * g + b }
                    }
                }
            }
        }
    }
}
