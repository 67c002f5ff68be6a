/// One file (or folder) of a zip archive, as described by its central directory record.
public struct ZipEntry: Sendable, Hashable {
    /// How an entry's bytes are stored.
    public enum Method: Sendable, Hashable {
        case stored
        case deflate
    }

    /// The entry's name as stored (forward slashes; validated: relative, no `..`).
    public let name: String
    public let method: Method
    /// CRC-32 of the uncompressed bytes.
    public let crc32: UInt32
    public let compressedSize: Int
    public let uncompressedSize: Int
    /// Byte range of the (possibly compressed) data in the archive file.
    public let dataRange: Range<Int>

    /// True for folder entries (names ending in `/`).
    public var isDirectory: Bool { name.hasSuffix("/") }

    /// The byte range of the entry's content in the archive file when it is stored uncompressed,
    /// else nil. Lets callers memory-map large payloads (checkpoint tensors) instead of copying.
    public var storedRange: Range<Int>? { method == .stored ? dataRange : nil }
}
