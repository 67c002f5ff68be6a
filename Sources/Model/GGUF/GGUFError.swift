/// Errors reading a GGUF file: every case names the file and, where there is one, the
/// metadata key or tensor at fault.
public enum GGUFError: Error, CustomStringConvertible, Sendable {
    /// The file cannot be opened or mapped.
    case unreadable(path: String, reason: String)
    /// The file ends before a field that the format requires.
    case truncated(path: String, field: String, offset: Int, needed: Int, fileSize: Int)
    /// The fixed header (magic, version, counts) is wrong.
    case invalidHeader(path: String, reason: String)
    /// A metadata key/value that breaks the format (type, length, nesting, duplicate key).
    case invalidMetadata(path: String, key: String, reason: String)
    /// A tensor-table entry that breaks the format (dims, type, offset, size, overlap).
    case invalidTensor(path: String, tensor: String, reason: String)
    /// A tensor type that exists in ggml but that LisaKit cannot read (e.g. IQ2_XXS).
    case unsupportedTensorType(path: String, tensor: String, type: String)
    /// A metadata key that a consumer needs and the file lacks.
    case missingKey(path: String, key: String)
    /// A metadata value of another type than the consumer needs.
    case wrongValueType(path: String, key: String, expected: String, found: String)
    /// A tensor that a consumer needs and the file lacks.
    case missingTensor(path: String, tensor: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read GGUF file: \(reason)"
        case .truncated(let path, let field, let offset, let needed, let size):
            "\(path): truncated GGUF file: \(field) needs \(needed) bytes at offset \(offset), file has \(size)"
        case .invalidHeader(let path, let reason): "\(path): invalid GGUF header: \(reason)"
        case .invalidMetadata(let path, let key, let reason): "\(path): metadata '\(key)': \(reason)"
        case .invalidTensor(let path, let tensor, let reason): "\(path): tensor '\(tensor)': \(reason)"
        case .unsupportedTensorType(let path, let tensor, let type):
            "\(path): tensor '\(tensor)' has tensor type \(type), which LisaKit does not read"
        case .missingKey(let path, let key): "\(path): metadata key '\(key)' is missing"
        case .wrongValueType(let path, let key, let expected, let found):
            "\(path): metadata '\(key)' is \(found), expected \(expected)"
        case .missingTensor(let path, let tensor): "\(path): no tensor named '\(tensor)'"
        }
    }
}
