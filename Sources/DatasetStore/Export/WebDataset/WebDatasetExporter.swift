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

    final class OpenShard {
        let name: String
        let split: String
        let file: AtomicFile
        var samples = 0
        init(name: String, split: String, file: AtomicFile) { self.name = name; self.split = split; self.file = file }
    }

    /// Memory the prepared-sample queue may hold.
    static let queueBytes = 16 << 20

    /// Exports. Two stages run at once (`ExportPipeline`): a producer thread reads images and
    /// builds each sample's files (JSON, mask PNG); the calling thread writes them into shards
    /// and hashes them. The queue between them holds at most `queueBytes`, so memory stays bounded.
    public func run(to outputPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws(ExportError) -> ShardedExportReport {
        guard options.maxSamplesPerShard >= 1 else { throw .invalidOption(name: "--max-samples", reason: "must be at least 1") }
        guard options.maxBytesPerShard >= 4096 else { throw .invalidOption(name: "--max-bytes", reason: "must be at least 4096") }
        guard options.maskBitDepth == 1 || options.maskBitDepth == 8 else {
            throw .invalidOption(name: "--mask-bits", reason: "must be 1 or 8, not \(options.maskBitDepth)")
        }
        let output = try OutputFolder(path: outputPath, overwrite: options.overwrite)
        var report = ShardedExportReport(output: output.path)
        var open: [String: OpenShard] = [:]
        var nextIndex: [String: Int] = [:]
        let total = try stream.imageCount()
        var done = 0

        func close(_ shard: OpenShard) throws(ExportError) {
            try TarWriter.finish(shard.file)
            let bytes = shard.file.byteCount
            let hash = shard.file.finalizeHash() ?? ""
            try shard.file.commit()
            report.shards.append(ExportShard(name: shard.name, split: shard.split, samples: shard.samples, bytes: bytes, sha256: hash))
            report.bytes += bytes
        }

        let maskBitDepth = options.maskBitDepth
        do throws(ExportError) {
            try ExportPipeline.run(stream, queueBytes: Self.queueBytes, prepare: { (item) throws(ExportError) in
                try Self.prepare(item, maskBitDepth: maskBitDepth).map { ($0, $0.members.reduce(0) { $0 + $1.1.count }) }
            }, consume: { (sample) throws(ExportError) in
                let split = sample.split
                let size = sample.members.reduce(0) { $0 + TarWriter.memberSize($1.1.count) }
                if let shard = open[split], shard.samples >= options.maxSamplesPerShard
                    || shard.file.byteCount + size + 2 * TarWriter.blockSize > options.maxBytesPerShard {
                    open[split] = nil
                    try close(shard)
                }
                let shard: OpenShard
                if let current = open[split] {
                    shard = current
                } else {
                    let index = nextIndex[split, default: 0]
                    nextIndex[split] = index + 1
                    let digits = String(index)
                    let name = split + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".tar"
                    shard = OpenShard(name: name, split: split, file: try output.create(name, hashing: true, sync: true))
                    open[split] = shard
                }
                for (name, bytes) in sample.members { try TarWriter.append(name: name, bytes: bytes, to: shard.file) }
                shard.samples += 1
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
            for split in open.keys.sorted() { if let shard = open[split] { open[split] = nil; try close(shard) } }
        } catch {
            for shard in open.values { shard.file.abort() }
            throw error
        }
        report.shards.sort { $0.name < $1.name }
        let manifest: [String: Any] = [
            "format": "webdataset",
            "samples": report.samples,
            "samples_by_split": report.samplesBySplit,
            "shards": report.shards.map { ["name": $0.name, "split": $0.split, "samples": $0.samples, "bytes": $0.bytes, "sha256": $0.sha256] },
        ]
        try output.write("manifest.json", try ExportJSON.bytes(manifest, pretty: true, record: "manifest.json"))
        return report
    }

    struct Sample: Sendable {
        var split: String
        var members: [(String, [UInt8])]
        var negative: Bool
        var multiTarget: Bool
    }

    /// The samples of one image: per instruction the image file (original bytes), the JSON and
    /// the mask PNG (one target) — members in the order they go into the tar.
    static func prepare(_ item: ExportItem, maskBitDepth: Int = 1) throws(ExportError) -> [Sample] {
        guard !item.instructions.isEmpty else { return [] }
        let image = item.image
        let imageBytes: [UInt8]
        do { imageBytes = try FileBytes.read(item.imagePath) } catch {
            throw ExportError.badRecord(record: "image \(image.id) (\(item.imagePath))", field: "file", reason: "\(error)")
        }
        let ignore = try ExportMasks.union(item.ignoreAnnotations, width: image.width, height: image.height)
        // Rephrasings of one query share a mask: encode it once per image.
        var maskPNGs: [Int64: [UInt8]] = [:]
        var samples: [Sample] = []
        for instruction in item.instructions {
            let key = Self.key(imageID: image.id, instructionID: instruction.id)
            var members: [(String, [UInt8])] = [(key + "." + image.format.fileExtension, imageBytes)]
            var json = sampleJSON(item, instruction, key: key)
            if let ignore { json["ignore"] = ExportJSON.rle(ignore) }
            if instruction.targets.count == 1 {
                let target = instruction.targets[0]
                let png: [UInt8]
                if let cached = maskPNGs[target.id] {
                    png = cached
                } else {
                    png = try Self.maskPNG(try target.rle(width: image.width, height: image.height).decode(), annotation: target.id,
                                           bitDepth: maskBitDepth)
                    maskPNGs[target.id] = png
                }
                members.append((key + ".mask.png", png))
            } else if instruction.targets.count > 1 {
                var masks: [[String: Any]] = []
                for target in instruction.targets { masks.append(ExportJSON.rle(try target.rle(width: image.width, height: image.height))) }
                json["masks"] = masks
            }
            members.insert((key + ".json", try ExportJSON.bytes(json, record: "instruction \(instruction.id)")), at: 1)
            samples.append(Sample(split: item.splitName, members: members, negative: instruction.targets.isEmpty, multiTarget: instruction.targets.count > 1))
        }
        return samples
    }

    /// A mask as a PNG: 1-bit gray (0/1), or 8-bit gray (0/255). Deflate level 1: masks are
    /// long runs, level 1 compresses them nearly as well as 6 at a fraction of the time.
    static func maskPNG(_ mask: BinaryMask, annotation: Int64, bitDepth: Int = 1) throws(ExportError) -> [UInt8] {
        do {
            if bitDepth == 1 { return try MaskPNG.encode1Bit(mask, compressionLevel: 1) }
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
