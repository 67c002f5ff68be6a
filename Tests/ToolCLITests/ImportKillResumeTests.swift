import DatasetStore
import Foundation
import GRDB
import TestSupport
import Testing

@Suite("lisakit import openimages/scannet/refcoco: killed midway and re-run", .serialized)
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
          arguments: ["openimages", "scannet", "refcoco"])
    func killAndResume(format: String) throws {
        let count = 600
        let root: String = switch format {
        case "openimages": try GeneratedImportSets.openImages(count: count, in: folder, name: format)
        case "scannet": try GeneratedImportSets.scanNet(count: count, in: folder, name: format)
        default: try GeneratedImportSets.refCOCO(count: count, in: folder, name: format)
        }
        let reference = folder.file("reference.db"), db = folder.file("killed.db")
        #expect(CLI.run(["init", reference]).status == 0)
        #expect(CLI.run(["init", db]).status == 0)
        let whole = CLI.run(["import", format, "--db", reference, "--json", root])
        #expect(whole.status == 0, "\(whole.stderr)")

        let out = folder.file("out.txt"), err = folder.file("err.txt")
        let pid = CLI.spawn(["import", format, "--db", db, "--batch-size", "1", root], stdoutPath: out, stderrPath: err)
        let reader = try DatabaseQueue(path: db, configuration: { var c = Configuration(); c.readonly = true; return c }())
        var seen = 0
        let deadline = Date().addingTimeInterval(120)
        while seen < 40 && Date() < deadline {
            seen = (try? reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM images") }) ?? 0
            usleep(1000)
        }
        kill(pid, SIGKILL)
        let killed = CLI.wait(pid, stdoutPath: out, stderrPath: err)
        try reader.close()
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

        let rerun = CLI.run(["import", format, "--db", db, "--json", root])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(rerun.stdout.utf8))
        #expect(report.images.added == count - partial && report.images.alreadyPresent == partial)
        #expect(try store.integrityProblems().isEmpty)
        let resumed = try Self.digest(db), uninterrupted = try Self.digest(reference)
        #expect(resumed.count == uninterrupted.count && resumed.count > count)
        #expect(resumed == uninterrupted)
    }
}
