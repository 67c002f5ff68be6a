/// One MDS shard being filled: its samples are kept until the shard is complete, since the
/// shard's header (every sample's offset) precedes them; `commit` writes
/// `{split}/shard.NNNNN.mds` through its `.partial` name, hashed, fsynced and renamed.
final class MDSShard: ShardWriter {
    let output: OutputFolder
    let split: String
    let index: Int
    let config: [UInt8]
    let sizeLimit: Int
    private var samples: [MDSExporter.Sample] = []
    /// File size so far: the count, N + 1 offsets, the config and the samples.
    private var bytes: Int

    init(output: OutputFolder, split: String, index: Int, config: [UInt8], sizeLimit: Int) {
        self.output = output
        self.split = split
        self.index = index
        self.config = config
        self.sizeLimit = sizeLimit
        bytes = 8 + config.count
    }

    var sampleCount: Int { samples.count }

    /// Streaming's rule: a sample costs its bytes plus its 4-byte offset.
    func fits(_ sample: MDSExporter.Sample) -> Bool {
        samples.isEmpty || bytes + sample.size + 4 <= sizeLimit
    }

    func append(_ sample: MDSExporter.Sample) throws(ExportError) {
        samples.append(sample)
        bytes += sample.size + 4
    }

    func commit() throws(ExportError) -> ExportShard {
        let name = split + "/shard." + shardNumber(index, digits: 5) + ".mds"
        guard bytes <= Int(UInt32.max) else {
            throw .badRecord(record: "sample \(samples.count - 1) of \(name)", field: "size",
                             reason: "\(bytes) bytes do not fit an MDS shard (32-bit offsets)")
        }
        var header: [UInt8] = []
        header.reserveCapacity(8 + 4 * samples.count)
        MDSLayout.append(UInt32(samples.count), to: &header)
        var offset = 4 + 4 * (samples.count + 1) + config.count
        MDSLayout.append(UInt32(offset), to: &header)
        for sample in samples {
            offset += sample.size
            MDSLayout.append(UInt32(offset), to: &header)
        }
        let file = try output.create(name, hashing: true, sync: true)
        do throws(ExportError) {
            try file.write(header)
            try file.write(config)
            for sample in samples { for part in sample.parts { try file.write(part) } }
            let written = file.byteCount
            let hash = try file.finalizeHash() ?? ""
            try file.commit()
            let count = samples.count
            samples = []
            return ExportShard(name: name, split: split, samples: count, bytes: written, sha256: hash)
        } catch {
            file.abort()
            throw error
        }
    }

    func abort() { samples = [] }
}
