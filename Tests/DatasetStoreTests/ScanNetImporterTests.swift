import Annotate
import DatasetStore
import Foundation
import Serialization
import TestSupport
import Testing

@Suite("ScanNet importer")
struct ScanNetImporterTests {
    let temp = TemporaryFolder()

    func expectedAnnotations(frameStep: Int = 1) throws -> [[String: Any]] {
        let all = try ImporterFixtures.expected("scannet")["annotations"] as? [[String: Any]] ?? []
        return all.filter { ($0["frame"] as? Int ?? 0) % frameStep == 0 }
    }

    @Test("instance masks from .sens + label zips and from exported frames + label folders, scaled as cv2 INTER_NEAREST")
    func exact() throws {
        let root = try ImporterFixtures.dataset("scannet", in: temp)
        let expected = try ImporterFixtures.expected("scannet")
        let store = try temp.store()
        let report = try ImporterFixtures.run(ScanNetImporter(), root: root, store: store)
        let stored = try ImporterFixtures.annotations(store, dataset: "scannet")
        let annotations = try expectedAnnotations()
        let labels = Dictionary(uniqueKeysWithValues: (expected["labels"] as? [[String: Any]] ?? []).map { ($0["id"] as? Int ?? 0, $0) })
        let frames = expected["frames"] as? [[String: Any]] ?? []
        let splits = expected["splits"] as? [String: String] ?? [:]
        #expect(stored.count == annotations.count && annotations.count > 10)
        #expect(report.images.added == frames.filter { $0["valid_pose"] as? Bool == true }.count)
        #expect(report.skipped == ["invalid pose": 2])
        for item in annotations {
            let scene = item["scene"] as? String ?? "", frame = item["frame"] as? Int ?? -1, instance = item["instance"] as? Int ?? -1
            guard let annotation = stored["\(scene)/frame/\(frame)|instance:\(instance)"] else {
                Issue.record("\(scene) frame \(frame) instance \(instance) missing")
                continue
            }
            let want = try ImporterFixtures.rle(item["rle"])
            #expect(annotation.mask == want, "\(scene) frame \(frame) instance \(instance)")
            #expect(try ImporterFixtures.iou(annotation.mask, want) == 1.0)
            let label = item["label_id"] as? Int ?? 0
            #expect(annotation.category == labels[label]?["category"] as? String)
            #expect(annotation.attributes["label_id"] as? Int == label && annotation.attributes["instance_id"] as? Int == instance)
            #expect(annotation.groupKey == scene && annotation.split == splits[scene])
            let info = frames.first { $0["scene"] as? String == scene && $0["frame"] as? Int == frame }
            #expect(annotation.sha256 == info?["sha256"] as? String, "the stored frame is the JPEG in the stream, byte for byte")
            // Poses are float32 in the stream and in ScanNet's exports.
            #expect((annotation.attributes["camera_to_world"] as? [Double])?.map { Float($0) } == (info?["pose"] as? [Double])?.map { Float($0) })
            // .sens frames have no file of their own: they are blobs; exported frames stay in the root.
            if scene == "scene0000_00" { #expect(annotation.storage == "blob" && annotation.relPath == nil) } else {
                #expect(annotation.storage == "root" && annotation.relPath == "\(scene)/color/\(frame).jpg")
            }
        }
        // The blob files hold the frames.
        for info in frames where info["scene"] as? String == "scene0000_00" && info["valid_pose"] as? Bool == true {
            let sha = info["sha256"] as? String ?? ""
            let bytes = try FileBytes.read(store.location.blobPath(sha256: sha))
            #expect(SHA256.hex(of: bytes) == sha)
        }
    }

