import Annotate
import Foundation

/// Imports a COCO instances JSON: images (from `imagesFolder` inside the root), categories, and
/// annotations whose segmentation is polygons, compressed RLE or uncompressed RLE (crowd
/// regions, `iscrowd: 1`, become ignore regions, with `iscrowd` kept in the attributes).
///
/// The JSON is streamed, never loaded whole: it is staged record by record on disk
/// (`COCOStaging`), then imported image by image in id order, each image with all its
/// annotations in one unit (so an interrupted import leaves whole images and its re-run adds
/// the rest), whatever the order of the file's arrays. Memory stays flat in the file's size.
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

    public func run(_ session: ImportSession) throws(ImportError) {
        let name = (annotationsPath as NSString).lastPathComponent
        let staging = try COCOStaging(path: annotationsPath)
        var categories: [Int64: ImportUnit.Category] = [:]
        for category in staging.categories.values {
            categories[category.id] = ImportUnit.Category(name: category.name, sourceID: String(category.id))
        }
        try staging.forEachImage { (image: COCOStaging.Image, staged: [COCOStaging.Annotation]) throws(ImportError) -> Bool in
            if session.isFull { return false }
            try importImage(image, annotations: staged, categories: categories, name: name, session: session)
            return !session.isFull
        }
    }

    private func importImage(_ image: COCOStaging.Image, annotations staged: [COCOStaging.Annotation],
                             categories: [Int64: ImportUnit.Category], name: String, session: ImportSession) throws(ImportError) {
        let imagePath = imagesFolder.isEmpty ? image.fileName : imagesFolder + "/" + image.fileName
        var width = image.width ?? 0, height = image.height ?? 0
        if width <= 0 || height <= 0 {
            do { (width, height) = try session.imageSize(imagePath) } catch {
                try session.problem(ImportProblem(file: name, location: "image \(image.id)", field: "width",
                                                  reason: "missing, and the image is unreadable: \(error)"), category: "unreadable image")
                return
            }
        }
        var annotations: [ImportUnit.Annotation] = []
        for annotation in staged {
            let location = "annotation \(annotation.id)"
            guard let segmentation = annotation.segmentation else {
                try session.problem(ImportProblem(file: name, location: location, field: "segmentation", reason: "missing"),
                                    category: "bad geometry")
                continue
            }
            let category = annotation.categoryID.flatMap { categories[$0] }
            if let categoryID = annotation.categoryID, category == nil {
                try session.problem(ImportProblem(file: name, location: location, field: "category_id",
                                                  reason: "unknown category \(categoryID)"), category: "bad category")
                continue
            }
            let geometry: AnnotationGeometry
            do {
                geometry = try segmentation.geometry(width: width, height: height)
            } catch {
                try session.problem(ImportProblem(file: name, location: location, field: "segmentation", reason: "\(error)"),
                                    category: "bad geometry")
                continue
            }
            let crowd = (annotation.isCrowd ?? 0) != 0
            annotations.append(ImportUnit.Annotation(key: "coco:\(annotation.id)", category: category, geometry: geometry,
                                                     isIgnore: crowd, attributesJSON: #"{"coco_id":\#(annotation.id),"iscrowd":\#(crowd ? 1 : 0)}"#))
        }
        try session.add(ImportUnit(imagePath: imagePath, sourceID: String(image.id), annotations: annotations,
                                   origin: "\(name): image \(image.id)"))
    }
}
