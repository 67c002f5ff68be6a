import Glibc

extension RLE {
    /// One COCO polygon → RLE exactly as pycocotools' `frPyObjects` (`rleFrPoly`) rasterizes it:
    /// the outline is walked at 5× resolution, the crossings of pixel-column centres are
    /// snapped back, and the runs are built from those. This is NOT OpenCV's fill rule.
    ///
    /// `ring` is flat `[x0, y0, x1, y1, …]` with ≥ 3 points (pycocotools would read a
    /// 4-number list as a box — use `init(box:height:width:)` for that). Points outside the
    /// image follow pycocotools' own clipping: columns outside `[0, w-1]` are dropped and
    /// rows are clamped to `[0, h]`.
    public init(polygon ring: [Double], height: Int, width: Int) throws(PolygonError) {
        try Polygon.validate(ring: ring, name: "polygon")
        guard (try? RLE.checkSize(height: height, width: width)) != nil else {
            throw .invalidSize(height: height, width: width)
        }
        self.init(unchecked: height, width: width, counts: RLE.polygonCounts(ring, height: height, width: width))
    }

    /// COCO polygon lists (one object = several rings, all filled, no holes) → one RLE: the
    /// union of each ring's `frPyObjects` RLE, as `COCO.annToRLE` builds it.
    public init(cocoPolygons rings: [[Double]], height: Int, width: Int) throws(PolygonError) {
        var parts = [RLE]()
        for (i, ring) in rings.enumerated() {
            do { parts.append(try RLE(polygon: ring, height: height, width: width)) } catch {
                switch error {
                case .tooFewPoints(_, let c): throw .tooFewPoints(ring: "polygon \(i)", count: c)
                case .oddCoordinateCount(_, let c): throw .oddCoordinateCount(ring: "polygon \(i)", count: c)
                case .nonFinite(_, let k): throw .nonFinite(ring: "polygon \(i)", index: k)
                case .coordinateOutOfRange(_, let k, let v): throw .coordinateOutOfRange(ring: "polygon \(i)", index: k, value: v)
                default: throw error
                }
            }
        }
        if parts.isEmpty {
            guard (try? RLE.checkSize(height: height, width: width)) != nil else { throw .invalidSize(height: height, width: width) }
            self.init(unchecked: height, width: width, counts: [UInt32(height * width)])
            return
        }
        var counts = parts[0].counts
        for p in parts.dropFirst() { counts = RLE.mergeTwo(counts, p.counts, intersect: false) }
        self.init(unchecked: height, width: width, counts: counts)
    }

    /// A box `[x, y, w, h]` → RLE as pycocotools' `frBbox` (a 4-point polygon through `frPoly`).
    public init(box: BoundingBox, height: Int, width: Int) throws(PolygonError) {
        let xs = box.x, xe = box.x + box.width, ys = box.y, ye = box.y + box.height
        try self.init(polygon: [xs, ys, xs, ye, xe, ye, xe, ys], height: height, width: width)
    }

    static func polygonCounts(_ xy: [Double], height h: Int, width w: Int) -> [UInt32] {
        if h == 0 || w == 0 { return [0] }
        let k = xy.count / 2
        let scale = 5.0
        var x = [Int](repeating: 0, count: k + 1), y = [Int](repeating: 0, count: k + 1)
        for j in 0..<k {
            x[j] = Int(scale * xy[2 * j] + 0.5)      // C (int) cast: truncation toward zero
            y[j] = Int(scale * xy[2 * j + 1] + 0.5)
        }
        x[k] = x[0]; y[k] = y[0]
        var boundaries = [UInt32]()
        var havePrevious = false
        var pu = 0, pv = 0
        let wMinus1 = Double(w - 1), hD = Double(h)
        // Consecutive upsampled boundary points (u, v); a change of u is a crossing of a
        // pixel column (at 5x resolution) that may yield one y-boundary.
        func visit(_ u: Int, _ v: Int) {
            defer { pu = u; pv = v; havePrevious = true }
            guard havePrevious, u != pu else { return }
            var xd = Double(u < pu ? u : u - 1)
            xd = (xd + 0.5) / scale - 0.5
            if xd.rounded(.down) != xd || xd < 0 || xd > wMinus1 { return }
            var yd = Double(v < pv ? v : pv)
            yd = (yd + 0.5) / scale - 0.5
            if yd < 0 { yd = 0 } else if yd > hD { yd = hD }
            yd.round(.up)
            boundaries.append(UInt32(truncatingIfNeeded: Int(xd) * h + Int(yd)))
        }
        for j in 0..<k {
            var xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1]
            let dx = abs(xe - xs), dy = abs(ys - ye)
            let flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye)
            if flip { swap(&xs, &xe); swap(&ys, &ye) }
            if dx >= dy {
                let s = dx == 0 ? 0 : Double(ye - ys) / Double(dx)
                for d in 0...dx {
                    let t = flip ? dx - d : d
                    // dx == dy == 0: pycocotools computes 0/0 here; the point repeats the
                    // previous one's u, so its v is never read.
                    visit(t + xs, dx == 0 ? ys : Int(Double(ys) + s * Double(t) + 0.5))
                }
            } else {
                let s = Double(xe - xs) / Double(dy)
                for d in 0...dy {
                    let t = flip ? dy - d : d
                    visit(Int(Double(xs) + s * Double(t) + 0.5), t + ys)
                }
            }
        }
        boundaries.append(UInt32(truncatingIfNeeded: h * w))
        boundaries.sort()
        var previous: UInt32 = 0
        for j in 0..<boundaries.count {
            let t = boundaries[j]
            boundaries[j] = t &- previous
            previous = t
        }
        var out = [UInt32]()
        out.reserveCapacity(boundaries.count)
        var j = 0
        out.append(boundaries[j]); j += 1
        while j < boundaries.count {
            if boundaries[j] > 0 {
                out.append(boundaries[j]); j += 1
            } else {
                j += 1
                if j < boundaries.count { out[out.count - 1] &+= boundaries[j]; j += 1 }
            }
        }
        return out
    }
}
