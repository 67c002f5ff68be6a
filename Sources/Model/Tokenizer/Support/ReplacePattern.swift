/// The `pattern` of a Replace normalizer/decoder or Split pre-tokenizer: `{"String": "..."}`.
/// Regex patterns need a regular-expression engine and are rejected with a clear error.
enum ReplacePattern {
    static func parse(_ node: JSONNode) throws(TokenizerError) -> [Unicode.Scalar] {
        if let s = try node.optional("String") { return Array(try s.string().unicodeScalars) }
        if try node.optional("Regex") != nil { throw node.unsupported("Regex pattern (only String patterns are implemented)") }
        throw node.invalid("expected {\"String\": ...} or {\"Regex\": ...}")
    }
}
