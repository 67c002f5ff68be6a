import Annotate
import DatasetStore
import Foundation
import GRDB
import Testing
import TestSupport

/// Runs an importer over a folder into a store.
func runImport<I: DatasetImporter>(_ importer: I, store: DatasetStore, root: String, dataset: String? = nil,
                                   strict: Bool = false, batchSize: Int = 3) throws -> ImportReport {
    let session = ImportSession(store: store, root: try DatasetRoot(folder: root), dataset: dataset ?? I.format, format: I.format,
                                options: ImportOptions(strict: strict, batchSize: batchSize))
    try importer.run(session)
    return try session.finish()
}

/// Copies the bundled samples (or a part of them) into a temporary dataset root.
func copySamples(_ subfolder: String, into folder: TemporaryFolder, as name: String) throws -> String {
    let target = folder.file(name)
    try FileManager.default.copyItem(atPath: repositoryRoot + "/samples/" + subfolder, toPath: target)
    return target
}

/// The stored annotations of an image, by instance key: geometry kind and JSON, ignore flag.
func storedAnnotations(_ store: DatasetStore, sourceID: String) throws -> [String: (kind: String, json: String, ignore: Bool, category: String?)] {
    try store.read { db in
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.instance_key, a.geometry_kind, a.geometry, a.is_ignore, c.name FROM annotations a
            JOIN image_sources s ON s.image_id = a.image_id LEFT JOIN categories c ON c.id = a.category_id
            WHERE s.source_id = ?
            """, arguments: [sourceID])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0], ($0[1], $0[2], $0[3], $0[4])) })
    }
}

func decodeRLE(_ json: String) throws -> RLE { try JSONDecoder().decode(RLE.self, from: Data(json.utf8)) }
func decodePolygons(_ json: String) throws -> [Polygon] { try JSONDecoder().decode([Polygon].self, from: Data(json.utf8)) }

@Suite("Importing ReasonSeg")
struct ReasonSegImportTests {
    let folder = TemporaryFolder()

    @Test("the bundled sample imports exactly: LISA's loader rebuilds the same masks from what we stored")
    func exact() throws {
        let store = try folder.store()
        let root = try copySamples("reasonseg", into: folder, as: "ReasonSeg")
        let report = try runImport(ReasonSegImporter(), store: store, root: root)
        #expect(report.images.added == 4 && report.annotations.added == 6 && report.instructions.added == 6 && report.problemCount == 0)
        for name in ["coffee", "chelsea", "astronaut", "rocket"] {
            let jsonPath = root + "/train/\(name).json"
            let original = try ReasonSegRasterizer.read(contentsOf: jsonPath)
            let size = try ReasonSegRasterizer.imageSize(annotation: original, imagePath: root + "/train/\(name).jpg", source: jsonPath)
            let expected = try ReasonSegRasterizer.mask(for: original, width: size.width, height: size.height)
            // Rebuild a ReasonSeg JSON from the store and rasterize it with the same rule.
            let stored = try storedAnnotations(store, sourceID: "train/\(name).jpg")
            var shapes: [[String: Any]] = []
            for (key, annotation) in stored.sorted(by: { $0.key < $1.key }) {
                let polygon = try #require(try decodePolygons(annotation.json).first, "\(key)")
                let points = stride(from: 0, to: polygon.exterior.count, by: 2).map { [polygon.exterior[$0], polygon.exterior[$0 + 1]] }
                shapes.append(["label": annotation.ignore ? "ignore" : "target", "points": points])
            }
            let rebuilt = try JSONSerialization.data(withJSONObject: ["text": ["x"], "is_sentence": true, "shapes": shapes])
            let mask = try ReasonSegRasterizer.mask(for: try ReasonSegRasterizer.parse([UInt8](rebuilt), source: name),
                                                    width: size.width, height: size.height)
            #expect(mask == expected, "\(name)")
        }
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.text, i.kind, i.is_sentence, i.explanation, im.split, im.group_key,
                  (SELECT count(*) FROM instruction_targets t WHERE t.instruction_id = i.id) AS targets
                FROM instructions i JOIN images im ON im.id = i.image_id ORDER BY i.id
                """)
        }
        let stir = try #require(rows.first { ($0["text"] as String).hasPrefix("What would you use to stir") })
        #expect(stir["kind"] as String == "reasoning" && stir["is_sentence"] as Bool && stir["targets"] as Int == 1)
        #expect((stir["explanation"] as String?)?.contains("spoon") == true)
        #expect(stir["split"] as String == "train" && stir["group_key"] as String == "coffee.jpg")
        let eyes = try #require(rows.first { ($0["text"] as String).contains("dim light") })
        #expect(eyes["kind"] as String == "referring" && !(eyes["is_sentence"] as Bool) && eyes["targets"] as Int == 2)
        // Twice: nothing new.
        let again = try runImport(ReasonSegImporter(), store: store, root: root)
        #expect(again.images.added == 0 && again.annotations.added == 0 && again.instructions.added == 0)
        #expect(again.images.alreadyPresent == 4 && again.instructions.alreadyPresent == 6)
    }

    @Test("shapes of 1 or 2 points become the dot or line LISA's loader draws (OpenCV, tools/reasonseg_short_shapes.py)")
    func shortShapes() throws {
        let fixture = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            ImporterFixtures.folder + "/reasonseg_short_shapes.json"))) as? [String: Any])
        let store = try folder.store()
        let root = folder.file("short")
        try FileManager.default.createDirectory(atPath: root + "/val", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/samples/images/coffee.jpg", toPath: root + "/val/short.jpg")
        let document = try JSONSerialization.data(withJSONObject: fixture["document"] as Any)
        try document.write(to: URL(fileURLWithPath: root + "/val/short.json"))
        let report = try runImport(ReasonSegImporter(), store: store, root: root)
        let masks = try #require(fixture["masks"] as? [[String: Any]])
        #expect(report.problemCount == 0 && report.annotations.added == masks.count, "\(report.problems)")
        let stored = try storedAnnotations(store, sourceID: "val/short.jpg")
        let shapes = try #require((fixture["document"] as? [String: Any])?["shapes"] as? [[String: Any]])
        for (index, expected) in masks.enumerated() {
            let annotation = try #require(stored["shape:\(index)"])
            #expect(annotation.kind == "rle")
            let rle = try decodeRLE(annotation.json)
            let want = try RLE(height: 400, width: 600, compressedCounts: try #require(expected["counts"] as? String))
            #expect(rle == want && rle.area == expected["area"] as? Int, "shape \(index)")
            #expect(annotation.ignore == ((shapes[index]["label"] as? String)?.contains("ignore") ?? false))
        }
        // The instruction targets every non-ignore shape.
        let targets = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM instruction_targets") }
        #expect(targets == masks.count - 1)
    }

    @Test("bad records are reported with file, record and field, and skipped; --strict stops")
    func badRecords() throws {
        let store = try folder.store()
        let root = try copySamples("reasonseg", into: folder, as: "RS")
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: root + "/train/coffee.jpg"))
        try Data(jpeg).write(to: URL(fileURLWithPath: root + "/train/nojson.jpg"))
        try Data(jpeg.prefix(jpeg.count / 3)).write(to: URL(fileURLWithPath: root + "/train/broken.jpg"))
        try folder.write("RS/train/broken.json", Array(#"{"text": ["what is it"], "is_sentence": true, "shapes": []}"#.utf8))
        try folder.write("RS/val/two.json", Array(#"{"text": ["a thing"], "is_sentence": false, "shapes": [{"label": "target", "points": [[1, 2], [3, 4]]}, {"label": "target", "points": [[1, "x"]]}]}"#.utf8))
        try Data(jpeg).write(to: URL(fileURLWithPath: root + "/val/two.jpg"))
        try folder.write("RS/val/garbage.json", Array("{not json".utf8))
        try Data(jpeg.prefix(100)).write(to: URL(fileURLWithPath: root + "/val/garbage.jpg"))
        try folder.write("outside/secret.jpg", [UInt8](jpeg))
        try FileManager.default.createSymbolicLink(atPath: root + "/val/escape.jpg", withDestinationPath: folder.file("outside/secret.jpg"))
        let report = try runImport(ReasonSegImporter(), store: store, root: root)
        let text = report.problems.map(\.description)
        #expect(text.contains { $0.hasPrefix("train/nojson.json: missing") })
        #expect(text.contains { $0.hasPrefix("train/broken.json: field image:") && $0.contains("Premature end of JPEG file") })
        // A 2-point shape is drawn as LISA draws it (a line), not refused (see shortShapes).
        #expect(!text.contains { $0.hasPrefix("val/two.json:shapes[0]") })
        #expect(text.contains { $0.hasPrefix("val/two.json:shapes[1]: field points:") })
        #expect(text.contains { $0 == "val/garbage.json: not a JSON object" }, "\(text)")
        #expect(text.contains { $0.contains("escape.jpg") && $0.contains("outside the dataset root") })
        #expect(report.images.added == 4)
        #expect(try store.integrityProblems().isEmpty)
        #expect(throws: ImportError.self) { try runImport(ReasonSegImporter(), store: try folder.store("strict.db"), root: root, strict: true) }
    }
}

@Suite("Importing LabelMe")
struct LabelMeImportTests {
    let folder = TemporaryFolder()

    @Test("the bundled sample: one annotation per shape, labelled, polygons kept exactly")
    func sample() throws {
        let store = try folder.store()
        let root = try copySamples("images", into: folder, as: "lm")
        let report = try runImport(LabelMeImporter(), store: store, root: root)
        #expect(report.images.added == 4 && report.annotations.added == 13 && report.problemCount == 0)
        let coffee = try storedAnnotations(store, sourceID: "coffee.json")
        #expect(Set(coffee.values.compactMap(\.category)) == ["cup", "spoon", "saucer"])
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/coffee.json"))) as! [String: Any]
        let shapes = document["shapes"] as! [[String: Any]]
        for (index, shape) in shapes.enumerated() {
            let stored = try #require(coffee["s:\(index)"])
            let polygon = try #require(try decodePolygons(stored.json).first)
            let points = (shape["points"] as! [[Double]]).flatMap { $0 }
            #expect(polygon.exterior == points)
        }
        #expect(try runImport(LabelMeImporter(), store: store, root: root).annotations.added == 0)
    }

    @Test("rectangles, circles, masks, groups and embedded imageData")
    func shapeTypes() throws {
        let store = try folder.store()
        let png = try smallPNG(seed: 5, width: 40, height: 30)
        let crop = try MaskPNG.encode(try BinaryMask(width: 4, height: 3, values: [1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1]))
        let json: [String: Any] = [
            "version": "5.4.1", "flags": [:], "imagePath": "missing.png", "imageData": png.base64(), "imageHeight": 30, "imageWidth": 40,
            "shapes": [
                ["label": "box", "points": [[2, 3], [12, 9]], "shape_type": "rectangle", "group_id": NSNull(), "flags": [:]],
                ["label": "disk", "points": [[20, 15], [25, 15]], "shape_type": "circle", "group_id": NSNull(), "flags": [:]],
                ["label": "blob", "points": [[30, 20], [33, 22]], "shape_type": "mask", "mask": crop.base64(), "group_id": NSNull(), "flags": [:]],
                ["label": "car", "points": [[0, 0], [5, 0], [5, 5]], "shape_type": "polygon", "group_id": 7, "flags": [:]],
                ["label": "car", "points": [[30, 0], [39, 0], [39, 8]], "shape_type": "polygon", "group_id": 7, "flags": [:]],
                ["label": "wire", "points": [[0, 29], [39, 29]], "shape_type": "line", "group_id": NSNull(), "flags": [:]],
                ["label": "__ignore__", "points": [[10, 20], [15, 20], [15, 25]], "shape_type": "polygon", "group_id": NSNull(), "flags": [:]],
            ],
        ]
        try folder.write("lm2/one.json", [UInt8](try JSONSerialization.data(withJSONObject: json)))
        let report = try runImport(LabelMeImporter(), store: store, root: folder.file("lm2"))
        #expect(report.images.added == 1 && report.annotations.added == 5)
        #expect(report.problems.map(\.description) == ["one.json:shapes[5]: field shape_type: shape type line has no area"])
        let stored = try storedAnnotations(store, sourceID: "one.json")
        #expect(try decodePolygons(stored["s:0"]!.json)[0].exterior == [2, 3, 12, 3, 12, 9, 2, 9])
        #expect(try decodePolygons(stored["s:1"]!.json)[0].exterior.count == 128)
        let blob = try decodeRLE(stored["s:2"]!.json).decode()
        #expect(blob.area == 7 && blob[30, 20] && blob[31, 20] && !blob[32, 20] && blob[33, 22])
        #expect(try decodePolygons(stored["g:car:7"]!.json).count == 2 && stored["g:car:7"]!.category == "car")
        #expect(stored["s:6"]!.ignore && stored["s:6"]!.category == nil)
        // The image came from imageData: stored as a blob.
        let image = try #require(try store.read { try ImageRecord.fetchOne($0, sql: "SELECT * FROM images") })
        #expect(image.storage == .blob && image.width == 40 && image.height == 30)
    }
}

@Suite("Importing COCO")
struct COCOImportTests {
    let folder = TemporaryFolder()

    @Test("polygons, compressed and uncompressed RLE, crowd; exact masks; twice; bad records")
    func coco() throws {
        let store = try folder.store()
        let root = try copySamples("images", into: folder, as: "coco")
        var generator = SystemRandomNumberGenerator()
        let pixels = (0..<(400 * 600)).map { _ in UInt8.random(in: 0...9, using: &generator) == 0 ? UInt8(1) : 0 }
        let noise = RLE(encoding: try BinaryMask(width: 600, height: 400, values: pixels))
        let crowd = RLE(encoding: try BinaryMask(width: 600, height: 400, values: pixels.map { 1 - $0 }))
        let instances: [String: Any] = [
            "images": [["id": 1, "file_name": "coffee.jpg", "width": 600, "height": 400],
                       ["id": 2, "file_name": "chelsea.jpg", "width": 451, "height": 300],
                       ["id": 3, "file_name": "nothere.jpg", "width": 10, "height": 10]],
            "categories": [["id": 47, "name": "cup", "supercategory": "kitchen"], ["id": 17, "name": "cat", "supercategory": "animal"]],
            "annotations": [
                ["id": 10, "image_id": 1, "category_id": 47, "segmentation": [[178, 95, 195, 45, 250, 22, 320, 20], [10, 10, 20, 10, 20, 20]], "iscrowd": 0],
                ["id": 11, "image_id": 1, "category_id": 47, "segmentation": ["size": [400, 600], "counts": noise.compressedCounts], "iscrowd": 0],
                ["id": 12, "image_id": 1, "category_id": 47, "segmentation": ["size": [400, 600], "counts": crowd.counts.map(Int.init)], "iscrowd": 1],
                ["id": 13, "image_id": 2, "category_id": 17, "segmentation": [[1, 2, 3, 4]], "iscrowd": 0],
                ["id": 14, "image_id": 2, "category_id": 17, "segmentation": ["size": [10, 10], "counts": "0"], "iscrowd": 0],
                ["id": 15, "image_id": 2, "category_id": 99, "segmentation": [[1, 2, 30, 4, 5, 60]], "iscrowd": 0],
                ["id": 16, "image_id": 2, "category_id": 17, "segmentation": ["size": [300, 451], "counts": "!!!"], "iscrowd": 0],
                ["id": 17, "image_id": 2, "category_id": 17, "segmentation": [[100, 100, 200, 100, 150, 200]], "iscrowd": 0],
            ],
        ]
        let path = try folder.write("instances.json", [UInt8](try JSONSerialization.data(withJSONObject: instances)))
        let report = try runImport(COCOImporter(annotationsPath: path), store: store, root: root)
        #expect(report.images.added == 2 && report.annotations.added == 4)
        let problems = report.problems.map(\.description)
        #expect(problems.contains { $0.hasPrefix("instances.json:annotation 13: field segmentation:") && $0.contains("2 points") })
        #expect(problems.contains { $0.hasPrefix("instances.json:annotation 14: field segmentation:") && $0.contains("does not match") })
        #expect(problems.contains { $0 == "instances.json:annotation 15: field category_id: unknown category 99" })
        #expect(problems.contains { $0.hasPrefix("instances.json:annotation 16: field segmentation:") })
        #expect(problems.contains { $0.hasPrefix("instances.json: image 3: field image:") })
        let coffee = try storedAnnotations(store, sourceID: "1")
        #expect(try decodeRLE(coffee["coco:11"]!.json) == noise)
        #expect(try decodeRLE(coffee["coco:12"]!.json) == crowd && coffee["coco:12"]!.ignore)
        #expect(try decodePolygons(coffee["coco:10"]!.json).map(\.exterior) == [[178, 95, 195, 45, 250, 22, 320, 20], [10, 10, 20, 10, 20, 20]])
        // The stored area is the pixel count of the mask (pycocotools' rasterization for polygons).
        let area = try store.read { try Double.fetchOne($0, sql: "SELECT area FROM annotations WHERE instance_key = 'coco:11'") }
        #expect(area == Double(noise.area))
        let again = try runImport(COCOImporter(annotationsPath: path), store: store, root: root)
        #expect(again.annotations.added == 0 && again.annotations.alreadyPresent == 4)
        let badPath = try folder.write("bad.json", Array(#"{"images": [{"id": "x", "file_name": 3}]}"#.utf8))
        let error = #expect(throws: ImportError.self) { try runImport(COCOImporter(annotationsPath: badPath), store: store, root: root) }
        #expect(error?.description.hasPrefix("\(badPath): field images[0].id:") == true)
    }
}

extension COCOImportTests {
    /// The store's content as sorted lines (image sources, annotations with geometry and area).
    static func digest(_ store: DatasetStore) throws -> [String] {
        try store.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'i|' || s.source_id || '|' || i.sha256 FROM images i JOIN image_sources s ON s.image_id = i.id
                UNION ALL
                SELECT 'a|' || s.source_id || '|' || a.instance_key || '|' || ifnull(c.name, '') || '|' || a.geometry || '|' || a.area
                       || '|' || a.is_ignore FROM annotations a JOIN image_sources s ON s.image_id = a.image_id
                       LEFT JOIN categories c ON c.id = a.category_id
                """).sorted()
        }
    }

    @Test("the arrays in any order (annotations first, images unsorted, categories last) import the same")
    func anyOrder() throws {
        let root = try copySamples("images", into: folder, as: "order")
        let images = #"[{"id": 2, "file_name": "chelsea.jpg", "width": 451, "height": 300}, {"id": 1, "file_name": "coffee.jpg", "width": 600, "height": 400}]"#
        let annotations = #"""
            [{"id": 21, "image_id": 2, "category_id": 17, "segmentation": [[100, 100, 200, 100, 150, 200]], "iscrowd": 0},
             {"id": 10, "image_id": 1, "category_id": 47, "segmentation": [[178, 95, 195, 45, 250, 22, 320, 20]], "iscrowd": 0},
             {"id": 20, "image_id": 2, "category_id": 17, "segmentation": {"size": [300, 451], "counts": [1000, 50, 134250]}, "iscrowd": 1},
             {"id": 30, "image_id": 9, "category_id": 17, "segmentation": [[1, 1, 5, 1, 5, 5]], "iscrowd": 0}]
            """#
        let categories = #"[{"id": 47, "name": "cup"}, {"id": 17, "name": "cat"}]"#
        let usual = try folder.write("usual.json", Array(#"{"info": {"year": 2017}, "images": \#(images), "categories": \#(categories), "annotations": \#(annotations)}"#.utf8))
        let reordered = try folder.write("reordered.json", Array(#"{"annotations": \#(annotations),\#n "licenses": [],\#n "images": \#(images),\#n "categories": \#(categories)}"#.utf8))
        let first = try folder.store("usual.db"), second = try folder.store("reordered.db")
        let report = try runImport(COCOImporter(annotationsPath: usual), store: first, root: root)
        #expect(report.images.added == 2 && report.annotations.added == 3 && report.problemCount == 0)
        _ = try runImport(COCOImporter(annotationsPath: reordered), store: second, root: root)
        #expect(try Self.digest(first) == Self.digest(second))
        // Images are taken in id order, whatever the file's order (the --max-images cap keeps the lowest ids).
        let capped = try folder.store("capped.db")
        let session = ImportSession(store: capped, root: try DatasetRoot(folder: root), dataset: "coco", format: "coco",
                                    options: ImportOptions(maxImages: 1))
        try COCOImporter(annotationsPath: reordered).run(session)
        _ = try session.finish()
        #expect(try Self.digest(capped).filter { $0.hasPrefix("i|") }.map { $0.split(separator: "|")[1] } == ["1"])
    }

    @Test("polygons as pycocotools draws them: odd trailing coordinate ignored, rings under 3 points dropped, short first ring refused")
    func pycocotoolsPolygonRule() throws {
        let store = try folder.store()
        let root = try copySamples("images", into: folder, as: "rule")
        let text = #"""
            {"images": [{"id": 1, "file_name": "coffee.jpg", "width": 600, "height": 400}],
             "annotations": [
               {"id": 1, "image_id": 1, "segmentation": [[10, 10, 50, 10, 50, 60, 7], [100, 100, 120, 120], [5, 5]]},
               {"id": 2, "image_id": 1, "segmentation": [[10, 10, 50]]},
               {"id": 3, "image_id": 1, "segmentation": [[1, 2, 3, 4, 5], [6, 7]]},
               {"id": 4, "image_id": 1, "segmentation": [[1, 2, 3, 4, 5], [10, 10, 50, 10, 50, 60]]},
               {"id": 5, "image_id": 1, "segmentation": []}]}
            """#
        let path = try folder.write("rule.json", Array(text.utf8))
        let report = try runImport(COCOImporter(annotationsPath: path), store: store, root: root)
        let stored = try storedAnnotations(store, sourceID: "1")
        #expect(try decodePolygons(try #require(stored["coco:1"]).json).map(\.exterior) == [[10, 10, 50, 10, 50, 60]])
        #expect(try decodePolygons(try #require(stored["coco:4"]).json).map(\.exterior) == [[10, 10, 50, 10, 50, 60]])
        let problems = report.problems.map(\.description)
        #expect(problems.contains { $0 == "rule.json:annotation 2: field segmentation: polygon 0 has 1 points; at least 3 needed" }, "\(problems)")
        #expect(problems.contains { $0 == "rule.json:annotation 3: field segmentation: no polygon has 3 points or more (nothing to draw)" })
        #expect(problems.contains { $0 == "rule.json:annotation 5: field segmentation: no polygon" })
        #expect(report.annotations.added == 2)
    }

    @Test("malformed JSON and mistyped fields stop the import with the line and column")
    func malformed() throws {
        let store = try folder.store()
        let root = try copySamples("images", into: folder, as: "bad")
        let syntax = try folder.write("syntax.json", Array("{\"images\": [\n  {\"id\": 1, \"file_name\": \"a.jpg\"},\n  {\"id\": 2,, }\n]}".utf8))
        let error = #expect(throws: ImportError.self) { try runImport(COCOImporter(annotationsPath: syntax), store: store, root: root) }
        #expect(error?.description == "\(syntax): invalid JSON: unexpected ',', expected a member name (a string) (at line 3, column 12 (byte 59))")
        let typed = try folder.write("typed.json", Array("{\"images\": [],\n \"annotations\": [\n {\"id\": 1, \"image_id\": 1.5}]}".utf8))
        let typeError = #expect(throws: ImportError.self) { try runImport(COCOImporter(annotationsPath: typed), store: store, root: root) }
        #expect(typeError?.description == "\(typed): field annotations[0].image_id: expected an integer, found the number 1.5 (record at line 3, column 2 (byte 34))")
        let noImages = try folder.write("none.json", Array(#"{"annotations": []}"#.utf8))
        let missing = #expect(throws: ImportError.self) { try runImport(COCOImporter(annotationsPath: noImages), store: store, root: root) }
        #expect(missing?.description == "\(noImages): field images: missing")
        #expect(try store.statistics().images.total == 0)
    }
}

@Suite("Importing semantic label maps")
struct SemanticMapImportTests {
    let folder = TemporaryFolder()

    @Test("one annotation per class present, ignore region, conventions, resized label maps", arguments: ["ade20k", "cocostuff"])
    func labelMaps(convention: String) throws {
        let store = try folder.store()
        let image = try smallPNG(seed: 9, width: 8, height: 6)
        try folder.write("seg/images/a.png", image)
        let ignore: UInt8 = convention == "ade20k" ? 0 : 255
        let offset = convention == "ade20k" ? 1 : 0
        // Values: row-wise stripes of classes 0, 1, 2 (list indices) and an ignore row.
        var values = [UInt8](repeating: 0, count: 48)
        for y in 0..<6 { for x in 0..<8 { values[y * 8 + x] = y < 2 ? UInt8(0 + offset) : y < 4 ? UInt8(2 + offset) : y == 4 ? ignore : UInt8(1 + offset) } }
        try folder.write("seg/labels/a.png", try PNGCodec.encode(PixelBuffer(width: 8, height: 6, channels: 1, samples: values)))
        // A half-size label map for a second image: resized (nearest) to it.
        try folder.write("seg/images/b.png", try smallPNG(seed: 10, width: 8, height: 6))
        try folder.write("seg/labels/b.png", try PNGCodec.encode(PixelBuffer(width: 4, height: 3, channels: 1,
                                                                               samples: [UInt8](repeating: UInt8(1 + offset), count: 12))))
        try folder.write("seg/images/c.png", try smallPNG(seed: 11))
        let rule: LabelConvention = convention == "ade20k" ? .ade20k : .cocoStuff
        let importer = SemanticMapImporter(imagesFolder: "images", labelsFolder: "labels", classes: ["wall", "floor", "sky"], convention: rule)
        let report = try runImport(importer, store: store, root: folder.file("seg"))
        #expect(report.images.added == 2 && report.annotations.added == 5)
        #expect(report.problems.map(\.description).contains { $0.hasPrefix("labels/c.png: label map:") })
        let a = try storedAnnotations(store, sourceID: "images/a.png")
        #expect(Set(a.keys) == ["class:\(0 + offset)", "class:\(1 + offset)", "class:\(2 + offset)", "ignore"])
        let wall = try decodeRLE(a["class:\(0 + offset)"]!.json).decode()
        #expect(wall.area == 16 && wall[7, 1] && !wall[0, 2] && a["class:\(0 + offset)"]!.category == "wall")
        #expect(try decodeRLE(a["ignore"]!.json).decode().area == 8 && a["ignore"]!.ignore)
        let b = try storedAnnotations(store, sourceID: "images/b.png")
        #expect(try decodeRLE(b["class:\(1 + offset)"]!.json).decode().area == 48)
        #expect(try runImport(importer, store: store, root: folder.file("seg")).annotations.added == 0)
    }
}

extension Array where Element == UInt8 {
    func base64() -> String { Data(self).base64EncodedString() }
}
