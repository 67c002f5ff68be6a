/// Errors of the Segment Anything model code: prompts and inputs that do not fit the model,
/// checkpoints whose layout is not one we read. File-level problems use `ModelError`.
public enum SAMError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A prompt the model cannot take (bad coordinates, wrong sizes); `field` names the part.
    case invalidPrompt(field: String, reason: String)
    /// An image embedding whose size does not match the model.
    case embeddingMismatch(expected: [Int], found: [Int])
    /// Tensor names that match none of Meta's, Hugging Face's or LISA's SAM layouts.
    case unknownCheckpointLayout(path: String)
    /// A cached embedding file that cannot be used.
    case invalidCache(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidPrompt(let field, let reason): "invalid SAM prompt: \(field): \(reason)"
        case .embeddingMismatch(let expected, let found): "SAM image embedding has shape \(found), the model needs \(expected)"
        case .unknownCheckpointLayout(let path):
            "\(path): no SAM weights found (expected Meta's prompt_encoder.*/mask_decoder.*, Hugging Face's prompt_encoder.point_embed.*, or LISA's visual_model.*)"
        case .invalidCache(let path, let reason): "\(path): unusable SAM embedding cache entry: \(reason)"
        }
    }
}
