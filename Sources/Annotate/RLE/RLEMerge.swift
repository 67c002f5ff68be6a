extension RLE {
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
}
