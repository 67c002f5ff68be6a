/// A small backtracking regular-expression engine over Unicode scalars, for the `Regex`
/// patterns of `Split` pre-tokenizers and `Replace` normalizers/decoders (CLIP, LLaMA-3 and
/// GPT-4-style tokenizers). It follows Oniguruma, which Hugging Face `tokenizers` uses:
/// ordered alternation (first alternative that lets the whole pattern match wins), greedy and
/// lazy quantifiers, Unicode classes (`\s` = White_Space, `\d` = Nd, `\w` = L|M|N|Pc,
/// `\p{L}`, `\p{Lu}`, `\P{N}` …), non-capturing groups, `(?i:…)`, and look-ahead.
/// Unsupported syntax (back-references, look-behind, named groups …) is a parse error.
struct ScalarRegex: Sendable {
    let root: RegexNode
    let source: String

    init(_ pattern: String) throws(RegexSyntaxError) {
        var parser = RegexParser(Array(pattern.unicodeScalars))
        root = try parser.parse()
        source = pattern
    }

    /// Consecutive non-overlapping matches, left to right (Oniguruma `find_iter`).
    func matches(in s: [Unicode.Scalar]) -> [Range<Int>] {
        let matcher = RegexMatcher(s)
        var out: [Range<Int>] = []
        var pos = 0
        while pos <= s.count {
            var found: Range<Int>?
            var start = pos
            while start <= s.count {
                if let end = matcher.match(root, at: start) {
                    found = start..<end
                    break
                }
                start += 1
            }
            guard let m = found else { break }
            out.append(m)
            pos = m.isEmpty ? m.upperBound + 1 : m.upperBound
        }
        return out
    }

    /// Segments of `s`: matches flagged true, the text between them false (empty matches are
    /// kept as empty segments, as `tokenizers` does; empty pieces are dropped later).
    func segments(_ s: [Unicode.Scalar]) -> Segments {
        guard !s.isEmpty else { return [] }
        var out: Segments = []
        var prev = 0
        for m in matches(in: s) {
            if prev != m.lowerBound { out.append((prev..<m.lowerBound, false)) }
            out.append((m, true))
            prev = m.upperBound
        }
        if prev != s.count { out.append((prev..<s.count, false)) }
        return out
    }
}

/// A syntax error (or unsupported construct) in a regular expression.
struct RegexSyntaxError: Error {
    let offset: Int
    let reason: String
}
