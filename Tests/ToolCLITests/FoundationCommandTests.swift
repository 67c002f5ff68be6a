import TestSupport
import Annotate
import DatasetStore
import Foundation
import GRDB
import Testing

@Suite("lisakit init, images add, stats", .serialized)
struct FoundationCommandTests {
    let folder = TemporaryFolder()

    @Test("init → images add → stats on the bundled samples, with --json and a default --db")
    func endToEnd() throws {
        let db = folder.file("samples.db")
        let created = CLI.run(["init", db])
        #expect(created.status == 0 && created.stdout.contains("created store"))
        #expect(CLI.run(["init", db]).stdout.contains("already exists"))
        let added = CLI.run(["images", "add", "--db", db, "--json", repositoryRoot + "/samples/images"])
        #expect(added.status == 0, "\(added.stderr)")
        let report = try JSONDecoder().decode(ImageRegistrationReport.self, from: Data(added.stdout.utf8))
        #expect(report.added == 5 && report.failures.isEmpty)
        // $LISAKIT_DB is the default store.
        let stats = CLI.run(["stats", "--json"], environment: ["LISAKIT_DB": db])
        #expect(stats.status == 0)
        let statistics = try JSONDecoder().decode(StoreStatistics.self, from: Data(stats.stdout.utf8))
        #expect(statistics.images.total == 5 && statistics.images.byFormat == ["jpeg": 4, "png": 1])
        // ./lisakit.db when nothing else is said.
        #expect(CLI.run(["init"], currentDirectory: folder.path).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("lisakit.db")))
        let text = CLI.run(["stats"], currentDirectory: folder.path)
        #expect(text.status == 0 && text.stdout.contains("images        0"))
        // sqlite3's .schema shows schema.sql.
        let schema = try DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'images'") }
        #expect(schema.first?.contains("group_key") == true)
    }

    @Test("errors are one clear line on stderr and a non-zero exit")
    func errors() throws {
        let missing = CLI.run(["stats", "--db", folder.file("nope.db")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nope.db: no LisaKit store here"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
        try folder.write("junk.db", Array(repeating: 0x41, count: 4096))
        let junk = CLI.run(["stats", "--db", folder.file("junk.db")])
        #expect(junk.status != 0 && junk.stderr.contains("not an SQLite database"))

        let db = folder.file("e.db")
        #expect(CLI.run(["init", db]).status == 0)
        try folder.write("in/broken.png", Array("PNG? no".utf8))
        let bad = CLI.run(["images", "add", "--db", db, folder.file("in"), folder.file("absent.jpg")])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("error: \(folder.file("in/broken.png")): not a PNG or JPEG image"))
        #expect(bad.stderr.contains("error: \(folder.file("absent.jpg")): no such file or directory"))
        let badSplit = CLI.run(["images", "add", "--db", db, "--split", "holdout", folder.file("in")])
        #expect(badSplit.status != 0 && badSplit.stderr.contains("holdout"))
    }

    @Test("an unreadable folder is reported and the rest is registered")
    func unreadableFolder() throws {
        let db = folder.file("u.db")
        #expect(CLI.run(["init", db]).status == 0)
        try folder.write("tree/ok.png", try smallPNG(seed: 10))
        try folder.write("tree/locked/hidden.png", try smallPNG(seed: 11))
        chmod(folder.file("tree/locked"), 0)
        defer { chmod(folder.file("tree/locked"), 0o755) }
        // Root reads any folder: run the command as an unprivileged user to see the real error.
        var prefix: [String] = []
        if geteuid() == 0 {
            prefix = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            for path in [folder.path, folder.file("tree")] { chmod(path, 0o777) }
            for path in [db, db + "-wal", db + "-shm"] { chmod(path, 0o666) }
        }
        let result = CLI.run(["images", "add", "--db", db, folder.file("tree")], prefix: prefix)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("\(folder.file("tree/locked")): cannot read folder or file: Permission denied"))
        #expect(result.stdout.contains("1 added"))
    }

    @Test("killing images add midway leaves a consistent store; the re-run finishes without duplicates")
    func killAndResume() throws {
        let db = folder.file("k.db")
        #expect(CLI.run(["init", db]).status == 0)
        let count = 2500
        for index in 0..<count { try folder.write("many/\(index / 500)/img\(index).png", try smallPNG(seed: 1000 + index, width: 8, height: 8)) }
        let killed = CLI.runAndKill(["images", "add", "--db", db, "--batch-size", "5", folder.file("many")],
                                    when: CLI.imagesCommitted(db, atLeast: 200))
        #expect(killed.status == 128 + SIGKILL)
        let store = try DatasetStore.open(at: db)
        #expect(try store.integrityProblems().isEmpty)
        let partial = try store.statistics().images.total
        #expect(partial >= 200 && partial < count, "killed after \(partial) of \(count)")

        let rerun = CLI.run(["images", "add", "--db", db, "--json", folder.file("many")])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONDecoder().decode(ImageRegistrationReport.self, from: Data(rerun.stdout.utf8))
        #expect(report.added == count - partial && report.alreadyPresent == partial)
        let final = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM images") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT rel_path) FROM images") ?? 0)
        }
        #expect(final.0 == count && final.1 == count)
        #expect(try store.integrityProblems().isEmpty)
    }

    @Test("stats on a store of one million annotations stays memory-flat")
    func millionAnnotations() throws {
        let db = folder.file("big.db")
        #expect(CLI.run(["init", db]).status == 0)
        let store = try DatasetStore.open(at: db)
        try store.write { db in
            try db.execute(sql: """
                INSERT INTO images(sha256, storage, width, height, format, byte_size, split)
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
                SELECT printf('%064x', i), 'blob', 640, 480, 'jpeg', 1000 + i, CASE i % 10 WHEN 0 THEN 'val' ELSE 'train' END FROM n;
                INSERT INTO categories(name, display_name)
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99)
                SELECT 'class' || i, 'Class ' || i FROM n;
                INSERT INTO annotations(image_id, category_id, instance_key, geometry_kind, geometry, area,
                                        bbox_x, bbox_y, bbox_w, bbox_h, provenance, review_state)
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
                SELECT 1 + i % 1000, 1 + (i * 7) % 100, 'k' || i, 'rle',
                       '{"size":[480,640],"counts":"' || hex(randomblob(40)) || '"}', 100, 1, 2, 30, 40, 'imported',
                       CASE i % 4 WHEN 0 THEN 'accepted' ELSE 'pending' END FROM n;
                """)
        }
        // GNU time forks the command itself, so its %M is the command's own peak (wait4 on a
        // process posix_spawn'ed from this test would count the test process's memory too).
        let peakFile = folder.file("peak.txt")
        let result = CLI.run(["stats", "--db", db, "--json"], prefix: ["/usr/bin/time", "-f", "%M", "-o", peakFile])
        #expect(result.status == 0, "\(result.stderr)")
        let statistics = try JSONDecoder().decode(StoreStatistics.self, from: Data(result.stdout.utf8))
        #expect(statistics.annotations.total == 1_000_000)
        #expect(statistics.annotations.byReviewState == ["accepted": 250_000, "pending": 750_000])
        #expect(statistics.images.bySplit == ["train": 900, "val": 100])
        #expect(statistics.topCategories.count == 10 && statistics.topCategories[0].annotations == 10_000)
        let size = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0
        #expect(size > 150_000_000, "the store should be large: \(size) bytes")
        // The process never holds more than a small fraction of the store in memory.
        let peak = Int((try String(contentsOfFile: peakFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max
        #expect(peak < 80 * 1024, "stats peaked at \(peak) KiB")
    }
}
