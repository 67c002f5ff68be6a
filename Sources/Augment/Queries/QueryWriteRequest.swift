import DatasetStore
import Foundation
import GRDB
import Serialization

/// A labelled mask for which implicit queries are written.
public struct QueryWriteRequest: Sendable, Hashable {
    /// The target's class name (cleaned) and the other classes in the image.
    public var className: String
    public var otherClassNames: [String]
    public var caption: String?
    /// Short phrases and long sentences wanted.
    public var phrases: Int
    public var sentences: Int

    public init(className: String, otherClassNames: [String], caption: String? = nil, phrases: Int, sentences: Int) {
        self.className = className
        self.otherClassNames = otherClassNames
        self.caption = caption
        self.phrases = phrases
        self.sentences = sentences
    }
}
