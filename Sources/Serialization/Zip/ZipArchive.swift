import CZlib
import Foundation

/// A zip archive opened for reading: its central directory parsed, its file memory-mapped.
///
/// Supports stored and deflate entries and ZIP64 (archives and entries over 4 GiB or 65535
/// entries). Entry names are validated on open: an archive with a name that could escape an
/// extraction folder is refused. Immutable after `init`; safe to share across threads.
public struct ZipArchive: Sendable {
    /// The mapped archive file; stored entries' `storedRange` index into it.
    public let file: MappedFile
    /// Entries in central-directory order.
    public let entries: [ZipEntry]
    private let index: [String: Int]

    /// The archive's path (for messages).
    public var path: String { file.path }

    /// Opens and parses the archive at `path`.
    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Parses an already-mapped archive.
    public init(file: MappedFile) throws(ZipError) {
        self.file = file
        let parsed = try ZipArchive.parse(file)
        entries = parsed
        var index: [String: Int] = [:]
        for (i, entry) in parsed.enumerated() where index[entry.name] == nil { index[entry.name] = i }
        self.index = index
    }

    /// The entry called `name`, or nil.
    public func entry(named name: String) -> ZipEntry? {
        index[name].map { entries[$0] }
    }

    /// The uncompressed bytes of `entry`, checked against its CRC-32 and size.
    public func data(of entry: ZipEntry) throws(ZipError) -> [UInt8] {
        let out: [UInt8]
        switch entry.method {
        case .stored:
            out = file.copyBytes(in: entry.dataRange)
        case .deflate:
            out = try inflate(entry)
        }
        guard out.count == entry.uncompressedSize, ZipArchive.crc32(out) == entry.crc32 else {
            throw .checksumMismatch(path: path, entry: entry.name)
        }
        return out
    }

    /// The uncompressed bytes of the entry called `name`.
    public func data(named name: String) throws(ZipError) -> [UInt8] {
        guard let entry = entry(named: name) else { throw .entryNotFound(path: path, entry: name) }
        return try data(of: entry)
    }

    /// The byte range of a stored entry's content in `file` (no copy), or `.notStored`.
    public func storedRange(of entry: ZipEntry) throws(ZipError) -> Range<Int> {
        guard let range = entry.storedRange else { throw .notStored(path: path, entry: entry.name) }
        return range
    }

    /// Writes `entry` under `directory` (creating intermediate folders) and returns the path
    /// written. Names were validated on open, so the result always lies inside `directory`.
    @discardableResult
    public func extract(_ entry: ZipEntry, into directory: String) throws(ZipError) -> String {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        let relative = entry.name.replacingOccurrences(of: "\\", with: "/")
        let target = root.appendingPathComponent(relative).standardizedFileURL
        guard target.path.hasPrefix(root.path + "/") else {
            throw .unsafeEntryName(path: path, entry: entry.name)
        }
        do {
            if entry.isDirectory {
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            } else {
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                let bytes = try data(of: entry)
                try Data(bytes).write(to: target, options: .atomic)
            }
        } catch let error as ZipError {
            throw error
        } catch {
            throw .extractFailed(path: path, entry: entry.name, reason: "\(error)")
        }
        return target.path
    }

    // MARK: - Inflate and CRC

    private func inflate(_ entry: ZipEntry) throws(ZipError) -> [UInt8] {
        let outcome = file.withBytes(in: entry.dataRange) { input in
            Result { () throws(InflateError) in
                try Inflate.decompress(input, format: .raw, expectedSize: entry.uncompressedSize)
            }
        }
        switch outcome {
        case .success(let bytes): return bytes
        case .failure(.sizeMismatch): throw .checksumMismatch(path: path, entry: entry.name)
        case .failure(let error): throw .inflateFailed(path: path, entry: entry.name, reason: error.description)
        }
    }

    /// CRC-32 (zip/zlib polynomial) of `bytes`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32(UnsafeRawBufferPointer($0)) }
    }

    /// CRC-32 (zip/zlib polynomial) of `bytes`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        var offset = 0
        let chunk = 1 << 30
        while offset < bytes.count {
            let n = min(chunk, bytes.count - offset)
            crc = CZlib.crc32(crc, bytes.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(n))
            offset += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
