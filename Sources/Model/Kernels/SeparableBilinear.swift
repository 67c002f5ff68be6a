import CKernels

/// Bilinear resizing of fp32 planes done separably, with exactly the roundings of
/// `Resize.bilinear` (PyTorch's `F.interpolate(mode="bilinear")` order: horizontal lerp of the
/// two source rows, then the vertical lerp): each source row is lerped horizontally once, not
/// once per output row that reads it, and only the top-left `keepHeight × keepWidth` corner of
/// the output is computed — what SAM's postprocessing crops anyway. Results are bit-identical
/// to `Resize.bilinear` followed by the crop. The passes run in `ck_resize` (AVX-512, AVX2 or
/// portable C, all bit-identical) with rows split over the cores.
public struct SeparableBilinear: Sendable {
    public let inHeight: Int, inWidth: Int
    /// The full output size the sampling positions are computed for.
    public let outHeight: Int, outWidth: Int
    /// The part of the output produced: rows 0..<keepHeight, columns 0..<keepWidth.
    public let keepHeight: Int, keepWidth: Int
    let y0: [Int], y1: [Int], wy0: [Float], wy1: [Float]
    let x0: [Int32], x1: [Int32], wx0: [Float], wx1: [Float]
    /// Source rows the kept output rows read: firstRow..<firstRow + sourceRows.
    let firstRow: Int, sourceRows: Int

    public init(inHeight: Int, inWidth: Int, outHeight: Int, outWidth: Int, keepHeight: Int? = nil, keepWidth: Int? = nil,
                alignCorners: Bool = false) {
        precondition(inHeight > 0 && inWidth > 0 && outHeight > 0 && outWidth > 0, "SeparableBilinear: sizes must be positive")
        let kh = keepHeight ?? outHeight, kw = keepWidth ?? outWidth
        precondition(kh > 0 && kh <= outHeight && kw > 0 && kw <= outWidth, "SeparableBilinear: kept part outside the output")
        self.inHeight = inHeight; self.inWidth = inWidth
        self.outHeight = outHeight; self.outWidth = outWidth
        self.keepHeight = kh; self.keepWidth = kw
        let ys = Resize.taps(input: inHeight, output: outHeight, alignCorners: alignCorners).prefix(kh)
        let xs = Resize.taps(input: inWidth, output: outWidth, alignCorners: alignCorners).prefix(kw)
        let first = ys.first?.0 ?? 0
        firstRow = first
        sourceRows = (ys.map { $0.1 }.max() ?? 0) - first + 1
        y0 = ys.map { $0.0 - first }; y1 = ys.map { $0.1 - first }
        wy0 = ys.map { 1 - $0.2 }; wy1 = ys.map { $0.2 }
        x0 = xs.map { Int32($0.0) }; x1 = xs.map { Int32($0.1) }
        wx0 = xs.map { 1 - $0.2 }; wx1 = xs.map { $0.2 }
    }

    /// Resizes `planes` planes of inHeight × inWidth floats at `src` (contiguous) into
    /// `planes` planes of keepHeight × keepWidth floats at `out`.
    public func resize(_ src: UnsafePointer<Float>, planes: Int, into out: UnsafeMutablePointer<Float>,
                       level: SIMDLevel = .current) {
        let dst = SendablePointer(out), l = Int32(level.rawValue), kw = keepWidth
        forBlendedRows(src, planes: planes, level: level) { top, bottom, w0, w1, row in
            ck_bilinear_blend(top, bottom, w0, w1, kw, dst.base + row * kw, l)
        }
    }

    /// As `resize`, thresholded: out bytes are 1 where the resized value is > 0, else 0.
    public func resizeMask(_ src: UnsafePointer<Float>, planes: Int, into out: UnsafeMutablePointer<UInt8>,
                           level: SIMDLevel = .current) {
        let dst = SendablePointer(out), l = Int32(level.rawValue), kw = keepWidth
        forBlendedRows(src, planes: planes, level: level) { top, bottom, w0, w1, row in
            ck_bilinear_blend_mask(top, bottom, w0, w1, kw, dst.base + row * kw, l)
        }
    }

