import Annotate
import Foundation

/// Options of the WebDataset export.
public struct WebDatasetOptions: Sendable {
    /// A shard is closed before it would hold more samples than this.
    public var maxSamplesPerShard: Int
    /// A shard is closed before it would grow past this many bytes (a single larger sample
    /// still gets a shard of its own).
    public var maxBytesPerShard: Int
    public var overwrite: Bool
    /// Bits per pixel of the `KEY.mask.png` files: 1 (default; PIL opens them as mode "1",
    /// OpenCV/libpng and webdataset's "l"/"l8" decoders as 0/255) or 8 (0/255 gray, for code
    /// that reads the raw PIL array and expects uint8).
    public var maskBitDepth: Int

    public init(maxSamplesPerShard: Int = 10_000, maxBytesPerShard: Int = 1 << 30, overwrite: Bool = false, maskBitDepth: Int = 1) {
        self.maxSamplesPerShard = maxSamplesPerShard
        self.maxBytesPerShard = maxBytesPerShard
        self.overwrite = overwrite
        self.maskBitDepth = maskBitDepth
    }
}

/// `lisakit export webdataset`: POSIX tar shards `OUT/{split}-%06d.tar`, one sample per
/// (image, instruction): `KEY.jpg` (or `.png`; the original bytes), `KEY.json` (instruction,
/// answer, flags, categories, provenance; several targets as COCO RLE under `masks`, ignore
/// regions under `ignore`) and `KEY.mask.png` (one target; 1-bit gray by default, see
/// `WebDatasetOptions.maskBitDepth`). A sample's files are
/// adjacent, keys have no dots, shards are written through `.partial` names and renamed when
/// complete, and `manifest.json` (written last) lists each shard's sample count and SHA-256.
/// Memory: one sample at a time (shards stream to disk).
public struct WebDatasetExporter {
    public let stream: ExportStream
    public let options: WebDatasetOptions

    public init(stream: ExportStream, options: WebDatasetOptions = WebDatasetOptions()) {
        self.stream = stream
        self.options = options
    }

    /// The sample key of an instruction: image and instruction ids, zero-padded (no dots).
    public static func key(imageID: Int64, instructionID: Int64) -> String {
        let a = String(imageID), b = String(instructionID)
        return String(repeating: "0", count: max(0, 10 - a.count)) + a + "_" + String(repeating: "0", count: max(0, 10 - b.count)) + b
    }

    /// Memory the prepared-sample queue may hold.
    static let queueBytes = 16 << 20

