import Annotate
import Foundation

/// A LabelMe JSON file (and ReasonSeg's extension of it: `text`, `is_sentence`), read leniently
/// the way the format's own tools read it, with every problem reported by shape index and field.
public struct LabelMeDocument: Sendable {
    public struct Shape: Sendable {
        public var index: Int
        public var label: String
        public var points: [[Double]]
        public var shapeType: String
        public var groupID: Int?
        /// Base64 PNG of the crop for `shape_type: mask`.
        public var mask: String?
    }

    public var path: String
    public var shapes: [Shape]
    public var imagePath: String?
    public var imageData: String?
    public var imageWidth: Int?
    public var imageHeight: Int?
    /// ReasonSeg: the instruction texts (a list, or a single string) and whether they are sentences.
    public var texts: [String]
    public var isSentence: Bool?

    /// Reads the file at `path` (UTF-8, cp1252 fallback). Shapes that are malformed are returned
    /// in `problems` and left out; a file that is not a JSON object throws.
    public static func read(_ path: String) throws(ImportError) -> (document: LabelMeDocument, problems: [ImportProblem]) {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch { throw .unreadableSource(path: path, reason: error.description) }
        let text = TextDecoding.utf8OrCP1252(bytes)
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let json = object as? [String: Any] else {
            throw .badRecord(ImportProblem(file: path, reason: "not a JSON object"))
        }
        var problems: [ImportProblem] = []
        var shapes: [Shape] = []
        let rawShapes = json["shapes"] as? [Any] ?? []
        if json["shapes"] != nil && !(json["shapes"] is [Any]) {
            problems.append(ImportProblem(file: path, field: "shapes", reason: "not a list"))
        }
        for (index, raw) in rawShapes.enumerated() {
            let location = "shapes[\(index)]"
            guard let shape = raw as? [String: Any] else {
                problems.append(ImportProblem(file: path, location: location, reason: "not an object"))
                continue
            }
            guard let label = shape["label"] as? String else {
                problems.append(ImportProblem(file: path, location: location, field: "label", reason: "missing or not text"))
                continue
            }
            guard let rawPoints = shape["points"] as? [Any] else {
                problems.append(ImportProblem(file: path, location: location, field: "points", reason: "missing or not a list"))
                continue
            }
            var points: [[Double]] = []
            var valid = true
            for point in rawPoints {
                guard let pair = point as? [Any], pair.count == 2, let x = (pair[0] as? NSNumber)?.doubleValue,
                      let y = (pair[1] as? NSNumber)?.doubleValue, x.isFinite, y.isFinite else {
                    valid = false
                    break
                }
                points.append([x, y])
            }
            guard valid else {
                problems.append(ImportProblem(file: path, location: location, field: "points",
                                              reason: "every point must be [x, y] with finite numbers"))
                continue
            }
            shapes.append(Shape(index: index, label: label, points: points, shapeType: shape["shape_type"] as? String ?? "polygon",
                                groupID: (shape["group_id"] as? NSNumber)?.intValue, mask: shape["mask"] as? String))
        }
        var texts: [String] = []
        if let list = json["text"] as? [Any] { texts = list.compactMap { $0 as? String } } else if let single = json["text"] as? String { texts = [single] }
        let document = LabelMeDocument(
            path: path, shapes: shapes, imagePath: json["imagePath"] as? String, imageData: json["imageData"] as? String,
            imageWidth: (json["imageWidth"] as? NSNumber)?.intValue, imageHeight: (json["imageHeight"] as? NSNumber)?.intValue,
            texts: texts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty },
            isSentence: (json["is_sentence"] as? NSNumber)?.boolValue)
        return (document, problems)
    }

    /// The geometry of a shape on an image of the given size, as LabelMe draws it: polygon,
    /// rectangle (2 corners), circle (center + rim point, as a 64-gon), mask (2 corners + a PNG
    /// crop). Lines and points have no area and are refused.
    public static func geometry(of shape: Shape, width: Int, height: Int) throws(ImportError) -> AnnotationGeometry {
        func fail(_ reason: String, field: String = "points") -> ImportError {
            .badRecord(ImportProblem(file: "", location: "shapes[\(shape.index)]", field: field, reason: reason))
        }
        let p = shape.points
        do {
            switch shape.shapeType {
            case "polygon":
                guard p.count >= 3 else { throw fail("a polygon needs at least 3 points, got \(p.count)") }
                return .polygons([try Polygon(exterior: p.flatMap { $0 })], imageWidth: width, imageHeight: height)
            case "rectangle":
                guard p.count == 2 else { throw fail("a rectangle needs 2 corners, got \(p.count) points") }
                let (x0, y0, x1, y1) = (min(p[0][0], p[1][0]), min(p[0][1], p[1][1]), max(p[0][0], p[1][0]), max(p[0][1], p[1][1]))
                guard x1 > x0, y1 > y0 else { throw fail("an empty rectangle") }
                return .polygons([try Polygon(exterior: [x0, y0, x1, y0, x1, y1, x0, y1])], imageWidth: width, imageHeight: height)
            case "circle":
                guard p.count == 2 else { throw fail("a circle needs a center and a rim point, got \(p.count) points") }
                let radius = ((p[1][0] - p[0][0]) * (p[1][0] - p[0][0]) + (p[1][1] - p[0][1]) * (p[1][1] - p[0][1])).squareRoot()
                guard radius > 0 else { throw fail("a circle of radius 0") }
                var ring: [Double] = []
                for step in 0..<64 {
                    let angle = Double(step) * 2 * Double.pi / 64
                    ring += [p[0][0] + radius * cos(angle), p[0][1] + radius * sin(angle)]
                }
                return .polygons([try Polygon(exterior: ring)], imageWidth: width, imageHeight: height)
            case "mask":
                guard p.count == 2 else { throw fail("a mask shape needs 2 bounding-box corners, got \(p.count) points") }
                guard let base64 = shape.mask, let data = Data(base64Encoded: base64) else {
                    throw fail("missing or invalid base64 PNG", field: "mask")
                }
                let crop: BinaryMask
                do { crop = try MaskPNG.mask(from: try PNGCodec.decode([UInt8](data), source: "mask"), source: "mask") } catch {
                    throw fail("\(error)", field: "mask")
                }
                let x0 = Int(p[0][0].rounded()), y0 = Int(p[0][1].rounded())
                var values = [UInt8](repeating: 0, count: width * height)
                for y in 0..<crop.height where y0 + y >= 0 && y0 + y < height {
                    for x in 0..<crop.width where x0 + x >= 0 && x0 + x < width && crop[x, y] {
                        values[(y0 + y) * width + x0 + x] = 1
                    }
                }
                return .rle(RLE(encoding: try BinaryMask(width: width, height: height, values: values)))
            default:
                throw fail("shape type \(shape.shapeType) has no area", field: "shape_type")
            }
        } catch let error as ImportError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}
