import Annotate
import DatasetStore
import Foundation
import GRDB
import Serialization
import Testing
import TestSupport

@Suite("Export core: output folder, atomic files, tar")
struct ExportCoreTests {
    @Test func refusesNonEmptyOutputWithoutOverwrite() throws {
        let folder = TemporaryFolder()
        try folder.write("out/old.txt", Array("x".utf8))
        #expect(throws: ExportError.self) { try OutputFolder(path: folder.file("out"), overwrite: false) }
        // Not an export: --overwrite does not delete someone's files.
        #expect(throws: ExportError.self) { try OutputFolder(path: folder.file("out"), overwrite: true) }
        #expect(FileManager.default.fileExists(atPath: folder.file("out/old.txt")))
        let first = try OutputFolder(path: folder.file("export"), overwrite: false)
        try first.write("a/b.txt", [1])
        #expect(throws: ExportError.self) { try OutputFolder(path: folder.file("export"), overwrite: false) }
        let output = try OutputFolder(path: folder.file("export"), overwrite: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == [OutputFolder.markerName])
    }

    @Test(arguments: ["../escape.txt", "/etc/passwd", "a/../../b", "a//b", "", "./x"])
    func refusesPathsOutsideOutput(_ relative: String) throws {
        let folder = TemporaryFolder()
        let output = try OutputFolder(path: folder.file("out"), overwrite: false)
        #expect(throws: ExportError.self) { try output.write(relative, [1]) }
    }

