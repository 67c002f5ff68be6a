import GRDB

/// Errors of the dataset store. Each names the database or file and what was wrong.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case missingStore(path: String)
    case database(path: String, reason: String)
    case notAStore(path: String, reason: String)
    /// A record that cannot be stored: `record` names it (file, line, id), `field` what is wrong.
    case invalidRecord(record: String, field: String, reason: String)
    /// An optimistic-concurrency conflict: the row changed since it was read.
    case conflict(entity: String, id: Int64, expectedVersion: Int)

    public var description: String {
        switch self {
        case .missingStore(let path):
            "\(path): no LisaKit store here (create one with `lisakit init \(path)`)"
        case .database(let path, let reason):
            "\(path): \(reason)"
        case .notAStore(let path, let reason):
            "\(path): not a LisaKit store: \(reason)"
        case .invalidRecord(let record, let field, let reason):
            "\(record): field \(field): \(reason)"
        case .conflict(let entity, let id, let version):
            "\(entity) \(id) was changed by someone else (expected version \(version)); reload and retry"
        }
    }

    /// Maps any error from GRDB/SQLite to a store error naming the database.
    static func wrap(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_NOTADB {
                return .notAStore(path: path, reason: "the file is not an SQLite database")
            }
            let message = error.message ?? "\(error.resultCode)"
            return .database(path: path, reason: "SQLite: \(message)")
        }
        return .database(path: path, reason: "\(error)")
    }
}
