import Foundation
import Testing
@testable import Model

@Suite("SAM configuration")
struct SAMConfigurationTests {
    @Test func tinyFixtureDecodesWithEveryKey() throws {
        let url = try Support.fixtures.appendingPathComponent("sam/sam_tiny_config.json")
        let config = try SAMConfiguration.load(from: url)
        #expect(config.imageSize == 192)
        #expect(config.embeddingSize == 12)
        #expect(config.encoderWindowSize == 5)
        #expect(config.encoderGlobalAttnIndexes == [1])
        #expect(config.promptEmbedDim == 32)
        #expect(config.encoderMLPRatio == 2)
        try config.validate(path: url.path)
        // The file names every key the Swift side knows (tools/sam_tiny.py writes them all).
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == Set(SAMConfiguration.CodingKeys.allCases.map(\.rawValue)))
    }

    @Test func missingKeysTakeViTBValues() throws {
        let config = try JSONDecoder().decode(SAMConfiguration.self, from: Data(#"{"encoder_depth": 2}"#.utf8))
        var expected = SAMConfiguration.vitB
        expected.encoderDepth = 2
        #expect(config == expected)
    }

    @Test(arguments: ["vit_b", "vit-l", "VIT_H"])
    func publishedSizesValidate(name: String) throws {
        let config = try #require(SAMConfiguration.named(name))
        try config.validate(path: name)
        #expect(config.embeddingSize == 64)
        #expect(config.encoderGlobalAttnIndexes.count == 4)
        #expect(config.encoderGlobalAttnIndexes.last == config.encoderDepth - 1)
    }

    @Test(arguments: [
        #"{"image_size": 1000}"#,
        #"{"encoder_num_heads": 7}"#,
        #"{"encoder_global_attn_indexes": [12]}"#,
        #"{"prompt_embed_dim": 20}"#,
        #"{"pixel_std": [1, 0, 1]}"#,
    ])
    func inconsistentNumbersAreRejected(json: String) throws {
        let config = try JSONDecoder().decode(SAMConfiguration.self, from: Data(json.utf8))
        #expect(throws: ModelError.self) { try config.validate(path: "config.json") }
    }

    @Test func undecodableFileNamesThePath() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("sam.json")
        try Data(#"{"image_size": "big"}"#.utf8).write(to: url)
        do {
            _ = try SAMConfiguration.load(from: url)
            Issue.record("expected an error")
        } catch let error as ModelError {
            #expect(error.description.contains(url.path))
        }
    }
}

@Suite("SIMD level")
struct SIMDLevelTests {
    @Test func levelIsCappedByTheEnvironmentVariableNames() {
        // The process-wide level is detected once; it is never above what the CPU offers and
        // never above LISAKIT_SIMD when that is set.
        let level = SIMDLevel.current
        switch ProcessInfo.processInfo.environment["LISAKIT_SIMD"] {
        case "baseline": #expect(level == .baseline)
        case "avx2": #expect(level <= .avx2)
        default: #expect(level <= .avx512)
        }
        #expect(SIMDLevel.baseline < SIMDLevel.avx2 && SIMDLevel.avx2 < SIMDLevel.avx512)
        #expect(SIMDLevel.avx512.description == "avx512")
    }
}
