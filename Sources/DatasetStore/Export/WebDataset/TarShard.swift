/// One WebDataset shard being written: `{split}-%06d.tar` through its `.partial` name, hashed
/// with SHA-256 as it goes, fsynced and renamed on commit.
final class TarShard: ShardWriter {
    let name: String
    let split: String
    let file: AtomicFile
    let maxSamples: Int
    let maxBytes: Int
    private(set) var sampleCount = 0

    init(output: OutputFolder, split: String, index: Int, maxSamples: Int, maxBytes: Int) throws(ExportError) {
        name = split + "-" + shardNumber(index, digits: 6) + ".tar"
        self.split = split
        self.maxSamples = maxSamples
        self.maxBytes = maxBytes
        file = try output.create(name, hashing: true, sync: true)
    }

    func fits(_ sample: WebDatasetExporter.Sample) -> Bool {
        sampleCount == 0
            || (sampleCount < maxSamples && file.byteCount + sample.tarSize + 2 * TarWriter.blockSize <= maxBytes)
    }

    func append(_ sample: WebDatasetExporter.Sample) throws(ExportError) {
        for (name, bytes) in sample.members { try TarWriter.append(name: name, bytes: bytes, to: file) }
        sampleCount += 1
    }

    func commit() throws(ExportError) -> ExportShard {
        try TarWriter.finish(file)
        let bytes = file.byteCount
        let hash = try file.finalizeHash() ?? ""
        try file.commit()
        return ExportShard(name: name, split: split, samples: sampleCount, bytes: bytes, sha256: hash)
    }

    func abort() { file.abort() }
}
