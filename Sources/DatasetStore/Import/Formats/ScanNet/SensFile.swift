import Serialization

/// A ScanNet `.sens` RGB-D stream, memory-mapped and walked frame by frame (little-endian):
/// u32 version (4); u64 length + sensor name; four 4×4 f32 matrices (colour intrinsic and
/// extrinsic, depth intrinsic and extrinsic); i32 colour and depth compression; u32 colour
/// width, height, depth width, height; f32 depth shift; u64 frame count; then per frame a 4×4
/// f32 camera-to-world pose, u64 colour and depth timestamps, u64 colour and depth byte counts,
/// and the bytes. Only colour frames and poses are read; depth is stepped over.
public struct SensFile {
    public enum ColorCompression: Int32, Sendable { case unknown = -1, raw = 0, png = 1, jpeg = 2 }

    public struct Frame {
        public var index: Int
        /// Camera-to-world, row-major.
        public var pose: [Float]
        /// The colour image as stored (JPEG or PNG bytes for compressed streams).
        public var colorRange: Range<Int>
        /// Every pose entry finite (ScanNet marks lost tracking with -inf).
        public var hasValidPose: Bool { pose.allSatisfy(\.isFinite) }
    }

    public let path: String
    public let file: MappedFile
    public let sensorName: String
    public let colorIntrinsic: [Float]
    public let colorCompression: Int32
    public let depthCompression: Int32
    public let colorWidth: Int
    public let colorHeight: Int
    public let depthWidth: Int
    public let depthHeight: Int
    public let frameCount: Int
    private let firstFrame: Int

    /// Maps the file and reads its header.
    public init(path: String, displayName: String) throws(ImportError) {
        self.path = displayName
        do { file = try MappedFile(path: path) } catch { throw .unreadableSource(path: displayName, reason: "\(error)") }
        var cursor = Cursor(bytes: file.bytes, name: displayName)
        let version = try cursor.u32("version")
        guard version == 4 else { throw .unreadableSource(path: displayName, reason: "field version: expected 4, found \(version)") }
        let nameLength = try cursor.u64("sensor name length")
        guard nameLength <= 4096 else { throw .unreadableSource(path: displayName, reason: "field sensor name length: \(nameLength) is implausible") }
        sensorName = String(decoding: try cursor.bytes(Int(nameLength), "sensor name"), as: UTF8.self)
        colorIntrinsic = try cursor.floats(16, "color intrinsic")
        _ = try cursor.floats(48, "extrinsics and depth intrinsic")
        colorCompression = try cursor.i32("color compression")
        depthCompression = try cursor.i32("depth compression")
        colorWidth = Int(try cursor.u32("color width"))
        colorHeight = Int(try cursor.u32("color height"))
        depthWidth = Int(try cursor.u32("depth width"))
        depthHeight = Int(try cursor.u32("depth height"))
        _ = try cursor.floats(1, "depth shift")
        let count = try cursor.u64("frame count")
        // Each frame takes at least its 96-byte header: a larger count is a corrupt file.
        guard count <= UInt64(file.count / 96) else {
            throw .unreadableSource(path: displayName, reason: "field frame count: \(count) frames cannot fit in \(file.count) bytes")
        }
        frameCount = Int(count)
        firstFrame = cursor.offset
    }

    /// Visits the frames in order; `body` returns false to stop. A truncated frame throws.
    public func forEachFrame(_ body: (Frame) throws(ImportError) -> Bool) throws(ImportError) {
        var cursor = Cursor(bytes: file.bytes, name: path)
        cursor.offset = firstFrame
        for index in 0..<frameCount {
            let pose = try cursor.floats(16, "frame \(index) pose")
            _ = try cursor.bytes(16, "frame \(index) timestamps")
            let colorBytes = try cursor.u64("frame \(index) color size")
            let depthBytes = try cursor.u64("frame \(index) depth size")
            let start = cursor.offset
            guard colorBytes <= UInt64(file.count - start) else {
                throw .unreadableSource(path: path, reason: "frame \(index): color data (\(colorBytes) bytes) runs past the end of the file")
            }
            cursor.offset += Int(colorBytes)
            guard depthBytes <= UInt64(file.count - cursor.offset) else {
                throw .unreadableSource(path: path, reason: "frame \(index): depth data (\(depthBytes) bytes) runs past the end of the file")
            }
            cursor.offset += Int(depthBytes)
            if try !body(Frame(index: index, pose: pose, colorRange: start..<(start + Int(colorBytes)))) { return }
        }
    }

    /// A bounds-checked little-endian reader over the mapped bytes.
    struct Cursor {
        let bytes: UnsafeRawBufferPointer
        let name: String
        var offset = 0

        mutating func take(_ count: Int, _ field: String) throws(ImportError) -> Int {
            guard count >= 0, count <= bytes.count - offset else {
                throw .unreadableSource(path: name, reason: "truncated at byte \(offset) reading \(field)")
            }
            defer { offset += count }
            return offset
        }
        mutating func u32(_ field: String) throws(ImportError) -> UInt32 {
            let at = try take(4, field)
            return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        }
        mutating func i32(_ field: String) throws(ImportError) -> Int32 { Int32(bitPattern: try u32(field)) }
        mutating func u64(_ field: String) throws(ImportError) -> UInt64 {
            let at = try take(8, field)
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        }
        mutating func floats(_ count: Int, _ field: String) throws(ImportError) -> [Float] {
            let at = try take(4 * count, field)
            return (0..<count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4 * $0, as: UInt32.self))) }
        }
        mutating func bytes(_ count: Int, _ field: String) throws(ImportError) -> [UInt8] {
            let at = try take(count, field)
            return Array(bytes[at..<(at + count)])
        }
    }
}
