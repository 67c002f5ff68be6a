import Serialization
import DatasetStore
import GRDB

/// Remembers model answers by a hash of everything that determines them, so a re-run of a job
/// costs nothing. Stored in the dataset store's `response_cache` table.
public struct ResponseCache: Sendable {
    public let store: DatasetStore

    public init(store: DatasetStore) { self.store = store }

    /// The key of an answer: sha256 of backend, model, prompt version and the exact messages.
    public static func key(backend: String, model: String, promptVersion: String, messages: [(role: String, content: String)]) -> String {
        var parts = [backend, model, promptVersion]
        for message in messages { parts.append(message.role); parts.append(message.content) }
        // A separator that cannot occur inside the parts' lengths-prefixed encoding.
        let encoded = parts.map { "\($0.utf8.count):\($0)" }.joined()
        return SHA256.hex(of: Array(encoded.utf8))
    }

    public func answer(for key: String) throws(StoreError) -> String? {
        try store.read { db in try String.fetchOne(db, sql: "SELECT response FROM response_cache WHERE key = ?", arguments: [key]) }
    }

    public func remember(_ response: String, for key: String, backend: String, model: String) throws(StoreError) {
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO response_cache(key, backend, model, response) VALUES (?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET response = excluded.response
                """, arguments: [key, backend, model, response])
        }
    }
}
