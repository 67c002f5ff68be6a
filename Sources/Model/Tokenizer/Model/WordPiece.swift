/// WordPiece (BERT): greedy longest-match-first over the word, continuation pieces carry a
/// prefix (`##`); a word with any unmatched part, or longer than the limit, becomes `[UNK]`.
///
/// The longest match is found by walking byte tries of the vocabulary (one for word-initial
/// pieces, one for continuation pieces with the prefix removed); this gives the same pieces as
/// trying every candidate substring from the longest down, without building the candidates.
struct WordPiece: Sendable {
    var vocab: Vocabulary
    var unkToken: String
    var unkId: Int?
    var prefix: String
    var maxInputCharsPerWord: Int
    var initial: ByteTrie
    var continuation: ByteTrie

    func tokenize(_ word: [Unicode.Scalar], into out: inout [(id: Int, token: String)]) {
        guard !word.isEmpty else { return }
        if word.count > maxInputCharsPerWord {
            if let unkId { out.append((unkId, unkToken)) }
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(word.count * 2)
        for s in word { UTF8Encoding.append(s, to: &bytes) }
        let mark = out.count
        let complete = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var start = 0
            while start < buffer.count {
                let trie = start == 0 ? initial : continuation
                // Valid UTF-8 tokens can only end where a scalar ends, so a match is a whole piece.
                guard let hit = trie.longestMatch(buffer, from: start) else { return false }
                out.append((hit.id, vocab.token(hit.id) ?? ""))
                start = hit.end
            }
            return true
        }
        if !complete {
            out.removeSubrange(mark...)
            if let unkId { out.append((unkId, unkToken)) }
        }
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> WordPiece {
        let vocab = try Vocabulary.parse(try node.required("vocab"))
        let unk = try node.optionalString("unk_token") ?? "[UNK]"
        let prefix = try node.optionalString("continuing_subword_prefix") ?? "##"
        var initial = ByteTrie()
        var continuation = ByteTrie()
        let prefixBytes = Array(prefix.utf8)
        for (key, id) in vocab.ids {
            let token = key.string
            initial.insert(token.utf8, id: id)
            let bytes = Array(token.utf8)
            if bytes.count > prefixBytes.count, bytes.starts(with: prefixBytes) {
                continuation.insert(bytes[prefixBytes.count...], id: id)
            }
        }
        return WordPiece(vocab: vocab, unkToken: unk, unkId: vocab.id(unk), prefix: prefix,
                         maxInputCharsPerWord: try node.int("max_input_chars_per_word", default: 100),
                         initial: initial, continuation: continuation)
    }
}
