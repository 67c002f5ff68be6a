/// Bilinear resizing of NCHW tensors (follows PyTorch `F.interpolate(mode="bilinear")` with
/// `antialias=False`, for both `align_corners` settings).
public enum Resize {
    public static func bilinear(_ x: Tensor, height: Int, width: Int, alignCorners: Bool = false) -> Tensor {
        precondition(x.rank == 4, "bilinear: input must be [N, C, H, W], got \(x.shape)")
        precondition(height > 0 && width > 0, "bilinear: output size \(height)×\(width) must be positive")
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        precondition(h > 0 && w > 0, "bilinear: empty input \(x.shape)")
        let ys = taps(input: h, output: height, alignCorners: alignCorners)
        let xs = taps(input: w, output: width, alignCorners: alignCorners)
        return x.withUnsafeFloats { px in
            Tensor(shape: [n, c, height, width]) { out in
                let src = SendablePointer(UnsafeMutablePointer(mutating: px.baseAddress!))
                let dst = SendablePointer(out.baseAddress!)
                Parallel.forRanges(n * c * height, grain: max(1, 4096 / width)) { rows in
                    for row in rows {
                        let plane = row / height, oy = row % height
                        let (y0, y1, ly) = ys[oy]
                        let r0 = src.base + plane * h * w + y0 * w, r1 = src.base + plane * h * w + y1 * w
                        let line = dst.base + row * width
                        for ox in 0..<width {
                            let (x0, x1, lx) = xs[ox]
                            let top = r0[x0] * (1 - lx) + r0[x1] * lx
                            let bottom = r1[x0] * (1 - lx) + r1[x1] * lx
                            line[ox] = top * (1 - ly) + bottom * ly
                        }
                    }
                }
            }
        }
    }

    /// For each output index: the two source indices and the weight of the second.
    static func taps(input: Int, output: Int, alignCorners: Bool) -> [(Int, Int, Float)] {
        let scale: Float
        if alignCorners {
            scale = output > 1 ? Float(input - 1) / Float(output - 1) : 0
        } else {
            scale = Float(input) / Float(output)
        }
        return (0..<output).map { o in
            var src = alignCorners ? scale * Float(o) : scale * (Float(o) + 0.5) - 0.5
            if src < 0 { src = 0 }
            let i0 = min(Int(src), input - 1)
            let i1 = min(i0 + 1, input - 1)
            return (i0, i1, src - Float(i0))
        }
    }
}
