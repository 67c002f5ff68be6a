import DatasetStore
import Foundation
import GRDB
import Serialization

/// A written query and whether it is a full sentence (`is_sentence`).
public struct WrittenQuery: Sendable, Hashable {
    public var text: String
    public var isSentence: Bool

    public init(text: String, isSentence: Bool) {
        self.text = text
        self.isSentence = isSentence
    }
}
