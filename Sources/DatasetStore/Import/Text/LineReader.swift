import Glibc

/// Reads a text file one line at a time with a fixed buffer, so a CSV or TSV of any length is
/// streamed in constant memory. Lines end at `\n`; a trailing `\r` is dropped.
public final class LineReader {
    public let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>? = nil
    private var capacity = 0
    /// The 1-based number of the line last returned.
    public private(set) var lineNumber = 0

    /// Opens `path`; throws `.unreadableSource` when it cannot be opened.
    public init(path: String, displayName: String? = nil) throws(ImportError) {
        guard let file = fopen(path, "r") else {
            throw .unreadableSource(path: displayName ?? path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.file = file
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next line's bytes (without its terminator), or nil at the end of the file.
    public func next() -> ArraySlice<UInt8>? {
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else { return nil }
        lineNumber += 1
        var length = count
        while length > 0, buffer[length - 1] == 0x0A || buffer[length - 1] == 0x0D { length -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length))[...] }
    }
}
