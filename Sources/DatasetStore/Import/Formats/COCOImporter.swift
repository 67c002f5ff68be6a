import Annotate
import Foundation

/// Imports a COCO instances JSON: images (from `imagesFolder` inside the root), categories, and
/// annotations whose segmentation is polygons, compressed RLE or uncompressed RLE (crowd
/// regions, `iscrowd: 1`, become ignore regions, with `iscrowd` kept in the attributes).
public struct COCOImporter: DatasetImporter {
    public static let format = "coco"

    /// The instances JSON (anywhere on disk: it is read, never referenced).
    public let annotationsPath: String
    /// Folder of the image files, relative to the dataset root ("" for the root itself).
    public let imagesFolder: String

    public init(annotationsPath: String, imagesFolder: String = "") {
        self.annotationsPath = annotationsPath
        self.imagesFolder = imagesFolder
    }

    struct Document: Decodable {
        struct Image: Decodable { var id: Int64; var file_name: String; var width: Int?; var height: Int? }
        struct Category: Decodable { var id: Int64; var name: String; var supercategory: String? }
        struct Annotation: Decodable {
            var id: Int64
            var image_id: Int64
            var category_id: Int64?
            var segmentation: Segmentation?
            var iscrowd: Int?
        }
        var images: [Image]
        var annotations: [Annotation]?
        var categories: [Category]?
    }

    /// COCO's `segmentation`: a list of polygons, or an RLE with string or integer counts.
    enum Segmentation: Decodable {
        case polygons([[Double]])
        case compressed(size: [Int], counts: String)
        case uncompressed(size: [Int], counts: [UInt32])

        private enum Keys: String, CodingKey { case size, counts }

        init(from decoder: any Decoder) throws {
            if let polygons = try? decoder.singleValueContainer().decode([[Double]].self) {
                self = .polygons(polygons)
                return
            }
            let container = try decoder.container(keyedBy: Keys.self)
            let size = try container.decode([Int].self, forKey: .size)
            if let text = try? container.decode(String.self, forKey: .counts) {
                self = .compressed(size: size, counts: text)
            } else {
                self = .uncompressed(size: size, counts: try container.decode([UInt32].self, forKey: .counts))
            }
        }
    }

    public func run(_ session: ImportSession) throws(ImportError) {
        let document: Document
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: annotationsPath), options: .mappedIfSafe)
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as DecodingError {
            throw .badRecord(ImportProblem(file: annotationsPath, field: Self.path(of: error), reason: "\(Self.reason(of: error))"))
        } catch {
            throw .unreadableSource(path: annotationsPath, reason: error.localizedDescription)
        }
        var categories: [Int64: ImportUnit.Category] = [:]
        for category in document.categories ?? [] {
            categories[category.id] = ImportUnit.Category(name: category.name, sourceID: String(category.id))
        }
        let byImage = Dictionary(grouping: document.annotations ?? [], by: \.image_id)
        let name = (annotationsPath as NSString).lastPathComponent
        for image in document.images.sorted(by: { $0.id < $1.id }) where !session.isFull {
            let imagePath = imagesFolder.isEmpty ? image.file_name : imagesFolder + "/" + image.file_name
            var width = image.width ?? 0, height = image.height ?? 0
            if width <= 0 || height <= 0 {
                do { (width, height) = try session.imageSize(imagePath) } catch {
                    try session.problem(ImportProblem(file: name, location: "image \(image.id)", field: "width",
                                                      reason: "missing, and the image is unreadable: \(error)"), category: "unreadable image")
                    continue
                }
            }
            var annotations: [ImportUnit.Annotation] = []
            for annotation in (byImage[image.id] ?? []).sorted(by: { $0.id < $1.id }) {
                let location = "annotation \(annotation.id)"
                guard let segmentation = annotation.segmentation else {
                    try session.problem(ImportProblem(file: name, location: location, field: "segmentation", reason: "missing"),
                                        category: "bad geometry")
                    continue
                }
                let category = annotation.category_id.flatMap { categories[$0] }
                if annotation.category_id != nil && category == nil {
                    try session.problem(ImportProblem(file: name, location: location, field: "category_id",
                                                      reason: "unknown category \(annotation.category_id!)"), category: "bad category")
                    continue
                }
                let geometry: AnnotationGeometry
                do {
                    geometry = try Self.geometry(segmentation, width: width, height: height)
                } catch {
                    try session.problem(ImportProblem(file: name, location: location, field: "segmentation", reason: "\(error)"),
                                        category: "bad geometry")
                    continue
                }
                let crowd = (annotation.iscrowd ?? 0) != 0
                annotations.append(ImportUnit.Annotation(key: "coco:\(annotation.id)", category: category, geometry: geometry,
                                                         isIgnore: crowd, attributesJSON: #"{"coco_id":\#(annotation.id),"iscrowd":\#(crowd ? 1 : 0)}"#))
            }
            try session.add(ImportUnit(imagePath: imagePath, sourceID: String(image.id), annotations: annotations,
                                       origin: "\(name): image \(image.id)"))
        }
    }

    static func geometry(_ segmentation: Segmentation, width: Int, height: Int) throws -> AnnotationGeometry {
        switch segmentation {
        case .polygons(let rings):
            guard !rings.isEmpty else { throw ImportError.badRecord(ImportProblem(file: "", reason: "no polygon")) }
            var polygons: [Polygon] = []
            for (index, ring) in rings.enumerated() {
                guard ring.count >= 6, ring.count % 2 == 0 else {
                    throw ImportError.badRecord(ImportProblem(file: "", reason: "polygon \(index) has \(ring.count / 2) points; at least 3 needed"))
                }
                polygons.append(try Polygon(exterior: ring))
            }
            return .polygons(polygons, imageWidth: width, imageHeight: height)
        case .compressed(let size, let counts):
            try check(size, width: width, height: height)
            return .rle(try RLE(height: size[0], width: size[1], compressedCounts: counts))
        case .uncompressed(let size, let counts):
            try check(size, width: width, height: height)
            return .rle(try RLE(height: size[0], width: size[1], counts: counts))
        }
    }

    static func check(_ size: [Int], width: Int, height: Int) throws {
        guard size == [height, width] else {
            throw ImportError.badRecord(ImportProblem(file: "", reason: "RLE size \(size) does not match the image (\(height), \(width))"))
        }
    }

    static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): context = c
        @unknown default: return "document"
        }
        var path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        if case .keyNotFound(let key, _) = error { path += ".\(key.stringValue)" }
        return path.isEmpty ? "document" : String(path.drop { $0 == "." })
    }

    static func reason(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): "expected \(type)"
        case .valueNotFound(let type, _): "missing \(type) value"
        case .keyNotFound: "missing"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "\(error)"
        }
    }
}
