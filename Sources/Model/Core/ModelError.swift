/// Errors of the Model module: anything read from a checkpoint, config or tokenizer file, and
/// inputs from callers that cannot be checked by the type system (token ids, texts).
public enum ModelError: Error, CustomStringConvertible, Sendable {
    /// A file that exists but whose content is wrong.
    case invalidFile(path: String, reason: String)
    /// A file or directory that is not there or cannot be opened/mapped.
    case unreadable(path: String, reason: String)
    /// A safetensors header that breaks the format (bad JSON, dtype, shape or offsets).
    case invalidSafeTensors(path: String, tensor: String?, reason: String)
    /// A `config.json` (or similar) that does not decode into the architecture's config.
    case invalidConfig(path: String, reason: String)
    /// Checkpoint keys that do not match the model: every problem is listed at once.
    case checkpointMismatch(model: String, missing: [String], unused: [String], misshaped: [ShapeMismatch])
    /// A tensor that exists but has a type this code cannot turn into floats.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A token id outside the model's vocabulary (from a tokenizer or a caller).
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    /// A tokenizer failure, passed through with the text that caused it.
    case tokenization(text: String, reason: String)
    /// A caller's request a model cannot run (an empty prompt, a context longer than allowed).
    case invalidInput(reason: String)

    /// A checkpoint tensor whose shape is not the one the layer needs.
    public struct ShapeMismatch: Sendable, Equatable, CustomStringConvertible {
        public var key: String
        public var expected: [Int]
        public var found: [Int]
        public init(key: String, expected: [Int], found: [Int]) {
            self.key = key; self.expected = expected; self.found = found
        }
        public var description: String { "\(key): expected \(expected), found \(found)" }
    }

    public var description: String {
        switch self {
        case .invalidFile(let path, let reason): "\(path): \(reason)"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .invalidSafeTensors(let path, let tensor, let reason):
            if let tensor { "\(path): tensor '\(tensor)': \(reason)" } else { "\(path): invalid safetensors: \(reason)" }
        case .invalidConfig(let path, let reason): "\(path): invalid config: \(reason)"
        case .checkpointMismatch(let model, let missing, let unused, let misshaped):
            "\(model): checkpoint does not match the model"
                + (missing.isEmpty ? "" : "; missing keys: " + Self.list(missing))
                + (unused.isEmpty ? "" : "; unused keys: " + Self.list(unused))
                + (misshaped.isEmpty ? "" : "; mis-shaped keys: " + Self.list(misshaped.map(\.description)))
        case .unsupportedDType(let path, let tensor, let dtype): "\(path): tensor '\(tensor)' has unsupported dtype \(dtype)"
        case .tokenOutOfRange(let id, let size): "token id \(id) is outside the vocabulary (size \(size))"
        case .tokenization(let text, let reason): "cannot tokenize \(String(text.prefix(60)).debugDescription): \(reason)"
        case .invalidInput(let reason): reason
        }
    }

    private static func list(_ items: [String]) -> String {
        let shown = items.prefix(20).joined(separator: ", ")
        return items.count > 20 ? "\(shown), … (\(items.count) in all)" : shown
    }
}
