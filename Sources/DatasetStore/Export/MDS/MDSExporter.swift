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
    struct Sample: ShardedSample {
        var split: String
        var key: SampleKey
        var parts: [[UInt8]]
        var size: Int
        var negative: Bool
        var multiTarget: Bool
    }

    static let queueBytes = 16 << 20

    public func run(to outputPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws(ExportError) -> ShardedExportReport {
        guard options.sizeLimit >= 4096, options.sizeLimit < 1 << 32 else {
            throw .invalidOption(name: "--size-limit", reason: "must be at least 4096 and below 4 GiB (MDS offsets are 32-bit)")
        }
        try ShardedExport<MDSShard>.checkMaskBitDepth(options.maskBitDepth)
        let maskBitDepth = options.maskBitDepth, sizeLimit = options.sizeLimit
        let config = MDSLayout.configJSON(sizeLimit: sizeLimit)
        let export = ShardedExport<MDSShard>(stream: stream, queueBytes: Self.queueBytes,
                                             settings: "mds size-limit=\(sizeLimit) mask-bits=\(maskBitDepth)", prepare: { (item) throws(ExportError) in
            try Self.prepare(item, maskBitDepth: maskBitDepth)
        }, open: { output, split, index in
            MDSShard(output: output, split: split, index: index, config: config, sizeLimit: sizeLimit)
        })
        return try export.run(to: outputPath, overwrite: options.overwrite, progress: progress) { (output, report) throws(ExportError) in
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
        }
    }

    /// The samples of one image, encoded as MDS samples (columns in `MDSLayout.columnNames` order).
    static func prepare(_ item: ExportItem, maskBitDepth: Int) throws(ExportError) -> [Sample] {
        guard !item.instructions.isEmpty else { return [] }
        var parts = try ImageSampleParts(item, maskBitDepth: maskBitDepth)
        var samples: [Sample] = []
        for instruction in item.instructions {
            let key = parts.key(instruction)
            var pngs: [[UInt8]] = []
            for target in instruction.targets { pngs.append(try parts.maskPNG(target)) }
            let columns = [parts.imageBytes, try ExportJSON.bytes(parts.json(instruction, key: key), record: "instruction \(instruction.id)"), Array(key.utf8),
                           MDSLayout.pngList(pngs)]
            var sizes: [UInt8] = []
            for column in columns {
                guard column.count <= Int(UInt32.max) else {
                    throw .badRecord(record: "instruction \(instruction.id)", field: "size", reason: "a column over 4 GiB")
                }
                MDSLayout.append(UInt32(column.count), to: &sizes)
            }
            let encoded = [sizes] + columns
            samples.append(Sample(split: item.splitName, key: SampleKey(image: item.image.id, instruction: instruction.id), parts: encoded, size: encoded.reduce(0) { $0 + $1.count },
                                  negative: instruction.targets.isEmpty, multiTarget: instruction.targets.count > 1))
        }
        return samples
    }
}
