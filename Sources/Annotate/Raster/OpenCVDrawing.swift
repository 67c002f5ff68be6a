/// An integer pixel position, as OpenCV's `Point` (the points LISA casts to int32).
public struct PixelPoint: Sendable, Hashable {
    public var x: Int32
    public var y: Int32
    public init(x: Int32, y: Int32) { self.x = x; self.y = y }
}

/// OpenCV's non-antialiased drawing (`cv2.line`, `cv2.polylines` with thickness 1,
/// `cv2.fillPoly` with `LINE_8`, `shift = 0`) reproduced pixel for pixel.
///
/// Our own implementation of OpenCV's algorithm (modules/imgproc/src/drawing.cpp): edges
/// are 16.16 fixed point; every edge is first stroked with the 8-connected Bresenham walk
/// of `LineIterator` (clipped by `clipLine`), then the scan-line pass fills between pairs of
/// edge crossings sorted by x. OpenCV 4.11 changed how the crossings are rounded, so the
/// rule is selectable; LISA pins opencv-python 4.8.0.74, hence `.legacy` by default there.
public enum OpenCVDrawing {
    /// The span rounding rule of `FillEdgeCollection`.
    public enum FillRule: String, Sendable, CaseIterable {
        /// OpenCV ≤ 4.10 (LISA's 4.8): edges biased by half a pixel, spans `[x >> 16, x' >> 16]`.
        case legacy
        /// OpenCV ≥ 4.11 (and 5.x): no bias, spans `[ceil(x), floor(x')]`.
        case current
    }

    static let shift: Int64 = 16
    static let one: Int64 = 1 << 16

    /// `cv2.line(img, p0, p1, value, 1, LINE_8)`.
    public static func line(_ canvas: inout LabelMask, from p0: PixelPoint, to p1: PixelPoint, value: UInt8) {
        let w = canvas.width, h = canvas.height
        canvas.values.withUnsafeMutableBufferPointer { buffer in
            drawLine(buffer, w, h, Int64(p0.x), Int64(p0.y), Int64(p1.x), Int64(p1.y), value)
        }
    }

    /// `cv2.polylines(img, contours, closed, value, thickness=1, LINE_8)`.
    public static func polylines(_ canvas: inout LabelMask, contours: [[PixelPoint]], closed: Bool, value: UInt8) {
        let w = canvas.width, h = canvas.height
        canvas.values.withUnsafeMutableBufferPointer { buffer in
            for contour in contours where !contour.isEmpty {
                var previous = closed ? contour[contour.count - 1] : contour[0]
                for point in contour.dropFirst(closed ? 0 : 1) {
                    drawLine(buffer, w, h, Int64(previous.x), Int64(previous.y), Int64(point.x), Int64(point.y), value)
                    previous = point
                }
            }
        }
    }

    /// `cv2.fillPoly(img, contours, value)` (LINE_8, shift 0): all contours filled together
    /// with the even-odd rule, outlines included. Empty contours are skipped.
    public static func fillPoly(_ canvas: inout LabelMask, contours: [[PixelPoint]], value: UInt8,
                                rule: FillRule = .legacy) {
        let w = canvas.width, h = canvas.height
        canvas.values.withUnsafeMutableBufferPointer { buffer in
            var edges = [Edge]()
            edges.reserveCapacity(contours.reduce(0) { $0 + $1.count } + 1)
            for contour in contours where !contour.isEmpty {
                collectEdges(buffer, w, h, contour, value, rule, &edges)
            }
            fillEdges(buffer, w, h, &edges, value, rule)
        }
    }

    struct Edge {
        var y0: Int
        var y1: Int
        var x: Int64
        var dx: Int64
    }

    // MARK: lines

