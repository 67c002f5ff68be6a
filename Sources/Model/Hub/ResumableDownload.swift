import Foundation
import Serialization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads one URL into `destination`, resumably, verified and atomically.
///
/// Bytes go to `incompletePath` first; a later run (or the next attempt) asks for the rest with a
/// `Range: bytes=N-` request and appends. Only when the size and sha256 (when known) check out is
/// the file renamed to `destination`, so a destination that exists is always complete.
struct ResumableDownload {
    let url: URL
    let destination: String
    let incompletePath: String
    var expectedSize: Int?
    var expectedSHA256: String?
    /// Git blob id (`sha1("blob <size>\0" + bytes)`), how the Hub names regular files.
    var expectedGitBlobID: String?
    var headers: [String: String] = [:]
    var authorizedHost: String?
    var idleTimeout: TimeInterval
    var maxAttempts: Int
    /// Lock file guarding `incompletePath` against concurrent writers.
    var lockPath: String
    var lockTimeout: TimeInterval
    var log: (@Sendable (String) -> Void)?

    func run() async throws {
        let lock = try await FileLock.acquire(lockPath, timeout: lockTimeout) { [log, destination] in
            log?("\((destination as NSString).lastPathComponent): waiting for another download of this file")
        }
        defer { withExtendedLifetime(lock) {} }
        // Another process may have finished it while we waited.
        if try alreadyComplete() { return }
        try await download()
    }

    /// True when `destination` exists with the expected size and digest.
    private func alreadyComplete() throws -> Bool {
        guard let size = Self.fileSize(destination) else { return false }
        if let expectedSize, size != expectedSize { return false }
        if let expectedSHA256 { return try Self.sha256(ofFile: destination) == expectedSHA256.lowercased() }
        if let expectedGitBlobID { return try Self.gitBlobID(ofFile: destination) == expectedGitBlobID.lowercased() }
        return expectedSize != nil
    }

