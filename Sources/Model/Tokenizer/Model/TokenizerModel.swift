/// The `model` section of `tokenizer.json`: turns one pre-tokenized word into token ids.
enum TokenizerModel: Sendable {
    case wordPiece(WordPiece)
    case bpe(BPE)
    case wordLevel(WordLevel)

    func tokenize(_ word: [Unicode.Scalar], into out: inout [(id: Int, token: String)]) {
        switch self {
        case .wordPiece(let m): m.tokenize(word, into: &out)
        case .bpe(let m): m.tokenize(word, into: &out)
        case .wordLevel(let m): m.tokenize(word, into: &out)
        }
    }

    var vocabulary: Vocabulary {
        switch self {
        case .wordPiece(let m): m.vocab
        case .bpe(let m): m.vocab
        case .wordLevel(let m): m.vocab
        }
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> TokenizerModel {
        // Files written by old versions may omit the tag; infer it as `tokenizers` does.
        let type: String
        let hasMerges = try node.optional("merges") != nil
        let hasPrefix = try node.optional("continuing_subword_prefix") != nil
        let hasMaxChars = try node.optional("max_input_chars_per_word") != nil
        if let tag = try node.optional("type") {
            type = try tag.string()
        } else if hasMerges {
            type = "BPE"
        } else if hasPrefix || hasMaxChars {
            type = "WordPiece"
        } else {
            type = "WordLevel"
        }
        switch type {
        case "WordPiece": return .wordPiece(try WordPiece.parse(node))
        case "BPE": return .bpe(try BPE.parse(node))
        case "WordLevel": return .wordLevel(try WordLevel.parse(node))
        default: throw node.unsupported("model type '\(type)'")
        }
    }
}
