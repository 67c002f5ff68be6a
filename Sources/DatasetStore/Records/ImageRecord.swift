import Annotate
import GRDB

/// An image row as stored (`images` table).
public struct ImageRecord: Sendable, Equatable, Codable, FetchableRecord {
    public enum Storage: String, Sendable, Codable { case root, blob }

    public var id: Int64
    public var sha256: String
    public var storage: Storage
    public var rootID: Int64?
    public var relativePath: String?
    public var width: Int
    public var height: Int
    public var format: ImageFormat
    public var byteSize: Int
    public var sourceDataset: String?
    public var sourceID: String?
    public var groupKey: String?
    public var split: Split?

    enum CodingKeys: String, CodingKey {
        case id, sha256, storage
        case rootID = "root_id"
        case relativePath = "rel_path"
        case width, height, format
        case byteSize = "byte_size"
        case sourceDataset = "source_dataset"
        case sourceID = "source_id"
        case groupKey = "group_key"
        case split
    }
}

extension DatasetStore {
    /// The absolute path of an image's file (in its dataset root or the blob folder).
    public func filePath(of image: ImageRecord) throws(StoreError) -> String {
        switch image.storage {
        case .blob:
            return location.blobPath(sha256: image.sha256)
        case .root:
            guard let rootID = image.rootID, let relative = image.relativePath else {
                throw .invalidRecord(record: "image \(image.id)", field: "rel_path", reason: "missing")
            }
            let rootPath = try read { db in
                try String.fetchOne(db, sql: "SELECT path FROM dataset_roots WHERE id = ?", arguments: [rootID])
            }
            guard let rootPath else {
                throw .invalidRecord(record: "image \(image.id)", field: "root_id", reason: "unknown root \(rootID)")
            }
            return rootPath + "/" + relative
        }
    }

    /// The image with this content hash, if stored.
    public func image(sha256: String) throws(StoreError) -> ImageRecord? {
        try read { db in try ImageRecord.fetchOne(db, sql: "SELECT * FROM images WHERE sha256 = ?", arguments: [sha256]) }
    }
}
