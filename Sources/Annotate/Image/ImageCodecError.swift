/// Why an image could not be read or written. Every case names the file (or `<memory>`).
public enum ImageCodecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The bytes are not a format we decode (neither PNG nor JPEG).
    case unknownFormat(source: String)
    /// The codec rejected the file: truncated, corrupt, or unsupported. `reason` is the codec's.
    case corrupt(source: String, format: ImageFormat, reason: String)
    /// The pixels cannot be encoded in the requested format (shape, depth).
    case cannotEncode(format: ImageFormat, reason: String)
    /// The file could not be read from disk.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownFormat(let source):
            "\(source): not a PNG or JPEG image"
        case .corrupt(let source, let format, let reason):
            "\(source): corrupt or unsupported \(format.rawValue.uppercased()) image: \(reason)"
        case .cannotEncode(let format, let reason):
            "cannot encode \(format.rawValue.uppercased()): \(reason)"
        case .unreadable(let path, let reason):
            "\(path): cannot read file: \(reason)"
        }
    }
}

/// The text of a NUL-terminated C message buffer.
func cMessage(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
