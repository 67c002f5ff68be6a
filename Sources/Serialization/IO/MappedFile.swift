#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file.
///
/// Why: checkpoints and archives run to gigabytes; mapping them lets readers hand out byte
/// ranges (a tensor's storage, a stored zip entry) without copying, and lets the OS page data
/// in on demand. Immutable after `init`, so it is safe to share across threads.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened from (used in error messages).
    public let path: String
    /// The file's size in bytes.
    public let count: Int
    private let base: UnsafeRawPointer?

    /// Maps `path` read-only. Throws `MappedFileError` when the file cannot be opened or mapped.
    public init(path: String) throws(MappedFileError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: MappedFile.errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .cannotOpen(path: path, reason: MappedFile.errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .cannotOpen(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        count = size
        if size == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw .cannotMap(path: path, reason: MappedFile.errnoText())
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The whole mapping. Valid for as long as this object is alive.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Calls `body` with the bytes of `range`; the range must lie inside the file.
    public func withBytes<R, E: Error>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range outside the mapped file")
        return try body(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// A copy of the bytes in `range`; the range must lie inside the file.
    public func copyBytes(in range: Range<Int>) -> [UInt8] {
        withBytes(in: range) { Array($0) }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Errors opening or mapping a file.
public enum MappedFileError: Error, CustomStringConvertible, Sendable {
    case cannotOpen(path: String, reason: String)
    case cannotMap(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open: \(reason)"
        case .cannotMap(let path, let reason): "\(path): cannot map: \(reason)"
        }
    }
}
