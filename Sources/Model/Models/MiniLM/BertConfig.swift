import Foundation

/// Architecture of a BERT encoder, decoded from a Hugging Face `config.json` (follows
/// Hugging Face `BertConfig`; fields absent from the file take `BertConfig`'s defaults).
public struct BertConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int = 30522
    public var hiddenSize: Int = 768
    public var numHiddenLayers: Int = 12
    public var numAttentionHeads: Int = 12
    public var intermediateSize: Int = 3072
    public var hiddenAct: String = "gelu"
    public var maxPositionEmbeddings: Int = 512
    public var typeVocabSize: Int = 2
    public var layerNormEps: Double = 1e-12
    public var padTokenId: Int = 0
    public var positionEmbeddingType: String = "absolute"

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size"
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case padTokenId = "pad_token_id"
        case positionEmbeddingType = "position_embedding_type"
    }

    public init() {}

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BertConfig()
        vocabSize = try c.decode(.vocabSize, or: d.vocabSize)
        hiddenSize = try c.decode(.hiddenSize, or: d.hiddenSize)
        numHiddenLayers = try c.decode(.numHiddenLayers, or: d.numHiddenLayers)
        numAttentionHeads = try c.decode(.numAttentionHeads, or: d.numAttentionHeads)
        intermediateSize = try c.decode(.intermediateSize, or: d.intermediateSize)
        hiddenAct = try c.decode(.hiddenAct, or: d.hiddenAct)
        maxPositionEmbeddings = try c.decode(.maxPositionEmbeddings, or: d.maxPositionEmbeddings)
        typeVocabSize = try c.decode(.typeVocabSize, or: d.typeVocabSize)
        layerNormEps = try c.decode(.layerNormEps, or: d.layerNormEps)
        padTokenId = try c.decode(.padTokenId, or: d.padTokenId)
        positionEmbeddingType = try c.decode(.positionEmbeddingType, or: d.positionEmbeddingType)
    }

    /// The activation `hidden_act` names.
    public var activation: Activation? {
        switch hiddenAct {
        case "gelu": .geluErf
        case "gelu_new", "gelu_pytorch_tanh": .geluTanh
        case "relu": .relu
        case "silu", "swish": .silu
        default: nil
        }
    }

    /// Reads and validates `path` (a `config.json`).
    public static func load(path: String) throws -> BertConfig {
        let config: BertConfig = try JSONFile.decode(path: path)
        try config.validate(path: path)
        return config
    }

    func validate(path: String) throws {
        func bad(_ reason: String) -> ModelError { .invalidConfig(path: path, reason: reason) }
        for (name, v) in [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
                          ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
                          ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabSize)] where v <= 0 {
            throw bad("\(name) must be positive, got \(v)")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw bad("hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard activation != nil else { throw bad("hidden_act '\(hiddenAct)' is not supported") }
        guard positionEmbeddingType == "absolute" else {
            throw bad("position_embedding_type '\(positionEmbeddingType)' is not supported (only 'absolute')")
        }
        guard layerNormEps > 0 else { throw bad("layer_norm_eps must be positive") }
    }
}

/// Decoding of small JSON files with errors that name the file and the field.
enum JSONFile {
    static func decode<T: Decodable>(path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.unreadable(path: path, reason: "no such file or not readable")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ModelError.invalidConfig(path: path, reason: SafeTensorsFile.describe(error))
        } catch {
            throw ModelError.invalidConfig(path: path, reason: "\(error)")
        }
    }
}
