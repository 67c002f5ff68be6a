import DatasetStore
import Foundation
import GRDB
import TestSupport
import Testing

@Suite("lisakit import openimages/scannet/refcoco/coco: killed midway and re-run", .serialized)
struct ImportKillResumeTests {
    let folder = TemporaryFolder()

    /// Everything an import wrote, as sorted lines (images with their sources, annotations, instructions).
    static func digest(_ path: String) throws -> [String] {
        let store = try DatasetStore.open(at: path)
        return try store.read { db in
            let lines = try String.fetchAll(db, sql: """
                SELECT 'i|' || i.sha256 || '|' || i.storage || '|' || ifnull(i.rel_path, '') || '|' || ifnull(i.group_key, '') || '|'
                       || ifnull(i.split, '') || '|' || s.source_id FROM images i JOIN image_sources s ON s.image_id = i.id
                UNION ALL
                SELECT 'a|' || i.sha256 || '|' || a.instance_key || '|' || ifnull(c.name, '') || '|' || a.geometry || '|'
                       || ifnull(a.attributes, '') FROM annotations a JOIN images i ON i.id = a.image_id
                       LEFT JOIN categories c ON c.id = a.category_id
                UNION ALL
                SELECT 'n|' || i.sha256 || '|' || n.key || '|' || n.text || '|' || n.kind || '|'
                       || (SELECT group_concat(a.instance_key) FROM instruction_targets t JOIN annotations a ON a.id = t.annotation_id
                           WHERE t.instruction_id = n.id)
                FROM instructions n JOIN images i ON i.id = n.image_id
                """)
            return lines.sorted()
        }
    }

    @Test("SIGKILL during a --batch-size 1 import, then a re-run: consistent, and identical to an uninterrupted import",
          arguments: ["openimages", "scannet", "refcoco", "coco"])
    func killAndResume(format: String) throws {
        let count = 600
        let root: String = switch format {
        case "openimages": try GeneratedImportSets.openImages(count: count, in: folder, name: format)
        case "scannet": try GeneratedImportSets.scanNet(count: count, in: folder, name: format)
        case "coco": try GeneratedImportSets.coco(count: count, in: folder, name: format)
        default: try GeneratedImportSets.refCOCO(count: count, in: folder, name: format)
        }
        let source = format == "coco" ? ["--annotations", root + "/instances.json", "--images", "images", root] : [root]
        let reference = folder.file("reference.db"), db = folder.file("killed.db")
        #expect(CLI.run(["init", reference]).status == 0)
        #expect(CLI.run(["init", db]).status == 0)
        let whole = CLI.run(["import", format, "--db", reference, "--json"] + source)
        #expect(whole.status == 0, "\(whole.stderr)")

        let killed = CLI.runAndKill(["import", format, "--db", db, "--batch-size", "1"] + source, when: CLI.imagesCommitted(db, atLeast: 40))
        #expect(killed.status == 128 + SIGKILL)
        let store = try DatasetStore.open(at: db)
        #expect(try store.integrityProblems().isEmpty)
        let partial = try store.statistics().images.total
        #expect(partial >= 40 && partial < count, "killed after \(partial) of \(count)")
        // Whole images only: every image written has all its annotations.
        let incomplete = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM images i WHERE (SELECT count(*) FROM annotations a WHERE a.image_id = i.id) <> 2")
        }
        #expect(incomplete == 0)

