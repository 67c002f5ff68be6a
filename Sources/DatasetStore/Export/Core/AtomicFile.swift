import CFileIO
import Glibc
import Serialization

/// A file written through a temporary name: bytes go to `PATH.partial`, and `commit()` fsyncs
/// (when asked) and renames it to `PATH`. A file that is dropped, aborted or fails a write is
/// unlinked, so `PATH` exists only complete. A full disk (`ENOSPC`, `EDQUOT`) is reported as
/// `ExportError.diskFull`.
///
/// Writes are gathered: small pieces are copied into a buffer, large byte arrays (an image's
/// bytes, a mask PNG) are kept by reference (arrays are immutable values, so holding one costs
/// no copy), and about every `bufferSize` bytes one `writev` sends them all out in order. When
/// hashing, the same pieces go, without a copy, to a `BackgroundHasher` thread that computes the
/// SHA-256 while writing goes on.
///
/// A file committed with fsync (`sync`) also has its writeback started every `writebackStep`
/// bytes (`sync_file_range`), so the disk writes overlap the export's work and the fsync at
/// the end waits for the last few MiB only, not for the whole file.
public final class AtomicFile {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    /// Small writes, copied; `pieces` point into it.
    private var buffer: [UInt8] = []
    /// What the next `writev` sends, in order.
    private var pieces: [BytePiece] = []
    /// Bytes in `pieces` (buffered and shared).
    private var pendingBytes = 0
    private var hasher: BackgroundHasher?
    private var done = false
    /// Bytes written so far.
    public private(set) var byteCount = 0
    /// Bytes sent to the file so far, and how many of them have had their writeback started.
    private var flushedBytes = 0
    private var writebackStarted = 0
    /// Bytes between two writeback starts.
    static let writebackStep = 8 << 20

    /// Bytes gathered before a `writev`.
    static let bufferSize = 1 << 20
    /// Arrays at least this long are written by reference rather than copied into the buffer.
    static let shareThreshold = 16 << 10
    /// Pieces per `writev` (below Linux's IOV_MAX of 1024).
    static let maxPieces = 256

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

    /// Appends bytes. Arrays of `shareThreshold` bytes or more are kept by reference until written.
    public func write(_ bytes: [UInt8]) throws(ExportError) {
        if bytes.count < Self.shareThreshold {
            var failure: ExportError?
            bytes.withUnsafeBytes { raw in
                do throws(ExportError) { try write(raw) } catch { failure = error }
            }
            if let failure { throw failure }
            return
        }
        byteCount += bytes.count
        pieces.append(.shared(bytes))
        pendingBytes += bytes.count
        if pendingBytes >= Self.bufferSize || pieces.count >= Self.maxPieces { try flush() }
    }

    /// Appends bytes (copied).
    public func write(_ raw: UnsafeRawBufferPointer) throws(ExportError) {
        guard raw.count > 0 else { return }
        if buffer.count + raw.count > Self.bufferSize || pieces.count >= Self.maxPieces { try flush() }
        if raw.count >= Self.bufferSize / 2 {
            // Too big for the buffer: its own piece (a copy, since `raw` is borrowed).
            byteCount += raw.count
            pieces.append(.shared(Array(raw)))
            pendingBytes += raw.count
            try flush()
            return
        }
        byteCount += raw.count
        let start = buffer.count
        buffer.append(contentsOf: raw)
        // Consecutive copied pieces merge into one range.
        if case .buffered(let range)? = pieces.last, range.upperBound == start {
            pieces[pieces.count - 1] = .buffered(range.lowerBound..<buffer.count)
        } else {
            pieces.append(.buffered(start..<buffer.count))
        }
        pendingBytes += raw.count
        if pendingBytes >= Self.bufferSize { try flush() }
    }

    /// Appends `count` zero bytes (tar padding).
    public func writeZeros(_ count: Int) throws(ExportError) {
        var left = count
        while left > 0 {
            let n = min(left, Self.zeros.count)
            var failure: ExportError?
            Self.zeros.withUnsafeBytes { raw in
                do throws(ExportError) { try write(UnsafeRawBufferPointer(rebasing: raw[0..<n])) } catch { failure = error }
            }
            if let failure { throw failure }
            left -= n
        }
    }

