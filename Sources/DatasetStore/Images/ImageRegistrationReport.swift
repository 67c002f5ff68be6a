/// What a registration run did.
public struct ImageRegistrationReport: Sendable, Codable, Equatable {
    /// A file that could not be registered, and why.
    public struct Failure: Sendable, Codable, Equatable {
        public var path: String
        public var reason: String
    }

    /// New images stored.
    public var added = 0
    /// Files whose content (or path) was already in the store.
    public var alreadyPresent = 0
    /// Files in the folders that are not images by name (skipped without reading).
    public var skippedNotImages = 0
    /// Files and folders that could not be read or decoded.
    public var failures: [Failure] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case added
        case alreadyPresent = "already_present"
        case skippedNotImages = "skipped_not_images"
        case failures
    }
}