    @Test func refusesSymlinkLeadingOut() throws {
        let folder = TemporaryFolder()
        let output = try OutputFolder(path: folder.file("out"), overwrite: false)
        try FileManager.default.createDirectory(atPath: folder.file("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output.path + "/link", withDestinationPath: folder.file("elsewhere"))
        #expect(throws: ExportError.self) { try output.write("link/file.txt", [1]) }
        #expect(!FileManager.default.fileExists(atPath: folder.file("elsewhere/file.txt")))
    }

    @Test func atomicFileAppearsOnlyWhenCommitted() throws {
        let folder = TemporaryFolder()
        let output = try OutputFolder(path: folder.file("out"), overwrite: false)
        let file = try output.create("sub/data.bin", hashing: true)
        try file.write([UInt8](repeating: 7, count: 3_000_000))
        #expect(!FileManager.default.fileExists(atPath: output.path + "/sub/data.bin"))
        #expect(FileManager.default.fileExists(atPath: output.path + "/sub/data.bin.partial"))
        let hash = try file.finalizeHash()
        try file.commit()
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output.path + "/sub/data.bin")))
        #expect(written.count == 3_000_000 && hash == SHA256.hex(of: written))
        #expect(!FileManager.default.fileExists(atPath: output.path + "/sub/data.bin.partial"))
        // Dropped without commit (a failure mid-way): nothing is left, not even the temporary.
        do {
            let dropped = try output.create("gone.bin")
            try dropped.write([1, 2, 3])
        }
        #expect(!FileManager.default.fileExists(atPath: output.path + "/gone.bin"))
        #expect(!FileManager.default.fileExists(atPath: output.path + "/gone.bin.partial"))
    }

    /// Gathered writes: copied pieces, arrays written by reference, pieces over half the buffer,
    /// zero padding and more pieces than one `writev` takes reach the file in order, and the
    /// background hash is the hash of the file. The hashing file is also fsynced, with its
    /// writeback started every 8 MiB on the way.
    @Test(arguments: [true, false])
    func gatheredWritesKeepOrderAndHash(hashing: Bool) throws {
        let folder = TemporaryFolder()
        let output = try OutputFolder(path: folder.file("out"), overwrite: false)
        let file = try output.create("gathered.bin", hashing: hashing, sync: hashing)
        var expected: [UInt8] = []
        let sizes = [3, 511, 16 << 10, 140_000, 700_000, 1, 40_000, 2, 600]
        for round in 0..<120 {
            var piece = [UInt8](repeating: UInt8(truncatingIfNeeded: round), count: sizes[round % sizes.count])
            piece[piece.count / 2] = UInt8(truncatingIfNeeded: round &* 7 &+ 1)
            if round % 4 == 0 {
                var failure: ExportError?
                piece.withUnsafeBytes { raw in
                    do throws(ExportError) { try file.write(raw) } catch { failure = error }
                }
                if let failure { throw failure }
            } else {
                try file.write(piece)
            }
            expected += piece
            if round % 3 == 0 {
                try file.writeZeros(round * 50)
                expected += [UInt8](repeating: 0, count: round * 50)
            }
        }
        // 300 small pieces between two flushes: more than one writev takes.
        for round in 0..<300 { try file.write([UInt8(truncatingIfNeeded: round)]); try file.write([UInt8](repeating: 9, count: 20_000)) }
        for round in 0..<300 { expected.append(UInt8(truncatingIfNeeded: round)); expected += [UInt8](repeating: 9, count: 20_000) }
        #expect(file.byteCount == expected.count)
        let hash = try file.finalizeHash()
        try file.commit()
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output.path + "/gathered.bin")))
        #expect(written == expected)
        #expect(hash == (hashing ? SHA256.hex(of: expected) : nil))
    }

    /// The stored RLE read without JSONDecoder: the same RLE as JSONDecoder gives for the
    /// store's form (a counts string with a backslash too, which that form never has); any
    /// other text is left to JSONDecoder (nil).
    @Test func storedRLEReadsTheStoresFormOnly() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (width, height, seed) in [(640, 480, 1), (7, 3, 2), (1, 1, 3), (33, 40, 4)] {
            var values = [UInt8](repeating: 0, count: width * height)
            var state = UInt64(seed) &* 0x9E3779B97F4A7C15
            for i in values.indices { state ^= state << 13; state ^= state >> 7; state ^= state << 17; values[i] = state % 7 < 3 ? 1 : 0 }
            let rle = RLE(encoding: try BinaryMask(width: width, height: height, values: values))
            let text = String(decoding: try encoder.encode(rle), as: UTF8.self)
            let parsed = ExportAnnotation.storedRLE(text)
            let decoded = try JSONDecoder().decode(RLE.self, from: Data(text.utf8))
            #expect(parsed == rle && parsed == decoded, "\(text.prefix(60))")
        }
        for other in [#"{"size":[2,2],"counts":"04"}"#, #"{"counts":"0\\4","size":[2,2]}"#, #"{"counts":[0,4],"size":[2,2]}"#,
                      #"{"counts":"04","size":[2,2]} "#, #"{"counts":"04","size":[2,3]}"#, #"{"counts":"04","size":[2,]}"#, ""] {
            #expect(ExportAnnotation.storedRLE(other) == nil, "\(other)")
        }
        #expect(ExportAnnotation.storedRLE(#"{"counts":"04","size":[2,2]}"#) == (try RLE(height: 2, width: 2, counts: [0, 4])))
    }

    /// Our mask PNG deflate: libpng (which checks the zlib stream and its Adler-32) decodes
    /// every mask back, for every width remainder, runs, rows equal to the row above, empty and
    /// full masks, single pixels; and it stays about as small as zlib level 1's.
    @Test(arguments: [(1, 1), (7, 3), (8, 2), (9, 5), (13, 11), (64, 1), (65, 17), (1, 300), (2000, 3), (640, 480)])
    func maskPNGEncoderDecodesBack(width: Int, height: Int) throws {
        var masks: [[UInt8]] = []
        var state = UInt64(width * 31 + height) &* 0x9E3779B97F4A7C15 | 1
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        masks.append((0..<width * height).map { _ in next() % 3 == 0 ? 1 : 0 })
        masks.append([UInt8](repeating: 0, count: width * height))
        masks.append([UInt8](repeating: 1, count: width * height))
        // An ellipse (runs, rows equal to the row above, edges moving) and sparse single pixels.
        masks.append((0..<width * height).map { i in
            let x = i % width - width / 2, y = i / width - height / 2
            return 4 * x * x * height * height + 4 * y * y * width * width < width * width * height * height ? 1 : 0
        })
        masks.append((0..<width * height).map { _ in next() % 97 == 0 ? 1 : 0 })
        for (index, values) in masks.enumerated() {
            let mask = try BinaryMask(width: width, height: height, values: values)
            let rle = RLE(encoding: mask)
            let png = try #require(MaskPNGEncoder.encode(rle))
            #expect(png[24] == 1 && png[25] == 0) // IHDR: 1-bit gray
            #expect(try MaskPNG.mask(from: try PNGCodec.decode(png), source: "ours") == mask, "\(width)x\(height)")
            // Noise (the first and last masks) is mostly literals, at up to 9 bits a byte with
            // fixed codes; mask shapes are runs and copies.
            let zlibLevel1 = try MaskPNG.encode1Bit(rle, compressionLevel: 1)
            let bound = index == 0 || index == 4 ? (width + 8) / 8 * height * 9 / 8 + 100 : zlibLevel1.count * 3 / 2 + 64
            #expect(png.count <= bound, "\(png.count) bytes, zlib level 1 \(zlibLevel1.count)")
        }
        #expect(MaskPNGEncoder.encode(try RLE(height: 0, width: 0, counts: [])) == nil)
    }

    @Test func diskFullIsAClearErrorAndRemovesThePartialFile() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        // /dev/full fails every write with ENOSPC; AtomicFile writes to PATH.partial, so aim it there.
        let folder = TemporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.file("x.partial"), withDestinationPath: "/dev/full")
        let file = try AtomicFile(path: folder.file("x"))
        var caught: ExportError?
        do {
            try file.write([UInt8](repeating: 1, count: 4 << 20))
            try file.commit()
        } catch { caught = error }
        guard case .diskFull(let path) = caught else { Issue.record("expected diskFull, got \(String(describing: caught))"); return }
        #expect(path == folder.file("x"))
        #expect(caught?.description.contains("no space left") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.file("x")))
    }

    @Test func tarHeaderIsUstarWithValidChecksum() throws {
        let header = try TarWriter.header(name: "0000000001_0000000002.mask.png", size: 1234)
        #expect(header.count == 512)
        #expect(Array(header[257..<263]) == Array("ustar".utf8) + [0] && Array(header[263..<265]) == Array("00".utf8))
        #expect(String(decoding: header[124..<135], as: UTF8.self) == "00000002322")
        var sum = 0
        for (i, b) in header.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(b) }
        #expect(Int(String(decoding: header[148..<154], as: UTF8.self), radix: 8) == sum)
        #expect(header[156] == UInt8(ascii: "0"))
        let long = String(repeating: "d", count: 120) + "/" + String(repeating: "f", count: 90)
        let split = try TarWriter.header(name: long, size: 0)
        #expect(String(decoding: split[345..<465], as: UTF8.self) == String(repeating: "d", count: 120))
        #expect(throws: ExportError.self) { try TarWriter.header(name: String(repeating: "x", count: 300), size: 1) }
    }
}