    /// `clipLine` on a `w`×`h` image; mutates the points even when it returns false, as OpenCV does.
    static func clipLine(_ w: Int64, _ h: Int64, _ x1: inout Int64, _ y1: inout Int64,
                         _ x2: inout Int64, _ y2: inout Int64) -> Bool {
        if w <= 0 || h <= 0 { return false }
        let right = w - 1, bottom = h - 1
        func code(_ x: Int64, _ y: Int64) -> Int {
            (x < 0 ? 1 : 0) + (x > right ? 2 : 0) + (y < 0 ? 4 : 0) + (y > bottom ? 8 : 0)
        }
        var c1 = code(x1, y1), c2 = code(x2, y2)
        if (c1 & c2) == 0 && (c1 | c2) != 0 {
            if c1 & 12 != 0 {
                let a: Int64 = c1 < 8 ? 0 : bottom
                x1 += truncate(Double(a - y1) * Double(x2 - x1) / Double(y2 - y1))
                y1 = a
                c1 = (x1 < 0 ? 1 : 0) + (x1 > right ? 2 : 0)
            }
            if c2 & 12 != 0 {
                let a: Int64 = c2 < 8 ? 0 : bottom
                x2 += truncate(Double(a - y2) * Double(x2 - x1) / Double(y2 - y1))
                y2 = a
                c2 = (x2 < 0 ? 1 : 0) + (x2 > right ? 2 : 0)
            }
            if (c1 & c2) == 0 && (c1 | c2) != 0 {
                if c1 != 0 {
                    let a: Int64 = c1 == 1 ? 0 : right
                    y1 += truncate(Double(a - x1) * Double(y2 - y1) / Double(x2 - x1))
                    x1 = a
                    c1 = 0
                }
                if c2 != 0 {
                    let a: Int64 = c2 == 1 ? 0 : right
                    y2 += truncate(Double(a - x2) * Double(y2 - y1) / Double(x2 - x1))
                    x2 = a
                    c2 = 0
                }
            }
        }
        return (c1 | c2) == 0
    }

    @inline(__always) static func truncate(_ v: Double) -> Int64 {
        v.isFinite && abs(v) < 9.2e18 ? Int64(v) : (v > 0 ? Int64.max / 4 : Int64.min / 4)
    }

    /// `Line` through `LineIterator` (8-connected, left to right).
    static func drawLine(_ buffer: UnsafeMutableBufferPointer<UInt8>, _ w: Int, _ h: Int,
                         _ ax: Int64, _ ay: Int64, _ bx: Int64, _ by: Int64, _ value: UInt8) {
        var x1 = ax, y1 = ay, x2 = bx, y2 = by
        let W = Int64(w), H = Int64(h)
        if x1 < 0 || x1 >= W || x2 < 0 || x2 >= W || y1 < 0 || y1 >= H || y2 < 0 || y2 >= H {
            if !clipLine(W, H, &x1, &y1, &x2, &y2) { return }
        }
        var dx = Int(x2 - x1), dy = Int(y2 - y1)
        var px = Int(x1), py = Int(y1)
        var deltaX = 1, deltaY = 1
        if dx < 0 {
            dx = -dx; dy = -dy
            px = Int(x2); py = Int(y2)
        }
        if dy < 0 { dy = -dy; deltaY = -1 }
        let vertical = dy > dx
        if vertical { swap(&dx, &dy); swap(&deltaX, &deltaY) }
        var err = dx - (dy + dy)
        let plusDelta = dx + dx, minusDelta = -(dy + dy)
        var minusShift = deltaX, plusShift = 0, minusStep = 0, plusStep = deltaY
        if vertical { swap(&plusStep, &plusShift); swap(&minusStep, &minusShift) }
        let base = buffer.baseAddress!
        for _ in 0...dx {
            if UInt(bitPattern: px) < UInt(w) && UInt(bitPattern: py) < UInt(h) { base[py * w + px] = value }
            let mask = err < 0 ? -1 : 0
            err += minusDelta + (plusDelta & mask)
            px += minusShift + (plusShift & mask)
            py += minusStep + (plusStep & mask)
        }
    }

    // MARK: fill

