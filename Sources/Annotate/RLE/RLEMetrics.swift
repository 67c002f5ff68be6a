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
}
