import Foundation
import Testing
@testable import Model

@Suite("SAM embedding cache, model identity, checkpoint catalog")
struct SAMEmbeddingCacheTests {
    static func embedding() -> SAMImageEmbedding {
        SAMImageEmbedding(values: (0..<(4 * 3 * 3)).map { Float($0) * 0.25 - 1 }, channels: 4, side: 3,
                          originalSize: (300, 451), inputSize: (128, 192))
    }

    @Test func roundTripsAndRejectsDamagedEntries() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = SAMEmbeddingCache(directory: dir.path)
        let sha = String(repeating: "ab", count: 32), model = String(repeating: "cd", count: 32)
        #expect(try cache.load(imageSHA256: sha, model: model, expectedChannels: 4, expectedSide: 3) == nil)
        try cache.store(Self.embedding(), imageSHA256: sha, model: model)
        let back = try #require(try cache.load(imageSHA256: sha, model: model, expectedChannels: 4, expectedSide: 3))
        #expect(back.values == Self.embedding().values)
        #expect(back.originalSize == (300, 451) && back.inputSize == (128, 192))
        // Another model's entry is another file.
        #expect(try cache.load(imageSHA256: sha, model: String(repeating: "ef", count: 32), expectedChannels: 4, expectedSide: 3) == nil)
        // A model of another size cannot use it.
        #expect(throws: SAMError.self) { try cache.load(imageSHA256: sha, model: model, expectedChannels: 8, expectedSide: 3) }
        // A truncated entry is reported with its path.
        let path = cache.path(imageSHA256: sha, model: model)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 4).write(to: URL(fileURLWithPath: path))
        do {
            _ = try cache.load(imageSHA256: sha, model: model, expectedChannels: 4, expectedSide: 3)
            Issue.record("a truncated entry loaded")
        } catch let error as SAMError {
            #expect(error.description.contains(path))
        }
        try Data("not a cache file at all........................".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SAMError.self) { try cache.load(imageSHA256: sha, model: model, expectedChannels: 4, expectedSide: 3) }
    }

    @Test func identityFollowsWeightsAndConfiguration() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = SAMDecoderFixture.directory.appendingPathComponent("sam_tiny.pth")
        let copy = dir.appendingPathComponent("elsewhere.pth")
        try FileManager.default.copyItem(at: original, to: copy)
        let config = try SAMDecoderFixture.configuration()
        let a = try SAMModelIdentity.compute(checkpointPath: original.path, configuration: config)
        let b = try SAMModelIdentity.compute(checkpointPath: copy.path, configuration: config)
        #expect(a == b && a.count == 64)
        var other = config
        other.decoderNumHeads = 2
        #expect(try SAMModelIdentity.compute(checkpointPath: copy.path, configuration: other) != a)
        var bytes = try Data(contentsOf: copy)
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: copy)
        #expect(try SAMModelIdentity.compute(checkpointPath: copy.path, configuration: config) != a)
    }

    @Test func catalogKnowsTheOfficialCheckpoints() throws {
        let b = try #require(SAMCheckpointCatalog.named("sam_vit_b"))
        #expect(b.url == "https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth")
        #expect(SAMCheckpointCatalog.named("vit-h")?.fileName == "sam_vit_h_4b8939.pth")
        #expect(SAMCheckpointCatalog.named("SAM_VIT_L")?.configuration == .vitL)
        #expect(SAMCheckpointCatalog.named("owner/repo") == nil)
        for entry in SAMCheckpointCatalog.all {
            #expect(entry.sha256.count == 64 && entry.sha256.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            #expect(entry.url.hasSuffix("/" + entry.fileName))
        }
        #expect(SAMCheckpointCatalog.configuration(forFileName: "my_sam_vit_l_finetune.pth") == .vitL)
    }

    /// The configuration is found beside the checkpoint (`<name>_config.json`) or from its tensors.
    @Test func detectsConfiguration() throws {
        let tiny = try SAMConfiguration.detect(checkpointPath: SAMDecoderFixture.directory.appendingPathComponent("sam_tiny.pth").path)
        #expect(tiny == (try SAMDecoderFixture.configuration()))
        // The LISA decoder-only file has no encoder tensors and no config beside it: an error asking for --config.
        #expect(throws: ModelError.self) {
            try SAMConfiguration.detect(checkpointPath: SAMDecoderFixture.directory.appendingPathComponent("sam_tiny_lisa.bin").path)
        }
    }
}
