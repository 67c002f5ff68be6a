/// Mask → polygons with holes, by following pixel edges ("crack following").
///
/// The walk runs along pixel borders with the foreground on the walker's right (exteriors
/// come out clockwise on screen, holes counter-clockwise); each ring passes through the
/// MIDPOINTS of the boundary edges (corners cut by half a pixel), so every foreground pixel
/// centre is strictly inside and every background centre strictly outside — no ties — and
/// 45° staircases are straight lines before any simplification. Where two pixels touch only at a corner the walker turns toward the pixel it
/// is following, so foreground is 4-connected: diagonal-only neighbours become separate
/// polygons meeting at a point (every ring is simple), a lone pixel becomes a unit square,
/// and nothing is dropped. Holes are attached to the exterior of the 4-connected component
/// they border. Rasterized back with `EvenOddRasterizer`, the unsimplified polygons give the
/// input mask exactly; `simplify` then applies Douglas–Peucker per ring.
public enum ContourTracer {
    /// The default Douglas–Peucker tolerance in pixels.
    public static let defaultTolerance = 1.0

    /// The default per-ring fidelity floor for simplification.
    public static let defaultMinimumRingIoU = 0.99

    /// Traces `mask` and simplifies each ring with Douglas–Peucker at `tolerance` pixels
    /// (0 keeps every vertex). Thin shapes (text strokes, noise) lose most to simplification,
    /// so each simplified ring is rasterized against its original: below `minimumRingIoU` the
    /// tolerance is halved (up to 4 times), then the ring is kept as traced. A ring that would
    /// collapse below 3 points is kept as traced.
    public static func polygons(from mask: BinaryMask, tolerance: Double = defaultTolerance,
                                minimumRingIoU: Double = defaultMinimumRingIoU) -> [Polygon] {
        let traced = trace(mask)
        if tolerance <= 0 { return traced }
        return traced.map { polygon in
            Polygon(unchecked: simplify(polygon.exterior, tolerance, minimumRingIoU),
                    holes: polygon.holes.map { simplify($0, tolerance, minimumRingIoU) })
        }
    }

    static func simplify(_ ring: [Double], _ tolerance: Double, _ minimumIoU: Double) -> [Double] {
        var tol = tolerance
        for _ in 0..<5 {
            let candidate = DouglasPeucker.simplifyRing(ring, tolerance: tol)
            if candidate.count == ring.count || minimumIoU <= 0 || ringIoU(ring, candidate) >= minimumIoU { return candidate }
            tol /= 2
        }
        return ring
    }

    /// IoU of the pixel sets two rings cover (pixel-centre rule), on a canvas around both.
    static func ringIoU(_ a: [Double], _ b: [Double]) -> Double {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for ring in [a, b] {
            var i = 0
            while i + 1 < ring.count {
                minX = min(minX, ring[i]); maxX = max(maxX, ring[i])
                minY = min(minY, ring[i + 1]); maxY = max(maxY, ring[i + 1])
                i += 2
            }
        }
        let ox = minX.rounded(.down), oy = minY.rounded(.down)
        let w = Int((maxX - ox).rounded(.up)) + 1, h = Int((maxY - oy).rounded(.up)) + 1
        func shifted(_ ring: [Double]) -> Polygon {
            Polygon(unchecked: ring.enumerated().map { $0.offset % 2 == 0 ? $0.element - ox : $0.element - oy }, holes: [])
        }
        let ma = EvenOddRasterizer.rasterize([shifted(a)], width: w, height: h)
        let mb = EvenOddRasterizer.rasterize([shifted(b)], width: w, height: h)
        var inter = 0, uni = 0
        for i in 0..<ma.count {
            inter += Int(ma.pixels[i] & mb.pixels[i])
            uni += Int(ma.pixels[i] | mb.pixels[i])
        }
        return uni == 0 ? 1 : Double(inter) / Double(uni)
    }

    /// IoU between `mask` and its polygons rasterized back (1 when both are empty).
    public static func roundTripIoU(_ mask: BinaryMask, polygons: [Polygon]) -> Double {
        let back = EvenOddRasterizer.rasterize(polygons, width: mask.width, height: mask.height)
        var inter = 0, uni = 0
        for i in 0..<mask.count {
            inter += Int(mask.pixels[i] & back.pixels[i])
            uni += Int(mask.pixels[i] | back.pixels[i])
        }
        return uni == 0 ? 1 : Double(inter) / Double(uni)
    }

