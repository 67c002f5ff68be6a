import Foundation
import Model
import Serialization
import Testing

@Suite("PyTorch checkpoints")
struct PyTorchCheckpointTests {
    static let files = ["state_p2.pth", "state_p4.pth", "state_p5.pth", "params.pth", "legacy.pth",
                        "sharded/pytorch_model.bin.index.json"]

    @Test("tensors match what torch.load reads: dtype, shape, strides, offset, bytes", arguments: files)
    func matchesTorch(_ file: String) throws {
        let expected = try #require(try ModelFixtures.torchExpected()[file])
        let checkpoint = try PyTorchCheckpoint(path: ModelFixtures.path("torch/\(file)"))
        #expect(Set(checkpoint.names) == Set(expected.keys))
        #expect(checkpoint.names.count == expected.count)
        for (name, want) in expected {
            let tensor = try #require(checkpoint[name], "\(name)")
            #expect(tensor.dtype.rawValue == want["dtype"] as! String, "\(name)")
            #expect(tensor.shape == want["shape"] as! [Int], "\(name)")
            #expect(tensor.strides == want["stride"] as! [Int], "\(name)")
            #expect(tensor.storageOffset == want["offset"] as! Int, "\(name)")
            #expect(hexString(tensor.contiguousBytes()) == want["hex"] as! String, "\(name)")
        }
    }

    @Test("state dict order is kept; views share one mapped storage")
    func orderAndSharing() throws {
        let checkpoint = try PyTorchCheckpoint(path: ModelFixtures.path("torch/state_p2.pth"))
        #expect(checkpoint.names.first == "encoder.weight")
        #expect(checkpoint.names.last == "empty")
        let full = try #require(checkpoint["shared.full"]?.storage.fileRange)
        let tail = try #require(checkpoint["shared.tail"]?.storage.fileRange)
        #expect(full.range == tail.range)
        #expect(checkpoint["shared.tail"]?.storageOffset == 6)
        // Contiguous tensors can be mapped straight from the file.
        let weight = try #require(checkpoint["encoder.weight"])
        let byteRange = try #require(weight.contiguousByteRange)
        #expect(byteRange.count == 2 * 3 * 4)
        #expect(checkpoint["view.transposed"]?.isContiguous == false)
        #expect(checkpoint["view.expanded"]?.strides == [0, 1])
    }

    @Test("float conversion widens f16 and bf16 exactly")
    func floats() throws {
        let checkpoint = try PyTorchCheckpoint(path: ModelFixtures.path("torch/state_p4.pth"))
        #expect(checkpoint["encoder.half"]?.floatValues() == [0.5, -1.25, 65504.0, Float(Float16(6.1e-5))])
        #expect(checkpoint["ids.int64"]?.floatValues() == [0, -1, Float(1 << 40), Float(-(1 << 62)), 7])
        #expect(checkpoint["view.sliced"]?.floatValues().count == 4)
        #expect(checkpoint["scalar"]?.floatValues() == [3.5])
        #expect(checkpoint["params.model.weight"] == nil)
        let params = try PyTorchCheckpoint(path: ModelFixtures.path("torch/params.pth"))
        #expect(params["model.weight"]?.floatValues() == [0, 0.125, 0.25, 0.375, 0.5, 0.625])
        #expect(params["model.bias"]?.floatValues() == [0.25, -0.5])
    }

    @Test("checkpoints whose pickle calls code are refused", arguments: [
        ("evil_system.pth", "posix.system"), ("evil_eval.pth", "__builtin__.eval"),
    ])
    func malicious(_ file: String, _ global: String) {
        #expect {
            _ = try PyTorchCheckpoint(path: ModelFixtures.path("torch/\(file)"))
        } throws: { error in
            guard case .forbiddenGlobal(let source, _, let name) = error as? PickleError else { return false }
            return name == global && source.contains(file)
        }
    }

    @Test("not a checkpoint, or a missing file, is a clear error")
    func notACheckpoint() throws {
        let path = ModelFixtures.path("torch/expected.json")
        #expect(throws: CheckpointError.notACheckpoint(path: path, reason: "neither a zip archive nor a pickle stream")) {
            _ = try PyTorchCheckpoint(path: path)
        }
        #expect(throws: MappedFileError.self) { _ = try PyTorchCheckpoint(path: ModelFixtures.path("torch/nope.pth")) }
    }

    @Test("a tensor reaching past its storage is refused", arguments: [
        ([2, 3], [3, 1], 0, true), ([2, 3], [3, 1], 1, false), ([3, 2], [1, 3], 0, true), ([3, 2], [1, 3], 1, false),
        ([2, 2], [4, 1], 0, true), ([2, 2], [5, 1], 0, false),
        ([0, 5], [5, 1], 9, true), ([6], [-1], 5, false), ([2], [1, 1], 0, false),
    ])
    func bounds(_ shape: [Int], _ strides: [Int], _ offset: Int, _ valid: Bool) {
        let storage = CheckpointStorage(.owned([UInt8](repeating: 0, count: 6 * 4)))
        let made = try? CheckpointTensor(dtype: .float32, shape: shape, strides: strides, storageOffset: offset,
                                         storage: storage, name: "t", path: "inline")
        #expect((made != nil) == valid)
    }

    @Test("a sharded index naming a tensor its shard lacks is refused")
    func shardMismatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let shard = "pytorch_model-00001-of-00002.bin"
        try FileManager.default.copyItem(atPath: ModelFixtures.path("torch/sharded/\(shard)"), toPath: dir.appendingPathComponent(shard).path)
        let index = dir.appendingPathComponent("pytorch_model.bin.index.json")
        try Data(#"{"weight_map": {"encoder.weight": "\#(shard)", "ghost": "\#(shard)"}}"#.utf8).write(to: index)
        #expect(throws: CheckpointError.missingShardTensor(index: index.path, shard: shard, tensor: "ghost")) {
            _ = try PyTorchCheckpoint(path: index.path)
        }
    }
}
