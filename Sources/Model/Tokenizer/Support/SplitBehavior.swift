/// How a delimiter found by a split is kept (Hugging Face `SplitDelimiterBehavior`).
enum SplitBehavior: Sendable {
    case removed, isolated, mergedWithPrevious, mergedWithNext, contiguous

    static func parse(_ node: JSONNode) throws(TokenizerError) -> SplitBehavior {
        switch try node.string() {
        case "Removed": .removed
        case "Isolated": .isolated
        case "MergedWithPrevious": .mergedWithPrevious
        case "MergedWithNext": .mergedWithNext
        case "Contiguous": .contiguous
        case let other: throw node.unsupported("split behavior '\(other)'")
        }
    }
}
