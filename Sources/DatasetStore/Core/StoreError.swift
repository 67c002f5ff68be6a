/// Errors of the dataset store. Each names the database or file and what was wrong.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case schemaMissing
    case database(path: String, reason: String)
    case notAStore(path: String, reason: String)

    public var description: String {
        switch self {
        case .schemaMissing: "the embedded schema.sql resource is missing from this build"
        case .database(let path, let reason): "\(path): \(reason)"
        case .notAStore(let path, let reason): "\(path): not a LisaKit store: \(reason)"
        }
    }
}
