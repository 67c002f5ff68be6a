/// How token states become one sentence vector, decoded from sentence-transformers'
/// `1_Pooling/config.json` (follows sentence-transformers `models.Pooling`). Exactly one mode
/// may be on; when the file is absent, mean pooling is used (the sentence-transformers default).
public struct PoolingConfig: Codable, Sendable, Equatable {
    public enum Mode: String, Sendable { case mean, cls, max, meanSqrtLength }

    public var wordEmbeddingDimension: Int?
    public var poolingModeClsToken: Bool = false
    public var poolingModeMeanTokens: Bool = true
    public var poolingModeMaxTokens: Bool = false
    public var poolingModeMeanSqrtLenTokens: Bool = false

    enum CodingKeys: String, CodingKey {
        case wordEmbeddingDimension = "word_embedding_dimension"
        case poolingModeClsToken = "pooling_mode_cls_token"
        case poolingModeMeanTokens = "pooling_mode_mean_tokens"
        case poolingModeMaxTokens = "pooling_mode_max_tokens"
        case poolingModeMeanSqrtLenTokens = "pooling_mode_mean_sqrt_len_tokens"
    }

    public init() {}

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        wordEmbeddingDimension = try c.decodeIfPresent(Int.self, forKey: .wordEmbeddingDimension)
        poolingModeClsToken = try c.decode(.poolingModeClsToken, or: false)
        poolingModeMeanTokens = try c.decode(.poolingModeMeanTokens, or: true)
        poolingModeMaxTokens = try c.decode(.poolingModeMaxTokens, or: false)
        poolingModeMeanSqrtLenTokens = try c.decode(.poolingModeMeanSqrtLenTokens, or: false)
    }

    /// The single enabled mode; throws when none or several are on.
    public func mode(path: String) throws -> Mode {
        let on: [Mode] = [(poolingModeMeanTokens, Mode.mean), (poolingModeClsToken, .cls), (poolingModeMaxTokens, .max),
                          (poolingModeMeanSqrtLenTokens, .meanSqrtLength)].filter(\.0).map(\.1)
        guard on.count == 1 else {
            throw ModelError.invalidConfig(path: path, reason: "exactly one pooling mode must be enabled, found \(on.map(\.rawValue))")
        }
        return on[0]
    }
}
