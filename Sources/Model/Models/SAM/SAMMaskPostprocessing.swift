/// From SAM's low-resolution logits to masks of the original image (follows Meta's
/// `Sam.postprocess_masks`, which LISA uses unchanged): bilinear (align_corners=False) to the
/// encoder's square input, crop the padding away (keep the resized image's top-left
/// input height × input width), bilinear to the original size, threshold logits > 0.
///
/// Computed separably (`SeparableBilinear`, bit-identical to resizing the whole square and
/// cropping): only the kept corner of the square is produced, and when the original size equals
/// the input size (longest side = `imageSize`) the second resize is the identity and is skipped
/// (PyTorch's weights there are 1 and 0: the same values).
public enum SAMMaskPostprocessing {
    /// Logits at the original size, [count, original height, original width].
    public static func logits(
        _ output: SAMDecoderOutput, imageSize: Int, inputSize: (height: Int, width: Int),
        originalSize: (height: Int, width: Int)
    ) -> [Float] {
        let cropped = croppedSquare(output, imageSize: imageSize, inputSize: inputSize)
        if inputSize == originalSize { return cropped }
        let second = SeparableBilinear(inHeight: inputSize.height, inWidth: inputSize.width,
                                       outHeight: originalSize.height, outWidth: originalSize.width)
        let count = output.count * originalSize.height * originalSize.width
        return [Float](unsafeUninitializedCapacity: count) { out, n in
            cropped.withUnsafeBufferPointer { second.resize($0.baseAddress!, planes: output.count, into: out.baseAddress!) }
            n = count
        }
    }

    /// Binary masks at the original size: one row-major array of height × width bytes (0 or 1)
    /// per mask. The last resize writes the thresholded bytes directly.
    public static func masks(
        _ output: SAMDecoderOutput, imageSize: Int, inputSize: (height: Int, width: Int),
        originalSize: (height: Int, width: Int)
    ) -> [[UInt8]] {
        let plane = originalSize.height * originalSize.width
        let side = output.side
        if inputSize == originalSize {
            // One resize (square, cropped), thresholded on the way out.
            let first = firstStage(side: side, imageSize: imageSize, inputSize: inputSize)
            return output.lowResLogits.withUnsafeBufferPointer { low in
                (0..<output.count).map { k in
                    [UInt8](unsafeUninitializedCapacity: plane) { out, n in
                        first.resizeMask(low.baseAddress! + k * side * side, planes: 1, into: out.baseAddress!)
                        n = plane
                    }
                }
            }
        }
        let cropped = croppedSquare(output, imageSize: imageSize, inputSize: inputSize)
        let second = SeparableBilinear(inHeight: inputSize.height, inWidth: inputSize.width,
                                       outHeight: originalSize.height, outWidth: originalSize.width)
        let croppedPlane = inputSize.height * inputSize.width
        return cropped.withUnsafeBufferPointer { c in
            (0..<output.count).map { k in
                [UInt8](unsafeUninitializedCapacity: plane) { out, n in
                    second.resizeMask(c.baseAddress! + k * croppedPlane, planes: 1, into: out.baseAddress!)
                    n = plane
                }
            }
        }
    }

    /// The first resize (side² → imageSize², keeping the top-left input-size corner).
    static func firstStage(side: Int, imageSize: Int, inputSize: (height: Int, width: Int)) -> SeparableBilinear {
        precondition(inputSize.height <= imageSize && inputSize.width <= imageSize, "postprocess: input larger than image_size")
        return SeparableBilinear(inHeight: side, inWidth: side, outHeight: imageSize, outWidth: imageSize,
                                 keepHeight: inputSize.height, keepWidth: inputSize.width)
    }

    /// [count, input height, input width]: the low-res logits upscaled to the square and cropped.
    static func croppedSquare(_ output: SAMDecoderOutput, imageSize: Int, inputSize: (height: Int, width: Int)) -> [Float] {
        let first = firstStage(side: output.side, imageSize: imageSize, inputSize: inputSize)
        let count = output.count * inputSize.height * inputSize.width
        return [Float](unsafeUninitializedCapacity: count) { out, n in
            output.lowResLogits.withUnsafeBufferPointer { first.resize($0.baseAddress!, planes: output.count, into: out.baseAddress!) }
            n = count
        }
    }

    /// The size SAM resizes an image to before padding (Meta's `ResizeLongestSide.get_preprocess_shape`):
    /// the longest side becomes `longestSide`, the other `Int(side · scale + 0.5)`.
    public static func inputSize(original: (height: Int, width: Int), longestSide: Int) -> (height: Int, width: Int) {
        let scale = Double(longestSide) / Double(max(original.height, original.width))
        return (Int(Double(original.height) * scale + 0.5), Int(Double(original.width) * scale + 0.5))
    }
}
