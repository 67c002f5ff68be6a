/// Mask resizing and cropping.
public enum MaskResize {
    /// Nearest-neighbour resize as `cv2.resize(..., interpolation=INTER_NEAREST)`: source
    /// column `min(floor(x * srcW / dstW), srcW - 1)`, likewise for rows.
    public static func nearest(_ mask: LabelMask, width: Int, height: Int) throws(MaskError) -> LabelMask {
        guard width > 0, height > 0, mask.width > 0, mask.height > 0 else {
            throw .invalidGeometry(operation: "resize", reason: "cannot resize \(mask.width)x\(mask.height) to \(width)x\(height)")
        }
        let sx = sourceIndices(mask.width, width), sy = sourceIndices(mask.height, height)
        var out = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            let src = sy[y] * mask.width
            for x in 0..<width { out[y * width + x] = mask.values[src + sx[x]] }
        }
        return try LabelMask(width: width, height: height, values: out)
    }

    /// Nearest-neighbour resize of a binary mask (see the `LabelMask` version).
    public static func nearest(_ mask: BinaryMask, width: Int, height: Int) throws(MaskError) -> BinaryMask {
        try nearest(LabelMask(mask), width: width, height: height).mask(equalTo: 1)
    }

    /// OpenCV's INTER_NEAREST source index for each destination index along one axis:
    /// `min(floor(x * (1 / (destination / source))), source - 1)`. Shared by every nearest resize
    /// (masks here, label maps and scaled RLEs in the importers) so they sample identically.
    public static func sourceIndices(_ source: Int, _ destination: Int) -> [Int] {
        let inverse = 1.0 / (Double(destination) / Double(source))
        return (0..<destination).map { min(Int((Double($0) * inverse).rounded(.down)), source - 1) }
    }

    /// Bilinear resize of float logits as `torch.nn.functional.interpolate(mode="bilinear",
    /// align_corners=False)` (half-pixel centres, edge clamped), in float32.
    public static func bilinear(_ logits: [Float], width: Int, height: Int,
                                toWidth outW: Int, height outH: Int) throws(MaskError) -> [Float] {
        guard width > 0, height > 0, outW > 0, outH > 0, logits.count == width * height else {
            throw .invalidGeometry(operation: "bilinear resize",
                                   reason: "\(logits.count) logits for \(width)x\(height) to \(outW)x\(outH)")
        }
        func axis(_ inSize: Int, _ outSize: Int) -> (i0: [Int], i1: [Int], l: [Float]) {
            let scale = Float(inSize) / Float(outSize)
            var i0 = [Int](), i1 = [Int](), l = [Float]()
            for o in 0..<outSize {
                var src = (Float(o) + 0.5) * scale - 0.5
                if src < 0 { src = 0 }
                let a = min(Int(src), inSize - 1)
                i0.append(a)
                i1.append(a < inSize - 1 ? a + 1 : a)
                l.append(src - Float(a))
            }
            return (i0, i1, l)
        }
        let ax = axis(width, outW), ay = axis(height, outH)
        var out = [Float](repeating: 0, count: outW * outH)
        for y in 0..<outH {
            let r0 = ay.i0[y] * width, r1 = ay.i1[y] * width, ly = ay.l[y]
            for x in 0..<outW {
                let lx = ax.l[x]
                let top = (1 - lx) * logits[r0 + ax.i0[x]] + lx * logits[r0 + ax.i1[x]]
                let bottom = (1 - lx) * logits[r1 + ax.i0[x]] + lx * logits[r1 + ax.i1[x]]
                out[y * outW + x] = (1 - ly) * top + ly * bottom
            }
        }
        return out
    }

    /// Bilinear resize of logits followed by `> threshold` (LISA thresholds at 0).
    public static func bilinearMask(_ logits: [Float], width: Int, height: Int,
                                    toWidth outW: Int, height outH: Int, threshold: Float = 0) throws(MaskError) -> BinaryMask {
        let values = try bilinear(logits, width: width, height: height, toWidth: outW, height: outH)
        return BinaryMask(width: outW, height: outH, normalizedPixels: values.map { $0 > threshold ? 1 : 0 })
    }

    /// The part of `mask` inside `[x, x + w) × [y, y + h)`; the rectangle must lie inside the mask.
    public static func crop(_ mask: BinaryMask, x: Int, y: Int, width: Int, height: Int) throws(MaskError) -> BinaryMask {
        guard x >= 0, y >= 0, width >= 0, height >= 0, x + width <= mask.width, y + height <= mask.height else {
            throw .invalidGeometry(operation: "crop",
                                   reason: "rectangle x=\(x) y=\(y) w=\(width) h=\(height) is not inside \(mask.width)x\(mask.height)")
        }
        var out = [UInt8]()
        out.reserveCapacity(width * height)
        for row in y..<(y + height) { out.append(contentsOf: mask.pixels[(row * mask.width + x)..<(row * mask.width + x + width)]) }
        return BinaryMask(width: width, height: height, normalizedPixels: out)
    }
}
