import Annotate
import Foundation

/// An annotation's geometry as the store keeps it: polygons (with holes) or a COCO RLE, with
/// its pixel area and pixel-inclusive box (polygons rasterized the pycocotools way).
public enum AnnotationGeometry: Sendable, Equatable {
    case polygons([Polygon], imageWidth: Int, imageHeight: Int)
    case rle(RLE)

    public var kind: GeometryKind {
        switch self { case .polygons: .polygons; case .rle: .rle }
    }

    /// The geometry as JSON text (schema.sql's forms).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        switch self {
        case .polygons(let polygons, _, _): data = try encoder.encode(polygons)
        case .rle(let rle): data = try encoder.encode(rle)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The mask as RLE (polygons rasterized as pycocotools' frPyObjects does, holes removed).
    public func rle() throws -> RLE {
        switch self {
        case .rle(let rle): return rle
        case .polygons(let polygons, let width, let height):
            var parts: [RLE] = []
            for polygon in polygons {
                let outer = try RLE(polygon: polygon.exterior, height: height, width: width)
                if polygon.holes.isEmpty { parts.append(outer); continue }
                let holes = try RLE.merge(try polygon.holes.map { try RLE(polygon: $0, height: height, width: width) }).decode()
                let values = zip(outer.decode().pixels, holes.pixels).map { $0 & ($1 ^ 1) }
                parts.append(RLE(encoding: try BinaryMask(width: width, height: height, values: values)))
            }
            if parts.isEmpty { return try RLE(height: height, width: width, counts: [UInt32(height * width)]) }
            return parts.count == 1 ? parts[0] : try RLE.merge(parts)
        }
    }

    /// A store record for this geometry.
    public func annotation(imageID: Int64, categoryID: Int64?, instanceKey: String, isIgnore: Bool = false,
                           provenance: Provenance = .imported, score: Double? = nil,
                           attributesJSON: String? = nil) throws -> NewAnnotation {
        let mask = try rle()
        let box = mask.boundingBox
        return NewAnnotation(imageID: imageID, categoryID: categoryID, instanceKey: instanceKey, geometryKind: kind,
                             geometryJSON: try json(), area: Double(mask.area), bbox: [box.x, box.y, box.width, box.height],
                             isIgnore: isIgnore, provenance: provenance, score: score, attributesJSON: attributesJSON)
    }
}
