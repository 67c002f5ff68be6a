/// The added tokens of a tokenizer and the logic that cuts them out of the input.
///
/// Matching follows Hugging Face `tokenizers`: tokens with `normalized: false` are found in
/// the raw text first; the remaining stretches are normalized, and tokens with
/// `normalized: true` are then found in the normalized text (matched against their own
/// normalized form). `single_word`, `lstrip` and `rstrip` adjust or reject each match.
struct AddedVocabulary: Sendable {
    let tokens: [AddedToken]
    private let byId: [Int: Int]
    private let byContent: [TokenKey: Int]
    private let specialContents: Set<TokenKey>
    /// id → normalized content, for normalized tokens whose normalized form differs.
    private let normalizedContent: [Int: String]
    private let rawTrie: TokenTrie
    private let normalizedTrie: TokenTrie

    init(tokens: [AddedToken], normalizer: Normalizer?) {
        self.tokens = tokens
        var byId: [Int: Int] = [:]
        var byContent: [TokenKey: Int] = [:]
        var special = Set<TokenKey>()
        for (i, t) in tokens.enumerated() {
            byId[t.id] = i
            byContent[TokenKey(t.content)] = t.id
            if t.special { special.insert(TokenKey(t.content)) }
        }
        var normalizedContent: [Int: String] = [:]
        var raw = TokenTrie()
        var norm = TokenTrie()
        for (i, t) in tokens.enumerated() where byId[t.id] == i {
            let scalars = Array(t.content.unicodeScalars)
            if t.normalized {
                var pattern = scalars
                if let normalizer {
                    pattern = normalizer.normalize(scalars)
                    if !pattern.elementsEqual(scalars) { normalizedContent[t.id] = String(scalars: pattern) }
                }
                norm.insert(pattern, value: i)
            } else {
                raw.insert(scalars, value: i)
            }
        }
        self.byId = byId
        self.byContent = byContent
        self.specialContents = special
        self.normalizedContent = normalizedContent
        self.rawTrie = raw
        self.normalizedTrie = norm
    }

    func id(of content: String) -> Int? { byContent[TokenKey(content)] }

    /// The text decoding uses for an added token id (its normalized form when it has one).
    func decodeText(_ id: Int) -> String? {
        guard let i = byId[id] else { return nil }
        return normalizedContent[id] ?? tokens[i].content
    }

    func token(withId id: Int) -> AddedToken? { byId[id].map { tokens[$0] } }

    func isSpecial(_ content: String) -> Bool { specialContents.contains(TokenKey(content)) }

    /// Cuts added tokens out of `text` and normalizes everything else.
    func extractAndNormalize(_ text: [Unicode.Scalar], normalizer: Normalizer?) -> [Piece] {
        var pieces = [Piece(text, startsAtOrigin: true)]
        Splitting.split(&pieces) { split($0, with: rawTrie) }
        Splitting.split(&pieces) { piece in
            var p = piece
            if let normalizer { p.scalars = normalizer.normalize(p.scalars) }
            return split(p, with: normalizedTrie)
        }
        return pieces
    }

    private func split(_ piece: Piece, with trie: TokenTrie) -> [Piece] {
        let s = piece.scalars
        if trie.isEmpty || s.isEmpty { return [piece] }
        var out: [Piece] = []
        var startOffset = 0
        func emit(_ range: Range<Int>, id: Int?) {
            out.append(Piece(Array(s[range]), startsAtOrigin: piece.startsAtOrigin && range.lowerBound == 0, addedTokenId: id))
        }
        for m in trie.matches(in: s) {
            let token = tokens[m.value]
            var start = m.range.lowerBound
            var stop = m.range.upperBound
            if token.singleWord {
                let startOK = start == 0 || !UnicodeClasses.isRegexWord(s[start - 1])
                let stopOK = stop == s.count || !UnicodeClasses.isRegexWord(s[stop])
                if !startOK || !stopOK { continue }
            }
            if token.lstrip {
                var k = start
                while k > 0, UnicodeClasses.isWhitespace(s[k - 1]) { k -= 1 }
                start = max(k, startOffset)
            }
            if token.rstrip {
                while stop < s.count, UnicodeClasses.isWhitespace(s[stop]) { stop += 1 }
            }
            if startOffset < start { emit(startOffset..<start, id: nil) }
            emit(start..<stop, id: token.id)
            startOffset = stop
        }
        if startOffset < s.count { emit(startOffset..<s.count, id: nil) }
        return out
    }
}
