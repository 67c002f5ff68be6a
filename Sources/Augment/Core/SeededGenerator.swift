/// A small deterministic random generator (SplitMix64). Each sampling decision draws from a
/// generator seeded by (run seed, what is being decided), so results do not depend on the order
/// in which images are visited, and `--seed N` reproduces a run exactly on any machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one decision: the run's seed mixed with a key naming the decision.
    public init(seed: UInt64, key: String) {
        var hash: UInt64 = 0xcbf29ce484222325 // FNV-1a 64
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100000001b3
        }
        state = seed ^ hash
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    /// A uniformly chosen index below `count` (count > 0).
    public mutating func index(below count: Int) -> Int {
        Int(next() % UInt64(count))
    }
}
