/// Errors of the Augment module: template files, backends, and the store.
public enum AugmentError: Error, CustomStringConvertible, Sendable {
    /// A template or lexicon file is malformed: `field` names the key, `reason` what is wrong.
    case invalidTemplateFile(path: String, field: String, reason: String)
    /// A paraphrase or query-writing backend failed for good (after retries).
    case backend(name: String, reason: String)
    /// A backend that cannot run as configured (missing model path, unknown name...).
    case unavailableBackend(name: String, reason: String)
    case store(String)

    public var description: String {
        switch self {
        case .invalidTemplateFile(let path, let field, let reason): "\(path): \(field): \(reason)"
        case .backend(let name, let reason): "backend \(name): \(reason)"
        case .unavailableBackend(let name, let reason): "backend \(name) is not available: \(reason)"
        case .store(let reason): reason
        }
    }
}
