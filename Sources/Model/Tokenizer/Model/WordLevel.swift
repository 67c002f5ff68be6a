/// WordLevel: each pre-tokenized word is looked up whole; unknown words map to the unk token.
struct WordLevel: Sendable {
    var vocab: Vocabulary
    var unkToken: String
    var unkId: Int?

    func tokenize(_ word: [Unicode.Scalar], into out: inout [(id: Int, token: String)]) {
        let s = String(scalars: word)
        if let id = vocab.id(s) {
            out.append((id, s))
        } else if let unkId {
            out.append((unkId, unkToken))
        }
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> WordLevel {
        let vocab = try Vocabulary.parse(try node.required("vocab"))
        let unk = try node.optionalString("unk_token") ?? "<unk>"
        return WordLevel(vocab: vocab, unkToken: unk, unkId: vocab.id(unk))
    }
}
