import TestSupport
import DatasetStore
import Foundation
import GRDB
import Testing

@Suite("Schema: schema.sql is the store's schema")
struct SchemaTests {
    @Test("the embedded schema is byte-identical to schema.sql at the repository root")
    func embeddedMatchesRoot() throws {
        let root = try String(contentsOfFile: repositoryRoot + "/schema.sql", encoding: .utf8)
        #expect(Schema.sql == root)
    }

    @Test("a new store has exactly the objects schema.sql creates")
    func storeSchemaMatchesFile() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        // Apply schema.sql directly with SQLite, bypassing LisaKit, and compare.
        let reference = try DatabaseQueue(path: folder.file("reference.db"))
        let text = try String(contentsOfFile: repositoryRoot + "/schema.sql", encoding: .utf8)
        try reference.write { try $0.execute(sql: text) }
        let expected = try reference.read {
            try String.fetchAll($0, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
        }
        #expect(try store.schemaStatements() == expected)
        #expect(expected.count >= 15)
    }

    @Test("WAL journal, foreign keys on, schema version recorded")
    func pragmas() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        let (journal, foreignKeys, version) = try store.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA user_version"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(version == DatasetStore.schemaVersion)
    }

    @Test("create is idempotent; open needs an existing store")
    func createAndOpen() throws {
        let folder = TemporaryFolder()
        #expect(try DatasetStore.create(at: folder.file("a.db")).created)
        #expect(try DatasetStore.create(at: folder.file("a.db")).created == false)
        _ = try DatasetStore.open(at: folder.file("a.db"))
        #expect(throws: StoreError.self) { try DatasetStore.open(at: folder.file("missing.db")) }
        #expect(throws: StoreError.self) { try DatasetStore.create(at: folder.file("no/such/folder/x.db")) }
    }

    @Test("files that are not LisaKit stores are refused with a clear error")
    func notAStore() throws {
        let folder = TemporaryFolder()
        try folder.write("text.db", Array("hello, this is not sqlite at all, just some text....".utf8))
        let error = #expect(throws: StoreError.self) { try DatasetStore.open(at: folder.file("text.db")) }
        #expect(error?.description.contains("not an SQLite database") == true)

        let other = try DatabaseQueue(path: folder.file("other.db"))
        try other.write { try $0.execute(sql: "CREATE TABLE people(name TEXT)") }
        try other.close()
        #expect(throws: StoreError.self) { try DatasetStore.open(at: folder.file("other.db")) }
        #expect(throws: StoreError.self) { try DatasetStore.create(at: folder.file("other.db")) }

        let newer = try DatabaseQueue(path: folder.file("newer.db"))
        try newer.write { try $0.execute(sql: "PRAGMA user_version = 99") }
        try newer.close()
        let versionError = #expect(throws: StoreError.self) { try DatasetStore.open(at: folder.file("newer.db")) }
        #expect(versionError?.description.contains("newer") == true)
    }
}
