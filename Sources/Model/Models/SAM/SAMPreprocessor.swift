/// SAM's image preprocessing (follows Meta's `SamPredictor.set_image`: `ResizeLongestSide.apply_image`,
/// then `Sam.preprocess`): the longest side is resized to the model's `image_size` with
/// `int(x + 0.5)` rounding of the other side, using Pillow's antialiased bilinear filter on the
/// 8-bit image (torchvision's `resize` on a PIL image); the result is normalized per channel,
/// `(x - mean) / std` in 0–255 space, and zero-padded at the bottom and right to a square.
public struct SAMPreprocessor: Sendable {
    public let imageSize: Int
    public let pixelMean: [Float]
    public let pixelStd: [Float]

    public init(configuration: SAMConfiguration) {
        imageSize = configuration.imageSize
        // Meta registers the mean/std as float32 buffers; normalize in float32 as torch does.
        pixelMean = configuration.pixelMean.map { Float($0) }
        pixelStd = configuration.pixelStd.map { Float($0) }
    }

    /// What the encoder and the mask postprocessing need from one image.
    public struct Output: Sendable {
        /// [3, imageSize, imageSize]: the normalized image, zero beyond `inputSize`.
        public var tensor: Tensor
        /// (height, width) of the resized image inside `tensor` (Meta's `input_size`).
        public var inputSize: (height: Int, width: Int)
        /// (height, width) of the image as given (Meta's `original_size`).
        public var originalSize: (height: Int, width: Int)
    }

    /// The size after resizing the longest side to `longSide` (Meta's
    /// `ResizeLongestSide.get_preprocess_shape`, double arithmetic and `int(x + 0.5)`).
    public static func preprocessShape(height: Int, width: Int, longSide: Int) -> (height: Int, width: Int) {
        let scale = Double(longSide) * 1.0 / Double(max(height, width))
        let newH = Double(height) * scale, newW = Double(width) * scale
        return (Int(newH + 0.5), Int(newW + 0.5))
    }

    /// Resizes interleaved 8-bit samples (1 gray, 3 RGB or 4 RGBA channels; gray is replicated
    /// and alpha dropped, as Pillow's conversion to RGB does) so the longest side is `imageSize`.
    /// Returns the RGB samples of the resized image with its size.
    public func resized(_ samples: [UInt8], width: Int, height: Int, channels: Int) throws(SAMInputError)
        -> (rgb: [UInt8], height: Int, width: Int)
    {
        guard width > 0, height > 0 else { throw .emptyImage(width: width, height: height) }
        guard [1, 3, 4].contains(channels) else { throw .unsupportedChannels(channels) }
        guard samples.count == width * height * channels else {
            throw .sampleCount(expected: width * height * channels, found: samples.count)
        }
        let rgb = channels == 3 ? samples : Self.toRGB(samples, channels: channels, pixels: width * height)
        let (h, w) = Self.preprocessShape(height: height, width: width, longSide: imageSize)
        let out = ImageResample.bilinear(rgb, width: width, height: height, channels: 3, outWidth: max(w, 1), outHeight: max(h, 1))
        return (out, max(h, 1), max(w, 1))
    }

    /// Normalizes resized RGB samples and pads them into the encoder's square input.
    public func normalizedAndPadded(_ rgb: [UInt8], height: Int, width: Int) -> Tensor {
        precondition(height <= imageSize && width <= imageSize && rgb.count == height * width * 3,
                     "SAMPreprocessor: resized image \(width)×\(height) does not fit \(imageSize)²")
        let s = imageSize
        return Tensor(shape: [3, s, s]) { out in
            out.update(repeating: 0)
            rgb.withUnsafeBufferPointer { src in
                for c in 0..<3 {
                    let mean = pixelMean[c], std = pixelStd[c]
                    let plane = out.baseAddress! + c * s * s
                    for y in 0..<height {
                        let line = plane + y * s, row = src.baseAddress! + y * width * 3 + c
                        for x in 0..<width { line[x] = (Float(row[x * 3]) - mean) / std }
                    }
                }
            }
        }
    }

    /// The full preprocessing of one image given as interleaved 8-bit samples.
    public func callAsFunction(_ samples: [UInt8], width: Int, height: Int, channels: Int) throws(SAMInputError) -> Output {
        let (rgb, h, w) = try resized(samples, width: width, height: height, channels: channels)
        return Output(tensor: normalizedAndPadded(rgb, height: h, width: w),
                      inputSize: (h, w), originalSize: (height, width))
    }

    static func toRGB(_ samples: [UInt8], channels: Int, pixels: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels * 3)
        for p in 0..<pixels {
            if channels == 1 {
                let v = samples[p]
                out[3 * p] = v; out[3 * p + 1] = v; out[3 * p + 2] = v
            } else {
                for c in 0..<3 { out[3 * p + c] = samples[p * channels + c] }
            }
        }
        return out
    }
}
