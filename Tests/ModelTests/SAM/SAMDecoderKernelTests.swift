import Foundation
import Testing
@testable import Model

/// The kernels behind the SAM decoder's fast path against the straightforward computations
/// they replace, at every SIMD level this CPU has: the separable cropped bilinear resize
/// (bit-identical to `Resize.bilinear` + crop), the planes → rows transpose with its add, the
/// per-pixel mask logits, the
/// transposed convolutions as row linear layers, and the postprocessing built on them.
@Suite("SAM decoder kernels")
struct SAMDecoderKernelTests {
    /// Every level this process may use (the C kernels take the level as an argument).
    static let levels: [SIMDLevel] = [.baseline, .avx2, .avx512].filter { $0 <= SIMDLevel.current }

    static func random(_ count: Int, seed: UInt32, scale: Float = 4) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return (Float(state >> 8) / Float(1 << 24) - 0.5) * scale
        }
    }

    /// (planes, in h, in w, out h, out w, keep h, keep w, alignCorners)
    static let resizeCases: [(Int, Int, Int, Int, Int, Int, Int, Bool)] = [
        (3, 64, 64, 256, 256, 192, 256, false),   // SAM's first stage at a quarter of the size
        (2, 17, 23, 5, 9, 5, 9, false),           // shrinking
        (1, 5, 37, 13, 41, 9, 23, false),         // odd sizes, vector tails
        (2, 7, 7, 7, 7, 7, 7, false),             // identity
        (1, 6, 10, 11, 19, 11, 19, true),
    ]

    @Test(arguments: levels)
    func separableResizeMatchesResizeAndCrop(level: SIMDLevel) {
        for (index, (planes, h, w, oh, ow, kh, kw, align)) in Self.resizeCases.enumerated() {
            let input = Self.random(planes * h * w, seed: UInt32(17 + index))
            let full = Resize.bilinear(Tensor(shape: [1, planes, h, w], data: input), height: oh, width: ow, alignCorners: align)
            let want = full.sliced(dim: 2, 0..<kh).sliced(dim: 3, 0..<kw).contiguous().scalars
            let resize = SeparableBilinear(inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, keepHeight: kh, keepWidth: kw,
                                           alignCorners: align)
            var got = [Float](repeating: .nan, count: planes * kh * kw)
            var mask = [UInt8](repeating: 7, count: planes * kh * kw)
            input.withUnsafeBufferPointer { src in
                got.withUnsafeMutableBufferPointer { resize.resize(src.baseAddress!, planes: planes, into: $0.baseAddress!, level: level) }
                mask.withUnsafeMutableBufferPointer { resize.resizeMask(src.baseAddress!, planes: planes, into: $0.baseAddress!, level: level) }
            }
            #expect(got == want, "case \(index): values differ at \(level)")
            #expect(mask == want.map { $0 > 0 ? 1 : 0 }, "case \(index): mask differs at \(level)")
            #expect(mask.contains(0) && mask.contains(1), "case \(index): degenerate test data")
        }
    }

    @Test(arguments: levels)
    func planesToRowsMatchesTranspose(level: SIMDLevel) {
        for (channels, pixels) in [(256, 64 * 64), (32, 37), (20, 37), (3, 5)] {
            let planes = Self.random(channels * pixels, seed: 3), dense = Self.random(channels * pixels, seed: 4)
            let bias = Self.random(channels, seed: 5)
            // Pixels split over the cores give each worker its own range (blocked and tail parts).
            let withBias = SAMMaskDecoder.toRows(planes, channels: channels, pixels: pixels, adding: nil, orChannelBias: bias, level: level)
            let withDense = SAMMaskDecoder.toRows(planes, channels: channels, pixels: pixels, adding: dense, orChannelBias: bias, level: level)
            var wantBias = [Float](repeating: 0, count: channels * pixels), wantDense = wantBias
            for c in 0..<channels {
                for p in 0..<pixels {
                    wantBias[p * channels + c] = planes[c * pixels + p] + bias[c]
                    wantDense[p * channels + c] = planes[c * pixels + p] + dense[c * pixels + p]
                }
            }
            #expect(withBias == wantBias, "\(channels)×\(pixels) bias at \(level)")
            #expect(withDense == wantDense, "\(channels)×\(pixels) dense at \(level)")
        }
    }

    @Test(arguments: levels)
    func maskLogitsMatchDotProducts(level: SIMDLevel) {
        for (rows, channels, masks) in [(4096, 32, 3), (37, 32, 1), (19, 21, 4)] {
            let x = Self.random(rows * channels, seed: 31), w = Self.random(masks * channels, seed: 32)
            let got = SAMMaskDecoder.maskLogits(x, rows: rows, channels: channels, weights: w, masks: masks, level: level)
            var worst: Double = 0
            for j in 0..<masks {
                for r in 0..<rows {
                    var want: Double = 0
                    for e in 0..<channels { want += Double(x[r * channels + e]) * Double(w[j * channels + e]) }
                    worst = max(worst, abs(Double(got[j * rows + r]) - want))
                }
            }
            #expect(worst < 1e-4, "\(rows)×\(channels)×\(masks) at \(level): \(worst)")
        }
    }

    /// Two 2×2/2 transposed convolutions on pixel rows, then `rasterOrder`, give the planes of
    /// `Convolution.convTranspose2d` applied twice.
    @Test func upscalingOnRowsMatchesTransposedConvolutions() {
        let (cin, mid, cout, side) = (12, 8, 4, 5)
        let w1 = Tensor(shape: [cin, mid, 2, 2], data: Self.random(cin * mid * 4, seed: 8, scale: 1))
        let b1 = Tensor(shape: [mid], data: Self.random(mid, seed: 9, scale: 1))
        let w2 = Tensor(shape: [mid, cout, 2, 2], data: Self.random(mid * cout * 4, seed: 10, scale: 1))
        let b2 = Tensor(shape: [cout], data: Self.random(cout, seed: 11, scale: 1))
        let planes = Self.random(cin * side * side, seed: 12)
        var reference = Convolution.convTranspose2d(Tensor(shape: [1, cin, side, side], data: planes), weight: w1, bias: b1, stride: .square(2))
        reference = Convolution.convTranspose2d(reference, weight: w2, bias: b2, stride: .square(2))

        let rows = SAMMaskDecoder.toRows(planes, channels: cin, pixels: side * side, adding: nil,
                                         orChannelBias: [Float](repeating: 0, count: cin))
        let (up1, up2) = (SAMUpscaling(weight: w1, bias: b1), SAMUpscaling(weight: w2, bias: b2))
        let x = rows.withUnsafeBufferPointer { up1.layer.forward($0.baseAddress!, rows: side * side) }
        let y = x.withUnsafeBufferPointer { up2.layer.forward($0.baseAddress!, rows: 4 * side * side) }   // [16P, cout]
        // Each output channel as its own "mask": column c of y in block order.
        let outPixels = 16 * side * side
        var blocked = [Float](repeating: 0, count: cout * outPixels)
        for r in 0..<outPixels { for c in 0..<cout { blocked[c * outPixels + r] = y[r * cout + c] } }
        let got = SAMMaskDecoder.rasterOrder(blocked, masks: cout, side: side)
        #expect(reference.shape == [1, cout, 4 * side, 4 * side])
        #expect(Support.maxAbsDifference(got, reference.scalars) < 1e-5)
    }

    /// The postprocessing against the plain route (whole square, crop, resize, threshold).
    @Test(arguments: [(48, 64), (30, 40), (90, 120), (64, 51)])
    func postprocessingMatchesPlainRoute(original: (Int, Int)) {
        let (imageSize, side, count) = (64, 16, 3)
        let input = SAMMaskPostprocessing.inputSize(original: original, longestSide: imageSize)
        let output = SAMDecoderOutput(lowResLogits: Self.random(count * side * side, seed: 21, scale: 8),
                                      iouPredictions: [0.1, 0.2, 0.3], side: side)
        let square = Resize.bilinear(Tensor(shape: [1, count, side, side], data: output.lowResLogits), height: imageSize, width: imageSize)
        let cropped = square.sliced(dim: 2, 0..<input.height).sliced(dim: 3, 0..<input.width).contiguous()
        let want = Resize.bilinear(cropped, height: original.0, width: original.1).scalars
        let logits = SAMMaskPostprocessing.logits(output, imageSize: imageSize, inputSize: input, originalSize: original)
        #expect(logits == want)
        let masks = SAMMaskPostprocessing.masks(output, imageSize: imageSize, inputSize: input, originalSize: original)
        let plane = original.0 * original.1
        #expect(masks.count == count)
        for k in 0..<count {
            #expect(masks[k] == want[(k * plane)..<((k + 1) * plane)].map { $0 > 0 ? 1 : 0 }, "mask \(k)")
        }
    }
}
