import Annotate
import Foundation
import Serialization

/// Imports RefCOCO / RefCOCO+ / RefCOCOg / RefCLEF as the refer API lays them out: `refs(unc).p`
/// (`refs(umd).p`, `refs(google).p`) — a Python pickle list of refs `{ref_id, ann_id, image_id,
/// split, sentences: [{sent, raw, sent_id, tokens}]}` — plus the COCO `instances.json`.
///
/// The pickle is read with the data-only unpickler: plain containers, numbers and strings;
/// any other global (a pickle can name any function to call) refuses the whole file. Each
/// referenced COCO annotation becomes an annotation (its polygons or RLE as they are), and each
/// sentence of each ref a referring instruction targeting it. Images come from `imagesFolder`
/// under the instances' `file_name` (COCO train2014 naming, `COCO_train2014_%012d.jpg`, when
/// absent); the split is the ref's (`testA`/`testB` are test; the original is kept in the
/// annotation's attributes); the COCO image id is the group key.
public struct RefCOCOImporter: DatasetImporter {
    public static let format = "refcoco"

    /// The refs pickle, relative to the root; nil: the one `refs(*).p` file in the root.
    public var refsFile: String?
    public var instancesFile: String
    public var imagesFolder: String

    public init(refsFile: String? = nil, instancesFile: String = "instances.json", imagesFolder: String = "train2014") {
        self.refsFile = refsFile
        self.instancesFile = instancesFile
        self.imagesFolder = imagesFolder
    }

    struct Ref {
        var index: Int
        var refID: Int
        var annID: Int
        var imageID: Int
        var split: String
        var sentences: [(id: Int, text: String)]
    }

    struct CocoImage {
        var fileName: String?
        var width: Int?
        var height: Int?
    }

    public func run(_ session: ImportSession) throws(ImportError) {
        let refsName = try findRefs(session)
        let refs = try readRefs(refsName, session: session)
        let wanted = Set(refs.map(\.annID))
        let (images, annotations, categories) = try readInstances(wantedAnnotations: wanted, session: session)
        var byImage: [Int: [Ref]] = [:]
        for ref in refs { byImage[ref.imageID, default: []].append(ref) }
        for imageID in byImage.keys.sorted() where !session.isFull {
            try importImage(imageID, refs: byImage[imageID] ?? [], refsName: refsName, image: images[imageID],
                            annotations: annotations, categories: categories, session: session)
        }
    }

