/// Errors reading a zip archive. Every case names the archive and, where there is one, the entry.
public enum ZipError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No end-of-central-directory record: the file is not a zip (or is cut short).
    case notAZip(path: String)
    /// A structure of the archive itself (not one entry) is inconsistent.
    case malformed(path: String, reason: String)
    /// One entry's central or local record is inconsistent.
    case malformedEntry(path: String, entry: String, reason: String)
    /// An entry name that could escape the extraction folder (absolute, `..`, drive letter, NUL).
    case unsafeEntryName(path: String, entry: String)
    /// A compression method other than stored (0) or deflate (8).
    case unsupportedMethod(path: String, entry: String, method: Int)
    /// An encrypted entry.
    case encrypted(path: String, entry: String)
    /// The inflated data or its CRC-32 do not match the central directory.
    case checksumMismatch(path: String, entry: String)
    /// zlib refused the deflate stream.
    case inflateFailed(path: String, entry: String, reason: String)
    /// No entry of that name.
    case entryNotFound(path: String, entry: String)
    /// A byte range was asked for an entry that is compressed.
    case notStored(path: String, entry: String)
    /// Writing an extracted entry failed.
    case extractFailed(path: String, entry: String, reason: String)

    public var description: String {
        switch self {
        case .notAZip(let path): "\(path): not a zip archive (no end of central directory record)"
        case .malformed(let path, let reason): "\(path): malformed zip: \(reason)"
        case .malformedEntry(let path, let entry, let reason): "\(path): entry '\(entry)': \(reason)"
        case .unsafeEntryName(let path, let entry):
            "\(path): entry '\(entry)': unsafe name (absolute path or '..' component would escape the extraction folder)"
        case .unsupportedMethod(let path, let entry, let method):
            "\(path): entry '\(entry)': unsupported compression method \(method) (only stored and deflate)"
        case .encrypted(let path, let entry): "\(path): entry '\(entry)': encrypted entries are not supported"
        case .checksumMismatch(let path, let entry): "\(path): entry '\(entry)': CRC-32 or size mismatch"
        case .inflateFailed(let path, let entry, let reason): "\(path): entry '\(entry)': inflate failed: \(reason)"
        case .entryNotFound(let path, let entry): "\(path): no entry '\(entry)'"
        case .notStored(let path, let entry): "\(path): entry '\(entry)' is compressed; it has no raw byte range"
        case .extractFailed(let path, let entry, let reason): "\(path): entry '\(entry)': cannot extract: \(reason)"
        }
    }
}
