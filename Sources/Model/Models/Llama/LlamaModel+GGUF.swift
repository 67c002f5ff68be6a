extension LlamaConfiguration {
    /// The architecture a GGUF file's `llama.*` metadata describes (llama.cpp's key names:
    /// `llama.embedding_length`, `llama.block_count`, `llama.attention.head_count`, …). The
    /// vocabulary size comes from `llama.vocab_size` or the tokenizer's token list.
    public init(gguf file: GGUFFile) throws {
        let m = file.metadata
        let arch = try m.optionalString("general.architecture") ?? "llama"
        guard arch == "llama" else {
            throw ModelError.invalidConfig(path: file.path, reason: "general.architecture is '\(arch)', not 'llama'")
        }
        self.init()
        hiddenSize = try m.int("llama.embedding_length")
        numHiddenLayers = try m.int("llama.block_count")
        intermediateSize = try m.int("llama.feed_forward_length")
        numAttentionHeads = try m.int("llama.attention.head_count")
        numKeyValueHeads = try m.optionalInt("llama.attention.head_count_kv") ?? numAttentionHeads
        headDim = try m.optionalInt("llama.attention.key_length") ?? m.optionalInt("llama.rope.dimension_count")
            ?? hiddenSize / max(numAttentionHeads, 1)
        maxPositionEmbeddings = try m.optionalInt("llama.context_length") ?? maxPositionEmbeddings
        rmsNormEps = try m.optionalFloat("llama.attention.layer_norm_rms_epsilon") ?? 1e-5
        ropeTheta = try m.optionalFloat("llama.rope.freq_base") ?? 10000
        if let vocab = try m.optionalInt("llama.vocab_size") {
            vocabSize = vocab
        } else if let tokens = try m.optionalStrings("tokenizer.ggml.tokens") {
            vocabSize = tokens.count
        } else if let embedding = file.tensorInfo("token_embd.weight") {
            vocabSize = embedding.shape[0]
        }
        switch try m.optionalString("llama.rope.scaling.type") {
        case nil, "none"?: ropeScaling = nil
        case "linear"?:
            ropeScaling = .linear(factor: try m.float("llama.rope.scaling.factor"))
        case let other?:
            throw ModelError.invalidConfig(path: file.path, reason: "llama.rope.scaling.type '\(other)' is not supported (none, linear)")
        }
        tieWordEmbeddings = file.tensorInfo("output.weight") == nil
        bosTokenId = try m.optionalInt("tokenizer.ggml.bos_token_id")
        eosTokenIds = try m.optionalInt("tokenizer.ggml.eos_token_id").map { [$0] } ?? []
        try validate(path: file.path)
    }
}

extension LlamaModel {
    /// Maps llama.cpp's GGUF tensor names to ours (`blk.N.attn_q.weight` →
    /// `layers.N.self_attn.q_proj.weight`, `token_embd` → `embed_tokens`, `output` → `lm_head`);
    /// `rope_freqs.weight` (Llama 3.1's frequency factors) is read separately.
    public static func sanitizeGGUF(_ key: String) -> String? {
        switch key {
        case "token_embd.weight": return "embed_tokens.weight"
        case "output_norm.weight": return "norm.weight"
        case "output.weight": return "lm_head.weight"
        case "rope_freqs.weight": return nil
        default: break
        }
        let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "blk" else { return key }
        let names = [
            "attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
            "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj", "ffn_norm": "post_attention_layernorm",
            "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
        ]
        let rest = parts[2]
        guard let dot = rest.firstIndex(of: "."), let ours = names[String(rest[..<dot])] else { return key }
        return "layers.\(parts[1]).\(ours)\(rest[dot...])"
    }

    /// A LLaMA model from a GGUF file: quantized projections stay quantized
    /// (`QuantizedMatrixWeight`), norms are read as fp32. Rotary embeddings pair features
    /// interleaved, matching the Q/K row permutation GGUF converters apply (see `RotaryEmbedding`).
    public init(gguf file: GGUFFile) throws {
        let config = try LlamaConfiguration(gguf: file)
        var model = try LlamaModel(config: config, weights: file, pairing: .interleaved, sanitize: Self.sanitizeGGUF)
        if file.tensorInfo("rope_freqs.weight") != nil {
            let factors = try file.dequantize("rope_freqs.weight").scalars
            guard factors.count == config.headDim / 2 else {
                throw ModelError.invalidFile(path: file.path, reason: "rope_freqs.weight has \(factors.count) values, expected \(config.headDim / 2)")
            }
            let base = RotaryEmbedding(headDim: config.headDim, theta: config.ropeTheta, scaling: nil, pairing: .interleaved)
            model = LlamaModel(config: config,
                               rope: RotaryEmbedding(headDim: config.headDim, pairing: .interleaved,
                                                     inverseFrequencies: zip(base.inverseFrequencies, factors).map { $0 / $1 }),
                               embedding: model.embedding, layers: model.layers, finalNorm: model.finalNorm, lmHead: model.lmHead)
        }
        self = model
    }
}
