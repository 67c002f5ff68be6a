import Serialization

/// Reads every file of a zip (through Serialization's reader) for tests that unpack fixtures.
enum ZipArchiveForTests {
    static func open(_ path: String) throws -> [(String, [UInt8])] {
        let archive = try ZipArchive(path: path)
        return try archive.entries.filter { !$0.isDirectory }.map { ($0.name, try archive.data(of: $0)) }
    }
}
