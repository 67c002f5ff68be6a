/// Options of `ImageRegistrar.register`.
public struct ImageRegistrationOptions: Sendable {
    /// The dataset root the images are stored relative to. Default: the folder given (or a
    /// file's parent folder), or an already registered root that contains it.
    public var root: String?
    /// Copy the files into the store's content-addressed blob folder instead of referencing them.
    public var copyToBlobs: Bool
    /// Record each image under this source dataset name (its source id is its relative path).
    public var sourceDataset: String?
    /// Split and group key given to every newly added image.
    public var split: Split?
    public var groupKey: String?
    /// Stop at the first bad file instead of reporting it and going on.
    public var strict: Bool
    /// Images per write transaction (each commit is one fsync of the WAL).
    public var batchSize: Int

    public init(root: String? = nil, copyToBlobs: Bool = false, sourceDataset: String? = nil, split: Split? = nil,
                groupKey: String? = nil, strict: Bool = false, batchSize: Int = 256) {
        self.root = root
        self.copyToBlobs = copyToBlobs
        self.sourceDataset = sourceDataset
        self.split = split
        self.groupKey = groupKey
        self.strict = strict
        self.batchSize = max(1, batchSize)
    }
}
