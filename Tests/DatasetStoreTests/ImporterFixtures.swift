import Annotate
import DatasetStore
import Foundation
import GRDB
import TestSupport

/// The importer fixtures (built by tools/importer_fixtures.py) copied into a temporary dataset
/// root, with the sample photographs put where each format expects its images.
enum ImporterFixtures {
    static let folder: String = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path + "/importers"

    /// Copies fixture dataset `name` into `temp/name` and returns that root.
    static func dataset(_ name: String, in temp: TemporaryFolder) throws -> String {
        let target = temp.file(name)
        try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: target)
        return target
    }

    /// Copies a sample photograph (samples/images) to `path`.
    static func copySample(_ sample: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/samples/images/" + sample, toPath: path)
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name + "/expected.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Runs `importer` over `root` into `store`.
    static func run<I: DatasetImporter>(_ importer: I, root: String, store: DatasetStore, options: ImportOptions = ImportOptions())
        throws -> ImportReport {
        let session = ImportSession(store: store, root: try DatasetRoot(folder: root), dataset: I.format, format: I.format, options: options)
        try importer.run(session)
        return try session.finish()
    }

    /// An annotation as stored, with its image and category.
    struct Stored {
        var key: String
        var sourceID: String
        var groupKey: String?
        var split: String?
        var sha256: String
        var storage: String
        var relPath: String?
        var category: String?
        var categorySourceIDs: [String]
        var geometryKind: String
        var mask: RLE
        var attributes: [String: Any]
    }

    static func annotations(_ store: DatasetStore, dataset: String) throws -> [String: Stored] {
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.instance_key, s.source_id, i.group_key, i.split, i.sha256, i.storage, i.rel_path, c.name AS category,
                       (SELECT group_concat(source_id) FROM category_sources cs WHERE cs.category_id = c.id) AS category_sources,
                       a.geometry_kind, a.geometry, a.attributes, i.width, i.height
                FROM annotations a JOIN images i ON i.id = a.image_id
                JOIN image_sources s ON s.image_id = i.id AND s.dataset = ?
                LEFT JOIN categories c ON c.id = a.category_id
                """, arguments: [dataset])
        }
        var result: [String: Stored] = [:]
        for row in rows {
            let kind: String = row["geometry_kind"]
            let json: String = row["geometry"]
            let width: Int = row["width"], height: Int = row["height"]
            let mask: RLE
            if kind == "rle" {
                mask = try JSONDecoder().decode(RLE.self, from: Data(json.utf8))
            } else {
                let polygons = try JSONDecoder().decode([Polygon].self, from: Data(json.utf8))
                mask = try AnnotationGeometry.polygons(polygons, imageWidth: width, imageHeight: height).rle()
            }
            let attributesText: String? = row["attributes"]
            let attributes = attributesText.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
            let sources: String? = row["category_sources"]
            let sourceID: String = row["source_id"]
            let key: String = row["instance_key"]
            result[sourceID + "|" + key] = Stored(
                key: key, sourceID: sourceID, groupKey: row["group_key"], split: row["split"], sha256: row["sha256"],
                storage: row["storage"], relPath: row["rel_path"], category: row["category"],
                categorySourceIDs: sources?.split(separator: ",").map(String.init) ?? [], geometryKind: kind, mask: mask,
                attributes: attributes)
        }
        return result
    }

    /// The RLE of a pycocotools `{"size", "counts"}` object from expected.json.
    static func rle(_ object: Any?) throws -> RLE {
        guard let object = object as? [String: Any], let size = object["size"] as? [Int], let counts = object["counts"] as? String else {
            throw CocoaError(.coderReadCorrupt)
        }
        return try RLE(height: size[0], width: size[1], compressedCounts: counts)
    }

    /// Intersection over union of two masks of the same size.
    static func iou(_ a: RLE, _ b: RLE) throws -> Double { try a.decode().iou(b.decode()) }

    /// Everything an import wrote, as sorted text lines: images, annotations, instructions.
    static func digest(_ store: DatasetStore) throws -> [String] {
        try store.read { db in
            let images = try String.fetchAll(db, sql: """
                SELECT i.sha256 || '|' || i.storage || '|' || ifnull(i.rel_path, '') || '|' || i.width || 'x' || i.height || '|'
                       || ifnull(i.group_key, '') || '|' || ifnull(i.split, '') || '|' || s.dataset || ':' || s.source_id
                FROM images i JOIN image_sources s ON s.image_id = i.id
                """)
            let annotations = try String.fetchAll(db, sql: """
                SELECT i.sha256 || '|' || a.instance_key || '|' || ifnull(c.name, '') || '|' || a.geometry_kind || '|' || a.geometry
                       || '|' || a.area || '|' || ifnull(a.attributes, '') || '|' || a.is_ignore
                FROM annotations a JOIN images i ON i.id = a.image_id LEFT JOIN categories c ON c.id = a.category_id
                """)
            let instructions = try String.fetchAll(db, sql: """
                SELECT i.sha256 || '|' || n.key || '|' || n.text || '|' || n.kind || '|' || n.is_sentence || '|'
                       || (SELECT group_concat(a.instance_key) FROM instruction_targets t JOIN annotations a ON a.id = t.annotation_id
                           WHERE t.instruction_id = n.id)
                FROM instructions n JOIN images i ON i.id = n.image_id
                """)
            let counts = try String.fetchAll(db, sql: """
                SELECT 'counts ' || (SELECT count(*) FROM images) || ' ' || (SELECT count(*) FROM annotations) || ' '
                       || (SELECT count(*) FROM instructions) || ' ' || (SELECT count(*) FROM categories)
                """)
            return (images + annotations + instructions).sorted() + counts
        }
    }
}
