import Annotate
import Foundation
import Serialization
import Testing
@testable import Model

/// SAM's image side against Meta's `segment-anything` and transformers' `SamModel`
/// (fixtures from tools/sam_encoder_fixtures.py on the tiny SAM of tools/sam_tiny.py).
@Suite("SAM image encoder")
struct SAMImageEncoderTests {
    struct Manifest: Decodable {
        struct Stats: Decodable { var sum: Double; var abs_sum: Double; var min: Double; var max: Double }
        struct Case: Decodable {
            var name: String, image: String, transform: String
            var original_size: [Int], input_size: [Int]
            var decoded_sha256: String, resized_file: String, resized_sha256: String
            var preprocessed: Stats
            var embedding_file: String, embedding_shape: [Int]
        }
        struct Variant: Decodable { var file: String; var folder: String? }
        struct Resample: Decodable {
            var width: Int, height: Int, out_width: Int, out_height: Int
            var pixels: [UInt8], expected: [UInt8]
        }
        struct Shape: Decodable { var height: Int, width: Int, long_side: Int, expected: [Int] }
        struct HF: Decodable { var folder: String, config: String, input_size: [Int], shape: [Int], file: String }
        var cases: [Case]
        var relpos_interp: Variant
        var lisa: Variant
        var huggingface: HF
        var resample: [Resample]
        var preprocess_shapes: [Shape]
    }

    static func folder() throws -> URL { try Support.fixtures.appendingPathComponent("sam") }

