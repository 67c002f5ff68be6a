import Annotate
import DatasetStore
import Foundation
import GRDB
import TestSupport
import Testing

@Suite("RefCOCO importer")
struct RefCOCOImporterTests {
    let temp = TemporaryFolder()

    func dataset(_ name: String = "refcoco") throws -> (root: String, expected: [String: Any]) {
        let root = try ImporterFixtures.dataset(name, in: temp)
        let expected = try ImporterFixtures.expected("refcoco")
        for (id, sample) in expected["images"] as? [String: String] ?? [:] {
            try ImporterFixtures.copySample(sample, to: root + "/train2014/" + String(format: "COCO_train2014_%012d.jpg", Int(id) ?? 0))
        }
        return (root, expected)
    }

    func instructions(_ store: DatasetStore) throws -> [String: [String]] {
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.instance_key, s.source_id, n.text, n.kind, n.is_sentence FROM instructions n
                JOIN instruction_targets t ON t.instruction_id = n.id JOIN annotations a ON a.id = t.annotation_id
                JOIN image_sources s ON s.image_id = n.image_id ORDER BY n.key
                """)
        }
        var result: [String: [String]] = [:]
        for row in rows {
            let kind: String = row["kind"], sentence: Bool = row["is_sentence"]
            #expect(kind == "referring" && !sentence)
            result[(row["source_id"] as String) + "|" + (row["instance_key"] as String), default: []].append(row["text"])
        }
        return result
    }

    @Test("masks match pycocotools' annToRLE for polygons, compressed and uncompressed RLE; sentences become referring instructions")
    func exact() throws {
        let (root, expected) = try dataset()
        let store = try temp.store()
        let report = try ImporterFixtures.run(RefCOCOImporter(), root: root, store: store)
        let stored = try ImporterFixtures.annotations(store, dataset: "refcoco")
        let texts = try instructions(store)
        let annotations = expected["annotations"] as? [[String: Any]] ?? []
        #expect(stored.count == annotations.count && annotations.count == 11)
        #expect(report.images.added == 4)
        #expect(report.instructions.added == annotations.reduce(0) { $0 + ($1["sentences"] as? [String] ?? []).count })
        let splits = ["train": "train", "val": "val", "testA": "test", "testB": "test"]
        for item in annotations {
            let imageID = "\(item["image_id"] as? Int ?? 0)", annID = item["ann_id"] as? Int ?? 0
            guard let annotation = stored["\(imageID)|ann:\(annID)"] else {
                Issue.record("annotation \(annID) missing")
                continue
            }
            let want = try ImporterFixtures.rle(item["rle"])
            #expect(annotation.mask == want, "ann \(annID)")
            #expect(try ImporterFixtures.iou(annotation.mask, want) == 1.0)
            #expect(annotation.geometryKind == item["kind"] as? String)
            #expect(annotation.category == item["category"] as? String)
            #expect(annotation.groupKey == imageID && annotation.split == splits[item["split"] as? String ?? ""])
            #expect(annotation.attributes["ref_splits"] as? [String] == [item["split"] as? String ?? ""])
            #expect(annotation.attributes["ref_ids"] as? [Int] == [item["ref_id"] as? Int ?? 0])
            #expect(texts["\(imageID)|ann:\(annID)"] == item["sentences"] as? [String])
        }
    }

    @Test("bad records reported: missing annotation, missing image, path out of the root, two-point polygon")
    func badRecords() throws {
        let (root, _) = try dataset()
        let store = try temp.store()
        let report = try ImporterFixtures.run(RefCOCOImporter(), root: root, store: store)
        #expect(report.skipped == ["missing annotation": 1, "unreadable image": 1, "path escapes root": 1, "bad geometry": 1])
        #expect(report.problems.contains { $0.file == "refs(unc).p" && $0.field == "ann_id" && $0.reason.contains("999") })
        #expect(report.problems.contains { $0.file == "instances.json" && $0.location == "images[id=9101]" && $0.field == "file_name" })
        #expect(report.problems.contains { $0.location == "annotations[id=902]" && $0.reason.contains("2 points") })
        let again = try ImporterFixtures.run(RefCOCOImporter(), root: root, store: store)
        #expect(again.annotations.added == 0 && again.instructions.added == 0 && again.images.added == 0)
        #expect(again.annotations.alreadyPresent == 11)
    }

    @Test("importing twice leaves the store as it was")
    func twice() throws {
        let (root, _) = try dataset()
        let store = try temp.store()
        _ = try ImporterFixtures.run(RefCOCOImporter(), root: root, store: store)
        let first = try ImporterFixtures.digest(store)
        _ = try ImporterFixtures.run(RefCOCOImporter(), root: root, store: store)
        #expect(try ImporterFixtures.digest(store) == first)
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("a pickle that would call os.system is refused before anything is imported")
    func hostilePickle() throws {
        let root = try ImporterFixtures.dataset("refcoco", in: temp)
        let store = try temp.store()
        #expect {
            try ImporterFixtures.run(RefCOCOImporter(), root: root + "/hostile", store: store)
        } throws: { error in
            guard case ImportError.unreadableSource(let path, let reason) = error else { return false }
            return path == "refs(unc).p" && reason.contains("system") && reason.contains("not allowed")
        }
        #expect(try store.statistics().images.total == 0)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/lisakit-pwned"))
    }

    @Test("refcocog's refs(umd).p (protocol 0) reads the same refs")
    func protocolZero() throws {
        let (root, _) = try dataset()
        // (a link to ../train2014 would lead out of this root and be refused: copy)
        try FileManager.default.copyItem(atPath: root + "/train2014", toPath: root + "/refcocog/train2014")
        let store = try temp.store()
        let report = try ImporterFixtures.run(RefCOCOImporter(), root: root + "/refcocog", store: store)
        #expect(report.annotations.added == 3 && report.problemCount == 0)
        let umd = try ImporterFixtures.annotations(store, dataset: "refcoco").mapValues(\.mask)
        let unc = try temp.store("unc.db")
        _ = try ImporterFixtures.run(RefCOCOImporter(), root: root, store: unc)
        let all = try ImporterFixtures.annotations(unc, dataset: "refcoco").mapValues(\.mask)
        for (key, mask) in umd { #expect(all[key] == mask) }
    }
}
