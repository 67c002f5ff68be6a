/// A token declared in the `added_tokens` section (`[CLS]`, `[SEG]`, `<im_start>` …): it is
/// cut out of the input before the model sees it and always maps to its own id.
public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    /// Only match when not inside a word.
    public var singleWord: Bool
    /// Also swallow whitespace to the left / right of the match.
    public var lstrip: Bool
    public var rstrip: Bool
    /// Match against normalized text (true) or the raw input (false).
    public var normalized: Bool
    /// Special tokens are skipped by `decode(_:skipSpecialTokens:)`.
    public var special: Bool

    public static func == (a: AddedToken, b: AddedToken) -> Bool {
        a.id == b.id && a.content.scalarsEqual(b.content) && a.singleWord == b.singleWord && a.lstrip == b.lstrip
            && a.rstrip == b.rstrip && a.normalized == b.normalized && a.special == b.special
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> AddedToken {
        let content = try node.string("content")
        guard !content.isEmpty else { throw try node.required("content").invalid("an added token cannot be empty") }
        let special = try node.bool("special", default: false)
        return AddedToken(id: try node.required("id").int(), content: content,
                          singleWord: try node.bool("single_word", default: false),
                          lstrip: try node.bool("lstrip", default: false),
                          rstrip: try node.bool("rstrip", default: false),
                          normalized: try node.bool("normalized", default: !special),
                          special: special)
    }
}