    /// Exports. Two stages run at once (`ExportPipeline`): a producer thread reads images and
    /// builds each sample's files (JSON, mask PNG); the calling thread writes them into shards
    /// (`TarShard`), and each shard is hashed on a thread of its own as it is written. The
    /// queue between the stages holds at most `queueBytes`, so memory stays bounded.
    public func run(to outputPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws(ExportError) -> ShardedExportReport {
        guard options.maxSamplesPerShard >= 1 else { throw .invalidOption(name: "--max-samples", reason: "must be at least 1") }
        guard options.maxBytesPerShard >= 4096 else { throw .invalidOption(name: "--max-bytes", reason: "must be at least 4096") }
        try ShardedExport<TarShard>.checkMaskBitDepth(options.maskBitDepth)
        let maskBitDepth = options.maskBitDepth, maxSamples = options.maxSamplesPerShard, maxBytes = options.maxBytesPerShard
        let settings = "webdataset max-samples=\(maxSamples) max-bytes=\(maxBytes) mask-bits=\(maskBitDepth)"
        let export = ShardedExport<TarShard>(stream: stream, queueBytes: Self.queueBytes, settings: settings, prepare: { (item) throws(ExportError) in
            try Self.prepare(item, maskBitDepth: maskBitDepth)
        }, open: { (output, split, index) throws(ExportError) in
            try TarShard(output: output, split: split, index: index, maxSamples: maxSamples, maxBytes: maxBytes)
        })
        return try export.run(to: outputPath, overwrite: options.overwrite, progress: progress) { (output, report) throws(ExportError) in
            let manifest: [String: Any] = [
                "format": "webdataset",
                "samples": report.samples,
                "samples_by_split": report.samplesBySplit,
                "shards": report.shards.map { ["name": $0.name, "split": $0.split, "samples": $0.samples, "bytes": $0.bytes, "sha256": $0.sha256] },
            ]
            try output.write("manifest.json", try ExportJSON.bytes(manifest, pretty: true, record: "manifest.json"))
        }
    }

    /// One sample: its tar members in order (name, bytes).
    struct Sample: ShardedSample {
        let split: String
        let key: SampleKey
        let members: [(String, [UInt8])]
        let negative: Bool
        let multiTarget: Bool
        /// The members' bytes.
        let size: Int
        /// What the sample adds to a tar (headers and padding included).
        let tarSize: Int

        init(split: String, key: SampleKey, members: [(String, [UInt8])], negative: Bool, multiTarget: Bool) {
            self.split = split
            self.key = key
            self.members = members
            self.negative = negative
            self.multiTarget = multiTarget
            size = members.reduce(0) { $0 + $1.1.count }
            tarSize = members.reduce(0) { $0 + TarWriter.memberSize($1.1.count) }
        }
    }

    /// The samples of one image: per instruction the image file (original bytes), the JSON and
    /// the mask PNG (one target) — members in the order they go into the tar.
    static func prepare(_ item: ExportItem, maskBitDepth: Int = 1) throws(ExportError) -> [Sample] {
        guard !item.instructions.isEmpty else { return [] }
        let image = item.image
        // Rephrasings of one query share a mask: `parts` encodes it once per image.
        var parts = try ImageSampleParts(item, maskBitDepth: maskBitDepth)
        var samples: [Sample] = []
        for instruction in item.instructions {
            let key = parts.key(instruction)
            var json = parts.json(instruction, key: key)
            var mask: [UInt8]?
            if instruction.targets.count == 1 {
                mask = try parts.maskPNG(instruction.targets[0])
            } else if instruction.targets.count > 1 {
                var masks: [[String: Any]] = []
                for target in instruction.targets { masks.append(ExportJSON.rle(try target.rle(width: image.width, height: image.height))) }
                json["masks"] = masks
            }
            var members: [(String, [UInt8])] = [(key + "." + image.format.fileExtension, parts.imageBytes),
                                                (key + ".json", try ExportJSON.bytes(json, record: "instruction \(instruction.id)"))]
            if let mask { members.append((key + ".mask.png", mask)) }
            samples.append(Sample(split: item.splitName, key: SampleKey(image: image.id, instruction: instruction.id), members: members, negative: instruction.targets.isEmpty, multiTarget: instruction.targets.count > 1))
        }
        return samples
    }

    /// A mask as a PNG: 1-bit gray (0/1), or 8-bit gray (0/255, libpng at deflate level 1:
    /// masks are long runs, level 1 compresses them nearly as well as 6 at a fraction of the time).
    static func maskPNG(_ rle: RLE, annotation: Int64, bitDepth: Int = 1) throws(ExportError) -> [UInt8] {
        do {
            // 1-bit: packed straight from the runs (no byte-per-pixel mask in between) and
            // deflated by `MaskPNGEncoder` (libpng for what it does not take).
            if bitDepth == 1 { return try MaskPNGEncoder.encode(rle) ?? MaskPNG.encode1Bit(rle, compressionLevel: 1) }
            let mask = rle.decode()
            let count = mask.count
            let samples = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
                mask.pixels.withUnsafeBufferPointer { pixels in
                    for i in 0..<count { out[i] = pixels[i] &* 255 }
                }
                initialized = count
            }
            let buffer = PixelBuffer(width: mask.width, height: mask.height, channels: 1, samples: samples)
            return try PNGCodec.encode(buffer, compressionLevel: 1)
        } catch let error as MaskError {
            throw .badRecord(record: "annotation \(annotation)", field: "mask", reason: error.description)
        } catch {
            throw .badRecord(record: "annotation \(annotation)", field: "mask", reason: "\(error)")
        }
    }

    static func sampleJSON(_ item: ExportItem, _ instruction: ExportInstruction, key: String) -> [String: Any] {
        let image = item.image
        var json: [String: Any] = [
            "key": key,
            "instruction": instruction.text,
            "is_sentence": instruction.isSentence,
            "kind": instruction.kind.rawValue,
            "is_prompt": instruction.isPrompt,
            "categories": instruction.targets.map { $0.categoryName ?? "" },
            "target_ids": instruction.targets.map(\.id),
            "negative": instruction.targets.isEmpty,
            "image": ["id": image.id, "sha256": image.sha256, "width": image.width, "height": image.height,
                      "format": image.format.rawValue, "split": item.splitName] as [String: Any],
            "provenance": ["instruction": ExportMasks.provenance(instruction),
                           "targets": instruction.targets.map(ExportMasks.provenance)] as [String: Any],
        ]
        if let answer = instruction.answer { json["answer"] = answer }
        if let explanation = instruction.explanation { json["explanation"] = explanation }
        if let dataset = image.sourceDataset, let id = image.sourceID { json["source"] = ["dataset": dataset, "id": id] }
        if let group = image.groupKey { json["group_key"] = group }
        return json
    }
}
