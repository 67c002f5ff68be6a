import Annotate
import DatasetStore
import Foundation
import GRDB
import Testing
import TestSupport

@Suite("lisakit import", .serialized)
struct ImportCommandTests {
    let folder = TemporaryFolder()

    /// A ReasonSeg folder of `count` distinct small JPEGs, each with a target polygon, an ignore
    /// polygon and two instruction texts.
    func reasonSegFolder(count: Int) throws -> String {
        for index in 0..<count {
            var samples = [UInt8](repeating: 0, count: 32 * 24 * 3)
            for i in samples.indices { samples[i] = UInt8(truncatingIfNeeded: (i * 7 + index * 131) % 251) }
            // A distinct block per image, so that no two images have the same content.
            for y in 0..<8 { for x in 0..<8 { samples[(y * 32 + x) * 3] = UInt8(index & 0xff); samples[(y * 32 + x) * 3 + 1] = UInt8(index >> 8) * 60 } }
            let jpeg = try JPEGCodec.encode(PixelBuffer(width: 32, height: 24, channels: 3, samples: samples), quality: 90)
            try folder.write("rs/train/img\(index).jpg", jpeg)
            let json: [String: Any] = [
                "text": ["the thing number \(index)", "object \(index) in the picture"], "is_sentence": false,
                "shapes": [["label": "target", "points": [[1, 1], [Double(10 + index % 20), 2], [5, 20]]],
                           ["label": "ignore", "points": [[20, 1], [30, 1], [30, 10]]]],
            ]
            try folder.write("rs/train/img\(index).json", [UInt8](try JSONSerialization.data(withJSONObject: json)))
        }
        return folder.file("rs")
    }

    /// Everything an import wrote, in a comparable form.
    func content(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: """
                SELECT 'image ' || s.source_id || ' ' || i.sha256 || ' ' || i.width || 'x' || i.height || ' ' || coalesce(i.split, '-')
                FROM images i JOIN image_sources s ON s.image_id = i.id
                UNION ALL
                SELECT 'annotation ' || s.source_id || ' ' || a.instance_key || ' ' || a.geometry || ' ' || a.area || ' ' || a.is_ignore
                FROM annotations a JOIN image_sources s ON s.image_id = a.image_id
                UNION ALL
                SELECT 'instruction ' || s.source_id || ' ' || n.key || ' ' || n.text || ' ' ||
                  (SELECT group_concat(a.instance_key) FROM instruction_targets t JOIN annotations a ON a.id = t.annotation_id
                   WHERE t.instruction_id = n.id)
                FROM instructions n JOIN image_sources s ON s.image_id = n.image_id
                ORDER BY 1
                """)
        }
    }

    @Test("killed midway, an import re-runs to exactly the store an uninterrupted import makes")
    func killAndResume() throws {
        let count = 400
        let root = try reasonSegFolder(count: count)
        let reference = folder.file("reference.db"), killed = folder.file("killed.db")
        #expect(CLI.run(["init", reference]).status == 0 && CLI.run(["init", killed]).status == 0)
        let full = CLI.run(["import", "reasonseg", "--db", reference, root])
        #expect(full.status == 0, "\(full.stderr)")

        let interrupted = CLI.runAndKill(["import", "reasonseg", "--db", killed, "--batch-size", "1", root],
                                         when: CLI.imagesCommitted(killed, atLeast: 30))
        #expect(interrupted.status == 128 + SIGKILL)
        let store = try DatasetStore.open(at: killed)
        #expect(try store.integrityProblems().isEmpty)
        let partial = try store.statistics()
        #expect(partial.images.total >= 30 && partial.images.total < count)
        // Every image written has all of its annotations and instructions (nothing half-written).
        #expect(partial.annotations.total == 2 * partial.images.total && partial.instructions.total == 2 * partial.images.total)

        let rerun = CLI.run(["import", "reasonseg", "--db", killed, "--json", root])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(rerun.stdout.utf8))
        #expect(report.images.added == count - partial.images.total && report.images.alreadyPresent == partial.images.total)
        #expect(try content(killed) == content(reference))
        #expect(try content(reference).count == 5 * count)
    }

    @Test("import errors: a missing root, --strict on a bad record, a summary on stdout and problems on stderr")
    func errors() throws {
        let db = folder.file("e.db")
        #expect(CLI.run(["init", db]).status == 0)
        let missing = CLI.run(["import", "labelme", "--db", db, folder.file("nowhere")])
        #expect(missing.status != 0 && missing.stderr.contains("nowhere: no such file or directory"))
        try folder.write("lm/a.json", Array(#"{"shapes": [{"label": "x", "points": [[0, 0], [1, 1]]}], "imagePath": "a.png", "imageWidth": 4, "imageHeight": 4}"#.utf8))
        try folder.write("lm/a.png", try smallPNG(seed: 3, width: 4, height: 4))
        let lenient = CLI.run(["import", "labelme", "--db", db, folder.file("lm")])
        #expect(lenient.status == 0 && lenient.stdout.contains("images 1 added") && lenient.stdout.contains("skipped 1: bad shape"))
        #expect(lenient.stderr.contains("warning: a.json:shapes[0]: field points: a polygon needs at least 3 points, got 2"))
        let strict = CLI.run(["import", "labelme", "--db", db, "--strict", folder.file("lm")])
        #expect(strict.status != 0 && strict.stderr.contains("a.json:shapes[0]: field points"))
    }
}
