import Foundation

/// Architecture of a LLaMA-family decoder (LLaMA 1/2/3, Vicuna, SmolLM2, LISA's language model),
/// decoded from a Hugging Face `config.json` (follows Hugging Face `LlamaConfig`; absent fields
/// take its defaults). Both config layouts are read: transformers 4 (`rope_theta`,
/// `rope_scaling` with `type` or `rope_type`) and transformers 5 (`rope_parameters`).
public struct LlamaConfiguration: Codable, Sendable, Equatable {
    public var vocabSize: Int = 32000
    public var hiddenSize: Int = 4096
    public var intermediateSize: Int = 11008
    public var numHiddenLayers: Int = 32
    public var numAttentionHeads: Int = 32
    /// Key/value heads (grouped-query attention); defaults to `numAttentionHeads`.
    public var numKeyValueHeads: Int = 32
    /// Features per head; defaults to hiddenSize / numAttentionHeads.
    public var headDim: Int = 128
    public var hiddenAct: String = "silu"
    public var maxPositionEmbeddings: Int = 2048
    public var rmsNormEps: Double = 1e-6
    public var ropeTheta: Double = 10000
    public var ropeScaling: LlamaRopeScaling? = nil
    public var tieWordEmbeddings: Bool = false
    public var bosTokenId: Int? = 1
    /// End-of-sequence ids (`eos_token_id` is one id or a list).
    public var eosTokenIds: [Int] = [2]
    public var attentionBias: Bool = false
    public var mlpBias: Bool = false

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim"
        case hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case ropeScaling = "rope_scaling"
        case ropeParameters = "rope_parameters"
        case tieWordEmbeddings = "tie_word_embeddings"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case attentionBias = "attention_bias"
        case mlpBias = "mlp_bias"
        case modelType = "model_type"
    }

    /// Hugging Face `LlamaConfig()` defaults (LLaMA-7B sizes).
    public init() {}

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LlamaConfiguration()
        vocabSize = try c.decode(.vocabSize, or: d.vocabSize)
        hiddenSize = try c.decode(.hiddenSize, or: d.hiddenSize)
        intermediateSize = try c.decode(.intermediateSize, or: d.intermediateSize)
        numHiddenLayers = try c.decode(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.decode(.numAttentionHeads, or: d.numAttentionHeads)
        numKeyValueHeads = try c.decode(.numKeyValueHeads, or: numAttentionHeads)
        headDim = try c.decode(.headDim, or: (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0))
        hiddenAct = try c.decode(.hiddenAct, or: d.hiddenAct)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, or: d.maxPositionEmbeddings)
        rmsNormEps = try c.decode(.rmsNormEps, or: d.rmsNormEps)
        tieWordEmbeddings = try c.decode(.tieWordEmbeddings, or: d.tieWordEmbeddings)
        bosTokenId = try c.decodeIfPresent(Int.self, forKey: .bosTokenId)
        if let many = try? c.decodeIfPresent([Int].self, forKey: .eosTokenId) {
            eosTokenIds = many
        } else if let one = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) {
            eosTokenIds = [one]
        } else {
            eosTokenIds = []
        }
        attentionBias = try c.decode(.attentionBias, or: d.attentionBias)
        mlpBias = try c.decode(.mlpBias, or: d.mlpBias)
        // transformers 5 keeps rope_theta and the scaling together in rope_parameters.
        let parameters = try c.decodeIfPresent([String: JSONScalar].self, forKey: .ropeParameters)
        let scaling = try c.decodeIfPresent([String: JSONScalar].self, forKey: .ropeScaling)
        ropeTheta = try c.decode(.ropeTheta, or: parameters?["rope_theta"]?.number ?? d.ropeTheta)
        if let object = scaling ?? parameters {
            do {
                ropeScaling = try LlamaRopeScaling.parse(object, path: "config.json")
            } catch ModelError.invalidConfig(_, let reason) {
                throw DecodingError.dataCorruptedError(forKey: scaling != nil ? .ropeScaling : .ropeParameters, in: c,
                                                       debugDescription: reason)
            }
        }
    }

    /// Writes the transformers 4 layout (`rope_theta`, `rope_scaling` with `rope_type`).
    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("llama", forKey: .modelType)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(headDim, forKey: .headDim)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        switch ropeScaling {
        case nil: break
        case .linear(let factor)?:
            try c.encode(["rope_type": "linear", "factor": "\(factor)"].mapValues(Self.jsonValue), forKey: .ropeScaling)
        case .llama3(let factor, let low, let high, let original)?:
            try c.encode(["rope_type": "llama3", "factor": "\(factor)", "low_freq_factor": "\(low)",
                          "high_freq_factor": "\(high)", "original_max_position_embeddings": "\(original)"].mapValues(Self.jsonValue),
                         forKey: .ropeScaling)
        }
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encodeIfPresent(bosTokenId, forKey: .bosTokenId)
        if eosTokenIds.count == 1 { try c.encode(eosTokenIds[0], forKey: .eosTokenId) } else { try c.encode(eosTokenIds, forKey: .eosTokenId) }
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encode(mlpBias, forKey: .mlpBias)
    }

    /// A string holding a number encodes as that number.
    private static func jsonValue(_ s: String) -> EncodableScalar { Double(s).map(EncodableScalar.number) ?? .string(s) }

    /// Reads and validates `path` (a `config.json`).
    public static func load(path: String) throws -> LlamaConfiguration {
        let config: LlamaConfiguration = try JSONFile.decode(path: path)
        try config.validate(path: path)
        return config
    }

    /// Checks sizes and features this decoder implements; errors name the field.
    public func validate(path: String) throws {
        func bad(_ reason: String) -> ModelError { .invalidConfig(path: path, reason: reason) }
        for (name, v) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
                          ("num_hidden_layers", numHiddenLayers), ("num_attention_heads", numAttentionHeads),
                          ("num_key_value_heads", numKeyValueHeads), ("head_dim", headDim)] where v <= 0 {
            throw bad("\(name) must be positive, got \(v)")
        }
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw bad("num_attention_heads \(numAttentionHeads) is not a multiple of num_key_value_heads \(numKeyValueHeads)")
        }
        guard headDim % 2 == 0 else { throw bad("head_dim \(headDim) must be even for rotary embeddings") }
        guard hiddenAct == "silu" else { throw bad("hidden_act '\(hiddenAct)' is not supported (only 'silu')") }
        guard !attentionBias, !mlpBias else { throw bad("attention_bias / mlp_bias are not supported") }
        guard rmsNormEps > 0, ropeTheta > 0 else { throw bad("rms_norm_eps and rope_theta must be positive") }
    }

    /// Query heads per key/value head.
    public var groupSize: Int { numAttentionHeads / numKeyValueHeads }
}

/// A number or string written into a JSON object.
enum EncodableScalar: Encodable {
    case number(Double)
    case string(String)
    func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): if d == d.rounded() && abs(d) < 1e15 { try c.encode(Int(d)) } else { try c.encode(d) }
        case .string(let s): try c.encode(s)
        }
    }
}