        let rerun = CLI.run(["import", format, "--db", db, "--json"] + source)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(rerun.stdout.utf8))
        #expect(report.images.added == count - partial && report.images.alreadyPresent == partial)
        #expect(try store.integrityProblems().isEmpty)
        let resumed = try Self.digest(db), uninterrupted = try Self.digest(reference)
        #expect(resumed.count == uninterrupted.count && resumed.count > count)
        #expect(resumed == uninterrupted)
    }

    /// Runs `lisakit` and samples the child's own peak resident memory (VmHWM of its address
    /// space after exec) until it exits. wait4's ru_maxrss cannot be used here: a posix_spawned
    /// child inherits the test process's high-water mark.
    static func peakKiB(_ arguments: [String], in folder: TemporaryFolder) -> (status: Int32, stdout: String, peakKiB: Int) {
        let out = folder.file("peak-out.txt"), err = folder.file("peak-err.txt")
        let pid = CLI.spawn(arguments, stdoutPath: out, stderrPath: err)
        var peak = 0
        var status: Int32 = 0
        while true {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let value = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
                peak = max(peak, value)
            }
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid || done < 0 { break }
            usleep(2000)
        }
        let exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exit, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", peak)
    }

    @Test("an OpenImages CSV ten times longer costs no more memory (the CSV is streamed, not loaded)")
    func flatMemory() throws {
        var peaks: [Int] = []
        for rows in [30_000, 300_000] {
            let root = folder.file("flat\(rows)")
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let path = root + "/validation-annotations-object-segmentation.csv"
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            handle.write(Data("MaskPath,ImageID,LabelName,BoxID,BoxXMin,BoxXMax,BoxYMin,BoxYMax,PredictedIoU,Clicks\n".utf8))
            var chunk = ""
            for index in 0..<rows {
                // Images that are not there: every row is read, grouped and reported, nothing kept.
                let id = String(format: "%016llx", UInt64(index / 3) &* 0x9E3779B97F4A7C15)
                chunk += "\(id)_m01g317_\(index).png,\(id),/m/01g317,\(index),0.1,0.2,0.3,0.4,0.85,0.15 0.35 1;0.2 0.3 0\n"
                if chunk.utf8.count > 1 << 16 { handle.write(Data(chunk.utf8)); chunk = "" }
            }
            handle.write(Data(chunk.utf8))
            try handle.close()
            let db = folder.file("flat\(rows).db")
            #expect(CLI.run(["init", db]).status == 0)
            let result = Self.peakKiB(["import", "openimages", "--db", db, "--json", root], in: folder)
            #expect(result.status == 0)
            let report = try JSONDecoder().decode(ImportReport.self, from: Data(result.stdout.utf8))
            #expect(report.skipped["unreadable image"] == (rows + 2) / 3)
            peaks.append(result.peakKiB)
        }
        // The longer CSV is 30+ MB: loaded whole it would add far more than this.
        #expect(peaks[0] > 0 && peaks[1] - peaks[0] < 12 * 1024, "peak RSS \(peaks[0]) KiB for 30k rows, \(peaks[1]) KiB for 300k rows")
    }

    /// A COCO instances JSON of `images` entries with three 60-point polygon annotations each
    /// (annotations written first, as some exporters do), all entries naming one small JPEG:
    /// every record is staged, rasterized and stored (one image, `images` sources).
    static func largeCOCO(images: Int, in folder: TemporaryFolder) throws -> (root: String, json: String, bytes: Int) {
        let root = folder.file("coco\(images)")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try folder.write("coco\(images)/shared.jpg", try GeneratedImportSets.jpeg(1, width: 64, height: 48))
        let path = root + "/instances.json"
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var chunk = "{\"annotations\": [\n", bytes = 0
        func flush(_ force: Bool = false) {
            guard force || chunk.utf8.count > 1 << 16 else { return }
            bytes += chunk.utf8.count
            handle.write(Data(chunk.utf8))
            chunk = ""
        }
        for index in 0..<images * 3 {
            var ring: [String] = []
            for k in 0..<60 {
                let angle = Double(k) * Double.pi / 30, radius = 8 + Double((index + k) % 7)
                ring.append(String(format: "%.2f,%.2f", 32 + radius * cos(angle), 24 + radius * sin(angle)))
            }
            chunk += (index == 0 ? "" : ",\n") + #"{"id": \#(index + 1), "image_id": \#(index / 3 + 1), "category_id": 1, "iscrowd": 0, "#
                + #""area": 300.5, "bbox": [20, 12, 24, 24], "segmentation": [[\#(ring.joined(separator: ","))]]}"#
            flush()
        }
        chunk += "],\n\"images\": [\n"
        for index in 0..<images {
            chunk += (index == 0 ? "" : ",\n") + #"{"id": \#(index + 1), "file_name": "shared.jpg", "width": 64, "height": 48, "license": 1}"#
            flush()
        }
        chunk += "],\n\"categories\": [{\"id\": 1, \"name\": \"ring\", \"supercategory\": \"shape\"}]}\n"
        flush(true)
        try handle.close()
        return (root, path, bytes)
    }

    @Test("a COCO instances JSON four times larger costs no more memory (streamed and staged, not loaded)")
    func flatMemoryCOCO() throws {
        var peaks: [Int] = [], sizes: [Int] = []
        for images in [2_000, 8_000] {
            let (root, json, bytes) = try Self.largeCOCO(images: images, in: folder)
            let db = folder.file("coco\(images).db")
            #expect(CLI.run(["init", db]).status == 0)
            let result = Self.peakKiB(["import", "coco", "--db", db, "--json", "--annotations", json, root], in: folder)
            #expect(result.status == 0)
            let report = try JSONDecoder().decode(ImportReport.self, from: Data(result.stdout.utf8))
            #expect(report.annotations.added == 3 * images && report.problemCount == 0, "\(report.problems.prefix(3))")
            #expect(report.images.added == 1 && report.images.alreadyPresent == images - 1)
            peaks.append(result.peakKiB)
            sizes.append(bytes)
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: db)
        }
        // The larger JSON is ~16 MB more text (and 18k more polygons): loaded whole, or with its polygons
        // or import units held, it would add far more than this.
        #expect(peaks[0] > 0 && peaks[1] - peaks[0] < 8 * 1024,
                "peak RSS \(peaks[0]) KiB for \(sizes[0]) bytes of JSON, \(peaks[1]) KiB for \(sizes[1]) bytes")
        print("COCO import peak RSS: \(peaks[0]) KiB for \(sizes[0]) bytes of JSON, \(peaks[1]) KiB for \(sizes[1]) bytes")
    }
}
