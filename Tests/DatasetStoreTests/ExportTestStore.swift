import Annotate
import DatasetStore
import Foundation
import GRDB
import TestSupport

/// A store with every kind of record the exporters must handle: the ReasonSeg samples (polygon
/// targets and ignore regions, explanations, split train, group keys), plus a PNG image (split
/// val) with an RLE target that has a hole, an RLE ignore region, a two-target instruction, a
/// negative, a templated prompt, a rejected instruction, a pending model pre-label and an
/// accepted annotation with an accepted instruction.
struct ExportTestStore {
    let folder: TemporaryFolder
    let store: DatasetStore
    let pngImageID: Int64
    /// instruction ids by role
    let multiTarget: Int64, negative: Int64, templated: Int64, prelabelInstruction: Int64, accepted: Int64, rejected: Int64
    let holeAnnotation: Int64

    static let pngWidth = 40, pngHeight = 30

    init() throws {
        folder = TemporaryFolder()
        store = try folder.store()
        let root = try copySamples("reasonseg", into: folder, as: "reasonseg")
        _ = try runImport(ReasonSegImporter(), store: store, root: root)
        let png = try folder.write("extra/blob.png", try smallPNG(seed: 7, width: Self.pngWidth, height: Self.pngHeight))
        _ = try ImageRegistrar(store: store).register([png], options: ImageRegistrationOptions(split: .val, groupKey: "extra"))
        let w = Self.pngWidth, h = Self.pngHeight
        func rectMask(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, hole: (Int, Int, Int, Int)? = nil) throws -> RLE {
            var values = [UInt8](repeating: 0, count: w * h)
            for y in y0..<y1 { for x in x0..<x1 { values[y * w + x] = 1 } }
            if let (hx0, hy0, hx1, hy1) = hole { for y in hy0..<hy1 { for x in hx0..<hx1 { values[y * w + x] = 0 } } }
            return RLE(encoding: try BinaryMask(width: w, height: h, values: values))
        }
        let ring = try rectMask(2, 2, 18, 16, hole: (6, 6, 12, 11))
        let blob = try rectMask(22, 4, 37, 25)
        let ignore = try rectMask(0, 20, 12, 30)
        let small = try rectMask(30, 26, 32, 28)
        var ids: [String: Int64] = [:]
        try store.write { db in
            let writer = RecordWriter(db)
            let imageID = try Int64.fetchOne(db, sql: "SELECT id FROM images WHERE group_key = 'extra'")!
            ids["image"] = imageID
            let cat = try writer.category(name: "ring")
            let cat2 = try writer.category(name: "blob")
            ids["ring"] = try writer.insert(AnnotationGeometry.rle(ring).annotation(imageID: imageID, categoryID: cat, instanceKey: "ring",
                                                                                     provenance: .human)).id
            ids["blob"] = try writer.insert(AnnotationGeometry.rle(blob).annotation(imageID: imageID, categoryID: cat2, instanceKey: "blob")).id
            ids["ignore"] = try writer.insert(AnnotationGeometry.rle(ignore).annotation(imageID: imageID, categoryID: nil, instanceKey: "ignore",
                                                                                         isIgnore: true)).id
            var pre = try AnnotationGeometry.rle(small).annotation(imageID: imageID, categoryID: cat2, instanceKey: "pre",
                                                                   provenance: .model(name: "sam", version: "1"))
            pre.score = 0.9
            ids["pre"] = try writer.insert(pre).id
            var acceptedBlob = try AnnotationGeometry.rle(blob).annotation(imageID: imageID, categoryID: cat2, instanceKey: "blob2")
            acceptedBlob.reviewState = .accepted
            ids["blob2"] = try writer.insert(acceptedBlob).id
            ids["multi"] = try writer.insert(NewInstruction(imageID: imageID, key: "multi", text: "the ring and the blob", kind: .referring,
                                                             isSentence: false, targetAnnotationIDs: [ids["ring"]!, ids["blob"]!])).id
            ids["negative"] = try writer.insert(NewInstruction(imageID: imageID, key: "neg", text: "the unicorn", kind: .referring,
                                                                isSentence: false)).id
            ids["single"] = try writer.insert(NewInstruction(imageID: imageID, key: "single",
                                                              text: "What could hold a small coin if it had a hole in the middle?",
                                                              kind: .reasoning, isSentence: true, targetAnnotationIDs: [ids["ring"]!])).id
            ids["templated"] = try writer.insert(NewInstruction(
                imageID: imageID, key: "tpl", text: "<image>\nCan you segment the blob in this image?", kind: .semantic,
                isSentence: false, answer: "It is [SEG].", origin: .template(id: "short-0", parentID: nil),
                targetAnnotationIDs: [ids["blob"]!])).id
            ids["pre-instruction"] = try writer.insert(NewInstruction(imageID: imageID, key: "pre", text: "the tiny square", kind: .referring,
                                                                       isSentence: false, targetAnnotationIDs: [ids["pre"]!])).id
            ids["accepted"] = try writer.insert(NewInstruction(imageID: imageID, key: "acc", text: "the reviewed blob", kind: .referring,
                                                                isSentence: false, status: .accepted, targetAnnotationIDs: [ids["blob2"]!])).id
            ids["rejected"] = try writer.insert(NewInstruction(imageID: imageID, key: "rej", text: "a bad query", kind: .referring,
                                                                isSentence: false, status: .rejected, targetAnnotationIDs: [ids["blob"]!])).id
        }
        pngImageID = ids["image"]!
        multiTarget = ids["multi"]!
        negative = ids["negative"]!
        templated = ids["templated"]!
        prelabelInstruction = ids["pre-instruction"]!
        accepted = ids["accepted"]!
        rejected = ids["rejected"]!
        holeAnnotation = ids["ring"]!
    }

