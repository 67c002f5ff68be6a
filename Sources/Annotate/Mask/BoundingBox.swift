/// An axis-aligned box `[x, y, w, h]` in pixels, COCO style: `(x, y)` is the top-left pixel
/// corner and a box around the single pixel (3, 4) is `[3, 4, 1, 1]`.
///
/// Encodes to and decodes from the JSON array `[x, y, w, h]`.
public struct BoundingBox: Sendable, Equatable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// `[x, y, w, h]`.
    public var array: [Double] { [x, y, width, height] }

    /// Area `w * h`.
    public var area: Double { width * height }

    /// COCO box IoU (`bbIou`): with `crowd`, the denominator is this box's area.
    public func iou(_ gt: BoundingBox, crowd: Bool = false) -> Double {
        let w = min(x + width, gt.x + gt.width) - max(x, gt.x)
        if w <= 0 { return 0 }
        let h = min(y + height, gt.y + gt.height) - max(y, gt.y)
        if h <= 0 { return 0 }
        let i = w * h
        let u = crowd ? area : area + gt.area - i
        return i / u
    }

    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        let values = [try c.decode(Double.self), try c.decode(Double.self),
                      try c.decode(Double.self), try c.decode(Double.self)]
        guard c.isAtEnd else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "a bbox has exactly 4 numbers [x, y, w, h]")
        }
        guard values.allSatisfy(\.isFinite), values[2] >= 0, values[3] >= 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "bbox values must be finite with w, h >= 0, got \(values)"))
        }
        self.init(x: values[0], y: values[1], width: values[2], height: values[3])
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(x); try c.encode(y); try c.encode(width); try c.encode(height)
    }
}
