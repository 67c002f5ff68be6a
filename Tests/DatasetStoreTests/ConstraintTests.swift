import TestSupport
import DatasetStore
import Foundation
import GRDB
import Testing

@Suite("Constraints the schema enforces")
struct ConstraintTests {
    let folder = TemporaryFolder()

    func insertImage(_ db: Database, sha: String = String(repeating: "a", count: 64), split: String? = nil) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO images(sha256, storage, width, height, format, byte_size, split)
            VALUES (?, 'blob', 10, 10, 'png', 100, ?)
            """, arguments: [sha, split])
        return db.lastInsertedRowID
    }

    @Test("bad rows are refused by CHECK, NOT NULL, UNIQUE and FOREIGN KEY constraints", arguments: [
        "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES ('xyz', 'blob', 1, 1, 'png', 1)",
        "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES ('\(String(repeating: "b", count: 64))', 'root', 1, 1, 'png', 1)",
        "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES ('\(String(repeating: "c", count: 64))', 'blob', 0, 1, 'png', 1)",
        "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES ('\(String(repeating: "d", count: 64))', 'blob', 1, 1, 'gif', 1)",
        "INSERT INTO images(sha256, storage, width, height, format, byte_size, split) VALUES ('\(String(repeating: "e", count: 64))', 'blob', 1, 1, 'png', 1, 'holdout')",
        "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES ('\(String(repeating: "A", count: 64))', 'blob', 1, 1, 'png', 1)",
        "INSERT INTO annotations(image_id, instance_key, geometry_kind, geometry, area, bbox_x, bbox_y, bbox_w, bbox_h, provenance) VALUES (999, 'k', 'rle', '{}', 1, 0, 0, 1, 1, 'imported')",
        "INSERT INTO annotations(image_id, instance_key, geometry_kind, geometry, area, bbox_x, bbox_y, bbox_w, bbox_h, provenance) VALUES (1, 'k', 'rle', 'not json', 1, 0, 0, 1, 1, 'imported')",
        "INSERT INTO annotations(image_id, instance_key, geometry_kind, geometry, area, bbox_x, bbox_y, bbox_w, bbox_h, provenance) VALUES (1, 'k', 'rle', '{}', 1, 0, 0, 1, 1, 'model')",
        "INSERT INTO annotations(image_id, instance_key, geometry_kind, geometry, area, bbox_x, bbox_y, bbox_w, bbox_h, provenance, review_state) VALUES (1, 'k', 'rle', '{}', 1, 0, 0, 1, 1, 'imported', 'maybe')",
        "INSERT INTO annotations(image_id, instance_key, geometry_kind, geometry, area, bbox_x, bbox_y, bbox_w, bbox_h, provenance) VALUES (1, 'k', 'rle', '{}', -1, 0, 0, 1, 1, 'imported')",
        "INSERT INTO instructions(image_id, key, text, kind, is_sentence, origin) VALUES (1, 'k', '   ', 'semantic', 0, 'imported')",
        "INSERT INTO instructions(image_id, key, text, kind, is_sentence, origin) VALUES (1, 'k', 'x', 'semantic', 0, 'template')",
        "INSERT INTO instructions(image_id, key, text, kind, is_sentence, origin) VALUES (1, 'k', 'x', 'semantic', 0, 'paraphrase')",
        "INSERT INTO instructions(image_id, key, text, kind, is_sentence, origin) VALUES (1, 'k', 'x', 'joke', 0, 'imported')",
        "INSERT INTO instruction_targets(instruction_id, annotation_id) VALUES (12345, 67890)",
        "INSERT INTO audit_log(actor, entity, entity_id, action) VALUES ('', 'annotation', 1, 'x')",
    ])
    func refused(_ sql: String) throws {
        let store = try folder.store()
        try store.write { db in _ = try insertImage(db) }
        #expect(throws: StoreError.self) { try store.write { db in try db.execute(sql: sql) } }
    }

    @Test("deleting an image removes its annotations, instructions and targets")
    func cascade() throws {
        let store = try folder.store()
        try store.write { db in
            let image = try insertImage(db)
            let writer = RecordWriter(db)
            let (annotation, _) = try writer.insert(NewAnnotation(imageID: image, categoryID: nil, instanceKey: "1", geometryKind: .rle,
                                                                  geometryJSON: #"{"size":[10,10],"counts":"52"}"#, area: 2, bbox: [0, 0, 1, 2]))
            try writer.insert(NewInstruction(imageID: image, key: "q", text: "the thing", kind: .semantic, isSentence: false,
                                             targetAnnotationIDs: [annotation]))
            try db.execute(sql: "DELETE FROM images WHERE id = ?", arguments: [image])
        }
        let statistics = try store.statistics()
        #expect(statistics.annotations.total == 0 && statistics.instructions.total == 0 && statistics.instructions.targets == 0)
        #expect(try store.integrityProblems().isEmpty)
    }
}
