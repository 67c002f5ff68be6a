/// One shard being filled, in the form a sharded export writes (a tar, an MDS shard).
protocol ShardWriter: AnyObject {
    associatedtype Sample: ShardedSample
    /// Samples in it so far.
    var sampleCount: Int { get }
    /// Whether `sample` still goes in. An empty shard takes any sample, so one larger than the
    /// limits gets a shard of its own.
    func fits(_ sample: Sample) -> Bool
    func append(_ sample: Sample) throws(ExportError)
    /// Completes the shard (written, hashed, fsynced, renamed to its final name) and describes it.
    func commit() throws(ExportError) -> ExportShard
    /// Drops the shard: its temporary file is removed.
    func abort()
}

/// What every sharded export (WebDataset tars, MDS shards) does around its format: check the
/// shared options, open OUT, run the two-stage pipeline (`ExportPipeline`), keep one open shard
/// per split (numbered from 0 in stream order, cut when the next sample does not fit), count the
/// samples, commit the last shards, and hand the committed shards, sorted by name, to the
/// format's index writer (`manifest.json`, `index.json`), which runs last: an OUT with its index
/// is complete. On an error every open shard is aborted (no `.partial` file stays).
///
/// Resuming: each committed shard is recorded in `OUT/.lisakit-shards` (`ShardJournal`). Run
/// again into an OUT whose export was interrupted (a journal without its `complete` line, the
/// same settings), without `--overwrite`, an export keeps the recorded shards that are there
/// with their size and SHA-256 (per split, up to the first one that is not), skips their
/// samples without preparing them (no image read, no mask encoded) and writes the rest: the
/// same files, byte for byte, as an uninterrupted run, since shards are cut in stream order.
struct ShardedExport<Writer: ShardWriter> {
    let stream: ExportStream
    /// Memory the queue of prepared samples may hold.
    let queueBytes: Int
    /// The format and its options that shape the shards (part of the journal's settings).
    let settings: String
    /// An image's samples (on the producer thread).
    let prepare: @Sendable (ExportItem) throws(ExportError) -> [Writer.Sample]
    /// Opens shard `index` of `split` in the output folder.
    let open: (_ output: OutputFolder, _ split: String, _ index: Int) throws(ExportError) -> Writer

    /// The mask PNG bit depths the sharded exports write.
    static func checkMaskBitDepth(_ bits: Int) throws(ExportError) {
        guard bits == 1 || bits == 8 else { throw .invalidOption(name: "--mask-bits", reason: "must be 1 or 8, not \(bits)") }
    }

    func run(to outputPath: String, overwrite: Bool, progress: (Int, Int) -> Void,
             writeIndex: (OutputFolder, ShardedExportReport) throws(ExportError) -> Void) throws(ExportError) -> ShardedExportReport {
        let settings = self.settings + "; " + stream.filter.settings + "; " + (try stream.fingerprint())
        // An interrupted export of the same settings is resumed; anything else goes the usual way.
        let output: OutputFolder
        var kept: [ShardJournal.Entry] = []
        let previous = overwrite ? nil : ShardJournal.read(folder: OutputFolder.absolute(outputPath))
        if let previous, !previous.complete {
            guard previous.header.settings == settings else {
                throw .badOutput(path: OutputFolder.absolute(outputPath), reason: "it holds an interrupted export with other settings "
                    + "(\(previous.header.settings)); pass --overwrite to start over")
            }
            output = try OutputFolder(resuming: outputPath)
            kept = ShardJournal.verified(previous.entries, in: output)
        } else {
            output = try OutputFolder(path: outputPath, overwrite: overwrite)
        }
        let journal = try ShardJournal(output: output, settings: settings, kept: kept)
        var entries = kept

        var report = ShardedExportReport(output: output.path)
        var shards: [String: Writer] = [:]
        var nextIndex: [String: Int] = [:]
        var lastKey: [String: SampleKey] = [:]
        var skipThrough: [String: SampleKey] = [:]
        for entry in kept {
            report.shards.append(entry.shard)
            report.bytes += entry.shard.bytes
            nextIndex[entry.shard.split, default: 0] += 1
            skipThrough[entry.shard.split] = entry.last
        }
        report.resumedShards = kept.count
        let total = try stream.imageCount()
        var done = 0

        func commit(_ shard: Writer, split: String) throws(ExportError) {
            let record = try shard.commit()
            report.shards.append(record)
            report.bytes += record.bytes
            let entry = ShardJournal.Entry(shard: record, last: lastKey[split] ?? SampleKey(image: 0, instruction: 0))
            try journal.append(entry)
            entries.append(entry)
        }

        let prepare = self.prepare, skip = skipThrough
        do throws(ExportError) {
            try ExportPipeline.run(stream, queueBytes: queueBytes, prepare: { (item) throws(ExportError) in
                // Samples already in kept shards are counted, not prepared.
                guard let last = skip[item.splitName] else { return (try prepare(item), SampleTally()) }
                var rest = item
                rest.instructions = item.instructions.filter { SampleKey(image: item.image.id, instruction: $0.id) > last }
                var skipped = SampleTally()
                for instruction in item.instructions where SampleKey(image: item.image.id, instruction: instruction.id) <= last {
                    skipped.samples += 1
                    if instruction.targets.isEmpty { skipped.negatives += 1 }
                    if instruction.targets.count > 1 { skipped.multiTarget += 1 }
                }
                return (rest.instructions.isEmpty ? [] : try prepare(rest), skipped)
            }, consume: { (sample) throws(ExportError) in
                let split = sample.split
                if let shard = shards[split], !shard.fits(sample) {
                    shards[split] = nil
                    try commit(shard, split: split)
                }
                let shard: Writer
                if let current = shards[split] {
                    shard = current
                } else {
                    let index = nextIndex[split, default: 0]
                    nextIndex[split] = index + 1
                    shard = try open(output, split, index)
                    shards[split] = shard
                }
                try shard.append(sample)
                lastKey[split] = sample.key
                report.samples += 1
                if sample.negative { report.negatives += 1 }
                if sample.multiTarget { report.multiTarget += 1 }
            }, imageDone: { withoutInstructions, skipped in
                report.images += 1
                if withoutInstructions { report.imagesWithoutInstructions += 1 }
                if skipped.samples > 0 {
                    report.samples += skipped.samples
                    report.negatives += skipped.negatives
                    report.multiTarget += skipped.multiTarget
                }
                done += 1
                progress(done, total)
            })
            for split in shards.keys.sorted() {
                if let shard = shards[split] {
                    shards[split] = nil
                    try commit(shard, split: split)
                }
            }
        } catch {
            for shard in shards.values { shard.abort() }
            throw error
        }
        // Samples per split, skipped ones included: from the shards.
        report.samplesBySplit = [:]
        for shard in report.shards { report.samplesBySplit[shard.split, default: 0] += shard.samples }
        report.shards.sort { $0.name < $1.name }
        try writeIndex(output, report)
        try journal.complete(settings: settings, entries: entries)
        return report
    }
}

/// `index` zero-padded to `digits` (shard file names).
func shardNumber(_ index: Int, digits: Int) -> String {
    let text = String(index)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}
