import Foundation
import GRDB

/// Streams a store's images with their admitted annotations and instructions, page by page, in
/// image-id order (instructions and annotations in id order within an image), so an export's
/// memory is one page of records whatever the store's size and its output is deterministic.
public struct ExportStream: Sendable {
    public let store: DatasetStore
    public let filter: ExportFilter
    /// Images read per query.
    public var pageSize: Int

    public init(store: DatasetStore, filter: ExportFilter, pageSize: Int = 256) {
        self.store = store
        self.filter = filter
        self.pageSize = max(1, pageSize)
    }

    private var splitClause: String {
        guard let splits = filter.splits else { return "" }
        let names = splits.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")
        return " AND split IN (\(names))"
    }

    /// How many images the split filter admits (for progress).
    public func imageCount() throws(ExportError) -> Int {
        let clause = splitClause
        do { return try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM images WHERE 1 = 1" + clause) ?? 0 } }
        catch { throw .store(error) }
    }

    /// A fingerprint of the store's records: counts and largest ids of images, annotations,
    /// instructions and targets (records added or removed), the annotations' summed versions and
    /// latest update (a review or correction edits a mask in place and bumps both), the
    /// instructions' latest update, and a checksum of the images' splits (a re-split moves images
    /// between splits without changing any count). A resumed export refuses a store whose
    /// fingerprint differs from the interrupted run's, so kept shards never mix old and new records.
    func fingerprint() throws(ExportError) -> String {
        do {
            return try store.read { db in
                var parts: [String] = []
                for table in ["images", "annotations", "instructions"] {
                    let row = try Row.fetchOne(db, sql: "SELECT count(*), ifnull(max(id), 0) FROM \(table)")
                    let count: Int = row?[0] ?? 0
                    let largest: Int64 = row?[1] ?? 0
                    parts.append("\(table)=\(count)/\(largest)")
                }
                let targets = try Int.fetchOne(db, sql: "SELECT count(*) FROM instruction_targets") ?? 0
                parts.append("targets=\(targets)")
                let edits = try Row.fetchOne(db, sql: """
                    SELECT ifnull(sum(version), 0), ifnull(max(updated_at), ''),
                           (SELECT ifnull(max(updated_at), '') FROM instructions),
                           (SELECT ifnull(sum(id * (CASE WHEN split IS NULL THEN 0
                                                         ELSE unicode(split) * 8 + length(split) END)), 0) FROM images)
                    FROM annotations
                    """)
                let versions: Int64 = edits?[0] ?? 0
                let annotationsUpdated: String = edits?[1] ?? ""
                let instructionsUpdated: String = edits?[2] ?? ""
                let splits: Int64 = edits?[3] ?? 0
                parts.append("versions=\(versions) edited=\(annotationsUpdated)/\(instructionsUpdated) splits=\(splits)")
                return "store " + parts.joined(separator: " ")
            }
        } catch { throw .store(error) }
    }

    /// The categories, by id.
    public func categories() throws(ExportError) -> [(id: Int64, name: String, displayName: String)] {
        do {
            return try store.read { db in
                try Row.fetchAll(db, sql: "SELECT id, name, display_name FROM categories ORDER BY id").map { ($0[0], $0[1], $0[2]) }
            }
        } catch { throw .store(error) }
    }

    /// Calls `body` for every admitted image, in id order.
    public func forEach(_ body: (ExportItem) throws(ExportError) -> Void) throws(ExportError) {
        let roots: [Int64: String]
        do {
            roots = try store.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, path FROM dataset_roots").map { ($0[0], $0[1]) })
            }
        } catch { throw .store(error) }
        var lastID: Int64 = 0
        // The first pages are small, so the first images reach `body` (and an export's writer)
        // after a short query, not after a whole page; then pages grow to `pageSize`.
        var limit = min(pageSize, 16)
        while true {
            let page: [ExportItem]
            do { page = try readPage(after: lastID, limit: limit, roots: roots) } catch let error as ExportError { throw error } catch {
                throw .store(error as? StoreError ?? .database(path: store.location.databasePath, reason: "\(error)"))
            }
            guard let last = page.last else { return }
            lastID = last.image.id
            limit = min(pageSize, limit * 4)
            for item in page { try body(item) }
        }
    }

