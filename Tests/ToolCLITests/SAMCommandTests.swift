import Annotate
import DatasetStore
import Foundation
import GRDB
import Model
import TestSupport
import Testing

/// `lisakit segment` and `lisakit prelabel --from-boxes` on the tiny Meta-built SAM
/// (Tests/ModelTests/Fixtures/sam, tools/sam_tiny.py).
@Suite("lisakit segment / prelabel", .serialized)
struct SAMCommandTests {
    let folder = TemporaryFolder()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let checkpoint = root.appendingPathComponent("Tests/ModelTests/Fixtures/sam/sam_tiny.pth").path
    static let configPath = root.appendingPathComponent("Tests/ModelTests/Fixtures/sam/sam_tiny_config.json").path
    static let chelsea = root.appendingPathComponent("samples/images/chelsea.jpg").path

    struct SegmentOutput: Decodable {
        struct Candidate: Decodable { let rle: RLE; let iou: Float; let area: Int }
        let rle: RLE
        let iou: Float
        let area: Int
        let masks: [Candidate]
        let cached_embedding: Bool
    }

    /// The CLI's mask equals the library's on the same prompt; the second call reads the cached
    /// embedding; the configuration is found beside the checkpoint when --config is absent.
    @Test func segmentMatchesLibraryAndCaches() throws {
        let cache = folder.file("cache")
        let args = ["segment", "--sam", Self.checkpoint, "--image", Self.chelsea, "--point", "203,120", "--point", "360,255,0",
                    "--json", "--cache", cache]
        let first = CLI.run(args + ["--config", Self.configPath])
        #expect(first.status == 0, "\(first.stderr)")
        let a = try JSONDecoder().decode(SegmentOutput.self, from: Data(first.stdout.utf8))
        #expect(!a.cached_embedding)
        #expect(a.rle.height == 300 && a.rle.width == 451)
        #expect(a.masks.count == 1 && a.area == a.rle.area && a.area > 0)

        let second = CLI.run(args)  // configuration detected: sam_tiny_config.json beside sam_tiny.pth
        #expect(second.status == 0, "\(second.stderr)")
        let b = try JSONDecoder().decode(SegmentOutput.self, from: Data(second.stdout.utf8))
        #expect(b.cached_embedding)
        #expect(b.rle == a.rle && b.iou == a.iou)

        let predictor = try SAMPredictor(checkpointPath: Self.checkpoint, configuration: SAMConfiguration.load(from: URL(fileURLWithPath: Self.configPath)), cache: nil)
        let image = try JPEGCodec.decode(FileBytes.read(Self.chelsea))
        let (embedding, _) = try predictor.embed(samples: image.samples, width: image.width, height: image.height, channels: image.channels, sha256: nil)
        let prediction = try predictor.predict(embedding, prompt: SAMPrompt(points: [.init(x: 203, y: 120), .init(x: 360, y: 255, label: .negative)]), multimask: false)
        let expected = RLE(encoding: try BinaryMask(width: 451, height: 300, values: prediction.masks[0]))
        #expect(a.rle == expected)
        #expect(abs(a.iou - prediction.iouPredictions[0]) < 1e-6)
    }

