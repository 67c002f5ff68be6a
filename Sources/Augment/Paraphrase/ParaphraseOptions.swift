import DatasetStore
import Foundation
import GRDB
import Serialization

/// Options of a paraphrase run (`lisakit paraphrase`).
public struct ParaphraseOptions: Sendable {
    /// Rewrites asked per source instruction.
    public var perInstruction: Int
    /// Kinds of source instructions to rewrite.
    public var kinds: Set<InstructionKind>
    /// Sources per backend batch (and per store transaction).
    public var batchSize: Int
    /// Skip sources that already have this many accepted paraphrases from the backend.
    public var skipSatisfied: Bool

    public init(perInstruction: Int = 3, kinds: Set<InstructionKind> = [.referring, .reasoning, .semantic],
                batchSize: Int = 32, skipSatisfied: Bool = true) {
        self.perInstruction = max(1, perInstruction)
        self.kinds = kinds
        self.batchSize = max(1, batchSize)
        self.skipSatisfied = skipSatisfied
    }
}
