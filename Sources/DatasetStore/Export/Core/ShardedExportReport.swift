/// One shard a sharded export (WebDataset tars, MDS shards) wrote, as its manifest or index
/// lists it.
public struct ExportShard: Sendable, Codable, Equatable {
    /// Path relative to OUT (`train-000000.tar`, `train/shard.00000.mds`).
    public var name: String
    public var split: String
    public var samples: Int
    public var bytes: Int
    /// SHA-256 of the shard file, lowercase hex.
    public var sha256: String

    public init(name: String, split: String, samples: Int, bytes: Int, sha256: String) {
        self.name = name
        self.split = split
        self.samples = samples
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// What a sharded export (one sample per image and instruction) wrote: the same report for
/// every such format, so scripts read `--json` output the same way.
public struct ShardedExportReport: Sendable, Codable, Equatable {
    public var output: String
    public var images = 0
    public var samples = 0
    /// Samples whose instruction targets nothing (a rejection answer).
    public var negatives = 0
    /// Samples with several target masks.
    public var multiTarget = 0
    /// Images without any admitted instruction (nothing to write).
    public var imagesWithoutInstructions = 0
    public var bytes = 0
    public var shards: [ExportShard] = []
    /// Shards kept from an interrupted run of the same export (verified, not rewritten).
    public var resumedShards = 0
    public var samplesBySplit: [String: Int] = [:]

    public init(output: String) { self.output = output }
}
