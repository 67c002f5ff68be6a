import Foundation

extension LlamaModel {
    /// Maps Hugging Face `LlamaForCausalLM` keys to ours: drops the `model.` prefix, the rotary
    /// `inv_freq` buffers older checkpoints saved, and `lm_head.weight` when the head is tied to
    /// the embedding (some exporters write the copy anyway).
    public static func sanitize(_ key: String, tiedEmbeddings: Bool) -> String? {
        var k = Substring(key)
        if k.hasPrefix("model.") { k = k.dropFirst(6) }
        if k.hasSuffix("rotary_emb.inv_freq") { return nil }
        if tiedEmbeddings && k == "lm_head.weight" { return nil }
        return String(k)
    }

    /// Loads the weights of `config` from `source` with `sanitize` mapping its keys (every key
    /// accounted for, or one `ModelError.checkpointMismatch` listing missing, unused and
    /// mis-shaped keys). `keepHalfPrecision`: f16/bf16 projections stay in 16 bits (widened per
    /// block at multiply); otherwise they are widened to fp32 once here.
    public init(config: LlamaConfiguration, weights source: TensorSource, pairing: RotaryEmbedding.Pairing = .halfSplit,
                keepHalfPrecision: Bool = true, sanitize: ((String) -> String?)? = nil) throws {
        try config.validate(path: source.sourceDescription)
        let tied = config.tieWordEmbeddings
        var loader = WeightLoader(source: source, model: "LlamaForCausalLM", keepHalf: keepHalfPrecision,
                                  sanitize: sanitize ?? { Self.sanitize($0, tiedEmbeddings: tied) })
        let h = config.hiddenSize
        let embedding = try loader.takeMatrix("embed_tokens.weight", outFeatures: config.vocabSize, inFeatures: h)
        var layers: [LlamaDecoderLayer] = []
        for i in 0..<config.numHiddenLayers {
            layers.append(try LlamaDecoderLayer(loading: i, from: &loader, config: config))
        }
        let norm = try RMSNormLayer(loading: "norm", from: &loader, size: h, eps: Float(config.rmsNormEps))
        let head = tied ? embedding : try loader.takeMatrix("lm_head.weight", outFeatures: config.vocabSize, inFeatures: h)
        try loader.finish()
        self.init(config: config,
                  rope: RotaryEmbedding(headDim: config.headDim, theta: config.ropeTheta, scaling: config.ropeScaling, pairing: pairing),
                  embedding: embedding, layers: layers, finalNorm: norm, lmHead: head)
    }

    /// Loads a Hugging Face `LlamaForCausalLM` folder: `config.json` and the weights as
    /// `model.safetensors`, `model.safetensors.index.json` (shards), `pytorch_model.bin` or
    /// `pytorch_model.bin.index.json`, whichever is present (in that order of preference).
    public init(huggingFaceFolder folder: String, keepHalfPrecision: Bool = true) throws {
        let config = try LlamaConfiguration.load(path: (folder as NSString).appendingPathComponent("config.json"))
        self = try LlamaModel(config: config, weights: try Self.openWeights(folder: folder), keepHalfPrecision: keepHalfPrecision)
    }

    /// The weights of a Hugging Face model folder as a tensor source.
    public static func openWeights(folder: String) throws -> TensorSource {
        let fm = FileManager.default
        func has(_ name: String) -> Bool { fm.fileExists(atPath: (folder as NSString).appendingPathComponent(name)) }
        if has(SafeTensorsCheckpoint.singleName) || has(SafeTensorsCheckpoint.indexName) {
            return try SafeTensorsCheckpoint(path: folder)
        }
        for name in ["pytorch_model.bin", "pytorch_model.bin.index.json"] where has(name) {
            return try PyTorchCheckpoint(path: (folder as NSString).appendingPathComponent(name))
        }
        throw ModelError.unreadable(path: folder, reason: "no model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json")
    }
}