    /// Both passes' bookkeeping: lerps the source rows horizontally, then calls
    /// `body(top lerped row, bottom lerped row, top weight, bottom weight, output row index)`
    /// for every kept output row (index = plane · keepHeight + row), split over the cores.
    private func forBlendedRows(_ src: UnsafePointer<Float>, planes: Int, level: SIMDLevel,
                                _ body: (UnsafePointer<Float>, UnsafePointer<Float>, Float, Float, Int) -> Void) {
        let kh = keepHeight
        withLerpedRows(src, planes: planes, level: level) { rows in
            wy0.withUnsafeBufferPointer { w0 in
                wy1.withUnsafeBufferPointer { w1 in
                    let (w0p, w1p) = (SendablePointer(UnsafeMutablePointer(mutating: w0.baseAddress!)),
                                      SendablePointer(UnsafeMutablePointer(mutating: w1.baseAddress!)))
                    forOutputRows(planes: planes) { plane, oy, a, b in
                        body(rows.base + a, rows.base + b, w0p.base[oy], w1p.base[oy], plane * kh + oy)
                    }
                }
            }
        }
    }

    /// Horizontal pass: the source rows the kept output reads, lerped to keepWidth, per plane
    /// ([planes, sourceRows, keepWidth]), handed to `body`.
    private func withLerpedRows(_ src: UnsafePointer<Float>, planes: Int, level: SIMDLevel,
                                _ body: (SendablePointer<Float>) -> Void) {
        let count = planes * sourceRows * keepWidth
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        defer { buffer.deallocate() }
        let rows = SendablePointer(buffer), source = SendablePointer(UnsafeMutablePointer(mutating: src))
        let (sr, first, h, w, kw) = (sourceRows, firstRow, inHeight, inWidth, keepWidth)
        let l = Int32(level.rawValue)
        x0.withUnsafeBufferPointer { p0 in
            x1.withUnsafeBufferPointer { p1 in
                wx0.withUnsafeBufferPointer { q0 in
                    wx1.withUnsafeBufferPointer { q1 in
                        let taps = UncheckedSendable((p0.baseAddress!, p1.baseAddress!, q0.baseAddress!, q1.baseAddress!))
                        Parallel.forRanges(planes * sr, grain: max(1, 32_768 / max(kw, 1))) { range in
                            var r = range.lowerBound
                            while r < range.upperBound {
                                let plane = r / sr, row = r % sr
                                let n = min(range.upperBound - r, sr - row)   // a run within one plane
                                let (a, b, c, d) = taps.value
                                ck_bilinear_horizontal(source.base + (plane * h + first + row) * w, n, w, a, b, c, d, kw,
                                                       rows.base + r * kw, l)
                                r += n
                            }
                        }
                    }
                }
            }
        }
        body(rows)
    }

    /// Calls `body(plane, output row, offset of its top lerped row, offset of its bottom one)`
    /// for every kept output row, split over the cores.
    private func forOutputRows(planes: Int, _ body: (Int, Int, Int, Int) -> Void) {
        let (kh, kw, sr) = (keepHeight, keepWidth, sourceRows)
        y0.withUnsafeBufferPointer { t in
            y1.withUnsafeBufferPointer { b in
                let (tp, bp) = (SendablePointer(UnsafeMutablePointer(mutating: t.baseAddress!)),
                                SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!)))
                Parallel.forRanges(planes * kh, grain: max(1, 32_768 / max(kw, 1))) { range in
                    for r in range {
                        let plane = r / kh, oy = r % kh
                        body(plane, oy, (plane * sr + tp.base[oy]) * kw, (plane * sr + bp.base[oy]) * kw)
                    }
                }
            }
        }
    }
}
