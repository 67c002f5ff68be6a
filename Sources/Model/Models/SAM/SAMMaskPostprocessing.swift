/// From SAM's low-resolution logits to masks of the original image (follows Meta's
/// `Sam.postprocess_masks`, which LISA uses unchanged): bilinear (align_corners=False) to the
/// encoder's square input, crop the padding away (keep the resized image's top-left
/// input height × input width), bilinear to the original size, threshold logits > 0.
public enum SAMMaskPostprocessing {
    /// Logits at the original size, [count, original height, original width].
    public static func logits(
        _ output: SAMDecoderOutput, imageSize: Int, inputSize: (height: Int, width: Int),
        originalSize: (height: Int, width: Int)
    ) -> [Float] {
        precondition(inputSize.height <= imageSize && inputSize.width <= imageSize, "postprocess: input larger than image_size")
        let low = Tensor(shape: [1, output.count, output.side, output.side], data: output.lowResLogits)
        let square = Resize.bilinear(low, height: imageSize, width: imageSize)
        let cropped = square.sliced(dim: 2, 0..<inputSize.height).sliced(dim: 3, 0..<inputSize.width).contiguous()
        return Resize.bilinear(cropped, height: originalSize.height, width: originalSize.width).scalars
    }

    /// Binary masks at the original size: one row-major array of height × width bytes (0 or 1)
    /// per mask.
    public static func masks(
        _ output: SAMDecoderOutput, imageSize: Int, inputSize: (height: Int, width: Int),
        originalSize: (height: Int, width: Int)
    ) -> [[UInt8]] {
        let all = logits(output, imageSize: imageSize, inputSize: inputSize, originalSize: originalSize)
        let plane = originalSize.height * originalSize.width
        return (0..<output.count).map { k in
            [UInt8](unsafeUninitializedCapacity: plane) { out, n in
                all.withUnsafeBufferPointer { src in
                    let base = src.baseAddress! + k * plane
                    for i in 0..<plane { out[i] = base[i] > 0 ? 1 : 0 }
                }
                n = plane
            }
        }
    }

    /// The size SAM resizes an image to before padding (Meta's `ResizeLongestSide.get_preprocess_shape`):
    /// the longest side becomes `longestSide`, the other `Int(side · scale + 0.5)`.
    public static func inputSize(original: (height: Int, width: Int), longestSide: Int) -> (height: Int, width: Int) {
        let scale = Double(longestSide) / Double(max(original.height, original.width))
        return (Int(Double(original.height) * scale + 0.5), Int(Double(original.width) * scale + 0.5))
    }
}
