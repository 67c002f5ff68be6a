import Annotate
import Foundation

/// Options of the MDS export.
public struct MDSOptions: Sendable {
    /// A shard is closed before it would grow past this many bytes (streaming's rule; a single
    /// larger sample still gets a shard of its own). Below 4 GiB: MDS offsets are 32-bit.
    public var sizeLimit: Int
    public var overwrite: Bool
    /// Bits per pixel of the mask PNGs: 1 (default) or 8 (0/255 gray).
    public var maskBitDepth: Int

    public init(sizeLimit: Int = MDSLayout.defaultSizeLimit, overwrite: Bool = false, maskBitDepth: Int = 1) {
        self.sizeLimit = sizeLimit
        self.overwrite = overwrite
        self.maskBitDepth = maskBitDepth
    }
}

/// `lisakit export mds`: MosaicML Streaming datasets, one per split: `OUT/{split}/index.json`
/// and `OUT/{split}/shard.NNNNN.mds` (`MDSLayout`), so `StreamingDataset(local=OUT,
/// split="train")` reads them. One sample per (image, instruction) with the columns `image`
/// (original bytes), `json` (the WebDataset sample record, ignore regions as RLE under
/// `ignore`), `key` and `masks` (one PNG per target, none for a negative). Each shard's SHA-256
/// is in `index.json` (`raw_data.hashes.sha256`). Shards are written through `.partial` names
/// and renamed when complete; the `index.json` files are written last.
/// Memory: the shard being filled of each split (at most `sizeLimit` bytes each; a shard's
/// header, which holds every sample's offset, precedes its samples).
public struct MDSExporter {
    public let stream: ExportStream
    public let options: MDSOptions

    public init(stream: ExportStream, options: MDSOptions = MDSOptions()) {
        self.stream = stream
        self.options = options
    }

    /// One encoded sample: the column sizes and the columns, kept as separate byte arrays so
    /// the image bytes are not copied before they reach the file.
    struct Sample: Sendable {
        var split: String
        var parts: [[UInt8]]
        var size: Int
        var negative: Bool
        var multiTarget: Bool
    }

    final class OpenShard {
        let split: String
        let index: Int
        var samples: [Sample] = []
        /// File size so far: the count, N + 1 offsets, the config and the samples.
        var bytes: Int
        init(split: String, index: Int, headerBytes: Int) { self.split = split; self.index = index; self.bytes = headerBytes }
    }

    static let queueBytes = 16 << 20