@Suite("Exporters")
struct ExporterTests {
    @Test func webDatasetSamplesMasksManifestAndDeterminism() throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("wds")
        let exporter = WebDatasetExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter(), pageSize: 2),
                                          options: WebDatasetOptions(maxSamplesPerShard: 3))
        let report = try exporter.run(to: out)
        let targets = try fixture.targets()
        // ReasonSeg: 6 instructions; extra image: multi, negative, single, templated, accepted (pre-label and rejected left out).
        #expect(report.samples == 11 && report.negatives == 1 && report.multiTarget >= 1)
        let expectedShards = report.samplesBySplit.values.reduce(0) { $0 + ($1 + 2) / 3 }
        #expect(report.samplesBySplit["val"] == 5)
        #expect(report.shards.allSatisfy { $0.samples <= 3 } && report.shards.count == expectedShards)
        var seenKeys = Set<String>()
        var sampleCount = 0
        for shard in report.shards {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + shard.name)))
            #expect(SHA256.hex(of: bytes) == shard.sha256 && bytes.count == shard.bytes && bytes.count % 512 == 0)
            let members = try readTar(out + "/" + shard.name)
            var previousKey = ""
            for (name, data) in members {
                let key = String(name.prefix { $0 != "." })
                if key != previousKey {
                    #expect(!seenKeys.contains(key), "files of sample \(key) are not adjacent")
                    seenKeys.insert(key)
                    previousKey = key
                    sampleCount += 1
                }
                if name.hasSuffix(".json") {
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any])
                    let ids = (json["target_ids"] as? [Int64]) ?? []
                    let provenance = try #require(json["provenance"] as? [String: Any])
                    let instructionID = try #require((provenance["instruction"] as? [String: Any])?["id"] as? Int64)
                    #expect(ids == targets[instructionID] ?? [])
                    if ids.count > 1 {
                        let masks = try #require(json["masks"] as? [[String: Any]])
                        let image = try #require(json["image"] as? [String: Any])
                        for (index, id) in ids.enumerated() {
                            let rle = try RLE(height: image["height"] as! Int, width: image["width"] as! Int,
                                              compressedCounts: try #require(masks[index]["counts"] as? String))
                            #expect(rle.decode() == (try fixture.mask(id)))
                        }
                    }
                    if instructionID == fixture.negative { #expect(json["negative"] as? Bool == true) }
                }
                if name.hasSuffix(".mask.png") {
                    let meta = try #require(members.first { $0.0 == key + ".json" })
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(meta.1)) as? [String: Any])
                    let id = try #require((json["target_ids"] as? [Int64])?.first)
                    let decoded = try MaskPNG.mask(from: try PNGCodec.decode(data), source: name)
                    #expect(decoded == (try fixture.mask(id)), "\(name)")
                }
                if name.hasSuffix(".jpg") || name.hasSuffix(".png") && !name.hasSuffix(".mask.png") {
                    let meta = try #require(members.first { $0.0 == key + ".json" })
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(meta.1)) as? [String: Any])
                    #expect(SHA256.hex(of: data) == (json["image"] as? [String: Any])?["sha256"] as? String, "image bytes re-encoded")
                }
            }
        }
        #expect(sampleCount == report.samples && seenKeys.allSatisfy { !$0.contains(".") })
        // The manifest matches, and a second export is byte-identical.
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as? [String: Any])
        #expect(manifest["samples"] as? Int == report.samples)
        let again = try WebDatasetExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter(), pageSize: 1000),
                                           options: WebDatasetOptions(maxSamplesPerShard: 3)).run(to: fixture.folder.file("wds2"))
        #expect(again.shards == report.shards)
        // Re-running into the same folder needs --overwrite, and then rewrites it the same.
        #expect(throws: ExportError.self) { try exporter.run(to: out) }
        let overwritten = try WebDatasetExporter(stream: exporter.stream, options: WebDatasetOptions(maxSamplesPerShard: 3, overwrite: true)).run(to: out)
        #expect(overwritten.shards == report.shards)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    /// An interrupted export (as a kill leaves it: no index, no `complete` line, the last shards
    /// missing, a `.partial` file) with one damaged shard, run again without --overwrite: the
    /// shards that verify are kept, the damaged one and the later ones of its split rewritten,
    /// and the result is the uninterrupted export byte for byte.
    @Test(arguments: ["webdataset", "mds"])
    func resumesAnInterruptedExport(format: String) throws {
        let fixture = try ExportTestStore()
        func export(_ out: String, maxSamples: Int = 2) throws -> ShardedExportReport {
            let stream = ExportStream(store: fixture.store, filter: ExportFilter(), pageSize: 2)
            if format == "webdataset" {
                return try WebDatasetExporter(stream: stream, options: WebDatasetOptions(maxSamplesPerShard: maxSamples)).run(to: out)
            }
            // A ReasonSeg sample (a 60-100 kB image) per 100 kB shard; the small val samples share one.
            return try MDSExporter(stream: stream, options: MDSOptions(sizeLimit: maxSamples * 50_000)).run(to: out)
        }
        let reference = fixture.folder.file("reference"), out = fixture.folder.file("out")
        let whole = try export(reference)
        _ = try export(out)
        #expect(whole.resumedShards == 0 && whole.shards.count >= 5)

        let journalPath = out + "/.lisakit-shards"
        let lines = try String(contentsOfFile: journalPath, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.last == #"{"complete":true}"# && lines.count == whole.shards.count + 2)
        let entries = try lines.dropFirst().dropLast().map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let shards = entries.compactMap { $0["shard"] as? [String: Any] }
        let names = shards.compactMap { $0["name"] as? String }, splits = shards.compactMap { $0["split"] as? String }
        #expect(Set(names) == Set(whole.shards.map(\.name)))
        // The kill: the last two shards never committed, the index never written.
        let committed = names.count - 2
        for name in names[committed...] { try FileManager.default.removeItem(atPath: out + "/" + name) }
        try String((lines[0...committed]).joined(separator: "\n") + "\n").write(toFile: journalPath, atomically: true, encoding: .utf8)
        for index in ["manifest.json", "train/index.json", "val/index.json"] { try? FileManager.default.removeItem(atPath: out + "/" + index) }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: out + "/" + names[committed] + ".partial"))
        // A damaged shard: it and the later shards of its split are written again.
        let damaged = 1
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + names[damaged])))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: out + "/" + names[damaged]))
        let expectedKept = (0..<committed).filter { $0 < damaged || splits[$0] != splits[damaged] }.count

        // Other settings do not resume (nor destroy) it, nor does a store edited in place since
        // (a mask corrected, an image moved to another split): kept shards would hold old records.
        #expect(throws: ExportError.self) { try export(out, maxSamples: 3) }
        let firstAnnotation = "(SELECT min(id) FROM annotations)", firstImage = "(SELECT min(id) FROM images)"
        let oldSplit = try fixture.store.read { db in try String.fetchOne(db, sql: "SELECT split FROM images WHERE id = \(firstImage)") }
        for (edit, undo) in [
            ("UPDATE annotations SET version = version + 1 WHERE id = \(firstAnnotation)",
             "UPDATE annotations SET version = version - 1 WHERE id = \(firstAnnotation)"),
            ("UPDATE images SET split = CASE split WHEN 'val' THEN 'train' ELSE 'val' END WHERE id = \(firstImage)",
             "UPDATE images SET split = \(oldSplit.map { "'\($0)'" } ?? "NULL") WHERE id = \(firstImage)"),
        ] {
            try fixture.store.write { db in try db.execute(sql: edit) }
            #expect(throws: ExportError.self, "resumed after: \(edit)") { try export(out) }
            try fixture.store.write { db in try db.execute(sql: undo) }
        }
        let resumed = try export(out)
        #expect(resumed.resumedShards == expectedKept && expectedKept >= 1)
        #expect(resumed.shards == whole.shards && resumed.samples == whole.samples && resumed.samplesBySplit == whole.samplesBySplit)
        #expect(resumed.negatives == whole.negatives && resumed.multiTarget == whole.multiTarget && resumed.images == whole.images)
        #expect(try filesUnder(out) == filesUnder(reference))
        // Complete now: a further run needs --overwrite.
        #expect(throws: ExportError.self) { try export(out) }
    }

    @Test func webDatasetByteLimitCutsShards() throws {
        let fixture = try ExportTestStore()
        let report = try WebDatasetExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter()),
                                            options: WebDatasetOptions(maxBytesPerShard: 100_000)).run(to: fixture.folder.file("w"))
        // Each ReasonSeg sample is ~60-100 kB (its JPEG): at most one per shard when over 50 kB.
        #expect(report.shards.count >= 6)
        for shard in report.shards where shard.samples > 1 { #expect(shard.bytes <= 100_000) }
    }

    @Test func filters() throws {
        let fixture = try ExportTestStore()
        func samples(_ filter: ExportFilter) throws -> Set<Int64> {
            var ids = Set<Int64>()
            try ExportStream(store: fixture.store, filter: filter).forEach { item in
                for instruction in item.instructions { ids.insert(instruction.id) }
            }
            return ids
        }
        let all = try samples(ExportFilter())
        #expect(!all.contains(fixture.prelabelInstruction) && !all.contains(fixture.rejected) && all.contains(fixture.negative))
        #expect(try samples(ExportFilter(includePrelabels: true)).contains(fixture.prelabelInstruction))
        #expect(try samples(ExportFilter(acceptedOnly: true)) == [fixture.accepted])
        #expect(try samples(ExportFilter(splits: [.val])).allSatisfy { [fixture.multiTarget, fixture.negative, fixture.templated, fixture.accepted].contains($0) || true })
        #expect(try samples(ExportFilter(splits: [.val])).count == 5)
        #expect(try samples(ExportFilter(kinds: [.semantic])) == [fixture.templated])
        #expect(try samples(ExportFilter(categories: ["ring"])).contains(fixture.multiTarget))
        #expect(!(try samples(ExportFilter(categories: ["ring"])).contains(fixture.negative)))
        // The ring is 16x14 - 6x5 = 194 pixels, the blob 15x21 = 315.
        let big = try samples(ExportFilter(splits: [.val], minimumArea: 200))
        #expect(big.contains(fixture.templated) && !big.contains(fixture.multiTarget))
    }

    @Test(arguments: [COCOOptions.Segmentation.rle, .polygons])
    func cocoMasksMatchTheStore(_ form: COCOOptions.Segmentation) throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("coco")
        let report = try COCOExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter()),
                                      options: COCOOptions(segmentation: form)).run(to: out)
        #expect(report.images == 5 && report.crowd == 2)
        for split in ["train", "val"] {
            let instances = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: out + "/annotations/instances_\(split).json"))) as? [String: Any])
            let images = try #require(instances["images"] as? [[String: Any]])
            for image in images {
                #expect(FileManager.default.fileExists(atPath: out + "/images/\(split)/" + (image["file_name"] as! String)))
            }
            for annotation in try #require(instances["annotations"] as? [[String: Any]]) {
                let id = try #require(annotation["id"] as? Int64)
                let image = try #require(images.first { $0["id"] as? Int64 == annotation["image_id"] as? Int64 })
                let w = image["width"] as! Int, h = image["height"] as! Int
                let mask: BinaryMask
                if let rle = annotation["segmentation"] as? [String: Any] {
                    if let counts = rle["counts"] as? String {
                        mask = try RLE(height: h, width: w, compressedCounts: counts).decode()
                    } else {
                        mask = try RLE(height: h, width: w, counts: (rle["counts"] as! [Int]).map { UInt32($0) }).decode()
                        #expect(annotation["iscrowd"] as? Int == 1)
                    }
                } else {
                    #expect(form == .polygons)
                    mask = try RLE(cocoPolygons: try #require(annotation["segmentation"] as? [[Double]]), height: h, width: w).decode()
                }
                #expect(mask == (try fixture.mask(id)), "annotation \(id)")
            }
        }
        let side = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: out + "/annotations/instructions_val.json"))) as? [String: [[String: Any]]])
        let ringInstructions = try #require(side[String(fixture.holeAnnotation)])
        #expect(Set(ringInstructions.compactMap { $0["id"] as? Int64 }).contains(fixture.multiTarget))
        let negatives = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: out + "/annotations/negatives_val.json"))) as? [[String: Any]])
        #expect(negatives.compactMap { $0["id"] as? Int64 } == [fixture.negative])
        // Deterministic: a second export is byte-identical.
        let again = fixture.folder.file("coco2")
        _ = try COCOExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter(), pageSize: 1),
                             options: COCOOptions(segmentation: form)).run(to: again)
        for file in report.files {
            #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/" + file)) == Data(contentsOf: URL(fileURLWithPath: again + "/" + file)), "\(file)")
        }
    }

    @Test func llavaConversations() throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("llava")
        let report = try LLaVAExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter())).run(to: out)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/val.json"))) as? [[String: Any]])
        #expect(report.skipped == 1) // the raw negative has no answer
        for entry in entries {
            let turns = try #require(entry["conversations"] as? [[String: String]])
            let masks = try #require(entry["masks"] as? [[String: Any]])
            #expect(turns[0]["from"] == "human" && turns[0]["value"]!.hasPrefix("<image>\n"))
            #expect(turns[1]["from"] == "gpt" && turns[1]["value"]!.components(separatedBy: "[SEG]").count - 1 == masks.count)
            #expect(FileManager.default.fileExists(atPath: out + "/" + (entry["image"] as! String)))
        }
        let multi = try #require(entries.first { $0["instruction_id"] as? Int64 == fixture.multiTarget })
        let turns = multi["conversations"] as! [[String: String]]
        #expect(turns[0]["value"] == "<image>\nWhat is the ring and the blob in this image? Please output segmentation mask.")
        #expect(turns[1]["value"] == "They are [SEG] and [SEG].")
        let templated = try #require(entries.first { $0["instruction_id"] as? Int64 == fixture.templated })
        #expect((templated["conversations"] as! [[String: String]])[0]["value"] == "<image>\nCan you segment the blob in this image?")
        #expect(multi["ignore"] != nil)
    }

    @Test func reasonSegRoundTripIsExactAndPNGIsConverted() throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("rs")
        let report = try ReasonSegExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter())).run(to: out)
        #expect(report.convertedToJPEG == 1 && report.promptsSkipped == 1 && report.negativesSkipped == 1 && report.explanations >= 1)
        // The sample polygons are written verbatim: LISA's rule rebuilds the originals exactly.
        for name in ["astronaut", "chelsea", "coffee", "rocket"] {
            let original = repositoryRoot + "/samples/reasonseg/train/\(name).json"
            let source = try ReasonSegRasterizer.read(contentsOf: original)
            let size = try ReasonSegRasterizer.imageSize(annotation: source, imagePath: original.replacingOccurrences(of: ".json", with: ".jpg"),
                                                         source: original)
            let exported = try ReasonSegRasterizer.read(contentsOf: out + "/train/\(name).json")
            #expect(exported.texts == source.texts && exported.isSentence == source.isSentence)
            #expect(try ReasonSegRasterizer.mask(for: exported, width: size.width, height: size.height)
                    == (try ReasonSegRasterizer.mask(for: source, width: size.width, height: size.height)), "\(name)")
        }
        // The RLE ring's hole is bridged: LISA's rule rebuilds every file exactly.
        #expect(report.tracedMasks >= 3 && report.mismatches.isEmpty && report.exact == report.files)
        // The exported JSON of the multi-target file: LISA's mask = union of targets, 255 on the ignore region.
        let stem = try #require(try FileManager.default.contentsOfDirectory(atPath: out + "/val").first { $0.hasSuffix(".json") })
        let rebuilt = try ReasonSegRasterizer.read(contentsOf: out + "/val/" + stem)
        let labels = try ReasonSegRasterizer.mask(for: rebuilt, width: 40, height: 30)
        let ignore = try fixture.mask(try #require(try fixture.ignoreIDs(image: fixture.pngImageID).first))
        #expect(labels.ignored == ignore)
        let image = try JPEGCodec.decode(contentsOf: out + "/val/" + stem.replacingOccurrences(of: ".json", with: ".jpg"))
        #expect(image.width == 40 && image.height == 30)
    }

    @Test func reasonSegReportsWhatLISAsPaintingOrderCannotExpress() throws {
        // A small polygon ignore region inside an RLE target: we mean "target wins", but LISA
        // paints the smaller (ignore) shape last, so 255 covers target pixels.
        let folder = TemporaryFolder()
        let store = try folder.store()
        let png = try folder.write("img/a.png", try smallPNG(seed: 3, width: 30, height: 30))
        _ = try ImageRegistrar(store: store).register([png], options: ImageRegistrationOptions(split: .test))
        var values = [UInt8](repeating: 0, count: 900)
        for y in 5..<25 { for x in 5..<25 { values[y * 30 + x] = 1 } }
        let square = RLE(encoding: try BinaryMask(width: 30, height: 30, values: values))
        try store.write { db in
            let writer = RecordWriter(db)
            let target = try writer.insert(try AnnotationGeometry.rle(square).annotation(imageID: 1, categoryID: nil, instanceKey: "t")).id
            let hole = try Polygon(exterior: [10, 10, 14, 10, 14, 14, 10, 14])
            _ = try writer.insert(try AnnotationGeometry.polygons([hole], imageWidth: 30, imageHeight: 30)
                .annotation(imageID: 1, categoryID: nil, instanceKey: "i", isIgnore: true))
            try writer.insert(NewInstruction(imageID: 1, key: "q", text: "the square", kind: .referring, isSentence: false,
                                             targetAnnotationIDs: [target]))
        }
        let report = try ReasonSegExporter(stream: ExportStream(store: store, filter: ExportFilter())).run(to: folder.file("rs"))
        let mismatch = try #require(report.mismatches.first)
        #expect(report.mismatches.count == 1 && report.exact == 0 && mismatch.file == "test/a.json")
        // LISA draws the ignore square with its outline: 5x5 = 25 pixels turn from 1 to 255.
        #expect(mismatch.differingPixels == 25 && abs(mismatch.targetIoU - 375.0 / 400.0) < 1e-9 && mismatch.ignoreIoU == 0)
    }

    @Test func reasonSegDropsEXIFOrientationSoLISASeesTheMasksGrid() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        let source = repositoryRoot + "/Tests/AnnotateTests/Fixtures/codecs/orientation6.jpg"
        let copy = try folder.write("img/rotated.jpg", [UInt8](try Data(contentsOf: URL(fileURLWithPath: source))))
        _ = try ImageRegistrar(store: store).register([copy], options: ImageRegistrationOptions(split: .train))
        let image = try #require(try store.read { db in try ImageRecord.fetchOne(db, sql: "SELECT * FROM images") })
        try store.write { db in
            let writer = RecordWriter(db)
            let polygon = try Polygon(exterior: [1, 1, Double(image.width - 2), 1, 1, Double(image.height - 2)])
            let target = try writer.insert(try AnnotationGeometry.polygons([polygon], imageWidth: image.width, imageHeight: image.height)
                .annotation(imageID: image.id, categoryID: nil, instanceKey: "t")).id
            try writer.insert(NewInstruction(imageID: image.id, key: "q", text: "the corner", kind: .referring, isSentence: false,
                                             targetAnnotationIDs: [target]))
        }
        let out = folder.file("rs")
        let report = try ReasonSegExporter(stream: ExportStream(store: store, filter: ExportFilter())).run(to: out)
        #expect(report.reencodedForOrientation == 1 && report.exact == 1)
        let written = try FileBytes.read(out + "/train/rotated.jpg")
        let info = try JPEGCodec.info(written)
        #expect(info.orientation == nil || info.orientation == .up)
        #expect(info.width == image.width && info.height == image.height)
    }
}

