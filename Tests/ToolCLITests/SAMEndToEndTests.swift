import Annotate
import Foundation
import Model
import Serialization
import Testing

/// Image → mask through our whole SAM (preprocessing, ViT encoder, prompt encoder, mask decoder,
/// postprocessing) against Meta's SamPredictor on the same tiny model and real photos
/// (tools/sam_decoder_fixtures.py recorded set_image + predict).
@Suite("SAM end to end")
struct SAMEndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelTests/Fixtures/sam")
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/images")

    struct FloatRef: Decodable { var offset: Int; var shape: [Int] }
    struct Image: Decodable { var name: String; var original_size: [Int]; var input_size: [Int]; var embedding: FloatRef }
    struct Case: Decodable {
        var image: Int; var name: String; var multimask: Bool
        var points: [[Double]]?; var labels: [Int]?; var box: [Double]?
        var mask_input: FloatRef?; var text_embeddings: [[Float]]?
        var low_res: FloatRef; var iou: [Float]; var masks: [String]
    }
    struct File: Decodable { var images: [Image]; var cases: [Case] }

    static func load() throws -> (File, [Float]) {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: fixtures.appendingPathComponent("decoder_reference.json")))
        let data = try Data(contentsOf: fixtures.appendingPathComponent("decoder_reference.bin"))
        let floats: [Float] = data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return (file, floats)
    }

    static func unpack(_ text: String, count: Int) throws -> [UInt8] {
        let data = try #require(Data(base64Encoded: text))
        let packed = try data.withUnsafeBytes { try Inflate.decompress($0, format: .zlib, expectedSize: (count + 7) / 8) }
        return (0..<count).map { (packed[$0 >> 3] >> (7 - UInt8($0 & 7))) & 1 }
    }

    @Test(arguments: ["astronaut.jpg", "chelsea.jpg"])
    func imageToMaskMatchesSamPredictor(name: String) throws {
        let (file, floats) = try Self.load()
        let config = try SAMConfiguration.load(from: Self.fixtures.appendingPathComponent("sam_tiny_config.json"))
        let predictor = try SAMPredictor(checkpointPath: Self.fixtures.appendingPathComponent("sam_tiny.pth").path, configuration: config, cache: nil)
        let imageIndex = try #require(file.images.firstIndex { $0.name == name })
        let record = file.images[imageIndex]
        let pixels = try JPEGCodec.decode(FileBytes.read(Self.samples.appendingPathComponent(name).path))
        let (embedding, _) = try predictor.embed(samples: pixels.samples, width: pixels.width, height: pixels.height, channels: pixels.channels, sha256: nil)
        #expect(embedding.originalSize == (record.original_size[0], record.original_size[1]))
        #expect(embedding.inputSize == (record.input_size[0], record.input_size[1]))
        let recorded = Array(floats[record.embedding.offset..<(record.embedding.offset + embedding.values.count)])
        let scale = recorded.map(abs).max() ?? 1
        let embeddingError = zip(embedding.values, recorded).map { abs($0 - $1) }.max() ?? 0
        #expect(embeddingError <= 1e-4 * scale, "embedding max error \(embeddingError) (scale \(scale))")

        var total = 0, differing = 0
        for c in file.cases where c.image == imageIndex {
            var prompt = SAMPrompt()
            if let points = c.points, let labels = c.labels {
                prompt.points = zip(points, labels).map { .init(x: $0[0], y: $0[1], label: $1 == 1 ? .positive : .negative) }
            }
            if let b = c.box { prompt.box = .init(x0: b[0], y0: b[1], x1: b[2], y1: b[3]) }
            if let m = c.mask_input { prompt.maskInput = Array(floats[m.offset..<(m.offset + m.shape.reduce(1, *))]) }
            prompt.textEmbeddings = c.text_embeddings ?? []
            let prediction = try predictor.predict(embedding, prompt: prompt, multimask: c.multimask)
            for (k, text) in c.masks.enumerated() {
                let want = try Self.unpack(text, count: prediction.height * prediction.width)
                total += want.count
                differing += zip(prediction.masks[k], want).filter { $0 != $1 }.count
            }
            for (a, b) in zip(prediction.iouPredictions, c.iou) { #expect(abs(a - b) <= 1e-3 * max(1, abs(b)), "\(c.name) IoU") }
        }
        // Encoder rounding moves logits by ~1e-5: only pixels whose logit is that close to 0 may flip.
        #expect(total > 0)
        #expect(Double(differing) <= 1e-4 * Double(total), "\(differing) of \(total) pixels differ")
    }
}
