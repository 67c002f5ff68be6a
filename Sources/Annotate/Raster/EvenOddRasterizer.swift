/// Polygons with holes → mask by the even-odd rule, sampling pixel centres: pixel (x, y) is
/// set when the point (x + 0.5, y + 0.5) is inside an odd number of a polygon's rings.
/// Several polygons are united. With this rule the pixel-corner polygons `ContourTracer`
/// produces rasterize back to exactly the mask they came from.
public enum EvenOddRasterizer {
    /// Rasterizes `polygons` onto a `width`×`height` mask. Coordinates outside the image are
    /// clipped (only the part inside is drawn).
    public static func rasterize(_ polygons: [Polygon], width: Int, height: Int) -> BinaryMask {
        var mask = BinaryMask(width: width, height: height)
        if width == 0 || height == 0 { return mask }
        mask.withUnsafeMutablePixels { out in
            for polygon in polygons { fill(polygon.rings, out.baseAddress!, width, height) }
        }
        return mask
    }

    struct Edge { var x0, y0, x1, y1: Double; var top: Double; var bottom: Double }

    static func fill(_ rings: [[Double]], _ out: UnsafeMutablePointer<UInt8>, _ w: Int, _ h: Int) {
        forEachSpan(rings, width: w, height: h) { y, a, b in
            (out + y * w + a).update(repeating: 1, count: b - a)
        }
    }

    /// Calls `body(y, a, b)` for every run of pixels `a ..< b` on row `y` (rows top to bottom,
    /// runs left to right) whose centres lie inside `rings` by the even-odd rule, clipped to
    /// the `width`×`height` image.
    static func forEachSpan(_ rings: [[Double]], width w: Int, height h: Int, _ body: (Int, Int, Int) -> Void) {
        var edges = [Edge]()
        for ring in rings {
            let n = ring.count / 2
            guard n >= 2 else { continue }
            for i in 0..<n {
                let j = (i + 1) % n
                let x0 = ring[2 * i], y0 = ring[2 * i + 1], x1 = ring[2 * j], y1 = ring[2 * j + 1]
                if y0 == y1 { continue }
                edges.append(Edge(x0: x0, y0: y0, x1: x1, y1: y1, top: min(y0, y1), bottom: max(y0, y1)))
            }
        }
        if edges.isEmpty || w <= 0 { return }
        edges.sort { $0.top < $1.top }
        // Rows whose centre lies in [top, bottom) of some edge.
        let firstRow = max(0, Int((edges[0].top - 0.5).rounded(.up)))
        var next = 0
        var active = [Int]()
        var xs = [Double]()
        var y = firstRow
        while y < h {
            let yc = Double(y) + 0.5
            while next < edges.count && edges[next].top <= yc { active.append(next); next += 1 }
            var k = 0
            while k < active.count {
                if edges[active[k]].bottom <= yc { active.swapAt(k, active.count - 1); active.removeLast() } else { k += 1 }
            }
            if active.isEmpty {
                if next >= edges.count { break }
                y = max(y + 1, Int((edges[next].top - 0.5).rounded(.up)))
                continue
            }
            xs.removeAll(keepingCapacity: true)
            for index in active {
                let e = edges[index]
                xs.append(e.x0 + (yc - e.y0) * (e.x1 - e.x0) / (e.y1 - e.y0))
            }
            xs.sort()
            var p = 0
            while p + 1 < xs.count {
                // pixels whose centre x + 0.5 lies in [xs[p], xs[p+1])
                let a = max(0.0, (xs[p] - 0.5).rounded(.up))
                let b = min(Double(w), (xs[p + 1] - 0.5).rounded(.up))
                if a < b { body(y, Int(a), Int(b)) }
                p += 2
            }
            y += 1
        }
    }
}