    private func download() async throws {
        var lastError: Error = HubError.transfer(url: url.absoluteString, reason: "no attempt made", bytesKept: 0)
        for attempt in 0..<max(1, maxAttempts) {
            do {
                try await attemptOnce()
                return
            } catch let error as HubError {
                guard case .transfer = error, attempt + 1 < maxAttempts else { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    private func attemptOnce() async throws {
        let fm = FileManager.default
        let folder = (incompletePath as NSString).deletingLastPathComponent
        do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw HubError.io(path: folder, reason: "cannot create folder: \(error.localizedDescription)")
        }
        var have = Self.fileSize(incompletePath) ?? 0
        if let expectedSize, have > expectedSize { try truncate(to: 0); have = 0 }
        if !fm.fileExists(atPath: incompletePath) {
            guard fm.createFile(atPath: incompletePath, contents: nil) else {
                throw HubError.io(path: incompletePath, reason: "cannot create file")
            }
        }
        if let expectedSize, have == expectedSize, have > 0 {
            try finish()
            return
        }
        var request = URLRequest(url: url)
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if have > 0 { request.setValue("bytes=\(have)-", forHTTPHeaderField: "Range") }

        guard let handle = FileHandle(forWritingAtPath: incompletePath) else {
            throw HubError.io(path: incompletePath, reason: "cannot open for writing")
        }
        defer { try? handle.close() }
        let writer = AppendingWriter(handle: handle, path: incompletePath)
        // Hash while receiving (the network is the bottleneck, so verification costs no extra
        // pass); a resumed file first hashes the part it already has.
        if expectedSHA256 != nil { try writer.startHashing(existing: have) }
        let start = have
        let head = try await HTTPTransfer.perform(
            request, idleTimeout: idleTimeout, authorizedHost: authorizedHost,
            wantBody: { head in
                // 206 must continue exactly where we are; 200 restarts from zero.
                if head.status == 206 {
                    return Self.contentRangeStart(head.headers["content-range"]) == start && writer.seek(to: start)
                }
                if head.status == 200 { return writer.restart() }
                return false
            },
            sink: { data in try writer.write(data) })
        switch head.status {
        case 200, 206:
            if head.status == 206, Self.contentRangeStart(head.headers["content-range"]) != start {
                try truncate(to: 0)
                throw HubError.transfer(url: url.absoluteString, reason: "server resumed at the wrong offset", bytesKept: 0)
            }
            try writer.check()
        case 416:
            // Range not satisfiable: what we have is the whole file or garbage; start again if wrong.
            if expectedSize == nil || have != expectedSize {
                try truncate(to: 0)
                throw HubError.transfer(url: url.absoluteString, reason: "server refused the resume range", bytesKept: 0)
            }
        case 404: throw HubError.notFound(url: url.absoluteString)
        case 401, 403: throw HubError.unauthorized(url: url.absoluteString, status: head.status)
        default: throw HubError.httpStatus(url: url.absoluteString, status: head.status)
        }
        try finish(streamedSHA256: writer.digest(ifCovering: Self.fileSize(incompletePath) ?? -1))
    }

    /// Verifies the complete `.incomplete` file and renames it into place.
    private func finish(streamedSHA256: String? = nil) throws {
        let size = Self.fileSize(incompletePath) ?? 0
        if let expectedSize, size != expectedSize {
            // Short: keep for resuming. Long: discard.
            if size > expectedSize { try? FileManager.default.removeItem(atPath: incompletePath) }
            if size < expectedSize {
                throw HubError.transfer(url: url.absoluteString, reason: "connection closed early", bytesKept: size)
            }
            throw HubError.sizeMismatch(url: url.absoluteString, expected: expectedSize, actual: size)
        }
        if let expectedSHA256 {
            let actual = try streamedSHA256 ?? Self.sha256(ofFile: incompletePath)
            guard actual == expectedSHA256.lowercased() else {
                try? FileManager.default.removeItem(atPath: incompletePath)
                throw HubError.hashMismatch(url: url.absoluteString, expected: expectedSHA256.lowercased(), actual: actual)
            }
        }
        if let expectedGitBlobID {
            let actual = try Self.gitBlobID(ofFile: incompletePath)
            guard actual == expectedGitBlobID.lowercased() else {
                try? FileManager.default.removeItem(atPath: incompletePath)
                throw HubError.hashMismatch(url: url.absoluteString, expected: expectedGitBlobID.lowercased(), actual: actual)
            }
        }
        // rename(2) replaces atomically within one file system.
        guard rename(incompletePath, destination) == 0 else {
            throw HubError.io(path: destination, reason: "cannot move the finished download into place: \(String(cString: strerror(errno)))")
        }
    }

    private func truncate(to size: Int) throws {
        guard Foundation.truncate(incompletePath, off_t(size)) == 0 || !FileManager.default.fileExists(atPath: incompletePath) else {
            throw HubError.io(path: incompletePath, reason: "cannot truncate")
        }
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    static func contentRangeStart(_ value: String?) -> Int? {
        // "bytes START-END/TOTAL"
        guard let value, value.hasPrefix("bytes ") else { return nil }
        let range = value.dropFirst(6).split(separator: "/").first ?? ""
        return range.split(separator: "-").first.flatMap { Int($0) }
    }

    /// Lower-case hex sha256 of a file, read through a memory map.
    static func sha256(ofFile path: String) throws -> String {
        let file = try MappedFile(path: path)
        var hasher = SHA256()
        let chunk = 1 << 24
        var offset = 0
        while offset < file.count {
            let end = min(offset + chunk, file.count)
            file.withBytes(in: offset..<end) { hasher.update($0) }
            offset = end
        }
        return SHA256.hexString(hasher.finalize())
    }
}

extension ResumableDownload {
    /// The git blob id of a file, read through a memory map.
    static func gitBlobID(ofFile path: String) throws -> String {
        let file = try MappedFile(path: path)
        return SHA1.gitBlobID(size: file.count) { $0.update(file.bytes) }
    }
}

/// Appends response bytes to the `.incomplete` file; shared with the URLSession delegate queue.
private final class AppendingWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    private let path: String
    private var failure: Error?
    private var hasher: SHA256?
    private var hashed = 0

    init(handle: FileHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    func seek(to offset: Int) -> Bool {
        lock.withLock {
            do { try handle.seek(toOffset: UInt64(offset)); return true } catch {
                failure = HubError.io(path: path, reason: "cannot seek: \(error.localizedDescription)")
                return false
            }
        }
    }

    /// Starts a running sha256 over the first `existing` bytes already in the file.
    func startHashing(existing: Int) throws {
        var h = SHA256()
        if existing > 0 {
            let file = try MappedFile(path: path)
            guard existing <= file.count else { throw HubError.io(path: path, reason: "partial file shrank") }
            file.withBytes(in: 0..<existing) { h.update($0) }
        }
        lock.withLock {
            hasher = h
            hashed = existing
        }
    }

    /// The running digest, when it covers exactly `size` bytes (the whole file).
    func digest(ifCovering size: Int) -> String? {
        lock.withLock {
            guard var h = hasher, hashed == size else { return nil }
            return SHA256.hexString(h.finalize())
        }
    }

    func restart() -> Bool {
        lock.withLock {
            do {
                if hasher != nil {
                    hasher = SHA256()
                    hashed = 0
                }
                try handle.truncate(atOffset: 0)
                try handle.seek(toOffset: 0)
                return true
            } catch {
                failure = HubError.io(path: path, reason: "cannot truncate: \(error.localizedDescription)")
                return false
            }
        }
    }

    func write(_ data: Data) throws {
        try lock.withLock {
            do {
                try handle.write(contentsOf: data)
                if hasher != nil {
                    data.withUnsafeBytes { hasher!.update($0) }
                    hashed += data.count
                }
            } catch {
                let e = HubError.io(path: path, reason: "cannot write: \(error.localizedDescription)")
                failure = e
                throw e
            }
        }
    }

    func check() throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
