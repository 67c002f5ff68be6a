extension RLE {
    /// Foreground pixel count (`rleArea`).
    public var area: Int {
        var total = 0
        var j = 1
        while j < counts.count { total += Int(counts[j]); j += 2 }
        return total
    }

    /// COCO `toBbox` (`rleToBbox`), reproduced exactly: `[x, y, w, h]`, pixel-inclusive;
    /// `[0, 0, 0, 0]` for an empty mask; a run of ones that crosses a column boundary widens
    /// the box to the full height, as pycocotools does.
    public var boundingBox: BoundingBox {
        let h = UInt32(truncatingIfNeeded: height), w = UInt32(truncatingIfNeeded: width)
        let m = (counts.count / 2) * 2
        if m == 0 || h == 0 { return BoundingBox(x: 0, y: 0, width: 0, height: 0) }
        var xs = w, ys = h, xe: UInt32 = 0, ye: UInt32 = 0, cc: UInt32 = 0, xp: UInt32 = 0
        for j in 0..<m {
            cc &+= counts[j]
            let t = cc &- UInt32(j % 2)
            let y = t % h
            let x = (t &- y) / h
            if j % 2 == 0 { xp = x } else if xp < x { ys = 0; ye = h &- 1 }
            xs = min(xs, x); xe = max(xe, x); ys = min(ys, y); ye = max(ye, y)
        }
        return BoundingBox(x: Double(xs), y: Double(ys),
                           width: Double(xe &- xs &+ 1), height: Double(ye &- ys &+ 1))
    }

    /// Union or intersection of RLEs of one size (`mask.merge`, `rleMerge`), counts
    /// identical to pycocotools'.
    public static func merge(_ rles: [RLE], intersect: Bool = false) throws(RLEError) -> RLE {
        guard let first = rles.first else { throw .empty(operation: "merge") }
        for r in rles.dropFirst() where r.height != first.height || r.width != first.width {
            throw .sizeMismatch(operation: "merge", first: first.size, other: r.size)
        }
        var current = first.counts
        for r in rles.dropFirst() {
            current = mergeTwo(current, r.counts, intersect: intersect)
        }
        return RLE(unchecked: first.height, width: first.width, counts: current)
    }

    static func mergeTwo(_ a: [UInt32], _ b: [UInt32], intersect: Bool) -> [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(a.count + b.count)
        var ca = a[0], cb = b[0]
        var va = false, vb = false, v = false
        var ia = 1, ib = 1
        var cc: UInt32 = 0
        var ct: UInt32 = 1
        while ct > 0 {
            let c = min(ca, cb)
            cc &+= c
            ct = 0
            ca &-= c
            if ca == 0 && ia < a.count { ca = a[ia]; ia += 1; va.toggle() }
            ct &+= ca
            cb &-= c
            if cb == 0 && ib < b.count { cb = b[ib]; ib += 1; vb.toggle() }
            ct &+= cb
            let vp = v
            v = intersect ? (va && vb) : (va || vb)
            if v != vp || ct == 0 { out.append(cc); cc = 0 }
        }
        return out
    }

    /// The runs of ones as `[start, end)` pairs of column-major pixel indices.
    var foregroundIntervals: [UInt32] {
        var out = [UInt32]()
        out.reserveCapacity(counts.count)
        var position: UInt32 = 0
        for k in 0..<counts.count {
            let end = position &+ counts[k]
            if k & 1 == 1 && end > position { out.append(position); out.append(end) }
            position = end
        }
        return out
    }

    /// IoU matrix of `dt` × `gt` (`mask.iou`): entry `[d][g]`. With `iscrowd[g]` the
    /// denominator is `area(dt[d])` (COCO's crowd rule). Values are bit-identical to
    /// pycocotools; pairs whose boxes do not overlap are 0 without looking at the runs.
    /// Unlike pycocotools (which writes -1), masks of different sizes are an error.
    public static func iou(_ dt: [RLE], _ gt: [RLE], iscrowd: [Bool]? = nil) throws(RLEError) -> [[Double]] {
        if let iscrowd, iscrowd.count != gt.count {
            throw .crowdFlagsMismatch(groundTruth: gt.count, flags: iscrowd.count)
        }
        for d in dt { for g in gt where d.height != g.height || d.width != g.width {
            throw .sizeMismatch(operation: "iou", first: d.size, other: g.size)
        } }
        let dtPrepared = dt.map(Prepared.init)
        let gtPrepared = gt.map(Prepared.init)
        var result = [[Double]](repeating: [Double](repeating: 0, count: gt.count), count: dt.count)
        for d in 0..<dt.count {
            let a = dtPrepared[d]
            for g in 0..<gt.count {
                let b = gtPrepared[g]
                let crowd = iscrowd?[g] ?? false
                if a.box.iou(b.box, crowd: crowd) <= 0 { continue }
                let inter = intersectionArea(a, b)
                if inter == 0 { continue }
                let denominator = crowd ? a.area : a.area + b.area - inter
                result[d][g] = Double(inter) / Double(denominator)
            }
        }
        return result
    }

    /// One dt/gt pair's IoU (see `iou(_:_:iscrowd:)`).
    public func iou(_ gt: RLE, crowd: Bool = false) throws(RLEError) -> Double {
        try RLE.iou([self], [gt], iscrowd: [crowd])[0][0]
    }

    struct Prepared {
        let intervals: [UInt32]
        let area: Int
        let box: BoundingBox
        init(_ r: RLE) {
            intervals = r.foregroundIntervals
            area = r.area
            box = r.boundingBox
        }
    }

    static func intersectionArea(_ a: Prepared, _ b: Prepared) -> Int {
        a.intervals.withUnsafeBufferPointer { p in
            b.intervals.withUnsafeBufferPointer { q in
                var i = 0, j = 0, total = 0
                let n = p.count, m = q.count
                while i < n && j < m {
                    let s = max(p[i], q[j])
                    let e = min(p[i + 1], q[j + 1])
                    if e > s { total += Int(e - s) }
                    if p[i + 1] < q[j + 1] { i += 2 } else { j += 2 }
                }
                return total
            }
        }
    }
}
