import TestSupport
import DatasetStore
import Foundation
import GRDB
import Testing

@Suite("Records: categories, annotations, instructions, reviews")
struct RecordTests {
    let folder = TemporaryFolder()

    func storeWithImage() throws -> (DatasetStore, Int64) {
        let store = try folder.store()
        let image = try store.write { db -> Int64 in
            try db.execute(sql: """
                INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES (?, 'blob', 64, 48, 'jpeg', 1000)
                """, arguments: [String(repeating: "0", count: 64)])
            return db.lastInsertedRowID
        }
        return (store, image)
    }

    func annotation(_ image: Int64, _ key: String, category: Int64? = nil, provenance: Provenance = .imported) -> NewAnnotation {
        NewAnnotation(imageID: image, categoryID: category, instanceKey: key, geometryKind: .polygons,
                      geometryJSON: #"[{"exterior":[1,1,10,1,10,10],"holes":[]}]"#, area: 45, bbox: [1, 1, 10, 10],
                      provenance: provenance, score: provenance == .imported ? nil : 0.93)
    }

    @Test("inserting the same records twice stores them once")
    func idempotent() throws {
        let (store, image) = try storeWithImage()
        for round in 0..<2 {
            let ids = try store.write { db -> [Int64] in
                let writer = RecordWriter(db)
                let cat = try writer.category(name: "cat", displayName: "Cat", source: ("openimages", "/m/01yrx"))
                #expect(try writer.category(name: "cat") == cat)
                let a = try writer.insert(annotation(image, "box-1", category: cat))
                let b = try writer.insert(annotation(image, "box-2", category: cat, provenance: .model(name: "sam-vit-b", version: "1")))
                #expect(a.inserted == (round == 0) && b.inserted == (round == 0))
                let q = try writer.insert(NewInstruction(imageID: image, key: "imported:0", text: "the animal that purrs",
                                                         kind: .reasoning, isSentence: true, targetAnnotationIDs: [a.id, b.id]))
                let negative = try writer.insert(NewInstruction(imageID: image, key: "neg:0", text: "the giraffe", kind: .semantic,
                                                                isSentence: false, answer: "There is no giraffe.",
                                                                origin: .template(id: "negative-1", parentID: nil)))
                let child = try writer.insert(NewInstruction(imageID: image, key: "para:0", text: "what purrs here?", kind: .reasoning,
                                                             isSentence: true, origin: .paraphrase(parentID: q.id, backend: "rules", model: nil),
                                                             qualityScore: 0.91, targetAnnotationIDs: [a.id, b.id]))
                #expect(q.inserted == (round == 0) && negative.inserted == (round == 0) && child.inserted == (round == 0))
                return [a.id, b.id, q.id, negative.id, child.id]
            }
            #expect(ids == [1, 2, 1, 2, 3])
        }
        let statistics = try store.statistics()
        #expect(statistics.categories == 1)
        #expect(statistics.annotations.total == 2)
        #expect(statistics.annotations.byProvenance == ["imported": 1, "model": 1])
        #expect(statistics.topCategories == [StoreStatistics.CategoryCount(name: "cat", annotations: 2)])
        #expect(statistics.instructions.total == 3)
        #expect(statistics.instructions.withoutTargets == 1)
        #expect(statistics.instructions.targets == 4)
        #expect(statistics.instructions.byOrigin == ["imported": 1, "template": 1, "paraphrase": 1])
    }

    @Test("bad records are refused naming the record and field, and nothing of the batch is written")
    func badRecords() throws {
        let (store, image) = try storeWithImage()
        var bad = annotation(image, "x")
        bad.area = .nan
        let error = #expect(throws: StoreError.self) {
            try store.write { db in
                try RecordWriter(db).insert(annotation(image, "good-first"))
                try RecordWriter(db).insert(bad)
            }
        }
        #expect(error?.description.contains("field area") == true)
        #expect(try store.statistics().annotations.total == 0)

        var badBox = annotation(image, "y")
        badBox.bbox = [0, 0, -1]
        #expect(throws: StoreError.self) { try store.write { db in try RecordWriter(db).insert(badBox) } }
        var badJSON = annotation(image, "z")
        badJSON.geometryJSON = "[{"
        #expect(throws: StoreError.self) { try store.write { db in try RecordWriter(db).insert(badJSON) } }
        // A target on another image's annotation is refused.
        let otherImage = try store.write { db -> Int64 in
            try db.execute(sql: "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES (?, 'blob', 1, 1, 'png', 1)",
                           arguments: [String(repeating: "1", count: 64)])
            return db.lastInsertedRowID
        }
        let foreign = try store.write { db in try RecordWriter(db).insert(annotation(otherImage, "o")).id }
        #expect(throws: StoreError.self) {
            try store.write { db in
                try RecordWriter(db).insert(NewInstruction(imageID: image, key: "k", text: "t", kind: .semantic, isSentence: false,
                                                           targetAnnotationIDs: [foreign]))
            }
        }
        #expect(try store.statistics().instructions.total == 0)
    }

    @Test("reviews bump the version, refuse stale versions, and are audited")
    func reviews() throws {
        let (store, image) = try storeWithImage()
        let id = try store.write { db in try RecordWriter(db).insert(annotation(image, "m", provenance: .model(name: "sam", version: nil))).id }
        #expect(try store.apply(AnnotationReview(annotationID: id, expectedVersion: 1, state: .accepted, actor: "ann")) == 2)
        let conflict = #expect(throws: StoreError.self) {
            try store.apply(AnnotationReview(annotationID: id, expectedVersion: 1, state: .rejected, actor: "bob"))
        }
        #expect(conflict?.description.contains("changed by someone else") == true)
        let corrected = #"{"size":[48,64],"counts":"0`0"}"#
        #expect(try store.apply(AnnotationReview(annotationID: id, expectedVersion: 2, state: .corrected,
                                                 correctedGeometry: (.rle, corrected, 10, [0, 0, 2, 5]), actor: "bob")) == 3)
        let (rows, state) = try store.read { db in
            (try Row.fetchAll(db, sql: "SELECT actor, action, before_json, after_json FROM audit_log ORDER BY id"),
             try String.fetchOne(db, sql: "SELECT review_state FROM annotations WHERE id = ?", arguments: [id]))
        }
        do {
            #expect(rows.count == 2)
            #expect(rows[0]["actor"] as String == "ann" && rows[0]["action"] as String == "review:accepted")
            #expect((rows[0]["before_json"] as String).contains(#""review_state":"pending""#))
            #expect((rows[0]["after_json"] as String).contains(#""review_state":"accepted""#))
            #expect((rows[1]["after_json"] as String).contains(#""geometry_kind":"rle""#))
            #expect(state == "corrected")
        }
        #expect(throws: StoreError.self) { try store.apply(AnnotationReview(annotationID: 999, expectedVersion: 1, state: .accepted, actor: "x")) }
    }
}
