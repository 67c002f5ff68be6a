import Annotate
import Foundation

/// An annotation as an exporter sees it.
public struct ExportAnnotation: Sendable, Equatable {
    public var id: Int64
    public var imageID: Int64
    public var categoryID: Int64?
    public var categoryName: String?
    public var instanceKey: String
    public var geometryKind: GeometryKind
    public var geometryJSON: String
    public var area: Double
    /// `[x, y, w, h]`, pixel-inclusive.
    public var bbox: [Double]
    public var isIgnore: Bool
    /// `imported`, `human` or `model`.
    public var provenance: String
    public var modelName: String?
    public var score: Double?
    public var reviewState: ReviewState

    /// The stored geometry, parsed; `width`×`height` is the image's size.
    public func geometry(width: Int, height: Int) throws(ExportError) -> AnnotationGeometry {
        let data = Data(geometryJSON.utf8)
        do {
            switch geometryKind {
            case .polygons:
                return .polygons(try JSONDecoder().decode([Polygon].self, from: data), imageWidth: width, imageHeight: height)
            case .rle:
                let rle = try Self.storedRLE(geometryJSON) ?? JSONDecoder().decode(RLE.self, from: data)
                guard rle.width == width, rle.height == height else {
                    throw ExportError.badRecord(record: "annotation \(id)", field: "geometry",
                                                reason: "RLE size \(rle.width)x\(rle.height) differs from the image's \(width)x\(height)")
                }
                return .rle(rle)
            }
        } catch let error as ExportError {
            throw error
        } catch {
            throw .badRecord(record: "annotation \(id)", field: "geometry", reason: "\(error)")
        }
    }

    /// The RLE of a geometry in the exact form the store writes, `{"counts":"…","size":[h,w]}`
    /// with no escape in the counts, read without a JSONDecoder (an export reads one per mask);
    /// nil for any other text, which then goes through JSONDecoder (and its errors).
    public static func storedRLE(_ text: String) -> RLE? {
        var text = text
        return text.withUTF8 { bytes -> RLE? in
            let head = Array(#"{"counts":""#.utf8), middle = Array(#"","size":["#.utf8)
            guard bytes.count > head.count + middle.count + 4, bytes.starts(with: head) else { return nil }
            var at = head.count
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") { at += 1 }
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            let counts = String(decoding: UnsafeBufferPointer(rebasing: bytes[head.count..<at]), as: UTF8.self)
            guard bytes[at...].starts(with: middle) else { return nil }
            at += middle.count
            func number() -> Int? {
                var value = 0, digits = 0
                while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9"), digits < 12 {
                    value = value * 10 + Int(bytes[at] - UInt8(ascii: "0"))
                    at += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            guard let height = number(), at < bytes.count, bytes[at] == UInt8(ascii: ",") else { return nil }
            at += 1
            guard let width = number(), bytes[at...].elementsEqual("]}".utf8) else { return nil }
            return try? RLE(height: height, width: width, compressedCounts: counts)
        }
    }

    /// The mask (polygons rasterized the pycocotools way, as everywhere in the store).
    public func rle(width: Int, height: Int) throws(ExportError) -> RLE {
        let geometry = try geometry(width: width, height: height)
        do { return try geometry.rle() } catch {
            throw .badRecord(record: "annotation \(id)", field: "geometry", reason: "\(error)")
        }
    }
}

/// An instruction with the annotations that answer it (none: a negative).
public struct ExportInstruction: Sendable, Equatable {
    public var id: Int64
    public var key: String
    public var text: String
    public var kind: InstructionKind
    public var isSentence: Bool
    public var answer: String?
    public var explanation: String?
    /// `imported`, `template`, `paraphrase`, `generated` or `human`.
    public var origin: String
    public var templateID: String?
    public var backend: String?
    public var model: String?
    public var parentID: Int64?
    public var qualityScore: Double?
    public var status: InstructionStatus
    /// Targets in annotation-id order.
    public var targets: [ExportAnnotation]

    /// Whether `text` is a full LISA prompt (`<image>\n…`, templated) rather than a raw query.
    public var isPrompt: Bool { origin == "template" }
}

/// One image with its admitted annotations and instructions, in id order.
public struct ExportItem: Sendable {
    public var image: ImageRecord
    /// The image file's absolute path.
    public var imagePath: String
    public var annotations: [ExportAnnotation]
    public var instructions: [ExportInstruction]

    /// The ignore regions of the image.
    public var ignoreAnnotations: [ExportAnnotation] { annotations.filter(\.isIgnore) }

    /// The split folder / shard prefix: the split's name, or `unassigned`.
    public var splitName: String { image.split?.rawValue ?? ExportItem.unassigned }

    public static let unassigned = "unassigned"
}
