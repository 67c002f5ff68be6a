import ArgumentParser
import DatasetStore

/// `lisakit init [DB]`: create a store.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a dataset store (an SQLite file with LisaKit's schema).",
        discussion: """
        Creates DB (default: --db, $LISAKIT_DB, else ./lisakit.db) with the schema of schema.sql, \
        in WAL mode. Running it on an existing store changes nothing.
        """)

    @Argument(help: ArgumentHelp("Path of the store to create.", valueName: "db"))
    var database: String?

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let (created, result) = try DatasetStore.create(at: database ?? store.path)
        let path = created.location.databasePath
        if json {
            try printJSON(["database": path, "created": result ? "true" : "false"])
        } else {
            print(result ? "created store \(path)" : "store \(path) already exists; nothing to do")
        }
    }
}
