import Foundation

/// A bounded word → ids cache shared by copies of a tokenizer (thread-safe). Sharded by hash
/// so that threads encoding a batch rarely wait on the same lock.
final class BPECache: @unchecked Sendable {
    private final class Shard: @unchecked Sendable {
        let lock = NSLock()
        var entries: [TokenKey: [Int]] = [:]
    }

    private let shards: [Shard]
    private let perShard: Int

    init(capacity: Int) {
        shards = (0..<32).map { _ in Shard() }
        perShard = max(1, capacity / 32)
    }

    @inline(__always)
    private func shard(_ key: TokenKey) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
    }

    func get(_ key: TokenKey) -> [Int]? {
        let s = shard(key)
        s.lock.lock(); defer { s.lock.unlock() }
        return s.entries[key]
    }

    func put(_ key: TokenKey, _ ids: [Int]) {
        let s = shard(key)
        s.lock.lock(); defer { s.lock.unlock() }
        if s.entries.count < perShard { s.entries[key] = ids }
    }
}
