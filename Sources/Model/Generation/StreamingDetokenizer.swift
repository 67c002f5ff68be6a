/// Turns generated token ids into text piece by piece for streaming, never emitting half a
/// character: byte-level tokens can split a UTF-8 sequence (an emoji over several tokens), so
/// text ending in an incomplete sequence (decoded as U+FFFD) is held back until the next token
/// completes it (the approach of Hugging Face's `TextStreamer`).
public struct StreamingDetokenizer: Sendable {
    public let tokenizer: Tokenizer
    public private(set) var ids: [Int] = []
    /// The text emitted so far.
    public private(set) var emitted: String = ""

    public init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
    }

    /// The full decoded text of the ids so far (special tokens skipped).
    public var text: String { tokenizer.decode(ids) }

    /// Adds `id`; returns the text it completes (possibly empty).
    public mutating func append(_ id: Int) -> String {
        ids.append(id)
        let full = tokenizer.decode(ids)
        if full.unicodeScalars.last == "\u{FFFD}" { return "" }
        return take(full)
    }

    /// Whatever is left at the end (an incomplete sequence comes out as U+FFFD).
    public mutating func flush() -> String { take(tokenizer.decode(ids)) }

    private mutating func take(_ full: String) -> String {
        guard full.unicodeScalars.starts(with: emitted.unicodeScalars) else {
            // A decoder rule changed earlier text (rare: cleanup rules); emit nothing twice.
            emitted = full
            return ""
        }
        let piece = String(String.UnicodeScalarView(full.unicodeScalars.dropFirst(emitted.unicodeScalars.count)))
        emitted = full
        return piece
    }
}
