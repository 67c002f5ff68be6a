/// What a model needs from a tokenizer: text in, vocabulary ids out.
///
/// `tokenIDs(for:)` returns the ids of one text WITH the model's special tokens already added,
/// the way the `tokenizer.json` post-processor adds them (for BERT/WordPiece: `[CLS] … [SEP]`),
/// and NOT truncated or padded: models truncate to their own maximum length. Models that
/// truncate assume the post-processor adds exactly one token at the end (true for BERT's
/// template): they keep the first `max − 1` ids and the last one, which equals Hugging Face
/// truncation with `add_special_tokens`.
public protocol TextTokenizer: Sendable {
    func tokenIDs(for text: String) throws -> [Int]
}

/// The `tokenizer.json` tokenizer, with the file's own truncation and padding switched off
/// (sentence-transformers tokenizes with its `max_seq_length`, not the file's setting).
extension Tokenizer: TextTokenizer {
    public func tokenIDs(for text: String) -> [Int] {
        var plain = self
        plain.truncation = nil
        plain.padding = nil
        return plain.encode(text).ids
    }
}