    private static let zeros = [UInt8](repeating: 0, count: 4096)

    /// The SHA-256 of everything written (hex), when hashing; writes out what is buffered first.
    /// Nothing may be written after it.
    public func finalizeHash() throws(ExportError) -> String? {
        guard let h = hasher else { return nil }
        try flush()
        hasher = nil
        return SHA256.hexString(h.finish())
    }

    /// Writes out what is gathered, so the bytes so far can be read back from `temporaryPath`.
    public func flush() throws(ExportError) {
        guard !pieces.isEmpty else { return }
        try writeOut()
        flushedBytes += pendingBytes
        if sync, flushedBytes - writebackStarted >= Self.writebackStep {
            // A hint: a failure here shows again at the fsync, which reports it.
            _ = lk_start_writeback(fd, Int64(writebackStarted), Int64(flushedBytes - writebackStarted))
            writebackStarted = flushedBytes
        }
        if let hasher {
            // The hasher takes the pieces and the buffer they point into; writing goes on in a
            // recycled buffer (no fresh 1 MiB, and its page faults, per flush).
            if buffer.isEmpty {
                hasher.submit(HashBatch(buffer: [], pieces: pieces))
            } else {
                hasher.submit(HashBatch(buffer: buffer, pieces: pieces))
            }
            pieces = []
            if buffer.isEmpty {
                // nothing copied since the last flush: keep the buffer
            } else if let recycled = hasher.takeBuffer() {
                buffer = recycled
            } else {
                buffer = []
                buffer.reserveCapacity(Self.bufferSize)
            }
        } else {
            pieces.removeAll(keepingCapacity: true)
            buffer.removeAll(keepingCapacity: true)
        }
        pendingBytes = 0
    }

    /// One `writev` (repeated for short writes) of the gathered pieces.
    private func writeOut() throws(ExportError) {
        let failure = buffer.withUnsafeBytes { own in Self.writeVectors(fd: fd, pieces: pieces, own: own) }
        if failure != 0 {
            abort()
            throw failure == ENOSPC || failure == EDQUOT ? .diskFull(path: path)
                : .writeFailed(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// Writes `pieces` (`own`: the buffer the buffered ones point into) with `writev`; 0 or an errno.
    private static func writeVectors(fd: Int32, pieces: [BytePiece], own: UnsafeRawBufferPointer) -> Int32 {
        var vectors = [iovec]()
        vectors.reserveCapacity(pieces.count)
        return withExtendedLifetime(pieces) { () -> Int32 in
            for piece in pieces {
                switch piece {
                case .buffered(let range):
                    vectors.append(iovec(iov_base: own.baseAddress.map { UnsafeMutableRawPointer(mutating: $0 + range.lowerBound) },
                                         iov_len: range.count))
                case .shared(let bytes):
                    // The array's storage is stable while `pieces` holds it.
                    let base = bytes.withUnsafeBytes { $0.baseAddress }
                    vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: base), iov_len: bytes.count))
                }
            }
            return vectors.withUnsafeMutableBufferPointer { iov -> Int32 in
                guard let vectorBase = iov.baseAddress else { return 0 }
                var first = 0
                while first < iov.count {
                    let n = writev(fd, vectorBase + first, Int32(iov.count - first))
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    // Skip what was written; a short write resumes inside a piece.
                    var left = n
                    while first < iov.count && left >= iov[first].iov_len {
                        left -= iov[first].iov_len
                        first += 1
                    }
                    if left > 0 {
                        iov[first].iov_base = iov[first].iov_base.map { $0 + left }
                        iov[first].iov_len -= left
                    }
                }
                return 0
            }
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
        var chunk = [UInt8](repeating: 0, count: Self.bufferSize / 4)
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

/// A piece of a gathered write: a range of the file's own buffer, or a whole array held by
/// reference.
enum BytePiece: Sendable {
    case buffered(Range<Int>)
    case shared([UInt8])
}

/// Pieces handed to the hasher, with the buffer the buffered ones point into.
struct HashBatch: Sendable {
    var buffer: [UInt8]
    var pieces: [BytePiece]
}
