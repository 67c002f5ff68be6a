import Annotate
import Foundation
import Serialization

/// Imports RefCOCO / RefCOCO+ / RefCOCOg / RefCLEF as the refer API lays them out: `refs(unc).p`
/// (`refs(umd).p`, `refs(google).p`) — a Python pickle list of refs `{ref_id, ann_id, image_id,
/// split, sentences: [{sent, raw, sent_id, tokens}]}` — plus the COCO `instances.json`.
///
/// The refs pickle is small and read whole; `instances.json` (COCO's, hundreds of MB) is
/// streamed, keeping only the images and annotations the refs name.
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
        let (images, annotations, categories) = try readInstances(wantedImages: Set(refs.map(\.imageID)),
                                                                  wantedAnnotations: Set(refs.map(\.annID)), session: session)
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

    /// Streams `instances.json` (COCO's is hundreds of MB), keeping only the images and
    /// annotations the refs name, and the categories.
    private func readInstances(wantedImages: Set<Int>, wantedAnnotations: Set<Int>, session: ImportSession) throws(ImportError)
        -> ([Int: CocoImage], [Int: JSONValue], [Int: String]) {
        var images: [Int: CocoImage] = [:]
        var annotations: [Int: JSONValue] = [:]
        var categories: [Int: String] = [:]
        do {
            let reader = try JSONReader(path: try session.root.resolve(instancesFile), displayName: instancesFile)
            guard try reader.peekKind() == .object else {
                throw ImportError.unreadableSource(path: instancesFile, reason: "expected a JSON object")
            }
            try reader.beginObject()
            while let key = try reader.nextKey() {
                guard ["images", "annotations", "categories"].contains(key), try reader.peekKind() == .array else {
                    try reader.skipValue()
                    continue
                }
                try reader.beginArray()
                while try reader.nextElement() {
                    let record = try reader.readValue()
                    guard let id = record["id"]?.int64Value.flatMap({ Int(exactly: $0) }) else { continue }
                    switch key {
                    case "images" where wantedImages.contains(id):
                        images[id] = CocoImage(fileName: record["file_name"]?.stringValue,
                                               width: record["width"]?.int64Value.flatMap { Int(exactly: $0) },
                                               height: record["height"]?.int64Value.flatMap { Int(exactly: $0) })
                    case "annotations" where wantedAnnotations.contains(id):
                        annotations[id] = record
                    case "categories":
                        if let name = record["name"]?.stringValue { categories[id] = name }
                    default: break
                    }
                }
            }
            try reader.finish()
        } catch let error as ImportError {
            throw error
        } catch let error as JSONError {
            throw .unreadableSource(path: instancesFile, reason: error.reason + (error.position.map { " (at \($0))" } ?? ""))
        } catch {
            throw .unreadableSource(path: instancesFile, reason: "\(error)")
        }
        return (images, annotations, categories)
    }

    private func importImage(_ imageID: Int, refs: [Ref], refsName: String, image: CocoImage?, annotations: [Int: JSONValue],
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
                let categoryID = annotation["category_id"]?.int64Value.flatMap { Int(exactly: $0) }
                let category = categoryID.map { id in ImportUnit.Category(name: categories[id] ?? "coco category \(id)", sourceID: String(id)) }
                let mine = refs.filter { $0.annID == ref.annID }
                let attributes: [String: Any] = ["ann_id": ref.annID, "ref_ids": mine.map(\.refID), "ref_splits": mine.map(\.split),
                                                 "iscrowd": annotation["iscrowd"]?.int64Value.flatMap { Int(exactly: $0) } ?? 0]
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
    static func geometry(_ value: JSONValue?, width: Int, height: Int) throws -> AnnotationGeometry {
        if let polygons = value?.arrayValue {
            guard !polygons.isEmpty else { throw GeometryError.invalid("no polygon") }
            var rings: [[Double]] = []
            for (index, item) in polygons.enumerated() {
                guard let numbers = item.arrayValue, let coordinates = Optional(numbers.compactMap(\.doubleValue)),
                      coordinates.count == numbers.count else {
                    throw GeometryError.invalid("polygon \(index) is not a list of numbers")
                }
                rings.append(coordinates)
            }
            return .polygons(try COCOSegmentation.polygons(rings), imageWidth: width, imageHeight: height)
        }
        if let rle = value, rle.objectValue != nil {
            guard let size = rle["size"]?.arrayValue, size.count == 2, let h = size[0].int64Value.flatMap({ Int(exactly: $0) }),
                  let w = size[1].int64Value.flatMap({ Int(exactly: $0) }) else { throw GeometryError.invalid("RLE without a [h, w] size") }
            guard h == height, w == width else {
                throw GeometryError.invalid("RLE size [\(h), \(w)] is not the image's [\(height), \(width)]")
            }
            if let counts = rle["counts"]?.stringValue { return .rle(try RLE(height: h, width: w, compressedCounts: counts)) }
            if let counts = rle["counts"]?.arrayValue {
                let values = counts.compactMap(\.int64Value)
                guard values.count == counts.count, values.allSatisfy({ $0 >= 0 && $0 <= Int64(UInt32.max) }) else {
                    throw GeometryError.invalid("RLE counts are not non-negative integers")
                }
                return .rle(try RLE(height: h, width: w, counts: values.map { UInt32($0) }))
            }
            throw GeometryError.invalid("RLE without counts")
        }
        throw GeometryError.invalid("expected a list of polygons or an RLE object")
    }
}
