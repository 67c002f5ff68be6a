import Foundation
import Serialization

/// SHA-256 of a byte stream computed on its own thread: the writer hands over what it has just
/// written (`HashBatch`: its buffer and the arrays it wrote by reference, no copy) and goes on
/// writing while they are hashed, so hashing a shard costs the writing thread nothing but the
/// hand-over. At most `maxPending` batches wait, so memory stays bounded when hashing is slower
/// than writing.
final class BackgroundHasher: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [HashBatch] = []
    private var head = 0
    private var closed = false
    private var finished = false
    private var digest: [UInt8] = []
    /// Hashed buffers, emptied, for the writer to fill again (no fresh 1 MiB buffer, and its
    /// page faults, per batch).
    private var recycled: [[UInt8]] = []
    private let maxPending: Int

    init(maxPending: Int = 8) {
        self.maxPending = maxPending
        let thread = Thread { [self] in work() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues `batch` (hashed after everything queued before it); waits while too many are queued.
    func submit(_ batch: HashBatch) {
        guard !batch.pieces.isEmpty else { return }
        condition.lock()
        while pending.count - head >= maxPending && !closed { condition.wait() }
        if !closed { pending.append(batch) }
        condition.broadcast()
        condition.unlock()
    }

    /// An empty buffer with the capacity of a hashed one, if one is free.
    func takeBuffer() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        return recycled.popLast()
    }

    /// Waits for every queued batch and returns the digest of them all.
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
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        var hasher = SHA256()
        while true {
            condition.lock()
            while head == pending.count && !closed { condition.wait() }
            if head == pending.count {
                digest = hasher.finalize()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var batch = pending[head]
            pending[head] = HashBatch(buffer: [], pieces: [])
            head += 1
            if head == pending.count { pending.removeAll(keepingCapacity: true); head = 0 } else if head >= 64 { pending.removeFirst(head); head = 0 }
            condition.broadcast()
            condition.unlock()
            batch.buffer.withUnsafeBytes { own in
                for piece in batch.pieces {
                    switch piece {
                    case .buffered(let range): hasher.update(UnsafeRawBufferPointer(rebasing: own[range]))
                    case .shared(let bytes): hasher.update(bytes)
                    }
                }
            }
            batch.pieces = []
            guard batch.buffer.capacity > 0 else { continue }
            batch.buffer.removeAll(keepingCapacity: true)
            condition.lock()
            if recycled.count < 2 { recycled.append(batch.buffer) }
            condition.unlock()
        }
    }
}