    private func findRefs(_ session: ImportSession) throws(ImportError) -> String {
        if let refsFile { return refsFile }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: session.root.path)) ?? []
        let found = entries.filter { $0.hasPrefix("refs(") && $0.hasSuffix(").p") }.sorted()
        guard found.count == 1 else {
            throw .unreadableSource(path: session.root.path, reason: found.isEmpty ? "no refs(*).p file found"
                                    : "several refs files (\(found.joined(separator: ", "))): choose one with --refs")
        }
        return found[0]
    }

    private func readRefs(_ name: String, session: ImportSession) throws(ImportError) -> [Ref] {
        let value: PickleValue
        do {
            let bytes = try FileBytes.read(try session.root.resolve(name))
            value = try Unpickler(source: name, policy: .dataOnly).load(bytes)
        } catch {
            throw .unreadableSource(path: name, reason: "\(error)")
        }
        guard let list = value.arrayValue else {
            throw .unreadableSource(path: name, reason: "expected a list of refs at the top level")
        }
        var refs: [Ref] = []
        for (index, item) in list.enumerated() {
            let location = "refs[\(index)]"
            func bad(_ field: String, _ reason: String) throws(ImportError) {
                try session.problem(ImportProblem(file: name, location: location, field: field, reason: reason), category: "bad ref")
            }
            guard item.dictValue != nil else { try bad("ref", "not a dict"); continue }
            guard let refID = item["ref_id"]?.intValue else { try bad("ref_id", "missing or not an integer"); continue }
            guard let annID = item["ann_id"]?.intValue else { try bad("ann_id", "missing or not an integer"); continue }
            guard let imageID = item["image_id"]?.intValue else { try bad("image_id", "missing or not an integer"); continue }
            let split = item["split"]?.stringValue ?? ""
            var sentences: [(Int, String)] = []
            for (k, sentence) in (item["sentences"]?.arrayValue ?? []).enumerated() {
                let text = (sentence["sent"]?.stringValue ?? sentence["raw"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { try bad("sentences[\(k)].sent", "missing or empty"); continue }
                sentences.append((sentence["sent_id"]?.intValue ?? k, text))
            }
            refs.append(Ref(index: index, refID: refID, annID: annID, imageID: imageID, split: split, sentences: sentences))
        }
        return refs
    }

    private func readInstances(wantedAnnotations: Set<Int>, session: ImportSession) throws(ImportError)
        -> ([Int: CocoImage], [Int: [String: Any]], [Int: String]) {
        let object: Any
        do {
            let bytes = try FileBytes.read(try session.root.resolve(instancesFile))
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw .unreadableSource(path: instancesFile, reason: "\(error)")
        }
        guard let top = object as? [String: Any] else { throw .unreadableSource(path: instancesFile, reason: "expected a JSON object") }
        var images: [Int: CocoImage] = [:]
        for case let image as [String: Any] in top["images"] as? [Any] ?? [] {
            guard let id = (image["id"] as? NSNumber)?.intValue else { continue }
            images[id] = CocoImage(fileName: image["file_name"] as? String, width: (image["width"] as? NSNumber)?.intValue,
                                   height: (image["height"] as? NSNumber)?.intValue)
        }
        var annotations: [Int: [String: Any]] = [:]
        for case let annotation as [String: Any] in top["annotations"] as? [Any] ?? [] {
            guard let id = (annotation["id"] as? NSNumber)?.intValue, wantedAnnotations.contains(id) else { continue }
            annotations[id] = annotation
        }
        var categories: [Int: String] = [:]
        for case let category as [String: Any] in top["categories"] as? [Any] ?? [] {
            if let id = (category["id"] as? NSNumber)?.intValue, let name = category["name"] as? String { categories[id] = name }
        }
        return (images, annotations, categories)
    }

    private func importImage(_ imageID: Int, refs: [Ref], refsName: String, image: CocoImage?, annotations: [Int: [String: Any]],
                             categories: [Int: String], session: ImportSession) throws(ImportError) {
        let location = "images[id=\(imageID)]"
        let fileName = image?.fileName ?? String(format: "COCO_train2014_%012d.jpg", imageID)
        let imagePath = imagesFolder.isEmpty ? fileName : imagesFolder + "/" + fileName
        do { _ = try session.root.resolve(imagePath) } catch {
            if case .escapesRoot = error {
                try session.problem(ImportProblem(file: instancesFile, location: location, field: "file_name",
                                                  reason: "image path \(imagePath) escapes the dataset root"), category: "path escapes root")
                return
            }
        }
        var width = image?.width ?? 0, height = image?.height ?? 0
        if width <= 0 || height <= 0 {
            do { (width, height) = try session.imageSize(imagePath) } catch {
                try session.problem(ImportProblem(file: instancesFile, location: location, field: "file_name", reason: error.description),
                                    category: "unreadable image")
                return
            }
        }
        var units: [ImportUnit.Annotation] = []
        var instructions: [ImportUnit.Instruction] = []
        var done: Set<Int> = []
        for ref in refs {
            let refLocation = "refs[\(ref.index)] (ref_id \(ref.refID))"
            guard let annotation = annotations[ref.annID] else {
                try session.problem(ImportProblem(file: refsName, location: refLocation, field: "ann_id",
                                                  reason: "annotation \(ref.annID) is not in \(instancesFile)"), category: "missing annotation")
                continue
            }
            let key = "ann:\(ref.annID)"
            if !done.contains(ref.annID) {
                let geometry: AnnotationGeometry
                do { geometry = try Self.geometry(annotation["segmentation"], width: width, height: height) } catch {
                    try session.problem(ImportProblem(file: instancesFile, location: "annotations[id=\(ref.annID)]", field: "segmentation",
                                                      reason: "\(error)"), category: "bad geometry")
                    continue
                }
                done.insert(ref.annID)
                let categoryID = (annotation["category_id"] as? NSNumber)?.intValue
                let category = categoryID.map { id in ImportUnit.Category(name: categories[id] ?? "coco category \(id)", sourceID: String(id)) }
                let mine = refs.filter { $0.annID == ref.annID }
                let attributes: [String: Any] = ["ann_id": ref.annID, "ref_ids": mine.map(\.refID), "ref_splits": mine.map(\.split),
                                                 "iscrowd": (annotation["iscrowd"] as? NSNumber)?.intValue ?? 0]
                let json = (try? JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
                units.append(ImportUnit.Annotation(key: key, category: category, geometry: geometry, attributesJSON: json))
            }
            for sentence in ref.sentences {
                instructions.append(ImportUnit.Instruction(key: "ref:\(ref.refID):\(sentence.id)", text: sentence.text, kind: .referring,
                                                           isSentence: false, targetKeys: [key]))
            }
        }
        guard !units.isEmpty else { return }
        let split: Split? = switch refs[0].split {
        case "train": .train
        case "val": .val
        case "test", "testA", "testB", "testC": .test
        default: nil
        }
        try session.add(ImportUnit(imagePath: imagePath, sourceID: String(imageID), groupKey: String(imageID), split: split,
                                   annotations: units, instructions: instructions, origin: "\(instancesFile):\(location)"))
    }

    enum GeometryError: Error, CustomStringConvertible {
        case invalid(String)
        var description: String { switch self { case .invalid(let reason): reason } }
    }

    /// A COCO segmentation: a list of polygons, or an RLE (compressed string or count list).
    static func geometry(_ value: Any?, width: Int, height: Int) throws -> AnnotationGeometry {
        if let polygons = value as? [Any] {
            guard !polygons.isEmpty else { throw GeometryError.invalid("no polygon") }
            var result: [Polygon] = []
            for (index, item) in polygons.enumerated() {
                guard let numbers = item as? [Any], let coordinates = Optional(numbers.compactMap { ($0 as? NSNumber)?.doubleValue }),
                      coordinates.count == numbers.count else {
                    throw GeometryError.invalid("polygon \(index) is not a list of numbers")
                }
                guard coordinates.count >= 6, coordinates.count % 2 == 0 else {
                    throw GeometryError.invalid("polygon \(index) has \(coordinates.count / 2) points; a polygon needs at least 3")
                }
                result.append(try Polygon(exterior: coordinates))
            }
            return .polygons(result, imageWidth: width, imageHeight: height)
        }
        if let rle = value as? [String: Any] {
            guard let size = rle["size"] as? [Any], size.count == 2, let h = (size[0] as? NSNumber)?.intValue,
                  let w = (size[1] as? NSNumber)?.intValue else { throw GeometryError.invalid("RLE without a [h, w] size") }
            guard h == height, w == width else {
                throw GeometryError.invalid("RLE size [\(h), \(w)] is not the image's [\(height), \(width)]")
            }
            if let counts = rle["counts"] as? String { return .rle(try RLE(height: h, width: w, compressedCounts: counts)) }
            if let counts = rle["counts"] as? [Any] {
                let values = counts.compactMap { ($0 as? NSNumber)?.intValue }
                guard values.count == counts.count, values.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }) else {
                    throw GeometryError.invalid("RLE counts are not non-negative integers")
                }
                return .rle(try RLE(height: h, width: w, counts: values.map { UInt32($0) }))
            }
            throw GeometryError.invalid("RLE without counts")
        }
        throw GeometryError.invalid("expected a list of polygons or an RLE object")
    }
}
