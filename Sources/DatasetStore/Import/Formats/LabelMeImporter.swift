import Annotate
import Foundation

/// Imports a folder of LabelMe JSON files: one image each (`imagePath` relative to the JSON, or
/// the embedded `imageData`), one annotation per shape — or per `group_id`, which LabelMe uses
/// to join several shapes into one instance — labelled with its class. Labels named `ignore`
/// (or `__ignore__`) become ignore regions.
public struct LabelMeImporter: DatasetImporter {
    public static let format = "labelme"

    public init() {}

    public func run(_ session: ImportSession) throws(ImportError) {
        for path in try session.files(in: session.root.path, extensions: ["json"]) where !session.isFull {
            let relative = session.relative(path)
            let document: LabelMeDocument
            do {
                let (read, problems) = try LabelMeDocument.read(path)
                document = read
                for problem in problems { try session.problem(problem.relativeTo(relative), category: "bad shape") }
            } catch {
                if case .badRecord(let problem) = error { try session.problem(problem.relativeTo(relative), category: "bad file") } else {
                    try session.problem(ImportProblem(file: relative, reason: error.description), category: "bad file")
                }
                continue
            }
            let folder = (relative as NSString).deletingLastPathComponent
            guard let imageName = document.imagePath, !imageName.isEmpty else {
                try session.problem(ImportProblem(file: relative, field: "imagePath", reason: "missing"), category: "bad file")
                continue
            }
            let imagePath = folder.isEmpty ? imageName : folder + "/" + imageName
            let embedded = document.imageData.flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }.map { [UInt8]($0) }
            var width = document.imageWidth ?? 0, height = document.imageHeight ?? 0
            if width <= 0 || height <= 0 {
                do { (width, height) = try session.imageSize(imagePath) } catch {
                    try session.problem(ImportProblem(file: relative, field: "imageWidth", reason: "missing, and the image is unreadable: \(error)"),
                                        category: "bad file")
                    continue
                }
            }
            var groups: [(key: String, label: String, shapes: [LabelMeDocument.Shape])] = []
            for shape in document.shapes {
                let key = shape.groupID.map { "g:\(shape.label):\($0)" } ?? "s:\(shape.index)"
                if let index = groups.firstIndex(where: { $0.key == key }) { groups[index].shapes.append(shape) } else {
                    groups.append((key, shape.label, [shape]))
                }
            }
            var annotations: [ImportUnit.Annotation] = []
            for group in groups {
                var parts: [AnnotationGeometry] = []
                for shape in group.shapes {
                    do { parts.append(try LabelMeDocument.geometry(of: shape, width: width, height: height)) } catch {
                        if case .badRecord(let problem) = error { try session.problem(problem.relativeTo(relative), category: "bad shape") }
                    }
                }
                guard let geometry = try combine(parts, width: width, height: height, file: relative, session: session) else { continue }
                let lowered = group.label.lowercased()
                let isIgnore = lowered == "ignore" || lowered == "__ignore__"
                annotations.append(ImportUnit.Annotation(key: group.key, category: isIgnore ? nil : ImportUnit.Category(name: group.label),
                                                         geometry: geometry, isIgnore: isIgnore))
            }
            try session.add(ImportUnit(imagePath: imagePath, embeddedImage: embedded, sourceID: relative, annotations: annotations,
                                       origin: relative))
        }
    }

    /// One geometry for the shapes of an instance: polygons stay polygons; anything else is
    /// merged as a mask.
    func combine(_ parts: [AnnotationGeometry], width: Int, height: Int, file: String,
                 session: ImportSession) throws(ImportError) -> AnnotationGeometry? {
        guard !parts.isEmpty else { return nil }
        if parts.count == 1 { return parts[0] }
        var polygons: [Polygon] = []
        for part in parts {
            guard case .polygons(let list, _, _) = part else {
                do { return .rle(try RLE.merge(try parts.map { try $0.rle() })) } catch {
                    try session.problem(ImportProblem(file: file, reason: "cannot merge the shapes of a group: \(error)"), category: "bad shape")
                    return nil
                }
            }
            polygons += list
        }
        return .polygons(polygons, imageWidth: width, imageHeight: height)
    }
}

extension ImportProblem {
    /// The problem with its file named relative to the dataset root.
    func relativeTo(_ file: String) -> ImportProblem {
        var copy = self
        copy.file = file
        return copy
    }
}
