/// Why an import stopped, or what was wrong with one record (reported and skipped, or fatal
/// with `--strict`). Every case names the file, and the line or record and field where known.
public enum ImportError: Error, CustomStringConvertible, Sendable {
    case badRecord(ImportProblem)
    case unreadableSource(path: String, reason: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .badRecord(let problem): problem.description
        case .unreadableSource(let path, let reason): "\(path): \(reason)"
        case .store(let error): error.description
        }
    }
}

/// A bad record: where it is and what is wrong.
public struct ImportProblem: Sendable, Codable, Equatable, CustomStringConvertible {
    public var file: String
    /// Line number (CSV rows, 1-based) or record name (a JSON index, a zip entry), when known.
    public var location: String?
    public var field: String?
    public var reason: String

    public init(file: String, location: String? = nil, field: String? = nil, reason: String) {
        self.file = file
        self.location = location
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var text = file
        if let location { text += ":\(location)" }
        if let field { text += ": field \(field)" }
        return text + ": " + reason
    }
}