    static func collectEdges(_ buffer: UnsafeMutableBufferPointer<UInt8>, _ w: Int, _ h: Int,
                             _ v: [PixelPoint], _ value: UInt8, _ rule: FillRule, _ edges: inout [Edge]) {
        let W = Int64(w), H = Int64(h)
        var p0x = Int64(v[v.count - 1].x) << shift, p0y = Int64(v[v.count - 1].y)
        for point in v {
            let p1x = Int64(point.x) << shift, p1y = Int64(point.y)
            var c0x = p0x, c0y = p0y, c1x = p1x, c1y = p1y
            var t0x = (p0x + (one >> 1)) >> shift, t0y = p0y
            var t1x = (p1x + (one >> 1)) >> shift, t1y = p1y
            drawLine(buffer, w, h, t0x, t0y, t1x, t1y, value)
            if t0x < 0 || t0x >= W || t1x < 0 || t1x >= W || t0y < 0 || t0y >= H || t1y < 0 || t1y >= H {
                _ = clipLine(W, H, &t0x, &t0y, &t1x, &t1y)
                if t0y != t1y {
                    c0y = t0y; c1y = t1y
                    if rule == .legacy { c0x = t0x << shift; c1x = t1x << shift }
                }
            } else if rule == .legacy {
                c0x += one >> 1
                c1x += one >> 1
            }
            if rule == .current { c0x = t0x << shift; c1x = t1x << shift }
            defer { p0x = p1x; p0y = p1y }
            if p0y == p1y { continue }
            let dx = (c1x &- c0x) / (c1y - c0y)
            if p0y < p1y {
                edges.append(Edge(y0: Int(p0y), y1: Int(p1y), x: c0x &+ (p0y - c0y) &* dx, dx: dx))
            } else {
                edges.append(Edge(y0: Int(p1y), y1: Int(p0y), x: c1x &+ (p1y - c1y) &* dx, dx: dx))
            }
        }
    }

    /// `FillEdgeCollection`: at each row, the active edges' crossings (x₀ + (y − y₀)·dx,
    /// exactly what OpenCV's per-row increments give) sorted by x, filled pairwise.
    static func fillEdges(_ buffer: UnsafeMutableBufferPointer<UInt8>, _ w: Int, _ h: Int,
                          _ edges: inout [Edge], _ value: UInt8, _ rule: FillRule) {
        if edges.count < 2 { return }
        var yMin = Int.max, yMax = Int.min
        var xMin = Int64.max, xMax = Int64.min
        for e in edges {
            let x1 = e.x &+ Int64(e.y1 - e.y0) &* e.dx
            yMin = min(yMin, e.y0); yMax = max(yMax, e.y1)
            xMin = min(xMin, e.x, x1); xMax = max(xMax, e.x, x1)
        }
        if yMax < 0 || yMin >= h || xMax < 0 || xMin >= Int64(w) << shift { return }
        edges.sort { $0.y0 != $1.y0 ? $0.y0 < $1.y0 : $0.x != $1.x ? $0.x < $1.x : $0.dx < $1.dx }
        let delta: Int64 = rule == .legacy ? 0 : one - 1
        let lastRow = min(yMax, h)
        var next = 0
        var active = [Int]()
        var crossings = [Int64]()
        active.reserveCapacity(16); crossings.reserveCapacity(16)
        let base = buffer.baseAddress!
        let W = Int64(w)
        var y = max(yMin, 0)
        while y < lastRow {
            while next < edges.count && edges[next].y0 <= y { active.append(next); next += 1 }
            var k = 0
            while k < active.count {
                if edges[active[k]].y1 <= y { active.swapAt(k, active.count - 1); active.removeLast() } else { k += 1 }
            }
            if active.isEmpty {
                if next >= edges.count { break }
                y = max(y + 1, edges[next].y0)
                continue
            }
            crossings.removeAll(keepingCapacity: true)
            for index in active {
                let e = edges[index]
                let x = e.x &+ Int64(y - e.y0) &* e.dx
                // insertion sort: the active list is short
                var j = crossings.count
                crossings.append(x)
                while j > 0 && crossings[j - 1] > x { crossings[j] = crossings[j - 1]; j -= 1 }
                crossings[j] = x
            }
            let row = base + y * w
            var pair = 0
            while pair + 1 < crossings.count {
                var x1 = (crossings[pair] + delta) >> shift
                var x2 = crossings[pair + 1] >> shift
                if x1 < W && x2 >= 0 {
                    if x1 < 0 { x1 = 0 }
                    if x2 >= W { x2 = W - 1 }
                    if x1 <= x2 { (row + Int(x1)).update(repeating: value, count: Int(x2 - x1 + 1)) }
                }
                pair += 2
            }
            y += 1
        }
    }
}