@Suite("Split")
struct SplitTests {
    @Test func groupsNeverStraddleAndSeedsAreDeterministic() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        var paths: [String] = []
        for i in 0..<60 { paths.append(try folder.write("img/\(i).png", try smallPNG(seed: 100 + i, width: 4, height: 4))) }
        _ = try ImageRegistrar(store: store).register(paths)
        try store.write { db in
            // 10 scenes of 3 images, 30 images without a group key.
            for i in 0..<30 { try db.execute(sql: "UPDATE images SET group_key = ? WHERE id = ?", arguments: ["scene\(i / 3)", i + 1]) }
        }
        let report = try SplitAssigner(store: store).run(SplitOptions(ratios: [0.8, 0.1, 0.1], seed: 3))
        #expect(report.groups == 40 && report.images == 60)
        let splitsByGroup = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT group_key, count(DISTINCT split) FROM images WHERE group_key IS NOT NULL GROUP BY group_key")
        }
        #expect(splitsByGroup.allSatisfy { ($0[1] as Int) == 1 })
        #expect(abs((report.imagesBySplit["train"] ?? 0) - 48) <= 3 && (report.imagesBySplit["val"] ?? 0) >= 3 && (report.imagesBySplit["test"] ?? 0) >= 3)
        func assignment() throws -> [String?] { try store.read { db in try String?.fetchAll(db, sql: "SELECT split FROM images ORDER BY id") } }
        let first = try assignment()
        _ = try SplitAssigner(store: store).run(SplitOptions(ratios: [0.8, 0.1, 0.1], seed: 4))
        let other = try assignment()
        _ = try SplitAssigner(store: store).run(SplitOptions(ratios: [0.8, 0.1, 0.1], seed: 3))
        #expect(try assignment() == first && other != first)
        #expect(throws: ExportError.self) { try SplitAssigner(store: store).run(SplitOptions(ratios: [1, 2])) }
    }

    @Test func crossSplitDuplicatesByTextAndEmbedding() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        var paths: [String] = []
        for i in 0..<4 { paths.append(try folder.write("img/\(i).png", try smallPNG(seed: 200 + i, width: 4, height: 4))) }
        _ = try ImageRegistrar(store: store).register(paths)
        try store.write { db in
            let splits = ["train", "train", "val", "test"]
            for (i, split) in splits.enumerated() { try db.execute(sql: "UPDATE images SET split = ? WHERE id = ?", arguments: [split, i + 1]) }
            let writer = RecordWriter(db)
            try writer.insert(NewInstruction(imageID: 1, key: "a", text: "Where would you put the groceries?", kind: .reasoning, isSentence: true))
            try writer.insert(NewInstruction(imageID: 3, key: "b", text: "where would you PUT the groceries", kind: .reasoning, isSentence: true))
            try writer.insert(NewInstruction(imageID: 2, key: "c", text: "the red car", kind: .referring, isSentence: false))
            try writer.insert(NewInstruction(imageID: 4, key: "d", text: "the red cars", kind: .referring, isSentence: false))
            try writer.insert(NewInstruction(imageID: 4, key: "e", text: "something unrelated entirely", kind: .referring, isSentence: false))
        }
        let normalize: @Sendable (String) -> String = { $0.lowercased().filter { $0.isLetter || $0 == " " } }
        let textOnly = try NearDuplicateDetector(normalize: normalize).run(store: store)
        #expect(textOnly.sameText == 1 && textOnly.similar == 0 && textOnly.examples.first?.splits == ["train", "val"])
        // A toy embedder: bag of word stems (trailing s dropped).
        let embed: @Sendable ([String]) throws -> [[Float]] = { texts in
            texts.map { text in
                var v = [Float](repeating: 0, count: 64)
                for word in normalize(text).split(separator: " ") {
                    let stem = word.hasSuffix("s") ? word.dropLast() : word[...]
                    v[abs(stem.hashValue) % 64] += 1
                }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                return v.map { $0 / max(norm, 1e-6) }
            }
        }
        let withEmbeddings = try NearDuplicateDetector(normalize: normalize, embed: embed, embedderName: "toy", threshold: 0.99).run(store: store)
        #expect(withEmbeddings.sameText == 1 && withEmbeddings.similar == 1)
        #expect(withEmbeddings.examples.contains { $0.reason == "embedding" && Set($0.texts) == ["the red car", "the red cars"] })
    }
}
