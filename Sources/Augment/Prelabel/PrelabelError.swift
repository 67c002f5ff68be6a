/// Errors of SAM segmentation and box pre-labeling: the image or record they concern is named.
public enum PrelabelError: Error, CustomStringConvertible, Sendable {
    /// An image file that cannot be decoded for SAM.
    case unreadableImage(path: String, reason: String)
    /// A stored image whose file no longer matches its record (size changed).
    case imageMismatch(imageID: Int64, path: String, reason: String)
    /// A store operation that failed.
    case store(String)

    public var description: String {
        switch self {
        case .unreadableImage(let path, let reason): "\(path): cannot read image: \(reason)"
        case .imageMismatch(let id, let path, let reason): "image \(id) (\(path)): \(reason)"
        case .store(let reason): reason
        }
    }
}
