/// A one-byte-per-pixel label map, row-major: LISA's ground truth uses 0 background,
/// 1 target and 255 ignore; rasterizers paint arbitrary byte values into it.
public struct LabelMask: Sendable, Equatable, Hashable {
    public let width: Int
    public let height: Int
    /// `values[y * width + x]`.
    public var values: [UInt8]

    /// The value LISA's evaluation excludes from IoU.
    public static let ignore: UInt8 = 255

    /// A map filled with `value`.
    public init(width: Int, height: Int, filledWith value: UInt8 = 0) {
        precondition(width >= 0 && height >= 0, "negative mask size")
        self.width = width
        self.height = height
        self.values = [UInt8](repeating: value, count: width * height)
    }

    /// Wraps row-major values.
    public init(width: Int, height: Int, values: [UInt8]) throws(MaskError) {
        guard width >= 0, height >= 0, values.count == width * height else {
            throw .sizeMismatch(operation: "label mask from values", expected: "\(width)x\(height)",
                                actual: "\(values.count) values")
        }
        self.width = width
        self.height = height
        self.values = values
    }

    /// The value at column `x`, row `y`.
    @inlinable public subscript(x: Int, y: Int) -> UInt8 {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// Pixels equal to `value` as a binary mask.
    public func mask(equalTo value: UInt8) -> BinaryMask {
        BinaryMask(width: width, height: height, normalizedPixels: values.map { $0 == value ? 1 : 0 })
    }

    /// The target mask as LISA trains on it: 1 stays foreground, everything else (0 and
    /// the 255 ignore value) is background.
    public var target: BinaryMask { mask(equalTo: 1) }

    /// The pixels LISA's evaluation ignores (value 255).
    public var ignored: BinaryMask { mask(equalTo: LabelMask.ignore) }

    /// A binary mask as a 0/1 label map.
    public init(_ mask: BinaryMask) {
        self.width = mask.width
        self.height = mask.height
        self.values = mask.pixels
    }
}
