import Annotate
import Serialization

/// An image file read for SAM: 8-bit samples as stored (gray, RGB or RGBA; no EXIF rotation,
/// as Meta's scripts read images with PIL/OpenCV) and the SHA-256 of the file bytes, which keys
/// the embedding cache (the same hash the store uses for its images).
public struct SAMImageFile: Sendable {
    public var pixels: PixelBuffer<UInt8>
    public var sha256: String

    /// Reads and decodes `path` (PNG or JPEG, sniffed from the bytes).
    public static func load(_ path: String) throws -> SAMImageFile {
        let bytes = try FileBytes.read(path)
        let pixels: PixelBuffer<UInt8>
        switch ImageFormat.sniff(bytes) {
        case .png: pixels = try PNGCodec.decode(bytes, source: path).eightBit
        case .jpeg: pixels = try JPEGCodec.decode(bytes, source: path)
        default: throw PrelabelError.unreadableImage(path: path, reason: "not a PNG or JPEG image")
        }
        return SAMImageFile(pixels: pixels, sha256: SHA256.hex(of: bytes))
    }
}