    @Test func segmentMultimaskWritesBestMaskPNG() throws {
        let png = folder.file("mask.png")
        let result = CLI.run(["segment", "--sam", Self.checkpoint, "--image", Self.chelsea, "--box", "90,45,315,270", "--multimask",
                              "--no-cache", "--out", png, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let out = try JSONDecoder().decode(SegmentOutput.self, from: Data(result.stdout.utf8))
        #expect(out.masks.count == 3)
        #expect(out.iou == out.masks.map(\.iou).max())
        let written = try MaskPNG.read(contentsOf: png)
        #expect(RLE(encoding: written) == out.rle)
    }

    @Test func segmentRejectsBadInput() {
        let noPrompt = CLI.run(["segment", "--sam", Self.checkpoint, "--image", Self.chelsea])
        #expect(noPrompt.status != 0 && noPrompt.stderr.contains("--point"))
        let badPoint = CLI.run(["segment", "--sam", Self.checkpoint, "--image", Self.chelsea, "--point", "1,x"])
        #expect(badPoint.status != 0 && badPoint.stderr.contains("--point #1"))
        let badLabel = CLI.run(["segment", "--sam", Self.checkpoint, "--image", Self.chelsea, "--point", "1,2,3"])
        #expect(badLabel.status != 0 && badLabel.stderr.contains("label"))
        let missing = CLI.run(["segment", "--sam", folder.file("nope.pth"), "--config", "vit_b", "--image", Self.chelsea, "--point", "1,2"])
        #expect(missing.status != 0 && missing.stderr.contains("nope.pth"))
        let notImage = CLI.run(["segment", "--sam", Self.checkpoint, "--image", Self.configPath, "--point", "1,2", "--no-cache"])
        #expect(notImage.status != 0 && notImage.stderr.contains("sam_tiny_config.json"))
    }

    struct Report: Decodable { let boxes: Int; let alreadyLabelled: Int; let created: Int; let images: Int; let cachedEmbeddings: Int; let failures: [String] }

    /// The model annotations of a store, as sorted comparable lines (the source box named by its
    /// image hash and instance key, so that row ids of two stores need not agree).
    static func predictions(_ path: String) throws -> [String] {
        let store = try DatasetStore.open(at: path)
        return try store.read { db in
            try String.fetchAll(db, sql: """
                SELECT i.sha256 || '|' || s.instance_key || '|' || ifnull(c.name, '') || '|' || a.geometry || '|' || a.score
                       || '|' || a.review_state || '|' || a.model_name || '|' || a.model_version || '|'
                       || json_extract(a.attributes, '$.box') || '|' || a.area || '|' || a.bbox_x || ',' || a.bbox_y || ',' || a.bbox_w || ',' || a.bbox_h
                FROM annotations a JOIN images i ON i.id = a.image_id
                JOIN annotations s ON s.id = json_extract(a.attributes, '$.source_annotation_id') AND s.image_id = a.image_id
                     AND a.instance_key LIKE 'sam-box:%:' || s.id
                LEFT JOIN categories c ON c.id = a.category_id
                WHERE a.provenance = 'model'
                """).sorted()
        }
    }

    static func modelAnnotations(_ database: String, atLeast count: Int) -> () -> Bool {
        let configuration: Configuration = { var c = Configuration(); c.readonly = true; return c }()
        return {
            guard let reader = try? DatabaseQueue(path: database, configuration: configuration) else { return false }
            defer { try? reader.close() }
            return ((try? reader.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM annotations WHERE provenance = 'model'") }) ?? 0) >= count
        }
    }

    /// Every OpenImages box becomes one pending model annotation scored by SAM's IoU; a second
    /// run adds nothing.
    @Test func prelabelIsIdempotent() throws {
        let root = try GeneratedImportSets.openImages(count: 12, in: folder, name: "oi")
        let db = folder.file("store.db")
        #expect(CLI.run(["init", db]).status == 0)
        #expect(CLI.run(["import", "openimages", "--db", db, root]).status == 0)
        let first = CLI.run(["prelabel", "--db", db, "--sam", Self.checkpoint, "--from-boxes", "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        let r1 = try JSONDecoder().decode(Report.self, from: Data(first.stdout.utf8))
        #expect(r1.boxes == 24 && r1.created == 24 && r1.alreadyLabelled == 0 && r1.images == 12 && r1.failures.isEmpty)
        let store = try DatasetStore.open(at: db)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM annotations WHERE provenance = 'model' ORDER BY id")
        }
        #expect(rows.count == 24)
        for row in rows {
            #expect(row["review_state"] as String == "pending")
            #expect(row["model_name"] as String == "sam_tiny")
            #expect(row["geometry_kind"] as String == "rle")
            let score: Double = row["score"]
            #expect(score.isFinite)
            let rle = try JSONDecoder().decode(RLE.self, from: Data((row["geometry"] as String).utf8))
            #expect(rle.height == 24 && rle.width == 32)  // the generated photos' size (masks are scaled to it on import)
            #expect(Double(rle.area) == row["area"] as Double)
        }
        // Categories follow the source boxes.
        let mismatched = try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM annotations p JOIN annotations s ON s.id = json_extract(p.attributes, '$.source_annotation_id')
                WHERE p.provenance = 'model' AND (s.category_id IS NOT p.category_id OR s.image_id <> p.image_id)
                """)
        }
        #expect(mismatched == 0)

        let second = CLI.run(["prelabel", "--db", db, "--sam", Self.checkpoint, "--from-boxes", "--json"])
        #expect(second.status == 0, "\(second.stderr)")
        let r2 = try JSONDecoder().decode(Report.self, from: Data(second.stdout.utf8))
        #expect(r2.created == 0 && r2.alreadyLabelled == 24 && r2.boxes == 24)
        #expect(try Self.predictions(db).count == 24)
    }

    /// SIGKILL midway, then a re-run: the store is consistent and ends identical to an
    /// uninterrupted run.
    @Test func prelabelKilledMidwayResumes() throws {
        let count = 150
        let root = try GeneratedImportSets.openImages(count: count, in: folder, name: "oi")
        let reference = folder.file("reference.db"), db = folder.file("killed.db")
        for path in [reference, db] {
            #expect(CLI.run(["init", path]).status == 0)
            #expect(CLI.run(["import", "openimages", "--db", path, root]).status == 0)
        }
        let whole = CLI.run(["prelabel", "--db", reference, "--sam", Self.checkpoint, "--from-boxes", "--no-cache"])
        #expect(whole.status == 0, "\(whole.stderr)")

        let killed = CLI.runAndKill(["prelabel", "--db", db, "--sam", Self.checkpoint, "--from-boxes", "--no-cache"],
                                    when: Self.modelAnnotations(db, atLeast: 20))
        #expect(killed.status == 128 + SIGKILL)
        let store = try DatasetStore.open(at: db)
        #expect(try store.integrityProblems().isEmpty)
        let partial = try Self.predictions(db).count
        #expect(partial >= 20 && partial < 2 * count, "killed after \(partial) of \(2 * count)")
        // Whole images only (one transaction per image): both boxes of an image or neither.
        let split = try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (SELECT image_id FROM annotations WHERE provenance = 'model' GROUP BY image_id HAVING count(*) <> 2)
                """)
        }
        #expect(split == 0)

        let rerun = CLI.run(["prelabel", "--db", db, "--sam", Self.checkpoint, "--from-boxes", "--no-cache", "--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(rerun.stdout.utf8))
        #expect(report.alreadyLabelled == partial && report.created == 2 * count - partial)
        let resumed = try Self.predictions(db), uninterrupted = try Self.predictions(reference)
        #expect(resumed.count == 2 * count && uninterrupted.count == 2 * count)
        let differing = zip(resumed, uninterrupted).filter { $0 != $1 }
        #expect(differing.isEmpty, "\(differing.count) differ; first: \(differing.first.map { "\($0.0)\n vs \($0.1)" } ?? "")")
    }
}
