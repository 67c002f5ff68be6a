/// An integer pixel position, as OpenCV's `Point` (the points LISA casts to int32).
public struct PixelPoint: Sendable, Hashable {
    public var x: Int32
    public var y: Int32
    public init(x: Int32, y: Int32) { self.x = x; self.y = y }
}
