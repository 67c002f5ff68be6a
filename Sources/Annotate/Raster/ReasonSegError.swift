/// Why a ReasonSeg / LabelMe annotation could not be turned into a mask.
public enum ReasonSegError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    /// The file is not JSON (neither UTF-8 nor cp1252) or not an object.
    case malformedJSON(path: String, reason: String)
    /// A shape lacks a field or has one of the wrong type.
    case badShape(path: String, index: Int, field: String, reason: String)
    /// The mask size is unknown or invalid.
    case invalidSize(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .malformedJSON(let path, let reason): "\(path): not a LabelMe/ReasonSeg JSON object: \(reason)"
        case .badShape(let path, let index, let field, let reason): "\(path): shapes[\(index)].\(field): \(reason)"
        case .invalidSize(let path, let reason): "\(path): \(reason)"
        }
    }
}
