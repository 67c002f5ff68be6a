import Serialization
import Annotate

/// What registering an image needs to know about a file: its content hash, format and size.
/// The pixels are decoded in full, so a truncated or corrupt file is caught here, not at training.
public struct ImageInspection: Sendable, Equatable {
    public var sha256: String
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var byteSize: Int

    /// Inspects image bytes; `source` names the file in errors.
    public static func inspect(_ bytes: [UInt8], source: String) throws(ImageCodecError) -> ImageInspection {
        guard let format = ImageFormat.sniff(bytes) else { throw .unknownFormat(source: source) }
        let width: Int, height: Int
        switch format {
        case .png:
            let image = try PNGCodec.decode(bytes, source: source, options: .init(paletteAsIndices: true, keep16Bit: true))
            (width, height) = (image.width, image.height)
        case .jpeg:
            let image = try JPEGCodec.decode(bytes, source: source)
            (width, height) = (image.width, image.height)
        }
        guard width > 0, height > 0 else { throw .corrupt(source: source, format: format, reason: "empty image") }
        return ImageInspection(sha256: SHA256.hex(of: bytes), format: format, width: width, height: height,
                               byteSize: bytes.count)
    }
}
