import DatasetStore
import GRDB

/// A prompt/answer pair the templater proposes, before it is stored.
public struct TemplatedPrompt: Sendable, Equatable {
    public var key: String
    public var text: String
    public var answer: String
    public var kind: InstructionKind
    public var isSentence: Bool
    public var templateID: String
    public var parentID: Int64?
    public var targets: [Int64]
}
