/// Mask → integer polygons that LISA's ReasonSeg loader (`ReasonSegRasterizer`: int32 points,
/// closed 1-pixel `polylines` + `fillPoly`) turns back into exactly the same mask.
///
/// Each 4-connected component becomes one polygon through the centres of its boundary
/// pixels (the foreground pixel beside every boundary edge, an 8-connected chain, so every
/// outline segment is a horizontal, vertical or 45° run that OpenCV's Bresenham draws onto
/// foreground pixels only). LabelMe polygons cannot have holes and LISA paints every shape
/// filled, so each hole is joined to an enclosing ring by a zero-width vertical bridge over
/// foreground pixels: the bridge is drawn twice in opposite directions (its crossings cancel
/// in the even-odd fill) and its pixels are foreground anyway, so the hole stays empty.
/// Polygons with 1 or 2 points (single pixels, 2-pixel pieces) are what OpenCV draws as a
/// dot or a line. No simplification: exactness is the point.
public enum LISAPolygonExport {
    /// One polygon per 4-connected component, in row-major order of the components.
    public static func polygons(from mask: BinaryMask) -> [[PixelPoint]] {
        let rings = ContourTracer.crackRings(mask)
        var exteriorOf = [Int32: Int]()
        var holesOf = [Int32: [Int]]()
        var order = [Int32]()
        for (i, ring) in rings.enumerated() {
            if ring.isExterior { exteriorOf[ring.component] = i; order.append(ring.component) } else { holesOf[ring.component, default: []].append(i) }
        }
        return order.compactMap { component in
            guard let exterior = exteriorOf[component] else { return nil }
            let points = componentPolygon(rings: rings, exterior: exterior, holes: holesOf[component] ?? [], width: mask.width)
            return simplifyStraightRuns(points).map { PixelPoint(x: Int32($0.x), y: Int32($0.y)) }
        }
    }

    typealias Pixel = (x: Int, y: Int)

    static func componentPolygon(rings: [ContourTracer.CrackRing], exterior: Int, holes: [Int], width w: Int) -> [Pixel] {
        // chains[0] is the exterior, chains[k] hole k-1; ranks order holes by their top-left pixel.
        let members = [exterior] + holes
        let chains = members.map { rings[$0].boundaryPixels }
        if holes.isEmpty { return chains[0] }
        func topLeft(_ chain: [Pixel]) -> Int {
            var best = 0
            for i in 1..<max(chain.count, 1) where (chain[i].y, chain[i].x) < (chain[best].y, chain[best].x) { best = i }
            return best
        }
        var rank = [Int](repeating: 0, count: members.count)
        let holeOrder = (1..<members.count).sorted { a, b in
            let pa = chains[a][topLeft(chains[a])], pb = chains[b][topLeft(chains[b])]
            return (pa.y, pa.x) < (pb.y, pb.x)
        }
        for (r, k) in holeOrder.enumerated() { rank[k] = r + 1 }
        // pixel -> (chain, first position in that chain)
        var membership = [Int: [(chain: Int, position: Int)]]()
        for (k, chain) in chains.enumerated() {
            var seen = Set<Int>()
            for (i, p) in chain.enumerated() where seen.insert(p.y * w + p.x).inserted {
                membership[p.y * w + p.x, default: []].append((k, i))
            }
        }
        // Attach every hole, from its top-left pixel straight up, to the first pixel that lies
        // on the exterior or on a hole ranked before it (so attachments form a tree).
        var children = [Int: [(position: Int, child: Int, childStart: Int)]]()   // parent chain -> attachments
        for k in 1..<members.count {
            let start = topLeft(chains[k])
            let p = chains[k][start]
            var y = p.y
            var attached = false
            while y >= 0 && !attached {
                if let entries = membership[y * w + p.x],
                   let parent = entries.filter({ rank[$0.chain] < rank[k] }).min(by: { rank[$0.chain] < rank[$1.chain] }) {
                    children[parent.chain, default: []].append((parent.position, k, start))
                    attached = true
                }
                y -= 1
            }
        }
        var byPosition = [Int: [Int: [(child: Int, childStart: Int)]]]()
        for (parent, list) in children {
            for a in list { byPosition[parent, default: [:]][a.position, default: []].append((a.child, a.childStart)) }
        }
        func expand(_ k: Int, from start: Int) -> [Pixel] {
            let chain = chains[k]
            var out = [Pixel]()
            for step in 0..<chain.count {
                let i = (start + step) % chain.count
                let q = chain[i]
                out.append(q)
                for attachment in byPosition[k]?[i] ?? [] {
                    out.append(contentsOf: expand(attachment.child, from: attachment.childStart))
                    out.append(chains[attachment.child][attachment.childStart])
                    out.append(q)
                }
            }
            return out
        }
        return expand(0, from: 0)
    }

    /// Drops repeated points and the middle of straight runs (same step direction on both
    /// sides): for horizontal, vertical and 45° runs OpenCV draws and fills the same pixels.
    static func simplifyStraightRuns(_ points: [Pixel]) -> [Pixel] {
        var p = [Pixel]()
        for q in points where p.last.map({ $0 != q }) ?? true { p.append(q) }
        while p.count > 1, let f = p.first, let l = p.last, f == l { p.removeLast() }
        if p.count < 3 { return p }
        var changed = true
        while changed && p.count >= 3 {
            changed = false
            var out = [Pixel]()
            let n = p.count
            for i in 0..<n {
                let a = p[(i + n - 1) % n], b = p[i], c = p[(i + 1) % n]
                let d1 = (b.x - a.x, b.y - a.y), d2 = (c.x - b.x, c.y - b.y)
                let cross = d1.0 * d2.1 - d1.1 * d2.0
                let dot = d1.0 * d2.0 + d1.1 * d2.1
                if cross == 0 && dot > 0 { changed = true; continue }
                out.append(b)
            }
            if out.count < 2 { break }
            p = out
        }
        return p
    }
}
