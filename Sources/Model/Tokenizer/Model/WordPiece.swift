/// WordPiece (BERT): greedy longest-match-first over the word, continuation pieces carry a
/// prefix (`##`); a word with any unmatched part, or longer than the limit, becomes `[UNK]`.
struct WordPiece: Sendable {
    var vocab: Vocabulary
    var unkToken: String
    var unkId: Int?
    var prefix: String
    var maxInputCharsPerWord: Int

    func tokenize(_ word: [Unicode.Scalar], into out: inout [(id: Int, token: String)]) {
        guard !word.isEmpty else { return }
        if word.count > maxInputCharsPerWord {
            if let unkId { out.append((unkId, unkToken)) }
            return
        }
        var pieces: [(Int, String)] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: (Int, String)?
            while start < end {
                var candidate = start > 0 ? prefix : ""
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocab.id(candidate) {
                    found = (id, candidate)
                    break
                }
                end -= 1
            }
            guard let hit = found else {
                if let unkId { out.append((unkId, unkToken)) }
                return
            }
            pieces.append(hit)
            start = end
        }
        for p in pieces { out.append(p) }
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> WordPiece {
        let vocab = try Vocabulary.parse(try node.required("vocab"))
        let unk = try node.optionalString("unk_token") ?? "[UNK]"
        return WordPiece(vocab: vocab, unkToken: unk, unkId: vocab.id(unk),
                         prefix: try node.optionalString("continuing_subword_prefix") ?? "##",
                         maxInputCharsPerWord: try node.int("max_input_chars_per_word", default: 100))
    }
}
