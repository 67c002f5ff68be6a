/// Options every importer shares.
public struct ImportOptions: Sendable {
    /// A bad record stops the import instead of being reported and skipped.
    public var strict: Bool
    /// Images (units) per committed transaction.
    public var batchSize: Int
    /// Stop after this many images (nil: all).
    public var maxImages: Int?

    public init(strict: Bool = false, batchSize: Int = 100, maxImages: Int? = nil) {
        self.strict = strict
        self.batchSize = max(1, batchSize)
        self.maxImages = maxImages
    }
}
