import DatasetStore
import GRDB

/// What a templating run did.
public struct TemplaterReport: Sendable, Codable, Equatable {
    public var images = 0
    public var created = 0
    public var alreadyPresent = 0
    public var skippedByPerMaskCap = 0
    public var negatives = 0
    public var byKind: [String: Int] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case images, created, negatives
        case alreadyPresent = "already_present"
        case skippedByPerMaskCap = "skipped_by_per_mask_cap"
        case byKind = "by_kind"
    }
}
