/// The GPT-2 pre-tokenization pattern, matched by hand over Unicode scalars:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// The alternatives are tried in order at each position, exactly as a backtracking regex
/// engine (Oniguruma, used by Hugging Face `tokenizers`) does; `\s` is `White_Space`.
enum GPT2Splitter {
    private enum Kind { case letter, number, space, other }

    @inline(__always)
    private static func kind(_ c: Unicode.Scalar) -> Kind {
        if UnicodeClasses.isLetter(c) { return .letter }
        if UnicodeClasses.isNumber(c) { return .number }
        if UnicodeClasses.isWhitespace(c) { return .space }
        return .other
    }

    /// The ranges of consecutive matches (they always cover the whole input).
    static func matches(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let n = s.count
        var i = 0
        while i < n {
            let end = matchEnd(s, at: i)
            out.append(i..<end)
            i = end
        }
        return out
    }

    private static func run(_ s: [Unicode.Scalar], from start: Int, _ k: Kind) -> Int {
        var j = start
        while j < s.count, kind(s[j]) == k { j += 1 }
        return j
    }

    private static func matchEnd(_ s: [Unicode.Scalar], at i: Int) -> Int {
        let n = s.count
        let c = s[i]
        // Contractions: 's 't 're 've 'm 'll 'd
        if c == "'", i + 1 < n {
            let a = s[i + 1]
            if a == "s" || a == "t" || a == "m" || a == "d" { return i + 2 }
            if i + 2 < n {
                let b = s[i + 2]
                if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return i + 3 }
            }
        }
        let k = kind(c)
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`
        if c == " ", i + 1 < n {
            let k1 = kind(s[i + 1])
            if k1 != .space { return run(s, from: i + 1, k1) }
        }
        if k != .space { return run(s, from: i, k) }
        // `\s+(?!\S)` then `\s+`
        let j = run(s, from: i, .space)
        if j == n { return j }
        // The run is followed by a non-space: give back one whitespace if that leaves one.
        if j - i >= 2 { return j - 1 }
        return j
    }
}
