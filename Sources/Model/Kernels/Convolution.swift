/// 2-D convolution (follows PyTorch `nn.Conv2d`) as im2col + GEMM, and transposed convolution
/// (follows `nn.ConvTranspose2d`) as GEMM + col2im. Layout NCHW.
public enum Convolution {
    /// Height/width pairs for stride, padding and dilation.
    public struct Pair: Sendable, Equatable {
        public var h: Int, w: Int
        public init(_ h: Int, _ w: Int) { self.h = h; self.w = w }
        public static func square(_ v: Int) -> Pair { Pair(v, v) }
    }

    /// x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] → [N, O, Hout, Wout].
    public static func conv2d(
        _ x: Tensor, weight: Tensor, bias: Tensor? = nil,
        stride: Pair = .square(1), padding: Pair = .square(0), dilation: Pair = .square(1), groups: Int = 1
    ) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4, "conv2d: x and weight must be rank 4, got \(x.shape), \(weight.shape)")
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let o = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3]
        precondition(groups >= 1 && c % groups == 0 && o % groups == 0, "conv2d: \(c) in / \(o) out channels not divisible by groups \(groups)")
        let cg = c / groups, og = o / groups
        precondition(weight.shape[1] == cg, "conv2d: weight \(weight.shape) expects \(weight.shape[1]) channels per group, input has \(cg)")
        if let bias { precondition(bias.shape == [o], "conv2d: bias \(bias.shape) is not [\(o)]") }
        let ho = (h + 2 * padding.h - dilation.h * (kh - 1) - 1) / stride.h + 1
        let wo = (w + 2 * padding.w - dilation.w * (kw - 1) - 1) / stride.w + 1
        precondition(ho > 0 && wo > 0, "conv2d: output would be empty for input \(x.shape)")
        let kSize = cg * kh * kw, outHW = ho * wo
        let biasValues = bias?.scalars
        return x.withUnsafeFloats { px in
            weight.withUnsafeFloats { pw in
                Tensor(shape: [n, o, ho, wo]) { out in
                    var col = [Float](repeating: 0, count: kSize * outHW)
                    col.withUnsafeMutableBufferPointer { colBuf in
                        let cp = SendablePointer(colBuf.baseAddress!)
                        for b in 0..<n {
                            for g in 0..<groups {
                                let src = SendablePointer(UnsafeMutablePointer(mutating: px.baseAddress! + (b * c + g * cg) * h * w))
                                // im2col: row (ci, ky, kx) holds the input pixels each output pixel sees.
                                Parallel.forRanges(kSize, grain: max(1, 4096 / max(outHW, 1))) { rows in
                                    for row in rows {
                                        let ci = row / (kh * kw), ky = (row / kw) % kh, kx = row % kw
                                        let plane = src.base + ci * h * w
                                        let dst = cp.base + row * outHW
                                        for oy in 0..<ho {
                                            let iy = oy * stride.h - padding.h + ky * dilation.h
                                            let line = dst + oy * wo
                                            if iy < 0 || iy >= h {
                                                line.update(repeating: 0, count: wo)
                                                continue
                                            }
                                            let srcRow = plane + iy * w
                                            let x0 = kx * dilation.w - padding.w
                                            for ox in 0..<wo {
                                                let ix = x0 + ox * stride.w
                                                line[ox] = (ix >= 0 && ix < w) ? srcRow[ix] : 0
                                            }
                                        }
                                    }
                                }
                                let dst = out.baseAddress! + (b * o + g * og) * outHW
                                GEMM.sgemm(m: og, n: outHW, k: kSize, a: pw.baseAddress! + g * og * kSize, lda: kSize,
                                           b: colBuf.baseAddress!, ldb: outHW, c: dst, ldc: outHW)
                                if let biasValues {
                                    for oc in 0..<og {
                                        let v = biasValues[g * og + oc], line = dst + oc * outHW
                                        for i in 0..<outHW { line[i] += v }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// x [N, C, H, W], weight [C, O/groups, kh, kw], bias [O] → [N, O, Hout, Wout] with
    /// Hout = (H−1)·stride − 2·padding + dilation·(kh−1) + outputPadding + 1.
    public static func convTranspose2d(
        _ x: Tensor, weight: Tensor, bias: Tensor? = nil,
        stride: Pair = .square(1), padding: Pair = .square(0), outputPadding: Pair = .square(0),
        dilation: Pair = .square(1), groups: Int = 1
    ) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4, "convTranspose2d: x and weight must be rank 4, got \(x.shape), \(weight.shape)")
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        precondition(weight.shape[0] == c, "convTranspose2d: weight \(weight.shape) expects \(weight.shape[0]) input channels, got \(c)")
        precondition(groups >= 1 && c % groups == 0, "convTranspose2d: \(c) channels not divisible by groups \(groups)")
        let og = weight.shape[1], o = og * groups, cg = c / groups
        let kh = weight.shape[2], kw = weight.shape[3]
        if let bias { precondition(bias.shape == [o], "convTranspose2d: bias \(bias.shape) is not [\(o)]") }
        let ho = (h - 1) * stride.h - 2 * padding.h + dilation.h * (kh - 1) + outputPadding.h + 1
        let wo = (w - 1) * stride.w - 2 * padding.w + dilation.w * (kw - 1) + outputPadding.w + 1
        precondition(ho > 0 && wo > 0, "convTranspose2d: output would be empty for input \(x.shape)")
        let kSize = og * kh * kw, inHW = h * w
        let biasValues = bias?.scalars
        return x.withUnsafeFloats { px in
            weight.withUnsafeFloats { pw in
                Tensor(shape: [n, o, ho, wo]) { out in
                    out.update(repeating: 0)
                    var col = [Float](repeating: 0, count: kSize * inHW)
                    col.withUnsafeMutableBufferPointer { colBuf in
                        let cp = SendablePointer(colBuf.baseAddress!)
                        for b in 0..<n {
                            for g in 0..<groups {
                                // col[(oc, ky, kx), pixel] = Σ_ci W[ci, oc, ky, kx] · x[ci, pixel]
                                GEMM.sgemm(transA: true, m: kSize, n: inHW, k: cg,
                                           a: pw.baseAddress! + g * cg * kSize, lda: kSize,
                                           b: px.baseAddress! + (b * c + g * cg) * inHW, ldb: inHW,
                                           c: colBuf.baseAddress!, ldc: inHW)
                                let dstBase = SendablePointer(out.baseAddress! + (b * o + g * og) * ho * wo)
                                // col2im: scatter-add; each output channel is owned by one worker.
                                Parallel.forRanges(og) { channels in
                                    for oc in channels {
                                        let plane = dstBase.base + oc * ho * wo
                                        for ky in 0..<kh {
                                            for kx in 0..<kw {
                                                let src = cp.base + ((oc * kh + ky) * kw + kx) * inHW
                                                for iy in 0..<h {
                                                    let oy = iy * stride.h - padding.h + ky * dilation.h
                                                    if oy < 0 || oy >= ho { continue }
                                                    let line = plane + oy * wo, srcRow = src + iy * w
                                                    let x0 = kx * dilation.w - padding.w
                                                    for ix in 0..<w {
                                                        let ox = ix * stride.w + x0
                                                        if ox >= 0 && ox < wo { line[ox] += srcRow[ix] }
                                                    }
                                                }
                                            }
                                        }
                                        if let biasValues {
                                            let v = biasValues[g * og + oc]
                                            for i in 0..<(ho * wo) { plane[i] += v }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
