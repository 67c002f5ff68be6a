/// Whether SAM's cross-attentions fold their projections through the prompt tokens
/// (`SAMAttention+Folded.swift`): the same result with fewer multiply-adds when the prompt has few
/// tokens. `.automatic` folds when it pays; `.always` / `.never` exist for tests and benchmarks.
public enum SAMAttentionFolding: Sendable, Equatable {
    case automatic, always, never

    func folds(_ attention: SAMAttention, tokens: Int) -> Bool {
        switch self {
        case .automatic: attention.isFoldable(tokens: tokens)
        case .always: true
        case .never: false
        }
    }
}
