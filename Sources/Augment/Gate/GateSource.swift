import Foundation

/// What a candidate is checked against.
public struct GateSource: Sendable {
    public var text: String
    public var kind: String
    public var isSentence: Bool
    /// The names (and synonyms) of the target classes: a reasoning query must not say them.
    public var targetClassNames: [String]

    public init(text: String, kind: String, isSentence: Bool, targetClassNames: [String]) {
        self.text = text
        self.kind = kind
        self.isSentence = isSentence
        self.targetClassNames = targetClassNames
    }
}
