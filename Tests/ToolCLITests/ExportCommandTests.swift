import Annotate
import DatasetStore
import Foundation
import Testing
import TestSupport

@Suite("lisakit export and split", .serialized)
struct ExportCommandTests {
    let folder = TemporaryFolder()

    /// A store with `count` small ReasonSeg images (two instructions each), imported by the CLI.
    func store(count: Int) throws -> String {
        for index in 0..<count {
            var samples = [UInt8](repeating: 0, count: 32 * 24 * 3)
            for i in samples.indices { samples[i] = UInt8(truncatingIfNeeded: (i * 5 + index * 97) % 253) }
            samples[0] = UInt8(index & 0xff); samples[1] = UInt8(index >> 8)
            try folder.write("rs/train/im\(index).jpg", try JPEGCodec.encode(PixelBuffer(width: 32, height: 24, channels: 3, samples: samples)))
            let json: [String: Any] = ["text": ["thing \(index)", "object \(index)"], "is_sentence": false,
                                       "shapes": [["label": "target", "points": [[1, 1], [Double(8 + index % 20), 3], [4, 18]]]]]
            try folder.write("rs/train/im\(index).json", [UInt8](try JSONSerialization.data(withJSONObject: json)))
        }
        let db = folder.file("s.db")
        #expect(CLI.run(["init", db]).status == 0)
        let imported = CLI.run(["import", "reasonseg", "--db", db, folder.file("rs")])
        #expect(imported.status == 0, "\(imported.stderr)")
        return db
    }

    /// Whether a tar file is complete: 512-byte blocks, `members` headers, two zero blocks at the end.
    func isCompleteTar(_ path: String, members: Int) throws -> Bool {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count % 512 == 0, bytes.count >= 1024, bytes[(bytes.count - 1024)...].allSatisfy({ $0 == 0 }) else { return false }
        var offset = 0, count = 0
        while offset + 512 <= bytes.count, !bytes[offset..<(offset + 512)].allSatisfy({ $0 == 0 }) {
            let size = Int(String(decoding: bytes[(offset + 124)..<(offset + 135)], as: UTF8.self), radix: 8) ?? 0
            offset += 512 + (size + 511) / 512 * 512
            count += 1
        }
        return count == members
    }

