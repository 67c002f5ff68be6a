import Foundation
import Serialization
@testable import Model

/// Reads what tools/sam_decoder_fixtures.py recorded with Meta's (and Hugging Face's) PyTorch code.
struct SAMDecoderFixture {
    struct FloatRef: Decodable { var offset: Int; var shape: [Int] }
    struct Image: Decodable {
        var name: String
        var original_size: [Int]
        var input_size: [Int]
        var embedding: FloatRef
    }
    struct Case: Decodable, CustomStringConvertible {
        var image: Int
        var name: String
        var multimask: Bool
        var points: [[Double]]?
        var labels: [Int]?
        var box: [Double]?
        var mask_input: FloatRef?
        var text_embeddings: [[Float]]?
        var low_res: FloatRef
        var iou: [Float]
        var masks: [String]?
        var description: String { name }
    }
    struct File: Decodable { var images: [Image]?; var cases: [Case]; var floats: String }

    let file: File
    let floats: [Float]

    static let directory: URL = (try? Support.fixtures.appendingPathComponent("sam")) ?? URL(fileURLWithPath: "/nonexistent")
    static let meta: SAMDecoderFixture? = try? SAMDecoderFixture(json: "decoder_reference.json")
    static let huggingFace: SAMDecoderFixture? = try? SAMDecoderFixture(json: "decoder_reference_hf.json")

    init(json: String) throws {
        file = try JSONDecoder().decode(File.self, from: Data(contentsOf: Self.directory.appendingPathComponent(json)))
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(file.floats))
        floats = data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    func values(_ ref: FloatRef) -> [Float] {
        Array(floats[ref.offset..<(ref.offset + ref.shape.reduce(1, *))])
    }

    static func configuration() throws -> SAMConfiguration {
        try SAMConfiguration.load(from: directory.appendingPathComponent("sam_tiny_config.json"))
    }

    /// The case's prompt in the frame PyTorch received it (original image pixels for Meta's
    /// predictor cases, the input frame for the Hugging Face ones).
    static func prompt(_ c: Case, floats fixture: SAMDecoderFixture) -> SAMPrompt {
        var prompt = SAMPrompt()
        if let points = c.points, let labels = c.labels {
            prompt.points = zip(points, labels).map { SAMPrompt.Point(x: $0[0], y: $0[1], label: SAMPrompt.Point.Label(rawValue: $1) ?? .positive) }
        }
        if let b = c.box { prompt.box = SAMPrompt.Box(x0: b[0], y0: b[1], x1: b[2], y1: b[3]) }
        if let m = c.mask_input { prompt.maskInput = fixture.values(m) }
        prompt.textEmbeddings = c.text_embeddings ?? []
        return prompt
    }

    /// A recorded mask: base64 of zlib-compressed np.packbits (MSB first) of the row-major mask.
    static func unpack(_ text: String, count: Int) throws -> [UInt8] {
        guard let data = Data(base64Encoded: text) else { throw SAMError.invalidCache(path: "fixture", reason: "bad base64") }
        let packed = try data.withUnsafeBytes { try Inflate.decompress($0, format: .zlib, expectedSize: (count + 7) / 8) }
        return (0..<count).map { (packed[$0 >> 3] >> (7 - UInt8($0 & 7))) & 1 }
    }

    /// Largest |a − b| / max(|b|, 1): "within 1e-4 relative" with values near zero judged absolutely.
    static func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        var worst: Float = 0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i]) / max(abs(b[i]), 1)) }
        return worst
    }
}
