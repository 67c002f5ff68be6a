/// Errors raised while loading or configuring a tokenizer from a `tokenizer.json` file.
///
/// Every case names the file and, where it applies, the JSON path of the offending field
/// (for example `$.model.merges[12]`) so a broken or unsupported file can be fixed by hand.
public enum TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid JSON; `offset` is the byte offset where parsing stopped.
    case malformedJSON(file: String, offset: Int, reason: String)
    /// A field is missing or has the wrong type or value.
    case invalidField(file: String, path: String, reason: String)
    /// A component `type` (or an option of one) that this implementation does not provide.
    case unsupported(file: String, path: String, what: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read tokenizer: \(reason)"
        case .malformedJSON(let file, let offset, let reason):
            "\(file): malformed JSON at byte \(offset): \(reason)"
        case .invalidField(let file, let path, let reason):
            "\(file): \(path): \(reason)"
        case .unsupported(let file, let path, let what):
            "\(file): \(path): unsupported \(what)"
        }
    }
}
