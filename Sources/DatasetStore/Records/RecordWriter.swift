import Foundation
import GRDB

/// Writes categories, annotations and instructions inside one transaction of the caller's
/// (`store.write { db in let writer = RecordWriter(db) ... }`), so an importer commits a whole
/// batch — or nothing — and re-running it finds what is already there.
public struct RecordWriter {
    let db: Database

    public init(_ db: Database) { self.db = db }

    /// The id of the category named `name`, created when missing; `source` records the id the
    /// category has in a source dataset.
    public func category(name: String, displayName: String? = nil, source: (dataset: String, id: String)? = nil) throws -> Int64 {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StoreError.invalidRecord(record: "category", field: "name", reason: "empty") }
        try db.execute(sql: "INSERT INTO categories(name, display_name) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
                       arguments: [trimmed, displayName ?? trimmed])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM categories WHERE name = ?", arguments: [trimmed]) else {
            throw StoreError.invalidRecord(record: "category \(trimmed)", field: "name", reason: "could not be stored")
        }
        if let source {
            try db.execute(sql: """
                INSERT INTO category_sources(category_id, dataset, source_id) VALUES (?, ?, ?)
                ON CONFLICT(dataset, source_id) DO NOTHING
                """, arguments: [id, source.dataset, source.id])
        }
        return id
    }

    /// Stores an annotation (or finds the one with the same image and instance key) and returns
    /// its id and whether it was new.
    @discardableResult
    public func insert(_ annotation: NewAnnotation) throws -> (id: Int64, inserted: Bool) {
        let record = "annotation \(annotation.instanceKey) of image \(annotation.imageID)"
        guard !annotation.instanceKey.isEmpty else { throw StoreError.invalidRecord(record: record, field: "instance_key", reason: "empty") }
        guard annotation.area.isFinite, annotation.area >= 0 else {
            throw StoreError.invalidRecord(record: record, field: "area", reason: "must be a finite number ≥ 0, got \(annotation.area)")
        }
        guard annotation.bbox.count == 4, annotation.bbox.allSatisfy(\.isFinite), annotation.bbox[2] >= 0, annotation.bbox[3] >= 0 else {
            throw StoreError.invalidRecord(record: record, field: "bbox", reason: "must be [x, y, w, h] with finite values and w, h ≥ 0")
        }
        if let score = annotation.score, !score.isFinite {
            throw StoreError.invalidRecord(record: record, field: "score", reason: "not a finite number")
        }
        var modelName: String? = nil, modelVersion: String? = nil
        if case .model(let name, let version) = annotation.provenance {
            guard !name.isEmpty else { throw StoreError.invalidRecord(record: record, field: "model_name", reason: "empty") }
            (modelName, modelVersion) = (name, version)
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO annotations(image_id, category_id, instance_key, geometry_kind, geometry, area,
                                    bbox_x, bbox_y, bbox_w, bbox_h, is_ignore, provenance, model_name, model_version,
                                    score, review_state, attributes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(image_id, instance_key) DO NOTHING
            """)
        do {
            try statement.execute(arguments: [
                annotation.imageID, annotation.categoryID, annotation.instanceKey, annotation.geometryKind.rawValue,
                annotation.geometryJSON, annotation.area, annotation.bbox[0], annotation.bbox[1], annotation.bbox[2],
                annotation.bbox[3], annotation.isIgnore, annotation.provenance.column, modelName, modelVersion,
                annotation.score, annotation.reviewState.rawValue, annotation.attributesJSON,
            ])
        } catch let error as DatabaseError {
            throw StoreError.invalidRecord(record: record, field: Self.field(of: error), reason: error.message ?? "\(error.resultCode)")
        }
        if db.changesCount > 0 { return (db.lastInsertedRowID, true) }
        let existing = try Int64.fetchOne(db, sql: "SELECT id FROM annotations WHERE image_id = ? AND instance_key = ?",
                                          arguments: [annotation.imageID, annotation.instanceKey])
        guard let existing else { throw StoreError.invalidRecord(record: record, field: "image_id", reason: "not stored") }
        return (existing, false)
    }

    /// Stores an instruction and its targets (or finds the one with the same image and key).
    @discardableResult
    public func insert(_ instruction: NewInstruction) throws -> (id: Int64, inserted: Bool) {
        let record = "instruction \(instruction.key) of image \(instruction.imageID)"
        guard !instruction.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw StoreError.invalidRecord(record: record, field: "text", reason: "empty")
        }
        var templateID: String? = nil, backend: String? = nil, model: String? = nil, parent: Int64? = nil
        let origin: String
        switch instruction.origin {
        case .imported: origin = "imported"
        case .human: origin = "human"
        case .template(let id, let parentID): (origin, templateID, parent) = ("template", id, parentID)
        case .paraphrase(let parentID, let b, let m): (origin, parent, backend, model) = ("paraphrase", parentID, b, m)
        case .generated(let b, let m): (origin, backend, model) = ("generated", b, m)
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO instructions(image_id, key, text, kind, is_sentence, answer, explanation, origin, template_id,
                                     backend, model, parent_id, quality_score, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(image_id, key) DO NOTHING
            """)
        do {
            try statement.execute(arguments: [
                instruction.imageID, instruction.key, instruction.text, instruction.kind.rawValue, instruction.isSentence,
                instruction.answer, instruction.explanation, origin, templateID, backend, model, parent,
                instruction.qualityScore, instruction.status.rawValue,
            ])
        } catch let error as DatabaseError {
            throw StoreError.invalidRecord(record: record, field: Self.field(of: error), reason: error.message ?? "\(error.resultCode)")
        }
        guard db.changesCount > 0 else {
            let existing = try Int64.fetchOne(db, sql: "SELECT id FROM instructions WHERE image_id = ? AND key = ?",
                                              arguments: [instruction.imageID, instruction.key])
            guard let existing else { throw StoreError.invalidRecord(record: record, field: "image_id", reason: "not stored") }
            return (existing, false)
        }
        let id = db.lastInsertedRowID
        let target = try db.cachedStatement(sql: """
            INSERT INTO instruction_targets(instruction_id, annotation_id)
            SELECT ?, a.id FROM annotations a WHERE a.id = ? AND a.image_id = ?
            """)
        for annotationID in instruction.targetAnnotationIDs {
            try target.execute(arguments: [id, annotationID, instruction.imageID])
            if db.changesCount == 0 {
                throw StoreError.invalidRecord(record: record, field: "targets",
                                               reason: "annotation \(annotationID) is not an annotation of image \(instruction.imageID)")
            }
        }
        return (id, true)
    }

    /// The column a constraint error is about, when SQLite names it.
    static func field(of error: DatabaseError) -> String {
        let message = error.message ?? ""
        if let range = message.range(of: "failed: ") { return String(message[range.upperBound...]) }
        return "row"
    }
}