    /// The exact pixel-corner polygons of `mask`.
    public static func trace(_ mask: BinaryMask) -> [Polygon] {
        let w = mask.width, h = mask.height
        if w == 0 || h == 0 { return [] }
        let labels = componentLabels(mask)
        var visitedTop = [Bool](repeating: false, count: w * h)
        var exteriorOf = [Int: Int]()          // component label -> polygon index
        var exteriors = [[Double]]()
        var holesByLabel = [Int: [[Double]]]()
        let px = mask.pixels
        @inline(__always) func fg(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && y >= 0 && x < w && y < h && px[y * w + x] != 0
        }
        @inline(__always) func hasEdge(_ vx: Int, _ vy: Int, _ d: Int) -> Bool {
            switch d {
            case 0: return fg(vx, vy) && !fg(vx, vy - 1)
            case 1: return fg(vx - 1, vy) && !fg(vx, vy)
            case 2: return fg(vx - 1, vy - 1) && !fg(vx - 1, vy)
            default: return fg(vx, vy - 1) && !fg(vx - 1, vy - 1)
            }
        }
        let stepX = [1, 0, -1, 0], stepY = [0, 1, 0, -1]
        for y in 0..<h {
            for x in 0..<w where px[y * w + x] != 0 && !visitedTop[y * w + x] && !fg(x, y - 1) {
                var ring = [Double]()
                var vx = x, vy = y, d = 0
                var steps = 0
                let maxSteps = 4 * (w + 1) * (h + 1)
                while steps < maxSteps {
                    steps += 1
                    if d == 0 { visitedTop[vy * w + vx] = true }
                    // the midpoint of this unit edge
                    ring.append(Double(vx) + 0.5 * Double(stepX[d]))
                    ring.append(Double(vy) + 0.5 * Double(stepY[d]))
                    vx += stepX[d]; vy += stepY[d]
                    var next = (d + 1) & 3
                    if !hasEdge(vx, vy, next) {
                        next = d
                        if !hasEdge(vx, vy, next) { next = (d + 3) & 3 }
                    }
                    if vx == x && vy == y && next == 0 { break }
                    d = next
                }
                ring = removeCollinear(ring)
                let label = labels[y * w + x]
                if Polygon.signedArea(ring) > 0 {
                    exteriorOf[label] = exteriors.count
                    exteriors.append(ring)
                } else {
                    holesByLabel[label, default: []].append(ring)
                }
            }
        }
        var holes = [[[Double]]](repeating: [], count: exteriors.count)
        for (label, rings) in holesByLabel {
            if let index = exteriorOf[label] { holes[index].append(contentsOf: rings) }
        }
        return (0..<exteriors.count).map { Polygon(unchecked: exteriors[$0], holes: holes[$0]) }
    }

    /// Drops points that lie on the line through their neighbours (exact, coordinates are
    /// multiples of 0.5).
    static func removeCollinear(_ ring: [Double]) -> [Double] {
        var points = ring
        var changed = true
        while changed && points.count > 6 {
            changed = false
            let n = points.count / 2
            var out = [Double]()
            out.reserveCapacity(points.count)
            for i in 0..<n {
                let p = (i + n - 1) % n, q = (i + 1) % n
                let ax = points[2 * i] - points[2 * p], ay = points[2 * i + 1] - points[2 * p + 1]
                let bx = points[2 * q] - points[2 * i], by = points[2 * q + 1] - points[2 * i + 1]
                if ax * by - ay * bx == 0 && ax * bx + ay * by > 0 { changed = true; continue }
                out.append(points[2 * i]); out.append(points[2 * i + 1])
            }
            if out.count < 6 { break }
            points = out
        }
        return points
    }

    /// 4-connected component labels (union–find over one row-major pass); background is -1.
    static func componentLabels(_ mask: BinaryMask) -> [Int] {
        let w = mask.width, h = mask.height
        var parent = [Int]()
        var labels = [Int](repeating: -1, count: w * h)
        func find(_ a: Int) -> Int {
            var a = a
            while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }
            return a
        }
        let px = mask.pixels
        for y in 0..<h {
            for x in 0..<w where px[y * w + x] != 0 {
                let left = x > 0 ? labels[y * w + x - 1] : -1
                let up = y > 0 ? labels[(y - 1) * w + x] : -1
                if left < 0 && up < 0 {
                    labels[y * w + x] = parent.count
                    parent.append(parent.count)
                } else if left >= 0 && up >= 0 {
                    let a = find(left), b = find(up)
                    if a != b { parent[max(a, b)] = min(a, b) }
                    labels[y * w + x] = min(a, b)
                } else {
                    labels[y * w + x] = max(left, up)
                }
            }
        }
        for i in 0..<labels.count where labels[i] >= 0 { labels[i] = find(labels[i]) }
        return labels
    }
}
