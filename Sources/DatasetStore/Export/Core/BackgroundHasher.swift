import Foundation
import Serialization

/// SHA-256 of a byte stream computed on its own thread: the writer hands over whole buffers
/// (in order) and goes on writing while they are hashed, so hashing a shard costs the writing
/// thread nothing but the hand-over. At most `maxPending` buffers wait, so memory stays bounded
/// when hashing is slower than writing.
final class BackgroundHasher: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [[UInt8]] = []
    private var closed = false
    private var finished = false
    private var digest: [UInt8] = []
    /// Hashed chunks, emptied, for the writer to fill again (no fresh 1 MiB buffer, and its page
    /// faults, per chunk).
    private var recycled: [[UInt8]] = []
    private let maxPending: Int

    init(maxPending: Int = 8) {
        self.maxPending = maxPending
        let thread = Thread { [self] in work() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues `chunk` (hashed after everything queued before it); waits while too many are queued.
    func submit(_ chunk: [UInt8]) {
        guard !chunk.isEmpty else { return }
        condition.lock()
        while pending.count >= maxPending && !closed { condition.wait() }
        if !closed { pending.append(chunk) }
        condition.broadcast()
        condition.unlock()
    }

    /// An empty buffer with the capacity of a hashed chunk, if one is free.
    func takeBuffer() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        return recycled.popLast()
    }

    /// Waits for every queued chunk and returns the digest of them all.
    func finish() -> [UInt8] {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        let result = digest
        condition.unlock()
        return result
    }

    /// Stops without waiting for a digest (the file was abandoned).
    func cancel() {
        condition.lock()
        closed = true
        pending.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        var hasher = SHA256()
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if pending.isEmpty {
                digest = hasher.finalize()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var chunk = pending.removeFirst()
            condition.broadcast()
            condition.unlock()
            hasher.update(chunk)
            chunk.removeAll(keepingCapacity: true)
            condition.lock()
            if recycled.count < 2 { recycled.append(chunk) }
            condition.unlock()
        }
    }
}