    static func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder().appendingPathComponent("encoder_fixtures.json")))
    }

    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: folder().appendingPathComponent(name))
        return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) } }
    }

    static func tinyConfiguration() throws -> SAMConfiguration {
        try SAMConfiguration.load(from: folder().appendingPathComponent("sam_tiny_config.json"))
    }

    static func tinyCheckpoint() throws -> SAMCheckpoint {
        try SAMCheckpoint(path: folder().appendingPathComponent("sam_tiny.pth").path)
    }

    /// The case's photo as the fixture script saw it (decoded, transposed for the portrait).
    static func photo(_ c: Manifest.Case) throws -> PixelBuffer<UInt8> {
        let image = try JPEGCodec.decode(contentsOf: Support.packageRoot.appendingPathComponent(c.image).path)
        guard c.transform == "transpose" else { return image }
        var out = PixelBuffer<UInt8>(width: image.height, height: image.width, channels: image.channels)
        for y in 0..<image.height {
            for x in 0..<image.width {
                for ch in 0..<image.channels { out[y, x, ch] = image[x, y, ch] }
            }
        }
        return out
    }

    /// max |a − b| / max |b|: the relative error the fixtures are held to.
    static func relativeError(_ ours: [Float], _ reference: [Float]) -> Float {
        let scale = reference.map(abs).max() ?? 0
        return Support.maxAbsDifference(ours, reference) / max(scale, 1e-12)
    }

    @Test func preprocessShapeRoundsAsMeta() throws {
        for s in try Self.manifest().preprocess_shapes {
            let (h, w) = SAMPreprocessor.preprocessShape(height: s.height, width: s.width, longSide: s.long_side)
            #expect([h, w] == s.expected, "\(s.height)×\(s.width) → \(s.long_side)")
        }
    }

    @Test func resampleMatchesPillow() throws {
        for r in try Self.manifest().resample {
            let out = ImageResample.bilinear(r.pixels, width: r.width, height: r.height, channels: 3,
                                             outWidth: r.out_width, outHeight: r.out_height)
            #expect(out == r.expected, "\(r.width)×\(r.height) → \(r.out_width)×\(r.out_height)")
        }
    }

    @Test(arguments: ["chelsea", "rocket_portrait"])
    func matchesSamPredictor(name: String) throws {
        let manifest = try Self.manifest()
        let c = try #require(manifest.cases.first { $0.name == name })
        let photo = try Self.photo(c)
        // Same decoded pixels as Pillow, so any difference below is ours.
        #expect(SHA256.hex(of: photo.samples) == c.decoded_sha256)
        let config = try Self.tinyConfiguration()
        let preprocessor = SAMPreprocessor(configuration: config)
        let resized = try preprocessor.resized(photo.samples, width: photo.width, height: photo.height, channels: 3)
        #expect([resized.height, resized.width] == c.input_size)
        let expectedBytes = [UInt8](try Data(contentsOf: Self.folder().appendingPathComponent(c.resized_file)))
        #expect(resized.rgb.count == expectedBytes.count)
        let differing = zip(resized.rgb, expectedBytes).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) resized samples differ from ResizeLongestSide.apply_image")

        let output = try preprocessor(photo.samples, width: photo.width, height: photo.height, channels: 3)
        #expect(output.tensor.shape == [3, config.imageSize, config.imageSize])
        #expect(output.inputSize == (c.input_size[0], c.input_size[1]) && output.originalSize == (c.original_size[0], c.original_size[1]))
        let values = output.tensor.scalars.map(Double.init)
        #expect(abs(values.reduce(0, +) - c.preprocessed.sum) < 1e-3 * c.preprocessed.abs_sum)
        #expect(abs(values.map(abs).reduce(0, +) - c.preprocessed.abs_sum) < 1e-4 * c.preprocessed.abs_sum)
        #expect(abs((values.min() ?? 0) - c.preprocessed.min) < 1e-6 && abs((values.max() ?? 0) - c.preprocessed.max) < 1e-6)

        let encoder = try SAMImageEncoder(configuration: config, weights: .load(from: Self.tinyCheckpoint(), configuration: config))
        let embedding = try encoder.embed(output.tensor)
        #expect([1] + embedding.shape == c.embedding_shape)
        let error = Self.relativeError(embedding.scalars, try Self.floats(c.embedding_file))
        #expect(error < 1e-4, "relative error \(error) against predictor.features")
    }

    /// Chelsea through the tiny model's preprocessing.
    static func chelseaInput(_ config: SAMConfiguration) throws -> SAMPreprocessor.Output {
        let c = try #require(try manifest().cases.first { $0.name == "chelsea" })
        let photo = try photo(c)
        return try SAMPreprocessor(configuration: config)(photo.samples, width: photo.width, height: photo.height, channels: 3)
    }

    @Test func interpolatesRelativePositionTables() throws {
        let config = try Self.tinyConfiguration()
        var weights = try SAMImageEncoderWeights.load(from: Self.tinyCheckpoint(), configuration: config)
        for i in weights.blocks.indices {
            for path in [\SAMImageEncoderWeights.Block.relPosH, \SAMImageEncoderWeights.Block.relPosW] {
                let table = try #require(weights.blocks[i][keyPath: path])
                weights.blocks[i][keyPath: path] = table.sliced(dim: 0, 1..<(table.shape[0] - 1)).contiguous()
            }
        }
        let encoder = try SAMImageEncoder(configuration: config, weights: weights)
        let embedding = try encoder.embed(Self.chelseaInput(config).tensor)
        let error = Self.relativeError(embedding.scalars, try Self.floats(Self.manifest().relpos_interp.file))
        #expect(error < 1e-4, "relative error \(error) against get_rel_pos interpolation")
    }

    @Test func loadsLISACheckpoint() throws {
        let manifest = try Self.manifest()
        let config = try Self.tinyConfiguration()
        let checkpoint = try SAMCheckpoint(path: Self.folder().appendingPathComponent(try #require(manifest.lisa.folder)).path)
        #expect(checkpoint.format == .lisa)
        let encoder = try SAMImageEncoder(configuration: config, weights: .load(from: checkpoint, configuration: config))
        let embedding = try encoder.embed(Self.chelseaInput(config).tensor)
        let error = Self.relativeError(embedding.scalars, try Self.floats(manifest.lisa.file))
        #expect(error < 1e-4, "relative error \(error) against Meta's encoder with the bf16 weights")
    }

    @Test func loadsHuggingFaceSamModel() throws {
        let manifest = try Self.manifest()
        let hf = manifest.huggingface
        let config = try SAMConfiguration.load(from: Self.folder().appendingPathComponent(hf.config))
        let checkpoint = try SAMCheckpoint(path: Self.folder().appendingPathComponent(hf.folder).path)
        #expect(checkpoint.format == .huggingFace)
        let encoder = try SAMImageEncoder(configuration: config, weights: .load(from: checkpoint, configuration: config))
        let input = try Self.chelseaInput(config)
        #expect([input.inputSize.height, input.inputSize.width] == hf.input_size)
        let embedding = try encoder.embed(input.tensor)
        #expect([1] + embedding.shape == hf.shape)
        let error = Self.relativeError(embedding.scalars, try Self.floats(hf.file))
        #expect(error < 1e-4, "relative error \(error) against SamModel.get_image_embeddings")
    }

    @Test func reportsEveryMismatchedKey() throws {
        var shallow = try Self.tinyConfiguration()
        shallow.encoderDepth = 2  // block 2 left over
        shallow.encoderGlobalAttnIndexes = [1]
        var wide = try Self.tinyConfiguration()
        wide.encoderDepth = 4  // block 3 missing
        var narrow = try Self.tinyConfiguration()
        narrow.encoderMLPRatio = 3  // every MLP mis-shaped
        let checkpoint = try Self.tinyCheckpoint()
        func message(_ config: SAMConfiguration) -> String {
            do {
                _ = try SAMImageEncoderWeights.load(from: checkpoint, configuration: config)
                return ""
            } catch { return "\(error)" }
        }
        let unused = message(shallow), missing = message(wide), misshaped = message(narrow)
        #expect(unused.contains("unused keys") && unused.contains("blocks.2.attn.qkv.weight") && !unused.contains("missing"))
        #expect(missing.contains("missing keys") && missing.contains("blocks.3.mlp.lin2.bias"))
        #expect(misshaped.contains("mis-shaped keys") && misshaped.contains("blocks.0.mlp.lin1.weight: expected [144, 48], found [96, 48]"))
        // Prompt encoder and mask decoder keys are not the image encoder's business.
        #expect(!unused.contains("mask_decoder") && !unused.contains("prompt_encoder"))
    }

    @Test func rejectsBadInput() throws {
        let config = try Self.tinyConfiguration()
        let preprocessor = SAMPreprocessor(configuration: config)
        #expect(throws: SAMInputError.unsupportedChannels(2)) { try preprocessor([0, 0], width: 1, height: 1, channels: 2) }
        #expect(throws: SAMInputError.sampleCount(expected: 12, found: 3)) { try preprocessor([0, 0, 0], width: 2, height: 2, channels: 3) }
        #expect(throws: SAMInputError.emptyImage(width: 0, height: 4)) { try preprocessor([], width: 0, height: 4, channels: 3) }
        let encoder = try SAMImageEncoder(configuration: config, weights: .load(from: Self.tinyCheckpoint(), configuration: config))
        #expect(throws: SAMInputError.inputShape(expected: [3, 192, 192], found: [3, 96, 96])) { try encoder.embed(Tensor(zeros: [3, 96, 96])) }
        // Gray and RGBA images become RGB as Pillow converts them; a sliver keeps one pixel row.
        let gray = try preprocessor([10, 200, 30, 90], width: 2, height: 2, channels: 1)
        let rgb = try preprocessor([10, 10, 10, 200, 200, 200, 30, 30, 30, 90, 90, 90], width: 2, height: 2, channels: 3)
        #expect(gray.tensor.scalars == rgb.tensor.scalars)
        let sliver = try preprocessor([UInt8](repeating: 7, count: 3000 * 3), width: 3000, height: 1, channels: 3)
        #expect(sliver.inputSize == (1, 192))
        #expect(throws: CheckpointError.self) { _ = try SAMCheckpoint(path: Self.folder().appendingPathComponent("sam_tiny_config.json").path) }
    }
}
