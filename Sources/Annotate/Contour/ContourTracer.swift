/// Mask → polygons with holes, by following pixel edges ("crack following").
///
/// The walk runs along pixel borders with the foreground on the walker's right (exteriors
/// come out clockwise on screen, holes counter-clockwise); each ring passes through the
/// MIDPOINTS of the boundary edges (corners cut by half a pixel), so every foreground pixel
/// centre is strictly inside and every background centre strictly outside — no ties — and
/// 45° staircases are straight lines before any simplification. Where two pixels touch only
/// at a corner the walker turns toward the pixel it is following, so foreground is
/// 4-connected: diagonal-only neighbours become separate polygons (every ring is simple), a
/// lone pixel becomes a small diamond, and nothing is dropped. Holes are attached to the exterior of the 4-connected component
/// they border. Rasterized back with `EvenOddRasterizer`, the unsimplified polygons give the
/// input mask exactly; `polygons(from:tolerance:)` then applies Douglas–Peucker per ring.
/// For polygons that LISA's own loader rasterizes back exactly, see `LISAPolygonExport`.
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

    /// IoU of the pixel sets two rings cover (pixel-centre rule), from their row spans.
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
        func spans(_ ring: [Double]) -> [[Int]] {
            let local = ring.enumerated().map { $0.offset % 2 == 0 ? $0.element - ox : $0.element - oy }
            var rows = [[Int]](repeating: [], count: h)
            EvenOddRasterizer.forEachSpan([local], width: w, height: h) { y, a, b in rows[y].append(a); rows[y].append(b) }
            return rows
        }
        // Areas and overlap from the row spans alone: no canvas.
        let sa = spans(a), sb = spans(b)
        var inter = 0, areaA = 0, areaB = 0
        for y in 0..<h {
            let p = sa[y], q = sb[y]
            var i = 0
            while i < p.count { areaA += p[i + 1] - p[i]; i += 2 }
            var j = 0
            while j < q.count { areaB += q[j + 1] - q[j]; j += 2 }
            i = 0; j = 0
            while i < p.count && j < q.count {
                let lo = max(p[i], q[j]), hi = min(p[i + 1], q[j + 1])
                if hi > lo { inter += hi - lo }
                if p[i + 1] < q[j + 1] { i += 2 } else { j += 2 }
            }
        }
        let uni = areaA + areaB - inter
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

    /// The exact polygons of `mask` (rings through boundary-edge midpoints, no simplification).
    public static func trace(_ mask: BinaryMask) -> [Polygon] {
        var exteriorOf = [Int32: Int]()        // component -> polygon index
        var exteriors = [[Double]]()
        var holesByComponent = [Int32: [[Double]]]()
        for ring in crackRings(mask) {
            let points = removeCollinear(ring.edgeMidpoints)
            if ring.isExterior {
                exteriorOf[ring.component] = exteriors.count
                exteriors.append(points)
            } else {
                holesByComponent[ring.component, default: []].append(points)
            }
        }
        var holes = [[[Double]]](repeating: [], count: exteriors.count)
        for (component, rings) in holesByComponent {
            if let index = exteriorOf[component] { holes[index].append(contentsOf: rings) }
        }
        return (0..<exteriors.count).map { Polygon(unchecked: exteriors[$0], holes: holes[$0]) }
    }

    /// One closed boundary walked along pixel edges with the foreground on the right.
    struct CrackRing {
        /// The start vertex (a pixel corner); the first step goes right along the top of pixel (x, y).
        var x: Int
        var y: Int
        /// Unit steps: 0 right, 1 down, 2 left, 3 up (y grows downwards).
        var directions: [UInt8]
        /// The 4-connected component on the ring's foreground side.
        var component: Int32
        /// Clockwise on screen (outer boundary) rather than counter-clockwise (a hole).
        var isExterior: Bool

        static let stepX = [1, 0, -1, 0], stepY = [0, 1, 0, -1]

        /// Midpoints of the first and last unit edge of every straight stretch.
        var edgeMidpoints: [Double] {
            var out = [Double]()
            var vx = x, vy = y
            let n = directions.count
            for i in 0..<n {
                let d = Int(directions[i])
                let previous = Int(directions[(i + n - 1) % n]), next = Int(directions[(i + 1) % n])
                if d != previous || d != next {
                    out.append(Double(vx) + 0.5 * Double(CrackRing.stepX[d]))
                    out.append(Double(vy) + 0.5 * Double(CrackRing.stepY[d]))
                }
                vx += CrackRing.stepX[d]; vy += CrackRing.stepY[d]
            }
            return out
        }

        /// The foreground pixel on the right of every unit edge, consecutive repeats dropped:
        /// an 8-connected chain of boundary pixels (centres at integer coordinates).
        var boundaryPixels: [(x: Int, y: Int)] {
            var out = [(x: Int, y: Int)]()
            var vx = x, vy = y
            for raw in directions {
                let d = Int(raw)
                let pixel: (x: Int, y: Int)
                switch d {
                case 0: pixel = (vx, vy)
                case 1: pixel = (vx - 1, vy)
                case 2: pixel = (vx - 1, vy - 1)
                default: pixel = (vx, vy - 1)
                }
                if let last = out.last, last == pixel {} else { out.append(pixel) }
                vx += CrackRing.stepX[d]; vy += CrackRing.stepY[d]
            }
            while out.count > 1, let first = out.first, let last = out.last, first == last { out.removeLast() }
            return out
        }
    }

    /// Every boundary ring of `mask`, in row-major order of their first top edge.
    static func crackRings(_ mask: BinaryMask) -> [CrackRing] {
        let w = mask.width, h = mask.height
        if w == 0 || h == 0 { return [] }
        let runs = mask.pixels.withUnsafeBufferPointer { ForegroundRuns(pixels: $0.baseAddress!, width: w, height: h) }
        // A copy with a one-pixel background border: the walk reads neighbours unchecked.
        let pw = w + 2
        var padded = [UInt8](repeating: 0, count: pw * (h + 2))
        padded.withUnsafeMutableBufferPointer { dst in
            mask.pixels.withUnsafeBufferPointer { src in
                for y in 0..<h { (dst.baseAddress! + (y + 1) * pw + 1).update(from: src.baseAddress! + y * w, count: w) }
            }
        }
        var visitedTop = [UInt8](repeating: 0, count: w * h)
        var rings = [CrackRing]()
        padded.withUnsafeBufferPointer { pad in
            let P = pad.baseAddress!
            @inline(__always) func fg(_ x: Int, _ y: Int) -> Bool { P[(y + 1) * pw + x + 1] != 0 }
            @inline(__always) func hasEdge(_ vx: Int, _ vy: Int, _ d: Int) -> Bool {
                switch d {
                case 0: return fg(vx, vy) && !fg(vx, vy - 1)
                case 1: return fg(vx - 1, vy) && !fg(vx, vy)
                case 2: return fg(vx - 1, vy - 1) && !fg(vx - 1, vy)
                default: return fg(vx, vy - 1) && !fg(vx - 1, vy - 1)
                }
            }
            let maxSteps = 4 * (w + 1) * (h + 1)
            for y in 0..<h {
                var cursor = y > 0 ? runs.rowStart[y - 1] : 0
                for r in runs.rowStart[y]..<runs.rowStart[y + 1] {
                    let component = runs.root(r)
                    // top-edge pixels of this run: those whose upper neighbour is background
                    for x in runs.uncoveredByPreviousRow(run: r, row: y, cursor: &cursor) where visitedTop[y * w + x] == 0 {
                        var directions = [UInt8]()
                        var vx = x, vy = y, d = 0
                        var turns = 0
                        var steps = 0
                        while steps < maxSteps {
                            steps += 1
                            if d == 0 { visitedTop[vy * w + vx] = 1 }
                            directions.append(UInt8(d))
                            vx += CrackRing.stepX[d]; vy += CrackRing.stepY[d]
                            var next = (d + 1) & 3
                            if hasEdge(vx, vy, next) {
                                turns += 1
                            } else {
                                next = d
                                if !hasEdge(vx, vy, next) { next = (d + 3) & 3; turns -= 1 }
                            }
                            if vx == x && vy == y && next == 0 { break }
                            d = next
                        }
                        // The closing turn back into direction 0 counts too.
                        rings.append(CrackRing(x: x, y: y, directions: directions, component: component, isExterior: turns > 0))
                    }
                }
            }
        }
        return rings
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
}
