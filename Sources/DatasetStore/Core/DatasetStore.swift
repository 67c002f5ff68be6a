import Foundation
import GRDB

/// A LisaKit dataset store: one SQLite file (WAL journal, foreign keys enforced) whose schema is
/// `schema.sql`, plus a content-addressed blob folder beside it.
///
/// The class is immutable after opening; GRDB's pool serializes writes and lets reads run
/// concurrently, so one store can be shared across tasks.
public final class DatasetStore: Sendable {
    public let location: StoreLocation
    let pool: DatabasePool

    /// The schema version this build of LisaKit writes (`PRAGMA user_version`).
    public static let schemaVersion = 1

    private init(location: StoreLocation, pool: DatabasePool) {
        self.location = location
        self.pool = pool
    }

    /// Creates a new store at `path`, or opens it when it is already a LisaKit store.
    /// Returns the store and whether it was newly created.
    public static func create(at path: String) throws(StoreError) -> (store: DatasetStore, created: Bool) {
        let location = StoreLocation(databasePath: path)
        let folder = (location.databasePath as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .database(path: location.databasePath, reason: "folder \(folder) does not exist")
        }
        let pool = try openPool(location)
        let created = try migrate(pool, location: location, allowCreate: true)
        return (DatasetStore(location: location, pool: pool), created)
    }

    /// Opens an existing store; fails when there is none (`lisakit init` creates one).
    public static func open(at path: String) throws(StoreError) -> DatasetStore {
        let location = StoreLocation(databasePath: path)
        guard FileManager.default.fileExists(atPath: location.databasePath) else {
            throw .missingStore(path: location.databasePath)
        }
        let pool = try openPool(location)
        _ = try migrate(pool, location: location, allowCreate: false)
        return DatasetStore(location: location, pool: pool)
    }

    private static func openPool(_ location: StoreLocation) throws(StoreError) -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(30)
        configuration.label = "lisakit"
        configuration.prepareDatabase { db in
            // WAL + NORMAL: a commit is durable against crashes of the process (kill -9), and
            // a power loss can lose at most the last transactions, never consistency.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            return try DatabasePool(path: location.databasePath, configuration: configuration)
        } catch {
            throw StoreError.wrap(error, path: location.databasePath)
        }
    }

    /// Brings the store to `schemaVersion`. Version 1 is `schema.sql` as a whole.
    private static func migrate(_ pool: DatabasePool, location: StoreLocation, allowCreate: Bool) throws(StoreError) -> Bool {
        let schema = Schema.sql
        do {
            return try pool.barrierWriteWithoutTransaction { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if version > schemaVersion {
                    throw StoreError.notAStore(path: location.databasePath,
                                               reason: "schema version \(version) is newer than this LisaKit (\(schemaVersion))")
                }
                if version == schemaVersion { return false }
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") ?? 0
                guard version == 0, tables == 0 else {
                    throw StoreError.notAStore(path: location.databasePath,
                                               reason: "an SQLite database with \(tables) objects but no LisaKit schema version")
                }
                guard allowCreate else {
                    throw StoreError.notAStore(path: location.databasePath, reason: "empty database; run `lisakit init`")
                }
                try db.inTransaction {
                    try db.execute(sql: schema)
                    try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
                    return .commit
                }
                return true
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, path: location.databasePath)
        }
    }

    /// Runs `body` in a read transaction (a consistent snapshot).
    public func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw StoreError.wrap(error, path: location.databasePath) }
    }

    /// Runs `body` in one write transaction: all of it commits, or none of it.
    public func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.write(body) } catch { throw StoreError.wrap(error, path: location.databasePath) }
    }

    /// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`: an empty list means consistent.
    public func integrityProblems() throws(StoreError) -> [String] {
        try read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let rows = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            for row in rows {
                let table: String = row[0] ?? "?"
                let rowid: Int64? = row[1]
                let parent: String = row[2] ?? "?"
                problems.append("foreign key: \(table) row \(rowid.map(String.init) ?? "?") references a missing \(parent) row")
            }
            return problems
        }
    }

    /// The CREATE statements of the store, as SQLite keeps them (for schema drift checks).
    public func schemaStatements() throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
        }
    }
}
