extension RLE {
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
