/// Errors of the Model module: anything read from a checkpoint, config or tokenizer file.
public enum ModelError: Error, CustomStringConvertible, Sendable {
    case invalidFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidFile(let path, let reason): "\(path): \(reason)"
        }
    }
}
