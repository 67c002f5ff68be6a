import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (`flock`) on a lock file, so that two downloads of the same blob —
/// two `lisakit` runs, or `lisakit` and Python's `huggingface_hub`, which locks the same
/// `.locks/…/BLOB.lock` path with `flock` too — never append to one `.incomplete` file at once.
final class FileLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Waits (polling, without blocking a thread) until the lock is free or `timeout` passes.
    static func acquire(_ path: String, timeout: TimeInterval, waiting: (() -> Void)? = nil) async throws -> FileLock {
        let folder = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw HubError.io(path: folder, reason: "cannot create lock folder: \(error.localizedDescription)")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HubError.io(path: path, reason: "cannot open lock file: \(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(timeout)
        var announced = false
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return FileLock(descriptor: fd) }
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                close(fd)
                throw HubError.io(path: path, reason: "cannot lock: \(String(cString: strerror(error)))")
            }
            guard Date() < deadline else {
                close(fd)
                throw HubError.locked(path: path)
            }
            if !announced { waiting?(); announced = true }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
