import Foundation

/// Click / box → mask with a SAM checkpoint (follows Meta's `SamPredictor`): `embed` runs the
/// preprocessing and the ViT image encoder once per image — or reads the embedding from the
/// `SAMEmbeddingCache` when (image SHA-256, model identity) was seen before — and `predict`
/// answers prompts given in original-image pixels with the prompt encoder, the mask decoder and
/// the postprocessing to the original size. Immutable after load; share it between threads.
public final class SAMPredictor: Sendable {
    public let configuration: SAMConfiguration
    public let encoder: SAMImageEncoder
    public let decoder: SAMPromptDecoder
    public let preprocessor: SAMPreprocessor
    /// `SAMModelIdentity` of the checkpoint and configuration (64 hex digits).
    public let modelIdentity: String
    public let cache: SAMEmbeddingCache?

    /// Loads both halves from one checkpoint (Meta `.pth`, Hugging Face folder/safetensors, LISA).
    public init(checkpointPath: String, configuration: SAMConfiguration, cache: SAMEmbeddingCache?) throws {
        try configuration.validate(path: checkpointPath)
        self.configuration = configuration
        encoder = try SAMImageEncoder(configuration: configuration, checkpointPath: checkpointPath)
        decoder = try SAMPromptDecoder(path: checkpointPath, configuration: configuration)
        preprocessor = SAMPreprocessor(configuration: configuration)
        modelIdentity = try SAMModelIdentity.compute(checkpointPath: checkpointPath, configuration: configuration)
        self.cache = cache
    }

    /// The embedding of an image given as 8-bit samples (gray, RGB or RGBA, row-major).
    /// `sha256` (of the image file) enables the cache; `cacheHit` says whether it was used.
    public func embed(samples: [UInt8], width: Int, height: Int, channels: Int, sha256: String?) throws -> (embedding: SAMImageEmbedding, cacheHit: Bool) {
        let dim = configuration.promptEmbedDim, side = configuration.embeddingSize
        if let cache, let sha256, let hit = try? cache.load(imageSHA256: sha256, model: modelIdentity, expectedChannels: dim, expectedSide: side),
           hit.originalSize == (height, width) {
            return (hit, true)
        }
        let input = try preprocessor(samples, width: width, height: height, channels: channels)
        let out = try encoder.embed(input.tensor)
        let embedding = SAMImageEmbedding(values: out.scalars, channels: dim, side: side,
                                          originalSize: input.originalSize, inputSize: input.inputSize)
        if let cache, let sha256 { try cache.store(embedding, imageSHA256: sha256, model: modelIdentity) }
        return (embedding, false)
    }

    /// Masks for `prompt` (coordinates in original-image pixels): the low-res logits and IoU
    /// predictions, and the thresholded masks at the original size.
    public func predict(_ embedding: SAMImageEmbedding, prompt: SAMPrompt, multimask: Bool) throws -> SAMPrediction {
        guard embedding.channels == configuration.promptEmbedDim, embedding.side == configuration.embeddingSize else {
            throw SAMError.embeddingMismatch(expected: decoder.embeddingShape, found: [embedding.channels, embedding.side, embedding.side])
        }
        let resized = prompt.resized(from: embedding.originalSize, to: embedding.inputSize)
        let output = try decoder.decode(embedding: embedding.values, prompt: resized, multimask: multimask)
        let masks = SAMMaskPostprocessing.masks(output, imageSize: configuration.imageSize, inputSize: embedding.inputSize,
                                                originalSize: embedding.originalSize)
        return SAMPrediction(output: output, masks: masks, height: embedding.originalSize.height, width: embedding.originalSize.width)
    }
}

/// One prompt's answer at the original image size.
public struct SAMPrediction: Sendable {
    public var output: SAMDecoderOutput
    /// Row-major height × width bytes (0/1), one per predicted mask.
    public var masks: [[UInt8]]
    public var height: Int
    public var width: Int
    public var iouPredictions: [Float] { output.iouPredictions }
    /// The mask with the highest predicted IoU (the only one in single-mask mode).
    public var bestIndex: Int { output.bestIndex }
}