    private func readPage(after lastID: Int64, limit: Int, roots: [Int64: String]) throws -> [ExportItem] {
        let clause = splitClause
        let filter = filter
        return try store.read { db -> [ExportItem] in
            let images = try ImageRecord.fetchAll(db, sql: "SELECT * FROM images WHERE id > ?\(clause) ORDER BY id LIMIT ?",
                                                  arguments: [lastID, limit])
            guard let first = images.first, let last = images.last else { return [] }
            let range: StatementArguments = [first.id, last.id]
            var annotationsByImage = [Int64: [ExportAnnotation]]()
            var annotationByID = [Int64: ExportAnnotation]()
            let annotationRows = try Row.fetchCursor(db, sql: """
                SELECT a.id, a.image_id, a.category_id, c.name, a.instance_key, a.geometry_kind, a.geometry, a.area,
                       a.bbox_x, a.bbox_y, a.bbox_w, a.bbox_h, a.is_ignore, a.provenance, a.model_name, a.score, a.review_state
                FROM annotations a LEFT JOIN categories c ON c.id = a.category_id
                WHERE a.image_id BETWEEN ? AND ? ORDER BY a.image_id, a.id
                """, arguments: range)
            while let row = try annotationRows.next() {
                let id: Int64 = row[0]
                guard let kind = GeometryKind(rawValue: row[5]) else {
                    throw ExportError.badRecord(record: "annotation \(id)", field: "geometry_kind", reason: "unknown kind")
                }
                let state = ReviewState(rawValue: row[16]) ?? .pending
                let annotation = ExportAnnotation(
                    id: id, imageID: row[1], categoryID: row[2], categoryName: row[3], instanceKey: row[4], geometryKind: kind,
                    geometryJSON: row[6], area: row[7], bbox: [row[8], row[9], row[10], row[11]], isIgnore: row[12] as Bool,
                    provenance: row[13], modelName: row[14], score: row[15], reviewState: state)
                guard filter.admits(annotation) else { continue }
                annotationsByImage[annotation.imageID, default: []].append(annotation)
                annotationByID[id] = annotation
            }
            var targetIDs = [Int64: [Int64]]()
            let targetRows = try Row.fetchCursor(db, sql: """
                SELECT t.instruction_id, t.annotation_id FROM instruction_targets t JOIN instructions i ON i.id = t.instruction_id
                WHERE i.image_id BETWEEN ? AND ? ORDER BY t.instruction_id, t.annotation_id
                """, arguments: range)
            while let row = try targetRows.next() { targetIDs[row[0], default: []].append(row[1]) }
            var instructionsByImage = [Int64: [ExportInstruction]]()
            let instructionRows = try Row.fetchCursor(db, sql: """
                SELECT id, image_id, key, text, kind, is_sentence, answer, explanation, origin, template_id, backend, model,
                       parent_id, quality_score, status
                FROM instructions WHERE image_id BETWEEN ? AND ? ORDER BY image_id, id
                """, arguments: range)
            while let row = try instructionRows.next() {
                let id: Int64 = row[0]
                let stored = targetIDs[id] ?? []
                let instruction = ExportInstruction(
                    id: id, key: row[2], text: row[3], kind: InstructionKind(rawValue: row[4]) ?? .referring,
                    isSentence: row[5] as Bool, answer: row[6], explanation: row[7], origin: row[8], templateID: row[9],
                    backend: row[10], model: row[11], parentID: row[12], qualityScore: row[13],
                    status: InstructionStatus(rawValue: row[14]) ?? .pending,
                    targets: stored.compactMap { annotationByID[$0] })
                guard filter.admits(instruction, storedTargetCount: stored.count) else { continue }
                instructionsByImage[row[1], default: []].append(instruction)
            }
            var items: [ExportItem] = []
            items.reserveCapacity(images.count)
            for image in images {
                let path: String
                switch image.storage {
                case .blob: path = store.location.blobPath(sha256: image.sha256)
                case .root:
                    guard let rootID = image.rootID, let relative = image.relativePath, let root = roots[rootID] else {
                        throw ExportError.badRecord(record: "image \(image.id)", field: "rel_path", reason: "missing root or path")
                    }
                    path = root + "/" + relative
                }
                items.append(ExportItem(image: image, imagePath: path, annotations: annotationsByImage[image.id] ?? [],
                                        instructions: instructionsByImage[image.id] ?? []))
            }
            return items
        }
    }
}