    public func run(to outputPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws(ExportError) -> ShardedExportReport {
        guard options.sizeLimit >= 4096, options.sizeLimit < 1 << 32 else {
            throw .invalidOption(name: "--size-limit", reason: "must be at least 4096 and below 4 GiB (MDS offsets are 32-bit)")
        }
        guard options.maskBitDepth == 1 || options.maskBitDepth == 8 else {
            throw .invalidOption(name: "--mask-bits", reason: "must be 1 or 8, not \(options.maskBitDepth)")
        }
        let output = try OutputFolder(path: outputPath, overwrite: options.overwrite)
        var report = ShardedExportReport(output: output.path)
        let config = MDSLayout.configJSON(sizeLimit: options.sizeLimit)
        var open: [String: OpenShard] = [:]
        var nextIndex: [String: Int] = [:]
        let total = try stream.imageCount()
        var done = 0

        func write(_ shard: OpenShard) throws(ExportError) {
            let digits = String(shard.index)
            let name = shard.split + "/shard." + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".mds"
            guard shard.bytes <= Int(UInt32.max) else {
                throw .badRecord(record: "sample \(shard.samples.count - 1) of \(name)", field: "size",
                                 reason: "\(shard.bytes) bytes do not fit an MDS shard (32-bit offsets)")
            }
            var header: [UInt8] = []
            header.reserveCapacity(8 + 4 * shard.samples.count)
            MDSLayout.append(UInt32(shard.samples.count), to: &header)
            var offset = 4 + 4 * (shard.samples.count + 1) + config.count
            MDSLayout.append(UInt32(offset), to: &header)
            for sample in shard.samples {
                offset += sample.size
                MDSLayout.append(UInt32(offset), to: &header)
            }
            let file = try output.create(name, hashing: true, sync: true)
            do throws(ExportError) {
                try file.write(header)
                try file.write(config)
                for sample in shard.samples { for part in sample.parts { try file.write(part) } }
                let bytes = file.byteCount
                let hash = file.finalizeHash() ?? ""
                try file.commit()
                report.shards.append(ExportShard(name: name, split: shard.split, samples: shard.samples.count, bytes: bytes, sha256: hash))
                report.bytes += bytes
            } catch {
                file.abort()
                throw error
            }
        }

        let maskBitDepth = options.maskBitDepth
        let sizeLimit = options.sizeLimit
        let emptyShard = 8 + config.count
        try ExportPipeline.run(stream, queueBytes: Self.queueBytes, prepare: { (item) throws(ExportError) in
            try Self.prepare(item, maskBitDepth: maskBitDepth).map { ($0, $0.size) }
        }, consume: { (sample) throws(ExportError) in
            let split = sample.split
            // Streaming's rule: a sample costs its bytes plus its 4-byte offset.
            if let shard = open[split], !shard.samples.isEmpty, shard.bytes + sample.size + 4 > sizeLimit {
                open[split] = nil
                try write(shard)
            }
            let shard: OpenShard
            if let current = open[split] {
                shard = current
            } else {
                let index = nextIndex[split, default: 0]
                nextIndex[split] = index + 1
                shard = OpenShard(split: split, index: index, headerBytes: emptyShard)
                open[split] = shard
            }
            shard.samples.append(sample)
            shard.bytes += sample.size + 4
            report.samples += 1
            report.samplesBySplit[split, default: 0] += 1
            if sample.negative { report.negatives += 1 }
            if sample.multiTarget { report.multiTarget += 1 }
        }, imageDone: { withoutInstructions in
            report.images += 1
            if withoutInstructions { report.imagesWithoutInstructions += 1 }
            done += 1
            progress(done, total)
        })
        for split in open.keys.sorted() { if let shard = open[split] { open[split] = nil; try write(shard) } }
        report.shards.sort { $0.name < $1.name }

        // One index per split, written last: a folder with an index.json is complete.
        let splitConfig = MDSLayout.config(sizeLimit: sizeLimit)
        for split in Set(report.shards.map(\.split)).sorted() {
            let entries: [[String: Any]] = report.shards.filter { $0.split == split }.map { shard in
                var entry = splitConfig
                entry["samples"] = shard.samples
                entry["raw_data"] = ["basename": String(shard.name.dropFirst(split.count + 1)), "bytes": shard.bytes,
                                     "hashes": ["sha256": shard.sha256]] as [String: Any]
                entry["zip_data"] = NSNull()
                return entry
            }
            try output.write(split + "/index.json",
                             try ExportJSON.bytes(["version": 2, "shards": entries] as [String: Any], record: "\(split)/index.json"))
        }
        return report
    }

    /// The samples of one image, encoded as MDS samples (columns in `MDSLayout.columnNames` order).
    static func prepare(_ item: ExportItem, maskBitDepth: Int) throws(ExportError) -> [Sample] {
        guard !item.instructions.isEmpty else { return [] }
        let image = item.image
        let imageBytes: [UInt8]
        do { imageBytes = try FileBytes.read(item.imagePath) } catch {
            throw ExportError.badRecord(record: "image \(image.id) (\(item.imagePath))", field: "file", reason: "\(error)")
        }
        let ignore = try ExportMasks.union(item.ignoreAnnotations, width: image.width, height: image.height)
        var maskPNGs: [Int64: [UInt8]] = [:]
        var samples: [Sample] = []
        for instruction in item.instructions {
            let key = WebDatasetExporter.key(imageID: image.id, instructionID: instruction.id)
            var json = WebDatasetExporter.sampleJSON(item, instruction, key: key)
            if let ignore { json["ignore"] = ExportJSON.rle(ignore) }
            var pngs: [[UInt8]] = []
            for target in instruction.targets {
                if let cached = maskPNGs[target.id] {
                    pngs.append(cached)
                } else {
                    let png = try WebDatasetExporter.maskPNG(try target.rle(width: image.width, height: image.height).decode(),
                                                             annotation: target.id, bitDepth: maskBitDepth)
                    maskPNGs[target.id] = png
                    pngs.append(png)
                }
            }
            let columns = [imageBytes, try ExportJSON.bytes(json, record: "instruction \(instruction.id)"), Array(key.utf8),
                           MDSLayout.pngList(pngs)]
            var sizes: [UInt8] = []
            for column in columns {
                guard column.count <= Int(UInt32.max) else {
                    throw .badRecord(record: "instruction \(instruction.id)", field: "size", reason: "a column over 4 GiB")
                }
                MDSLayout.append(UInt32(column.count), to: &sizes)
            }
            let parts = [sizes] + columns
            samples.append(Sample(split: item.splitName, parts: parts, size: parts.reduce(0) { $0 + $1.count },
                                  negative: instruction.targets.isEmpty, multiTarget: instruction.targets.count > 1))
        }
        return samples
    }
}