    /// The stored mask of an annotation, decoded by us.
    func mask(_ annotationID: Int64) throws -> BinaryMask {
        let (kind, json, w, h) = try store.read { db -> (String, String, Int, Int) in
            let row = try Row.fetchOne(db, sql: """
                SELECT a.geometry_kind, a.geometry, i.width, i.height FROM annotations a JOIN images i ON i.id = a.image_id WHERE a.id = ?
                """, arguments: [annotationID])!
            return (row[0], row[1], row[2], row[3])
        }
        let geometry: AnnotationGeometry = kind == "rle"
            ? .rle(try JSONDecoder().decode(RLE.self, from: Data(json.utf8)))
            : .polygons(try JSONDecoder().decode([Polygon].self, from: Data(json.utf8)), imageWidth: w, imageHeight: h)
        return try geometry.rle().decode()
    }

    /// Targets of each instruction, by instruction id.
    func targets() throws -> [Int64: [Int64]] {
        try store.read { db in
            var out: [Int64: [Int64]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT instruction_id, annotation_id FROM instruction_targets ORDER BY 1, 2") {
                out[row[0], default: []].append(row[1])
            }
            return out
        }
    }

    /// Ignore annotation ids per image.
    func ignoreIDs(image: Int64) throws -> [Int64] {
        try store.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM annotations WHERE image_id = ? AND is_ignore = 1 ORDER BY id",
                                                  arguments: [image]) }
    }
}

/// A minimal ustar reader for the tests: (name, bytes) in archive order.
func readTar(_ path: String) throws -> [(String, [UInt8])] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var out: [(String, [UInt8])] = []
    var offset = 0
    while offset + 512 <= bytes.count {
        let header = Array(bytes[offset..<(offset + 512)])
        if header.allSatisfy({ $0 == 0 }) { break }
        let name = String(decoding: header[0..<100].prefix { $0 != 0 }, as: UTF8.self)
        let sizeText = String(decoding: header[124..<136].prefix { $0 != 0 && $0 != 32 }, as: UTF8.self)
        let size = Int(sizeText, radix: 8) ?? -1
        var check = 0
        for (i, b) in header.enumerated() { check += (148..<156).contains(i) ? 32 : Int(b) }
        let stored = Int(String(decoding: header[148..<156].prefix { $0 != 0 && $0 != 32 }, as: UTF8.self), radix: 8)
        guard size >= 0, stored == check else { throw CocoaError(.fileReadCorruptFile) }
        out.append((name, Array(bytes[(offset + 512)..<(offset + 512 + size)])))
        offset += 512 + (size + 511) / 512 * 512
    }
    return out
}
