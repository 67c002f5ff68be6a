/// One source text to rewrite `count` times.
public struct ParaphraseRequest: Sendable, Hashable {
    public var text: String
    public var kind: String
    public var isSentence: Bool
    /// The target's class names: a reasoning query's rewrites must not say them.
    public var targetClassNames: [String]
    public var count: Int

    public init(text: String, kind: String, isSentence: Bool, targetClassNames: [String], count: Int) {
        self.text = text
        self.kind = kind
        self.isSentence = isSentence
        self.targetClassNames = targetClassNames
        self.count = count
    }
}

/// A paraphrase backend: given sources, proposes rewrites (the quality gate decides later).
/// Backends are batched and asynchronous; a failure affects only its own request.
public protocol Paraphraser: Sendable {
    /// The backend's name as recorded on stored instructions ("rules", "openai", "local").
    var backend: String { get }
    /// The model that wrote the rewrites, if any.
    var model: String? { get }
    /// Rewrites for each request, in order.
    func paraphrase(_ requests: [ParaphraseRequest]) async -> [Result<[String], AugmentError>]
}
