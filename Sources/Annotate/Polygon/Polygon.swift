/// A polygon with holes: one exterior ring and zero or more hole rings, each a flat list
/// `[x0, y0, x1, y1, …]` in pixel coordinates (x right, y down), implicitly closed.
///
/// JSON: `{"exterior": [x0, y0, …], "holes": [[x0, y0, …], …]}`; a list of polygons is the
/// store's polygon geometry. Decoding validates every ring (≥ 3 points, even length, finite,
/// within ±`coordinateLimit`).
public struct Polygon: Sendable, Hashable, Codable {
    public let exterior: [Double]
    public let holes: [[Double]]

    /// Coordinates beyond this many pixels from the origin are rejected as corrupt: no
    /// image is that large, and pycocotools' rasterizer walks every 1/5 pixel of the
    /// outline, so its time grows with how far outside the points lie. Within the limit,
    /// points outside the image are clipped by each rasterizer's own rule.
    public static let coordinateLimit: Double = 100_000

    public init(exterior: [Double], holes: [[Double]] = []) throws(PolygonError) {
        try Polygon.validate(ring: exterior, name: "exterior")
        for (i, hole) in holes.enumerated() { try Polygon.validate(ring: hole, name: "hole \(i)") }
        self.exterior = exterior
        self.holes = holes
    }

    init(unchecked exterior: [Double], holes: [[Double]]) {
        self.exterior = exterior
        self.holes = holes
    }

    /// Checks one flat ring.
    public static func validate(ring: [Double], name: String) throws(PolygonError) {
        guard ring.count % 2 == 0 else { throw .oddCoordinateCount(ring: name, count: ring.count) }
        for (i, v) in ring.enumerated() {
            guard v.isFinite else { throw .nonFinite(ring: name, index: i) }
            guard abs(v) <= coordinateLimit else { throw .coordinateOutOfRange(ring: name, index: i, value: v) }
        }
        guard ring.count >= 6 else { throw .tooFewPoints(ring: name, count: ring.count / 2) }
    }

    /// All rings, exterior first.
    public var rings: [[Double]] { [exterior] + holes }

    /// Geometric area: |exterior| minus the |holes| (shoelace formula).
    public var area: Double {
        holes.reduce(abs(Polygon.signedArea(exterior))) { $0 - abs(Polygon.signedArea($1)) }
    }

    /// The box `[x, y, w, h]` around the exterior ring's points (geometric, not pixel-inclusive).
    public var boundingBox: BoundingBox {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        var i = 0
        while i + 1 < exterior.count {
            minX = min(minX, exterior[i]); maxX = max(maxX, exterior[i])
            minY = min(minY, exterior[i + 1]); maxY = max(maxY, exterior[i + 1])
            i += 2
        }
        if minX > maxX { return BoundingBox(x: 0, y: 0, width: 0, height: 0) }
        return BoundingBox(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }

    /// Shoelace signed area of a flat ring: positive when clockwise on screen (y down).
    public static func signedArea(_ ring: [Double]) -> Double {
        let n = ring.count / 2
        if n < 3 { return 0 }
        var sum = 0.0
        for i in 0..<n {
            let j = (i + 1) % n
            sum += ring[2 * i] * ring[2 * j + 1] - ring[2 * j] * ring[2 * i + 1]
        }
        return sum / 2
    }

    private enum Keys: String, CodingKey { case exterior, holes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let exterior = try c.decode([Double].self, forKey: .exterior)
        let holes = try c.decodeIfPresent([[Double]].self, forKey: .holes) ?? []
        do {
            try self.init(exterior: exterior, holes: holes)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: error.description, underlyingError: error))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(exterior, forKey: .exterior)
        try c.encode(holes, forKey: .holes)
    }
}

extension Array where Element == Polygon {
    /// Total geometric area of the polygons.
    public var area: Double { reduce(0) { $0 + $1.area } }

    /// The box around all exteriors, or nil for no polygons.
    public var boundingBox: BoundingBox? {
        guard let first = first?.boundingBox else { return nil }
        return dropFirst().reduce(first) { box, polygon in
            let b = polygon.boundingBox
            let x0 = Swift.min(box.x, b.x), y0 = Swift.min(box.y, b.y)
            let x1 = Swift.max(box.x + box.width, b.x + b.width), y1 = Swift.max(box.y + box.height, b.y + b.height)
            return BoundingBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        }
    }
}
