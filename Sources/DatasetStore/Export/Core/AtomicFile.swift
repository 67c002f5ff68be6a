import Glibc
import Serialization

/// A file written through a temporary name: bytes go to `PATH.partial` (buffered, optionally
/// hashed with SHA-256 on a `BackgroundHasher` thread as the buffers leave), and `commit()` fsyncs and renames it to `PATH`. A file
/// that is dropped, aborted or fails a write is unlinked, so `PATH` exists only complete.
/// A full disk (`ENOSPC`, `EDQUOT`) is reported as `ExportError.diskFull`.
public final class AtomicFile {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var hasher: BackgroundHasher?
    /// Bytes at the start of `buffer` already handed to the hasher (by `finalizeHash`).
    private var hashedInBuffer = 0
    private var done = false
    /// Bytes written so far.
    public private(set) var byteCount = 0

    static let bufferSize = 1 << 20

    private let sync: Bool

    /// `sync`: fsync before the rename (survives power loss, not only a killed process).
    public init(path: String, hashing: Bool = false, sync: Bool = false) throws(ExportError) {
        self.path = path
        self.sync = sync
        self.temporaryPath = path + OutputFolder.partialSuffix
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw errno == ENOSPC || errno == EDQUOT ? .diskFull(path: path)
                : .writeFailed(path: path, reason: String(cString: strerror(errno)))
        }
        hasher = hashing ? BackgroundHasher() : nil
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit {
        hasher?.cancel() // a hashing file dropped without `finalizeHash` stops its thread
        if !done { abort() }
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws(ExportError) {
        var failure: ExportError?
        bytes.withUnsafeBytes { raw in
            do throws(ExportError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Appends bytes.
    public func write(_ raw: UnsafeRawBufferPointer) throws(ExportError) {
        byteCount += raw.count
        if buffer.count + raw.count <= Self.bufferSize {
            buffer.append(contentsOf: raw)
            return
        }
        try flush()
        if raw.count >= Self.bufferSize / 2 {
            hasher?.submit(Array(raw))
            try writeOut(raw)
        } else {
            buffer.append(contentsOf: raw)
        }
    }

    /// Appends `count` zero bytes (tar padding).
    public func writeZeros(_ count: Int) throws(ExportError) {
        guard count > 0 else { return }
        try write([UInt8](repeating: 0, count: count))
    }

    /// The SHA-256 of everything written (hex), when hashing. Nothing may be written after it.
    public func finalizeHash() -> String? {
        guard let h = hasher else { return nil }
        hasher = nil
        if buffer.count > hashedInBuffer { h.submit(Array(buffer[hashedInBuffer...])) }
        hashedInBuffer = buffer.count
        return SHA256.hexString(h.finish())
    }

    /// Writes the buffer out, so the bytes so far can be read back from `temporaryPath`.
    public func flush() throws(ExportError) {
        guard !buffer.isEmpty else { return }
        if let hasher {
            // The hasher takes the buffer itself; writing continues into a fresh one.
            hasher.submit(hashedInBuffer == 0 ? buffer : Array(buffer[hashedInBuffer...]))
        }
        hashedInBuffer = 0
        var failure: ExportError?
        buffer.withUnsafeBytes { raw in
            do throws(ExportError) { try writeOut(raw) } catch { failure = error }
        }
        if let failure { throw failure }
        if let recycled = hasher?.takeBuffer() {
            buffer = recycled // the hasher holds the old one
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
    }

    private func writeOut(_ raw: UnsafeRawBufferPointer) throws(ExportError) {
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                abort()
                throw code == ENOSPC || code == EDQUOT ? .diskFull(path: path)
                    : .writeFailed(path: path, reason: String(cString: strerror(code)))
            }
            offset += n
        }
    }

    /// Flushes, fsyncs and renames the temporary file to its final name.
    public func commit() throws(ExportError) {
        guard !done else { return }
        try flush()
        if sync, fsync(fd) != 0, errno != EINVAL {
            let code = errno
            abort()
            throw code == ENOSPC || code == EDQUOT ? .diskFull(path: path) : .writeFailed(path: path, reason: String(cString: strerror(code)))
        }
        close(fd)
        done = true
        if rename(temporaryPath, path) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw .writeFailed(path: path, reason: "rename: \(String(cString: strerror(code)))")
        }
    }

    /// Appends the whole content of the file at `source` (streamed in 1 MiB chunks).
    public func append(contentsOf source: String) throws(ExportError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        if input < 0 { throw .writeFailed(path: source, reason: "cannot read: \(String(cString: strerror(errno)))") }
        defer { close(input) }
        var chunk = [UInt8](repeating: 0, count: Self.bufferSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw .writeFailed(path: source, reason: String(cString: strerror(errno))) }
            if n == 0 { return }
            var failure: ExportError?
            chunk.withUnsafeBytes { raw in
                do throws(ExportError) { try write(UnsafeRawBufferPointer(rebasing: raw[0..<n])) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Closes and removes the temporary file.
    public func abort() {
        hasher?.cancel()
        hasher = nil
        guard !done else { return }
        done = true
        close(fd)
        unlink(temporaryPath)
    }
}
