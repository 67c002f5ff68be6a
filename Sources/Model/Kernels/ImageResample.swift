/// Resampling of interleaved 8-bit images exactly as Pillow's `Image.resize` does it
/// (follows `libImaging/Resample.c`): separable convolution with the filter's support widened
/// by the scale when shrinking (antialiasing), coefficients normalized per output pixel and
/// turned into 22-bit fixed point, a horizontal pass then a vertical pass, each rounding and
/// clamping to 8 bits. torchvision's `resize` on a PIL image — what SAM's `ResizeLongestSide`
/// calls — ends up here, so matching it bit for bit matters for SAM fidelity.
public enum ImageResample {
    /// Fixed-point precision of Pillow's 8-bit path (`PRECISION_BITS = 32 - 8 - 2`).
    static let precisionBits = 22

    /// Resizes `pixels` (`height` rows of `width × channels` interleaved samples) to
    /// `outWidth × outHeight` with Pillow's BILINEAR filter (triangle, support 1).
    /// A dimension that keeps its size is not filtered, as in Pillow.
    public static func bilinear(
        _ pixels: [UInt8], width: Int, height: Int, channels: Int, outWidth: Int, outHeight: Int
    ) -> [UInt8] {
        precondition(width > 0 && height > 0 && channels > 0 && outWidth > 0 && outHeight > 0,
                     "ImageResample: sizes must be positive")
        precondition(pixels.count == width * height * channels, "ImageResample: sample count does not match the shape")
        var current = pixels
        var currentWidth = width
        if outWidth != width {
            let (bounds, weights, taps) = coefficients(inSize: width, outSize: outWidth)
            current = horizontal(current, width: width, height: height, channels: channels,
                                 outWidth: outWidth, bounds: bounds, weights: weights, taps: taps)
            currentWidth = outWidth
        }
        if outHeight != height {
            let (bounds, weights, taps) = coefficients(inSize: height, outSize: outHeight)
            current = vertical(current, width: currentWidth, channels: channels,
                               outHeight: outHeight, bounds: bounds, weights: weights, taps: taps)
        }
        return current
    }

    /// Pillow's `precompute_coeffs` for the bilinear filter followed by `normalize_coeffs_8bpc`:
    /// per output index the first source index and tap count, and `taps` fixed-point weights.
    static func coefficients(inSize: Int, outSize: Int) -> (bounds: [(Int, Int)], weights: [Int32], taps: Int) {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = 1.0 * filterScale
        let taps = Int(support.rounded(.up)) * 2 + 1
        var bounds: [(Int, Int)] = []
        bounds.reserveCapacity(outSize)
        var weights = [Int32](repeating: 0, count: outSize * taps)
        var k = [Double](repeating: 0, count: taps)
        let one = Double(1 << precisionBits)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let ss = 1.0 / filterScale
            // Pillow truncates `center ± support + 0.5` with a C cast.
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inSize) - xmin
            var total = 0.0
            for x in 0..<taps { k[x] = 0 }
            for x in 0..<max(xmax, 0) {
                var t = abs((Double(x + xmin) - center + 0.5) * ss)
                t = t < 1 ? 1 - t : 0
                k[x] = t
                total += t
            }
            if total != 0 { for x in 0..<max(xmax, 0) { k[x] /= total } }
            for x in 0..<taps {
                let v = k[x]
                weights[xx * taps + x] = Int32(v < 0 ? (-0.5 + v * one) : (0.5 + v * one))
            }
            bounds.append((xmin, max(xmax, 0)))
        }
        return (bounds, weights, taps)
    }

    @inline(__always)
    static func clip8(_ v: Int32) -> UInt8 {
        let s = v >> Int32(precisionBits)
        return s < 0 ? 0 : (s > 255 ? 255 : UInt8(s))
    }

    static func horizontal(
        _ src: [UInt8], width: Int, height: Int, channels: Int, outWidth: Int,
        bounds: [(Int, Int)], weights: [Int32], taps: Int
    ) -> [UInt8] {
        let count = outWidth * height * channels
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            let dst = SendablePointer(out.baseAddress!)
            src.withUnsafeBufferPointer { s in
                weights.withUnsafeBufferPointer { w in
                    let sp = SendablePointer(UnsafeMutablePointer(mutating: s.baseAddress!))
                    let wp = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                    Parallel.forRanges(height, grain: max(1, 16_384 / max(outWidth * channels, 1))) { rows in
                        let half = Int32(1) << Int32(precisionBits - 1)
                        for y in rows {
                            let line = sp.base + y * width * channels
                            let outLine = dst.base + y * outWidth * channels
                            for xx in 0..<outWidth {
                                let (xmin, n) = bounds[xx]
                                let k = wp.base + xx * taps
                                for c in 0..<channels {
                                    var acc = half
                                    for x in 0..<n { acc &+= Int32(line[(x + xmin) * channels + c]) &* k[x] }
                                    outLine[xx * channels + c] = clip8(acc)
                                }
                            }
                        }
                    }
                }
            }
            initialized = count
        }
    }

    static func vertical(
        _ src: [UInt8], width: Int, channels: Int, outHeight: Int,
        bounds: [(Int, Int)], weights: [Int32], taps: Int
    ) -> [UInt8] {
        let rowLength = width * channels
        let count = rowLength * outHeight
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            let dst = SendablePointer(out.baseAddress!)
            src.withUnsafeBufferPointer { s in
                weights.withUnsafeBufferPointer { w in
                    let sp = SendablePointer(UnsafeMutablePointer(mutating: s.baseAddress!))
                    let wp = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                    Parallel.forRanges(outHeight, grain: max(1, 16_384 / max(rowLength, 1))) { rows in
                        let half = Int32(1) << Int32(precisionBits - 1)
                        var acc = [Int32](repeating: 0, count: rowLength)
                        acc.withUnsafeMutableBufferPointer { a in
                            for yy in rows {
                                let (ymin, n) = bounds[yy]
                                let k = wp.base + yy * taps
                                for i in 0..<rowLength { a[i] = half }
                                for y in 0..<n {
                                    let line = sp.base + (y + ymin) * rowLength
                                    let weight = k[y]
                                    for i in 0..<rowLength { a[i] &+= Int32(line[i]) &* weight }
                                }
                                let outLine = dst.base + yy * rowLength
                                for i in 0..<rowLength { outLine[i] = clip8(a[i]) }
                            }
                        }
                    }
                }
            }
            initialized = count
        }
    }
}
