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

/// Progress of a long registration: files handled so far out of the total found.
public struct RegistrationProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
}

/// Why a strict registration stopped.
public enum RegistrationError: Error, CustomStringConvertible, Sendable {
    case badFile(path: String, reason: String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .badFile(let path, let reason): "\(path): \(reason)"
        case .store(let error): error.description
        }
    }
}