    @Test("killed midway, an export leaves only complete shards; a re-run resumes it and matches an uninterrupted one")
    func killedExport() throws {
        let db = try store(count: 300)
        let reference = folder.file("reference")
        let full = CLI.run(["export", "webdataset", "--db", db, "--max-samples", "10", reference, "--json"])
        #expect(full.status == 0, "\(full.stderr)")
        let out = folder.file("killed")
        let killed = CLI.runAndKill(["export", "webdataset", "--db", db, "--max-samples", "10", out]) {
            ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { $0.hasSuffix(".tar") }.count >= 3
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(killed.status == 128 + SIGKILL, "the export finished before it could be killed")
        #expect(!names.contains("manifest.json"))
        for name in names where name.hasSuffix(".tar") {
            #expect(try isCompleteTar(out + "/" + name, members: 30), "\(name) looks complete but is not")
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/" + name)) == Data(contentsOf: URL(fileURLWithPath: reference + "/" + name)))
        }
        // Other options would cut other shards: refused, in one line, and nothing is deleted.
        let refused = CLI.run(["export", "webdataset", "--db", db, "--max-samples", "11", out])
        #expect(refused.status != 0 && refused.stderr.contains("other settings") && refused.stderr.contains("--overwrite"))
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        // The same command resumes: the complete shards stay, the rest is written.
        let rerun = CLI.run(["export", "webdataset", "--db", db, "--max-samples", "10", out, "--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try JSONDecoder().decode(ShardedExportReport.self, from: Data(rerun.stdout.utf8))
        #expect(report.resumedShards >= 2 && report.resumedShards < report.shards.count, "kept \(report.resumedShards)")
        #expect(try filesUnder(out) == filesUnder(reference))
        // Complete now: a re-run needs --overwrite, and then matches again.
        let again = CLI.run(["export", "webdataset", "--db", db, "--max-samples", "10", out])
        #expect(again.status != 0 && again.stderr.contains("not empty") && again.stderr.contains("--overwrite"))
        let overwritten = CLI.run(["export", "webdataset", "--db", db, "--max-samples", "10", "--overwrite", out, "--json"])
        #expect(overwritten.status == 0, "\(overwritten.stderr)")
        #expect(try filesUnder(out) == filesUnder(reference))
    }

    @Test("memory stays bounded: exporting >100 MB of samples peaks far below it",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs GNU time (/usr/bin/time)"))
    func boundedMemory() throws {
        // 200 distinct noise JPEGs of ~280 kB: two samples each, so ~110 MB of shards.
        let w = 640, h = 480
        var noise = [UInt8](repeating: 0, count: w * h * 3)
        var state: UInt64 = 88172645463325252
        for i in noise.indices { state ^= state << 13; state ^= state >> 7; state ^= state << 17; noise[i] = UInt8(truncatingIfNeeded: state) }
        for index in 0..<200 {
            // A distinct flat 16x16 block per image (a single pixel could quantize away).
            for y in 0..<16 { for x in 0..<16 { noise[(y * w + x) * 3] = UInt8(index & 0xff); noise[(y * w + x) * 3 + 1] = UInt8(index >> 8) * 90 } }
            try folder.write("big/train/n\(index).jpg", try JPEGCodec.encode(PixelBuffer(width: w, height: h, channels: 3, samples: noise), quality: 90))
            let json: [String: Any] = ["text": ["noise \(index)", "static \(index)"], "is_sentence": false,
                                       "shapes": [["label": "target", "points": [[10, 10], [300, 40], [100, 400]]]]]
            try folder.write("big/train/n\(index).json", [UInt8](try JSONSerialization.data(withJSONObject: json)))
        }
        let db = folder.file("big.db")
        #expect(CLI.run(["init", db]).status == 0)
        let imported = CLI.run(["import", "reasonseg", "--db", db, folder.file("big")])
        #expect(imported.status == 0 && imported.stdout.contains("images 200 added"), "\(imported.stdout)")
        // GNU time forks the command itself, so its %M is the command's own peak.
        func peakKiB(_ arguments: [String]) throws -> (CLIResult, Int) {
            let file = folder.file("peak-\(arguments[0]).txt")
            let result = CLI.run(arguments, prefix: ["/usr/bin/time", "-f", "%M", "-o", file])
            let peak = Int((try String(contentsOfFile: file, encoding: .utf8)).split(separator: "\n").last.map(String.init) ?? "") ?? .max
            return (result, peak)
        }
        let (result, peak) = try peakKiB(["export", "webdataset", "--db", db, folder.file("big-out"), "--max-bytes", "500000000", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let bytes = try #require(report["bytes"] as? Int)
        #expect(bytes > 100_000_000 && report["samples"] as? Int == 400, "\(report)")
        // One shard of >100 MB was written; the process never held it: above what opening the
        // store costs (`stats`), the export needs its 16 MiB queue, a 1 MiB write buffer and a few
        // samples in flight.
        let (_, baseline) = try peakKiB(["stats", "--db", db])
        #expect((peak - baseline) * 1024 < 48 << 20, "peak RSS \(peak) KiB (stats: \(baseline) KiB) for \(bytes) bytes of shards")
    }

    @Test("every format from the CLI, filters, and split by group")
    func formatsAndSplit() throws {
        let db = try store(count: 12)
        let split = CLI.run(["split", "--db", db, "--ratios", "0.5,0.25,0.25", "--seed", "2", "--json"])
        #expect(split.status == 0, "\(split.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(split.stdout.utf8)) as? [String: Any])
        #expect(report["images"] as? Int == 12 && (report["images_by_split"] ?? report["imagesBySplit"]) != nil)
        for format in ["webdataset", "coco", "llava", "reasonseg", "mds"] {
            let result = CLI.run(["export", format, "--db", db, folder.file("out-\(format)"), "--split", "val,test"])
            #expect(result.status == 0, "\(format): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.file("out-\(format)/train")), "\(format)")
        }
        for split in ["val", "test"] {
            #expect(FileManager.default.fileExists(atPath: folder.file("out-mds/\(split)/index.json")))
            #expect(FileManager.default.fileExists(atPath: folder.file("out-mds/\(split)/shard.00000.mds")))
        }
        let limit = CLI.run(["export", "mds", "--db", db, folder.file("bad-mds"), "--size-limit", "5000000000"])
        #expect(limit.status != 0 && limit.stderr.contains("--size-limit"))
        let bits = CLI.run(["export", "webdataset", "--db", db, folder.file("bad-bits"), "--mask-bits", "3"])
        #expect(bits.status != 0 && bits.stderr.contains("--mask-bits"))
        let bad = CLI.run(["export", "webdataset", "--db", db, folder.file("bad"), "--kinds", "nonsense"])
        #expect(bad.status != 0 && bad.stderr.contains("nonsense"))
        let ratios = CLI.run(["split", "--db", db, "--ratios", "1,2"])
        #expect(ratios.status != 0 && ratios.stderr.contains("--ratios"))
    }
}
