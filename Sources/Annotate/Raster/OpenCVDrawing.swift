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
        if w == 0 || h == 0 { return }
        canvas.values.withUnsafeMutableBufferPointer { buffer in
            drawLine(buffer, w, h, Int64(p0.x), Int64(p0.y), Int64(p1.x), Int64(p1.y), value)
        }
    }

    /// `cv2.polylines(img, contours, closed, value, thickness=1, LINE_8)`.
    public static func polylines(_ canvas: inout LabelMask, contours: [[PixelPoint]], closed: Bool, value: UInt8) {
        let w = canvas.width, h = canvas.height
        if w == 0 || h == 0 { return }
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
        if w == 0 || h == 0 { return }
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
        // After clipping both ends are inside, so every Bresenham step is (checked once here).
        guard UInt(bitPattern: px) < UInt(w), UInt(bitPattern: py) < UInt(h),
              UInt(bitPattern: Int(x2)) < UInt(w), UInt(bitPattern: Int(y2)) < UInt(h) else { return }
        var deltaX = 1, deltaY = w
        if dx < 0 {
            dx = -dx; dy = -dy
            px = Int(x2); py = Int(y2)
        }
        if dy < 0 { dy = -dy; deltaY = -w }
        if dy > dx { swap(&dx, &dy); swap(&deltaX, &deltaY) }
        // Bresenham as LineIterator: always one step along the major axis (`minusStep`), plus
        // one along the minor axis when the error goes negative (`plusStep`).
        var err = dx &- (dy &+ dy)
        let plusDelta = dx &+ dx, minusDelta = 0 &- (dy &+ dy)
        let minusStep = deltaX, plusStep = deltaY
        var p = buffer.baseAddress! + (py &* w &+ px)
        var remaining = dx &+ 1
        while remaining > 0 {
            p.pointee = value
            let mask = err >> (Int.bitWidth - 1)          // -1 when err < 0
            err = err &+ minusDelta &+ (plusDelta & mask)
            p = p + (minusStep &+ (plusStep & mask))
            remaining &-= 1
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

    /// Sets `count` bytes: spans up to 512 bytes (the common case in a many-edged polygon)
    /// with overlapping 16- or 8-byte stores instead of a `memset` call.
    @inline(__always) static func fillSpan(_ p: UnsafeMutablePointer<UInt8>, _ count: Int, _ value: UInt8) {
        let raw = UnsafeMutableRawPointer(p)
        if count >= 16 && count <= 512 {
            let block = SIMD16<UInt8>(repeating: value)
            var i = 0
            while i &+ 16 < count { raw.storeBytes(of: block, toByteOffset: i, as: SIMD16<UInt8>.self); i &+= 16 }
            raw.storeBytes(of: block, toByteOffset: count &- 16, as: SIMD16<UInt8>.self)
        } else if count >= 8 && count < 16 {
            let word = UInt64(value) &* 0x0101_0101_0101_0101
            raw.storeBytes(of: word, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: word, toByteOffset: count &- 8, as: UInt64.self)
        } else if count < 8 {
            for i in 0..<count { p[i] = value }
        } else {
            p.update(repeating: value, count: count)
        }
    }

    /// `FillEdgeCollection`: the active edges are kept sorted by their crossing x (advanced
    /// by `dx` per row, re-sorted by insertion — the list is nearly sorted, as OpenCV's bubble
    /// pass assumes) and filled pairwise. Rows above the image are skipped by computing the
    /// crossing `x₀ + (y − y₀)·dx` directly, which is what OpenCV's per-row increments give.
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
        // Only the y0 order matters: edges enter the active list at their x, and equal
        // crossings give the same spans whatever their order.
        let span = yMax - yMin
        if span >= 0 && span <= 4 * edges.count + 4096 {
            var start = [Int](repeating: 0, count: span + 2)
            for e in edges { start[e.y0 - yMin + 1] += 1 }
            for i in 0..<(span + 1) { start[i + 1] += start[i] }
            var ordered = edges
            for e in edges { ordered[start[e.y0 - yMin]] = e; start[e.y0 - yMin] += 1 }
            edges = ordered
        } else {
            edges.sort { $0.y0 < $1.y0 }
        }
        let delta: Int64 = rule == .legacy ? 0 : one - 1
        let lastRow = min(yMax, h)
        let W = Int64(w)
        let base = buffer.baseAddress!
        edges.withUnsafeBufferPointer { sorted in
            let total = sorted.count
            // The active edges, struct-of-arrays, sorted by x.
            let ax = UnsafeMutablePointer<Int64>.allocate(capacity: total)
            let adx = UnsafeMutablePointer<Int64>.allocate(capacity: total)
            let ay1 = UnsafeMutablePointer<Int>.allocate(capacity: total)
            defer { ax.deallocate(); adx.deallocate(); ay1.deallocate() }
            var count = 0
            var next = 0
            var firstEnd = Int.max          // the smallest y1 among the active edges
            var y = max(yMin, 0)
            while y < lastRow {
                // insert edges starting at or above this row at their crossing x
                while next < total && sorted[next].y0 <= y {
                    let e = sorted[next]
                    next &+= 1
                    if e.y1 <= y { continue }
                    let x = e.x &+ Int64(y &- e.y0) &* e.dx
                    var j = count
                    while j > 0 && ax[j &- 1] > x {
                        ax[j] = ax[j &- 1]; adx[j] = adx[j &- 1]; ay1[j] = ay1[j &- 1]; j &-= 1
                    }
                    ax[j] = x; adx[j] = e.dx; ay1[j] = e.y1
                    count &+= 1
                    firstEnd = min(firstEnd, e.y1)
                }
                if count == 0 {
                    if next >= total { break }
                    y = sorted[next].y0
                    continue
                }
                let row = base + y &* w
                var pair = 0
                while pair &+ 1 < count {
                    var x1 = (ax[pair] &+ delta) >> shift
                    var x2 = ax[pair &+ 1] >> shift
                    if x1 < W && x2 >= 0 {
                        if x1 < 0 { x1 = 0 }
                        if x2 >= W { x2 = W &- 1 }
                        if x1 <= x2 { fillSpan(row + Int(x1), Int(x2 &- x1 &+ 1), value) }
                    }
                    pair &+= 2
                }
                // advance to the next row: step every crossing by dx, drop the edges that end
                // there (only on rows where one does), restore the order by insertion if needed
                let nextRow = y &+ 1
                for k in 0..<count { ax[k] &+= adx[k] }
                if nextRow >= firstEnd {
                    var kept = 0
                    firstEnd = Int.max
                    for k in 0..<count where ay1[k] > nextRow {
                        ax[kept] = ax[k]; adx[kept] = adx[k]; ay1[kept] = ay1[k]
                        firstEnd = min(firstEnd, ay1[k])
                        kept &+= 1
                    }
                    count = kept
                }
                var k = 1
                while k < count {
                    if ax[k &- 1] > ax[k] {
                        let x = ax[k], dx = adx[k], y1 = ay1[k]
                        var j = k
                        while j > 0 && ax[j &- 1] > x {
                            ax[j] = ax[j &- 1]; adx[j] = adx[j &- 1]; ay1[j] = ay1[j &- 1]; j &-= 1
                        }
                        ax[j] = x; adx[j] = dx; ay1[j] = y1
                    }
                    k &+= 1
                }
                y = nextRow
            }
        }
    }
}
