import Annotate
import DatasetStore
import Foundation
import TestSupport
import Testing

@Suite("OpenImages importer")
struct OpenImagesImporterTests {
    let temp = TemporaryFolder()

    /// The fixture dataset with the sample photographs as `validation/{ImageID}.jpg`.
    func dataset() throws -> (root: String, expected: [String: Any]) {
        let root = try ImporterFixtures.dataset("openimages", in: temp)
        let expected = try ImporterFixtures.expected("openimages")
        for (id, sample) in expected["images"] as? [String: String] ?? [:] {
            try ImporterFixtures.copySample(sample, to: root + "/validation/\(id).jpg")
        }
        return (root, expected)
    }

    @Test("masks come out as they went in (scaled masks as cv2 INTER_NEAREST scales them), with box, IoU and clicks")
    func exact() throws {
        let (root, expected) = try dataset()
        let store = try temp.store()
        let report = try ImporterFixtures.run(OpenImagesImporter(), root: root, store: store)
        let stored = try ImporterFixtures.annotations(store, dataset: "openimages")
        let annotations = expected["annotations"] as? [[String: Any]] ?? []
        #expect(annotations.count == 13)
        #expect(stored.count == annotations.count)
        #expect(report.annotations.added == annotations.count)
        #expect(report.images.added == 4)
        for item in annotations {
            let imageID = item["image_id"] as? String ?? ""
            let key = item["key"] as? String ?? ""
            guard let annotation = stored[imageID + "|" + key] else {
                Issue.record("annotation \(key) missing")
                continue
            }
            let want = try ImporterFixtures.rle(item["rle"])
            #expect(annotation.mask == want, "\(key)")
            #expect(try ImporterFixtures.iou(annotation.mask, want) == 1.0)
            if item["lossless"] as? Bool == true {
                // Lossless path: the mask that went in (rasterized by OpenCV) is the mask that came out.
                #expect(try ImporterFixtures.iou(annotation.mask, ImporterFixtures.rle(item["input_rle"])) == 1.0, "\(key)")
            }
            let mid = item["mid"] as? String ?? ""
            #expect(annotation.category == (item["display_name"] as? String ?? mid))
            #expect(annotation.categorySourceIDs.contains(mid))
            #expect(annotation.attributes["BoxID"] as? String == item["box_id"] as? String)
            #expect(annotation.attributes["PredictedIoU"] as? Double == item["predicted_iou"] as? Double)
            #expect(annotation.attributes["Clicks"] as? String == item["clicks"] as? String)
            #expect(annotation.attributes["BoxXMin"] is Double)
            #expect(annotation.groupKey == imageID && annotation.sourceID == imageID)
            #expect(annotation.split == "val" && annotation.storage == "root" && annotation.relPath == "validation/\(imageID).jpg")
        }
    }

    @Test("every bad record is reported with file and line, and skipped")
    func badRecords() throws {
        let (root, expected) = try dataset()
        let report = try ImporterFixtures.run(OpenImagesImporter(), root: root, store: try temp.store())
        let bad = expected["bad"] as? [[String: Any]] ?? []
        #expect(report.skipped == ["bad row": 1, "missing mask": 1, "unreadable image": 1, "path escapes root": 1])
        #expect(report.problemCount == bad.count)
        for item in bad {
            let line = "\(item["line"] as? Int ?? 0)"
            let problem = report.problems.first { $0.location == line }
            #expect(problem?.file == "validation-annotations-object-segmentation.csv", "line \(line): \(report.problems)")
        }
        #expect(report.problems.first { $0.location == "\(bad[0]["line"] as? Int ?? 0)" }?.reason == "expected 10 columns, found 9")
        #expect(report.problems.contains { $0.field == "MaskPath" && $0.reason.contains("_missing0.png not found") })
        #expect(report.problems.contains { $0.field == "ImageID" && $0.reason.contains("escapes the dataset root") })
    }

    @Test("--strict stops at the first bad record")
    func strict() throws {
        let (root, _) = try dataset()
        #expect {
            try ImporterFixtures.run(OpenImagesImporter(), root: root, store: try temp.store(), options: ImportOptions(strict: true))
        } throws: { error in
            guard case ImportError.badRecord(let problem) = error else { return false }
            return problem.location == "15"
        }
    }

    @Test("importing twice adds nothing and leaves the store as it was")
    func twice() throws {
        let (root, _) = try dataset()
        let store = try temp.store()
        _ = try ImporterFixtures.run(OpenImagesImporter(), root: root, store: store)
        let first = try ImporterFixtures.digest(store)
        let again = try ImporterFixtures.run(OpenImagesImporter(), root: root, store: store)
        #expect(again.images.added == 0 && again.annotations.added == 0)
        #expect(again.annotations.alreadyPresent == 13)
        #expect(try ImporterFixtures.digest(store) == first)
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("--classes keeps display names (any case) and MIDs; --max-images caps images")
    func filters() throws {
        let (root, _) = try dataset()
        let store = try temp.store()
        _ = try ImporterFixtures.run(OpenImagesImporter(classes: ["cat,/m/0k0pj", "Coffee cup", "Tulip, Sprenger's"]), root: root, store: store)
        let names = try ImporterFixtures.annotations(store, dataset: "openimages").values.compactMap(\.category).sorted()
        #expect(names == ["Cat", "Coffee cup", "Human nose"])
        #expect(throws: ImportError.self) { try ImporterFixtures.run(OpenImagesImporter(classes: ["Unicorn"]), root: root, store: store) }

        let capped = try temp.store("capped.db")
        let report = try ImporterFixtures.run(OpenImagesImporter(), root: root, store: capped, options: ImportOptions(maxImages: 2))
        #expect(report.images.added == 2)
        #expect(Set(try ImporterFixtures.annotations(capped, dataset: "openimages").values.map(\.sourceID)).count == 2)
    }

    @Test("masks unpacked into folders import the same as masks read from the zips")
    func unpackedShards() throws {
        let (root, _) = try dataset()
        let zipped = try temp.store("zipped.db")
        _ = try ImporterFixtures.run(OpenImagesImporter(), root: root, store: zipped)
        // Unpack every shard zip into {split}-masks-{h}/ with our own zip reader, then drop the zips.
        for shard in ["0", "2"] {
            let path = root + "/validation-masks-\(shard).zip"
            let archive = try ZipArchiveForTests.open(path)
            for (name, bytes) in archive { try temp.write("openimages/validation-masks-\(shard)/\(name)", bytes) }
            try FileManager.default.removeItem(atPath: path)
        }
        let unpacked = try temp.store("unpacked.db")
        _ = try ImporterFixtures.run(OpenImagesImporter(), root: root, store: unpacked)
        let a = try ImporterFixtures.annotations(zipped, dataset: "openimages").mapValues(\.mask)
        let b = try ImporterFixtures.annotations(unpacked, dataset: "openimages").mapValues(\.mask)
        #expect(a.count == 13 && a == b)
    }
}