    @Test("label sets, frame step, twice without duplicates")
    func optionsAndTwice() throws {
        let root = try ImporterFixtures.dataset("scannet", in: temp)
        let store = try temp.store()
        _ = try ImporterFixtures.run(ScanNetImporter(labelSet: .nyu40class, frameStep: 2), root: root, store: store)
        let stored = try ImporterFixtures.annotations(store, dataset: "scannet")
        #expect(stored.count == (try expectedAnnotations(frameStep: 2)).count)
        #expect(Set(stored.values.compactMap(\.category)).isSubset(of: ["wall", "chair", "otherprop", "person"]))
        let first = try ImporterFixtures.digest(store)
        let again = try ImporterFixtures.run(ScanNetImporter(labelSet: .nyu40class, frameStep: 2), root: root, store: store)
        #expect(again.images.added == 0 && again.annotations.added == 0 && again.annotations.alreadyPresent == stored.count)
        #expect(try ImporterFixtures.digest(store) == first)

        let raw = try temp.store("raw.db")
        _ = try ImporterFixtures.run(ScanNetImporter(labelSet: .rawCategory), root: root, store: raw)
        #expect(Set(try ImporterFixtures.annotations(raw, dataset: "scannet").values.compactMap(\.category)).contains("coffee cup"))
    }

    @Test("bad records: truncated .sens, missing label image, unknown label id, unreadable frame, frame linking out of the root")
    func badRecords() throws {
        let root = try ImporterFixtures.dataset("scannet", in: temp)
        let sens = root + "/scene0000_00/scene0000_00.sens"
        let bytes = try FileBytes.read(sens)
        try Data(bytes[0..<(bytes.count - 3000)]).write(to: URL(fileURLWithPath: sens))
        try FileManager.default.removeItem(atPath: root + "/scene0001_00/label-filt/3.png")
        try Data("not a jpeg".utf8).write(to: URL(fileURLWithPath: root + "/scene0001_00/color/1.jpg"))
        try FileManager.default.removeItem(atPath: root + "/scene0001_00/color/0.jpg")
        try FileManager.default.createSymbolicLink(atPath: root + "/scene0001_00/color/0.jpg", withDestinationPath: "/etc/hostname")
        // A scene folder that is a link to a scan outside the root.
        let outside = temp.file("outside/scene0002_00")
        try FileManager.default.createDirectory(atPath: temp.file("outside"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ImporterFixtures.folder + "/scannet/scene0001_00", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root + "/scene0002_00", withDestinationPath: outside)
        // Drop label 5 (saucer) from the table.
        let tsv = try String(contentsOfFile: root + "/scannetv2-labels.combined.tsv", encoding: .utf8)
        try tsv.split(separator: "\n").filter { !$0.hasPrefix("5\t") }.joined(separator: "\n").write(
            toFile: root + "/scannetv2-labels.combined.tsv", atomically: true, encoding: .utf8)
        let store = try temp.store()
        let report = try ImporterFixtures.run(ScanNetImporter(), root: root, store: store)
        #expect(report.skipped["unreadable scan"] == 1)
        #expect(report.skipped["missing label image"] == 1)
        #expect(report.skipped["unreadable image"] == 1)
        #expect(report.skipped["path escapes root"] == 3) // the linked scene's label-filt/ and instance-filt/, the linked frame
        #expect(report.problems.contains { $0.file == "scene0002_00/label-filt" && $0.reason.contains("outside the dataset root") })
        #expect(try ImporterFixtures.annotations(store, dataset: "scannet").values.allSatisfy { $0.groupKey != "scene0002_00" })
        #expect((report.skipped["unknown label"] ?? 0) >= 1)
        #expect(report.problems.contains { $0.file == "scene0000_00/scene0000_00.sens" && $0.reason.contains("runs past the end") })
        #expect(report.problems.contains { $0.field == "label" && $0.reason.contains("label id 5") })
        #expect(report.problems.contains { $0.file == "scene0001_00/color/0.jpg" && $0.reason.contains("outside the dataset root") })
        // Frames before the truncation were imported; the store is consistent.
        #expect(report.images.added >= 3)
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("a .sens with a wrong version or an impossible frame count is refused with the field named")
    func corruptHeader() throws {
        let root = try ImporterFixtures.dataset("scannet", in: temp)
        let sens = root + "/scene0000_00/scene0000_00.sens"
        var bytes = try FileBytes.read(sens)
        bytes[0] = 3
        try Data(bytes).write(to: URL(fileURLWithPath: sens))
        let report = try ImporterFixtures.run(ScanNetImporter(), root: root, store: try temp.store())
        #expect(report.problems.contains { $0.reason.contains("field version: expected 4, found 3") })
        #expect(throws: ImportError.self) {
            try ImporterFixtures.run(ScanNetImporter(), root: root, store: try temp.store("s.db"), options: ImportOptions(strict: true))
        }
    }
}
