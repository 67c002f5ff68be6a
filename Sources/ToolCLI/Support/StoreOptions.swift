import ArgumentParser
import DatasetStore

/// `--db`, shared by every command that works on a store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store's SQLite file.", discussion: "Default: $LISAKIT_DB, else ./lisakit.db.",
                                            valueName: "path"))
    var db: String?

    /// The database path to use.
    var path: String { db ?? StoreLocation.defaultDatabasePath() }

    /// Opens the existing store.
    func open() throws -> DatasetStore {
        try DatasetStore.open(at: path)
    }
}
