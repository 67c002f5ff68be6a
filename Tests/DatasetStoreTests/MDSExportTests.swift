import Annotate
import DatasetStore
import Foundation
import Serialization
import Testing

/// One MDS shard read back from the byte layout the format documents (count, absolute offsets,
/// config JSON, samples of u32 column sizes + columns), independently of the writer's code.
struct MDSShardReader {
    var config: [String: Any]
    var samples: [[String: [UInt8]]]

    static func u32(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }

    init(_ bytes: [UInt8]) throws {
        let count = Self.u32(bytes, 0)
        let offsets = (0...count).map { Self.u32(bytes, 4 + 4 * $0) }
        let configStart = 4 + 4 * (count + 1)
        config = try #require(try JSONSerialization.jsonObject(with: Data(bytes[configStart..<offsets[0]])) as? [String: Any])
        #expect(offsets.last == bytes.count, "the last offset is the file's end")
        let names = try #require(config["column_names"] as? [String])
        samples = []
        for i in 0..<count {
            var at = offsets[i]
            let sizes = names.map { _ in defer { at += 4 }; return Self.u32(bytes, at) }
            var sample: [String: [UInt8]] = [:]
            for (name, size) in zip(names, sizes) {
                sample[name] = Array(bytes[at..<at + size])
                at += size
            }
            #expect(at == offsets[i + 1], "sample \(i) fills its span")
            samples.append(sample)
        }
    }

    /// A `list[png]` column's elements.
    static func pngList(_ bytes: [UInt8]) -> [[UInt8]] {
        let count = u32(bytes, 4)
        var at = 8 + 4 * count
        return (0..<count).map { i in
            let size = u32(bytes, 8 + 4 * i)
            defer { at += size }
            return Array(bytes[at..<at + size])
        }
    }
}

@Suite("MDS export")
struct MDSExportTests {
    @Test(arguments: [1, 8])
    func shardsIndexMasksAndDeterminism(maskBits: Int) throws {
        let fixture = try ExportTestStore()
        let out = fixture.folder.file("mds")
        let options = MDSOptions(sizeLimit: 150_000, maskBitDepth: maskBits)
        let exporter = MDSExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter(), pageSize: 2), options: options)
        let report = try exporter.run(to: out)
        let targets = try fixture.targets()
        #expect(report.samples == 11 && report.negatives == 1 && report.multiTarget >= 1 && report.samplesBySplit["val"] == 5)
        #expect(report.shards.count > report.samplesBySplit.count, "the size limit cuts shards")
        var keys = Set<String>()
        var masks = 0
        for split in report.samplesBySplit.keys.sorted() {
            let index = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: out + "/\(split)/index.json"))) as? [String: Any])
            #expect(index["version"] as? Int == 2)
            let entries = try #require(index["shards"] as? [[String: Any]])
            #expect(entries.reduce(0) { $0 + ($1["samples"] as? Int ?? 0) } == report.samplesBySplit[split])
            for (n, entry) in entries.enumerated() {
                let raw = try #require(entry["raw_data"] as? [String: Any])
                #expect(raw["basename"] as? String == String(format: "shard.%05d.mds", n))
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/\(split)/" + (raw["basename"] as? String ?? ""))))
                #expect(raw["bytes"] as? Int == bytes.count)
                #expect((raw["hashes"] as? [String: Any])?["sha256"] as? String == SHA256.hex(of: bytes))
                #expect(entry["format"] as? String == "mds" && entry["column_names"] as? [String] == MDSLayout.columnNames)
                #expect(entry["column_encodings"] as? [String] == MDSLayout.columnEncodings && entry["zip_data"] is NSNull)
                let shard = try MDSShardReader(bytes)
                #expect(shard.samples.count == entry["samples"] as? Int)
                #expect(bytes.count <= 150_000 || shard.samples.count == 1, "over the size limit with several samples")
                #expect(shard.config["column_encodings"] as? [String] == MDSLayout.columnEncodings)
                for sample in shard.samples {
                    let key = String(decoding: try #require(sample["key"]), as: UTF8.self)
                    #expect(keys.insert(key).inserted && !key.contains("."))
                    let jsonBytes = try #require(sample["json"])
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(jsonBytes)) as? [String: Any])
                    #expect(json["key"] as? String == key)
                    let image = try #require(json["image"] as? [String: Any])
                    #expect(SHA256.hex(of: try #require(sample["image"])) == image["sha256"] as? String, "image bytes re-encoded")
                    let instructionID = try #require(((json["provenance"] as? [String: Any])?["instruction"] as? [String: Any])?["id"] as? Int64)
                    let ids = targets[instructionID] ?? []
                    let pngs = MDSShardReader.pngList(try #require(sample["masks"]))
                    #expect(pngs.count == ids.count)
                    for (png, id) in zip(pngs, ids) {
                        let decoded = try PNGCodec.decode(png)
                        if case .uint8(let buffer) = try PNGCodec.decode(png) { #expect(buffer.channels == 1) }
                        #expect(try MaskPNG.mask(from: decoded, source: key) == (try fixture.mask(id)), "\(key)")
                        masks += 1
                    }
                }
            }
        }
        #expect(keys.count == report.samples && masks >= report.samples - report.negatives)
        // Deterministic (another page size), refuses a non-empty OUT, rewrites the same with overwrite.
        let again = try MDSExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter(), pageSize: 1000), options: options)
            .run(to: fixture.folder.file("mds2"))
        #expect(again.shards == report.shards)
        #expect(throws: ExportError.self) { try exporter.run(to: out) }
        var overwrite = options
        overwrite.overwrite = true
        #expect(try MDSExporter(stream: exporter.stream, options: overwrite).run(to: out).shards == report.shards)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.hasSuffix(".partial") }.isEmpty)
    }

    @Test func shardHeaderMatchesTheReferenceWritersConfig() {
        // The text MDSWriter embeds (json.dumps(config, sort_keys=True)) for these columns.
        let expected = #"{"column_encodings": ["bytes", "json", "str", "list[png]"], "column_names": ["image", "json", "key", "masks"], "column_sizes": [null, null, null, null], "compression": null, "format": "mds", "hashes": ["sha256"], "size_limit": 67108864, "version": 2}"#
        #expect(String(decoding: MDSLayout.configJSON(sizeLimit: 1 << 26), as: UTF8.self) == expected)
        #expect(MDSLayout.pngList([[1, 2], [3]]) == [0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 2, 3])
    }

    @Test func badOptionsAreRefusedBeforeWriting() throws {
        let fixture = try ExportTestStore()
        let stream = ExportStream(store: fixture.store, filter: ExportFilter())
        for options in [MDSOptions(sizeLimit: 100), MDSOptions(sizeLimit: 1 << 32), MDSOptions(maskBitDepth: 4)] {
            #expect(throws: ExportError.self) { try MDSExporter(stream: stream, options: options).run(to: fixture.folder.file("bad")) }
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.file("bad")))
    }

    @Test func oneSampleOverTheLimitGetsAShardOfItsOwn() throws {
        let fixture = try ExportTestStore()
        // 4096 bytes: smaller than every ReasonSeg sample (a JPEG each).
        let report = try MDSExporter(stream: ExportStream(store: fixture.store, filter: ExportFilter(splits: [.train])),
                                     options: MDSOptions(sizeLimit: 4096)).run(to: fixture.folder.file("m"))
        #expect(report.samples > 1 && report.shards.count == report.samples && report.shards.allSatisfy { $0.samples == 1 })
    }
}
