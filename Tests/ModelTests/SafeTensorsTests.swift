import Foundation
import Testing
@testable import Model

@Suite("safetensors")
struct SafeTensorsTests {
    /// Writes a safetensors file from a header JSON string and the data bytes.
    static func write(_ url: URL, header: String, data: [UInt8], headerLength: UInt64? = nil) throws {
        let h = Array(header.utf8)
        var bytes = withUnsafeBytes(of: (headerLength ?? UInt64(h.count)).littleEndian) { Array($0) }
        bytes += h + data
        try Data(bytes).write(to: url)
    }

    static func floats(_ v: [Float]) -> [UInt8] { v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } } }
    static func halves(_ v: [UInt16]) -> [UInt8] { v.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } } }

    @Test func readsTensorsOfEachFloatType() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        let f32: [Float] = [1, -2, 3.5, 4, 5, 6]
        let bf16: [UInt16] = [0x3F80, 0xC000, 0x4049]  // 1, -2, 3.140625
        let f16: [UInt16] = [0x3C00, 0x3800]  // 1, 0.5
        let data = Self.floats(f32) + Self.halves(bf16) + Self.halves(f16)
        // Data of an unaligned header length: the reader must not assume alignment.
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
            + #""b":{"dtype":"BF16","shape":[3],"data_offsets":[24,30]},"c":{"dtype":"F16","shape":[1,2],"data_offsets":[30,34]}} "#
        try Self.write(url, header: header, data: data)
        let file = try SafeTensorsFile(path: url.path)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensorNames == ["a", "b", "c"])
        let a = try file.tensor(named: "a")
        #expect(a.shape == [2, 3] && a.scalars == f32)
        #expect(try file.tensor(named: "b").scalars == [1, -2, 3.140625])
        let bHalf = try file.tensor(named: "b", keepHalf: true)
        #expect(bHalf.dtype == .bf16)
        #expect(try file.tensor(named: "c").scalars == [1, 0.5])
        #expect(throws: ModelError.self) { try file.tensor(named: "nope") }
    }

    /// Each malformed header must be rejected with an error naming the problem.
    static let malformed: [(String, String, Int, String)] = [
        // (case, header, data byte count, expected fragment of the message)
        ("not json", "{not json", 8, "header"),
        ("array", "[1,2]", 8, "header"),
        ("unknown dtype", #"{"a":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}}"#, 8, "unknown dtype"),
        ("past end", #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, 8, "run past the data"),
        ("reversed", #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#, 8, "reversed"),
        ("size mismatch", #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "needs 12 bytes"),
        ("overlap", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, "overlap"),
        ("negative dim", #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, 8, "negative"),
        ("three offsets", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}"#, 8, "two integers"),
        ("fractional offset", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}}"#, 8, "header"),
        ("missing dtype", #"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, 8, "dtype"),
        ("bad metadata", #"{"__metadata__":{"x":1}}"#, 0, "__metadata__"),
        ("entry not object", #"{"a":5}"#, 8, "header"),
    ]

    @Test(arguments: SafeTensorsTests.malformed.indices)
    func rejectsMalformedHeader(_ index: Int) throws {
        let (name, header, dataCount, fragment) = Self.malformed[index]
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("bad.safetensors")
        try Self.write(url, header: header, data: [UInt8](repeating: 0, count: dataCount))
        do {
            _ = try SafeTensorsFile(path: url.path)
            Issue.record("\(name): accepted a malformed header")
        } catch let error as ModelError {
            #expect(error.description.contains(fragment), "\(name): message was '\(error)'")
            #expect(error.description.contains(url.path))
        }
    }

    @Test func rejectsBadLengthsAndEmptyFiles() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let short = dir.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: short)
        #expect(throws: ModelError.self) { try SafeTensorsFile(path: short.path) }
        let long = dir.appendingPathComponent("long.safetensors")
        try Self.write(long, header: "{}", data: [], headerLength: 1000)
        #expect { try SafeTensorsFile(path: long.path) } throws: { "\($0)".contains("does not fit") }
        let empty = dir.appendingPathComponent("empty.safetensors")
        try Data().write(to: empty)
        #expect(throws: ModelError.self) { try SafeTensorsFile(path: empty.path) }
        #expect(throws: ModelError.self) { try SafeTensorsFile(path: dir.appendingPathComponent("absent").path) }
    }

    @Test func shardedCheckpointThroughIndex() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write(dir.appendingPathComponent("model-00001-of-00002.safetensors"),
                       header: #"{"x.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: Self.floats([1, 2]))
        try Self.write(dir.appendingPathComponent("model-00002-of-00002.safetensors"),
                       header: #"{"y.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: Self.floats([3]))
        let index = dir.appendingPathComponent(SafeTensorsCheckpoint.indexName)
        try #"{"metadata":{"total_size":12},"weight_map":{"x.weight":"model-00001-of-00002.safetensors","y.weight":"model-00002-of-00002.safetensors"}}"#
            .write(to: index, atomically: true, encoding: .utf8)
        let ckpt = try SafeTensorsCheckpoint(path: dir.path)
        #expect(ckpt.tensorNames == ["x.weight", "y.weight"])
        #expect(try ckpt.tensor(named: "y.weight").scalars == [3])
        #expect(ckpt.shape(of: "x.weight") == [2])

        // Index names a tensor its shard does not hold.
        try #"{"weight_map":{"x.weight":"model-00002-of-00002.safetensors","y.weight":"model-00002-of-00002.safetensors"}}"#
            .write(to: index, atomically: true, encoding: .utf8)
        #expect { try SafeTensorsCheckpoint(path: dir.path) } throws: { "\($0)".contains("not stored there") }
        // A shard holds a tensor the index does not list.
        try Self.write(dir.appendingPathComponent("model-00001-of-00002.safetensors"),
                       header: #"{"x.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"z":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}"#,
                       data: Self.floats([1, 2]))
        try #"{"weight_map":{"x.weight":"model-00001-of-00002.safetensors"}}"#.write(to: index, atomically: true, encoding: .utf8)
        #expect { try SafeTensorsCheckpoint(path: dir.path) } throws: { "\($0)".contains("not in the weight_map") }
        // Path escapes are refused.
        try #"{"weight_map":{"x.weight":"../elsewhere.safetensors"}}"#.write(to: index, atomically: true, encoding: .utf8)
        #expect { try SafeTensorsCheckpoint(path: dir.path) } throws: { "\($0)".contains("plain file name") }
        // A missing shard file.
        try #"{"weight_map":{"x.weight":"model-00003.safetensors"}}"#.write(to: index, atomically: true, encoding: .utf8)
        #expect(throws: ModelError.self) { try SafeTensorsCheckpoint(path: dir.path) }
    }

    @Test(.enabled(if: Support.miniLMInstalled, "all-MiniLM-L6-v2 not installed: run tools/install-models.sh"))
    func readsRealMiniLMHeader() throws {
        let file = try SafeTensorsFile(path: Support.miniLMDirectory.appendingPathComponent("model.safetensors").path)
        #expect(file.entries.count == 104)  // 6 embedding keys, 16 per layer × 6, 2 pooler
        #expect(file.shape(of: "embeddings.word_embeddings.weight") == [30522, 384])
        #expect(file.entries["embeddings.position_ids"]?.type == .I64)
        let ids = try file.tensor(named: "embeddings.position_ids")
        #expect(ids[0, 511] == 511)
    }
}
