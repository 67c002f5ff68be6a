import Foundation

/// Where a store lives: the SQLite file and the content-addressed blob folder beside it.
public struct StoreLocation: Sendable, Equatable {
    /// Absolute path of the SQLite database file.
    public let databasePath: String
    /// Absolute path of the blob folder: `lisakit.db` → `lisakit.blobs/`.
    public let blobDirectory: String

    /// The location for a database path (relative paths are resolved against the current folder).
    public init(databasePath: String) {
        let absolute = databasePath.hasPrefix("/")
            ? databasePath
            : FileManager.default.currentDirectoryPath + "/" + databasePath
        let url = URL(fileURLWithPath: absolute).standardizedFileURL
        self.databasePath = url.path
        let base = url.pathExtension.isEmpty ? url.path : url.deletingPathExtension().path
        self.blobDirectory = base + ".blobs"
    }

    /// The database path a command uses when `--db` is not given: `$LISAKIT_DB`, else `./lisakit.db`.
    public static func defaultDatabasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["LISAKIT_DB"], !path.isEmpty { return path }
        return "lisakit.db"
    }

    /// The path of a blob with the given sha256 (hex): `blobs/ab/abcdef…`.
    public func blobPath(sha256: String) -> String {
        blobDirectory + "/" + String(sha256.prefix(2)) + "/" + sha256
    }
}
