/// The EXIF orientation tag: how the stored pixels must be transformed to display upright.
public enum EXIFOrientation: Int, Sendable, CaseIterable {
    case up = 1, upMirrored = 2, down = 3, downMirrored = 4
    case leftMirrored = 5, right = 6, rightMirrored = 7, left = 8

    /// The upright image: the stored pixels transformed as the tag says (as PIL's
    /// `ImageOps.exif_transpose` does: 6 rotates 90° clockwise, 8 counter-clockwise, 5 and 7
    /// transpose and transverse).
    public func apply<S>(to image: PixelBuffer<S>) -> PixelBuffer<S> {
        let w = image.width, h = image.height, c = image.channels
        let swaps = rawValue >= 5
        let outW = swaps ? h : w, outH = swaps ? w : h
        var out = [S](repeating: 0, count: image.samples.count)
        image.samples.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        // (sx, sy): the stored pixel shown at (ox, oy).
                        let sx: Int, sy: Int
                        switch self {
                        case .up: (sx, sy) = (ox, oy)
                        case .upMirrored: (sx, sy) = (w - 1 - ox, oy)
                        case .down: (sx, sy) = (w - 1 - ox, h - 1 - oy)
                        case .downMirrored: (sx, sy) = (ox, h - 1 - oy)
                        case .leftMirrored: (sx, sy) = (oy, ox)
                        case .right: (sx, sy) = (oy, h - 1 - ox)
                        case .rightMirrored: (sx, sy) = (w - 1 - oy, h - 1 - ox)
                        case .left: (sx, sy) = (w - 1 - oy, ox)
                        }
                        let s = (sy * w + sx) * c, d = (oy * outW + ox) * c
                        for k in 0..<c { dst[d + k] = src[s + k] }
                    }
                }
            }
        }
        return PixelBuffer(width: outW, height: outH, channels: c, samples: out)
    }
}
