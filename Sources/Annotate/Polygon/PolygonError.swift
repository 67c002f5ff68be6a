/// Why a polygon was rejected. `ring` names the ring: "exterior", "hole 2", "polygon 0", …
public enum PolygonError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A ring needs at least 3 points.
    case tooFewPoints(ring: String, count: Int)
    /// A flat `[x0, y0, x1, y1, …]` list with an odd number of values.
    case oddCoordinateCount(ring: String, count: Int)
    /// NaN or infinity at value `index` of the flat list.
    case nonFinite(ring: String, index: Int)
    /// A coordinate beyond ±`Polygon.coordinateLimit` (far outside any image; treated as corrupt).
    case coordinateOutOfRange(ring: String, index: Int, value: Double)
    /// The target raster size is invalid.
    case invalidSize(height: Int, width: Int)

    public var description: String {
        switch self {
        case .tooFewPoints(let ring, let count):
            "polygon \(ring): \(count) point(s), a ring needs at least 3"
        case .oddCoordinateCount(let ring, let count):
            "polygon \(ring): \(count) coordinates, expected pairs [x0, y0, x1, y1, ...]"
        case .nonFinite(let ring, let index):
            "polygon \(ring): coordinate #\(index) is NaN or infinite"
        case .coordinateOutOfRange(let ring, let index, let value):
            "polygon \(ring): coordinate #\(index) = \(value) is beyond ±\(Int(Polygon.coordinateLimit)) px"
        case .invalidSize(let height, let width):
            "raster size \(height)x\(width) is invalid"
        }
    }
}
