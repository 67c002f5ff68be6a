/// What a model needs from a tokenizer: text in, vocabulary ids out.
///
/// `encode` returns the ids of one text WITH the model's special tokens already added, the way the
/// `tokenizer.json` post-processor adds them (for BERT/WordPiece: `[CLS] … [SEP]`), and NOT
/// truncated: models truncate to their own maximum length. Models that truncate assume the
/// post-processor adds exactly one token at the end (true for BERT's template), keeping the first
/// `max − 1` ids and the last one, which equals Hugging Face truncation with `add_special_tokens`.
public protocol TextTokenizer: Sendable {
    func encode(_ text: String) throws -> [Int]
}
