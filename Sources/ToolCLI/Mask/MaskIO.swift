import Annotate
import Foundation

/// Shared input/output helpers of the `mask` subcommands.
enum MaskIO {
    /// A mask from a PNG, or from a COCO RLE JSON object when the file is JSON.
    static func load(_ path: String) throws -> BinaryMask {
        let bytes = try FileBytes.read(path)
        if path.lowercased().hasSuffix(".json") || bytes.first == UInt8(ascii: "{") {
            return try loadRLE(path, bytes: bytes).decode()
        }
        return try MaskPNG.mask(from: try PNGCodec.decode(bytes, source: path, options: .init(paletteAsIndices: true)), source: path)
    }

    /// A COCO RLE JSON object `{"size": [h, w], "counts": ...}`.
    static func loadRLE(_ path: String, bytes: [UInt8]? = nil) throws -> RLE {
        let data = Data(try bytes ?? FileBytes.read(path))
        do {
            return try JSONDecoder().decode(RLE.self, from: data)
        } catch let error as DecodingError {
            throw RLEError.malformedJSON(source: path, reason: describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c): return c.debugDescription
        case .keyNotFound(let key, _): return "missing \"\(key.stringValue)\""
        case .typeMismatch(_, let c): return "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        case .valueNotFound(_, let c): return c.debugDescription
        @unknown default: return "\(error)"
        }
    }

    /// Pretty, key-sorted JSON text.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
