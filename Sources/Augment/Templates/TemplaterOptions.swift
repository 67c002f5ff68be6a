import DatasetStore
import GRDB

/// Options of a templating run (`lisakit template`).
public struct TemplaterOptions: Sendable {
    /// Seed of every sampling decision; the same seed on the same store gives the same prompts.
    public var seed: UInt64
    /// Prompts generated per label (class, query); each gets its own key, so raising it adds more.
    public var promptsPerLabel: Int
    /// Cap on templated prompts targeting any one mask (nil: no cap).
    public var perMask: Int?
    /// Negative prompts per image: classes known to the store but absent from the image.
    public var negativesPerImage: Int
    /// Use LISA's fixed validation prompts instead of sampling.
    public var validation: Bool
    /// Template referring expressions with the SHORT list (as LISA's refer_seg loader does)
    /// instead of the LONG list.
    public var referringAsShort: Bool
    public var includeSemantic: Bool
    public var includeQueries: Bool
    public var includeExplanatory: Bool

    public init(seed: UInt64 = 0, promptsPerLabel: Int = 1, perMask: Int? = nil, negativesPerImage: Int = 0,
                validation: Bool = false, referringAsShort: Bool = false, includeSemantic: Bool = true,
                includeQueries: Bool = true, includeExplanatory: Bool = true) {
        self.seed = seed
        self.promptsPerLabel = max(1, promptsPerLabel)
        self.perMask = perMask
        self.negativesPerImage = max(0, negativesPerImage)
        self.validation = validation
        self.referringAsShort = referringAsShort
        self.includeSemantic = includeSemantic
        self.includeQueries = includeQueries
        self.includeExplanatory = includeExplanatory
    }
}
