/// The `pattern` of a Split pre-tokenizer or a Replace normalizer/decoder:
/// `{"String": "..."}` (a literal) or `{"Regex": "..."}` (Oniguruma syntax, see `ScalarRegex`).
enum TextPattern: Sendable {
    case literal([Unicode.Scalar])
    case regex(ScalarRegex)

    /// Matches of the pattern in `s`, flagged true, and the text between them.
    func segments(_ s: [Unicode.Scalar]) -> Segments {
        switch self {
        case .literal(let p): Splitting.segments(s, occurrencesOf: p)
        case .regex(let r): r.segments(s)
        }
    }

    /// Every match replaced by `content`.
    func replace(_ s: [Unicode.Scalar], with content: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if case .literal(let p) = self, p.isEmpty { return s }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        for seg in segments(s) {
            if seg.isMatch { out.append(contentsOf: content) } else { out.append(contentsOf: s[seg.range]) }
        }
        return out
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> TextPattern {
        if let s = try node.optional("String") { return .literal(Array(try s.string().unicodeScalars)) }
        if let r = try node.optional("Regex") {
            let source = try r.string()
            do {
                return .regex(try ScalarRegex(source))
            } catch {
                throw r.unsupported("regular expression (\(error.reason) at character \(error.offset))")
            }
        }
        throw node.invalid("expected {\"String\": ...} or {\"Regex\": ...}")
    }
}
