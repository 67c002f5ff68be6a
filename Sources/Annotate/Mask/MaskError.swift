/// Why a mask operation failed.
public enum MaskError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Two masks (or a mask and a value list) that must have one size do not.
    case sizeMismatch(operation: String, expected: String, actual: String)
    /// A mask PNG could not be read or written.
    case image(ImageCodecError)
    /// The PNG holds values that are not a mask in the requested convention.
    case notAMask(source: String, reason: String)
    /// A size, crop rectangle or scale that cannot be used.
    case invalidGeometry(operation: String, reason: String)

    public var description: String {
        switch self {
        case .sizeMismatch(let operation, let expected, let actual):
            "\(operation): size mismatch: expected \(expected), got \(actual)"
        case .image(let error):
            error.description
        case .notAMask(let source, let reason):
            "\(source): not a mask: \(reason)"
        case .invalidGeometry(let operation, let reason):
            "\(operation): \(reason)"
        }
    }
}
