import Foundation
import Serialization
import Testing

/// Damaged inputs must give errors, never crashes: every truncation point and many seeded byte
/// flips of real fixtures.
@Suite("Corrupted inputs")
struct CorruptionTests {
    /// A small deterministic generator (tests must not depend on a random seed).
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(relative))))
    }

    @Test("truncations and 800 byte flips of a pickle", arguments: ["pickle/data_p2.pkl", "pickle/data_p0.pkl", "pickle/refs_py2_p2.p"])
    func pickles(_ name: String) throws {
        let original = try bytes(name)
        let policy = PicklePolicy(allowedGlobals: [PickleGlobal("torch._utils", "_rebuild_tensor_v2")], allowsPersistentIDs: true)
        var accepted = 0
        // Every cut of the small refs file; every 7th of the larger ones (each load is linear).
        for cut in stride(from: 0, to: original.count, by: original.count > 2000 ? 7 : 1) {
            if (try? Unpickler(source: name, policy: policy).load(Array(original[0..<cut]))) != nil { accepted += 1 }
        }
        #expect(accepted == 0, "a truncated pickle was accepted")
        var rng = SplitMix(state: 42)
        for _ in 0..<800 {
            var damaged = original
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                damaged[Int(rng.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            _ = try? Unpickler(source: name, policy: policy).load(damaged)
        }
    }

    @Test("truncations and byte flips of zips", arguments: ["zip/mixed.zip", "zip/zip64.zip"])
    func zips(_ name: String) throws {
        let original = try bytes(name)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zip-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("damaged.zip").path
        func attempt(_ data: [UInt8]) throws {
            try Data(data).write(to: URL(fileURLWithPath: path))
            guard let archive = try? ZipArchive(path: path) else { return }
            for entry in archive.entries { _ = try? archive.data(of: entry) }
        }
        var cut = 0
        while cut < original.count {
            try attempt(Array(original[0..<cut]))
            cut += 29
        }
        var rng = SplitMix(state: 7)
        // Flips concentrated in the directory and headers (the last 600 bytes and the first 200).
        for i in 0..<500 {
            var damaged = original
            let span = i % 2 == 0 ? min(600, damaged.count) : min(200, damaged.count)
            let base = i % 2 == 0 ? damaged.count - span : 0
            damaged[base + Int(rng.next() % UInt64(span))] = UInt8(truncatingIfNeeded: rng.next())
            try attempt(damaged)
        }
    }
}
