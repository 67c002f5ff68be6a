import Foundation

/// SAM's prompt side: prompt encoder + mask decoder, loaded from any of the checkpoint layouts
/// we read (Meta `.pth`, Hugging Face safetensors, LISA). Given an image embedding (from
/// `SAMImageEncoder` or a cache) it answers prompts; this is all a new click or box costs.
/// Immutable after load; safe to share between threads.
public struct SAMPromptDecoder: Sendable {
    public let configuration: SAMConfiguration
    public let layout: SAMCheckpointFormat
    public let promptEncoder: SAMPromptEncoder
    public let maskDecoder: SAMMaskDecoder

    /// Loads from `source`, whose layout is detected unless given. `blockNormEps` overrides the
    /// two-way blocks' LayerNorm eps (default: 1e-5 for Meta and LISA, as PyTorch's
    /// `nn.LayerNorm`; 1e-6 for Hugging Face, its `layer_norm_eps`).
    public init(source: TensorSource, configuration: SAMConfiguration, layout: SAMCheckpointFormat? = nil,
                blockNormEps: Float? = nil) throws {
        try configuration.validate(path: source.sourceDescription)
        guard let layout = layout ?? SAMCheckpointFormat.detectDecoder(names: source.tensorNames) else {
            throw SAMError.unknownCheckpointLayout(path: source.sourceDescription)
        }
        self.configuration = configuration
        self.layout = layout
        var loader = WeightLoader(source: source, model: "SAM prompt encoder + mask decoder (\(source.sourceDescription))") {
            layout.decoderKey($0, configuration: configuration)
        }
        let eps = blockNormEps ?? (layout == .huggingFace ? 1e-6 : 1e-5)
        promptEncoder = try SAMPromptEncoder(loading: "prompt_encoder", from: &loader, configuration: configuration)
        maskDecoder = try SAMMaskDecoder(loading: "mask_decoder", from: &loader, configuration: configuration, blockNormEps: eps)
        try loader.finish()
    }

    /// Opens the checkpoint at `path` (a `.pth`/`.bin`, a `pytorch_model.bin.index.json`, a
    /// `.safetensors` file or a folder holding one) and loads the decoder from it. A Hugging Face
    /// folder's `config.json` supplies the blocks' LayerNorm eps.
    public init(path: String, configuration: SAMConfiguration) throws {
        let source = try SAMCheckpoint.openSource(path)
        var eps: Float?
        if SAMCheckpointFormat.detectDecoder(names: source.tensorNames) == .huggingFace {
            eps = SAMPromptDecoder.huggingFaceDecoderEps(near: path)
        }
        try self.init(source: source, configuration: configuration, blockNormEps: eps)
    }

    /// The expected image embedding shape [C, side, side].
    public var embeddingShape: [Int] { [configuration.promptEmbedDim, configuration.embeddingSize, configuration.embeddingSize] }

    /// Decodes one prompt (coordinates in the resized input frame) against `embedding` [C, side, side].
    /// `folding` picks how the cross-attentions are computed (same result; see `SAMAttentionFolding`).
    public func decode(embedding: [Float], prompt: SAMPrompt, multimask: Bool,
                       folding: SAMAttentionFolding = .automatic) throws -> SAMDecoderOutput {
        let side = configuration.embeddingSize
        guard embedding.count == configuration.promptEmbedDim * side * side else {
            throw SAMError.embeddingMismatch(expected: embeddingShape, found: [embedding.count])
        }
        let sparse = try promptEncoder.sparse(prompt)
        let dense = try promptEncoder.dense(prompt)
        return maskDecoder(image: embedding, side: side, imagePE: promptEncoder.densePE, sparse: sparse, dense: dense,
                           noMask: promptEncoder.noMask, multimask: multimask, folding: folding)
    }
}

extension SAMPromptDecoder {
    /// `mask_decoder_config.layer_norm_eps` from the `config.json` beside a Hugging Face checkpoint.
    static func huggingFaceDecoderEps(near path: String) -> Float? {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        let dir = exists && isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
        let url = URL(fileURLWithPath: (dir as NSString).appendingPathComponent("config.json"))
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let decoder = object["mask_decoder_config"] as? [String: Any],
              let eps = decoder["layer_norm_eps"] as? Double else { return nil }
        return Float(eps)
    }
}
