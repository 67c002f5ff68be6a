import Foundation

/// The store's schema: the text of `schema.sql` at the repository root, embedded in this module
/// as a resource so the two cannot drift (a test compares them byte for byte).
public enum Schema {
    /// Version recorded by the migration that applies `schema.sql`.
    public static let migrationIdentifier = "v1"

    /// The embedded `schema.sql` text.
    public static func sql() throws(StoreError) -> String {
        guard let url = Bundle.module.url(forResource: "schema", withExtension: "sql") else {
            throw .schemaMissing
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .schemaMissing
        }
    }
}
