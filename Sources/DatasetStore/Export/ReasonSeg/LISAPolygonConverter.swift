import Annotate

/// Mask → integer polygons for LISA's ReasonSeg rule (`cv2.polylines` + `cv2.fillPoly` of the
/// int32-truncated points, see `ReasonSegRasterizer`).
///
/// LISA's rule paints each polygon's 1-pixel outline as well as its inside, so a polygon whose
/// vertices sit on pixel-corner midpoints (as `ContourTracer` traces them) would grow by a
/// pixel on two sides once truncated. Here every traced vertex is moved onto the CENTRE of the
/// foreground pixel beside its edge: an exterior becomes the chain of the component's boundary
/// pixels, whose outline LISA paints exactly and whose inside it fills. Holes cannot be
/// expressed (LISA only paints 1 or 255), so masks with holes come out filled; the exporter
/// measures what LISA rebuilds and reports any difference.
public enum LISAPolygonConverter {
    /// The boundary-pixel chains of `mask`'s 4-connected components, as `[[x, y], …]` lists.
    public static func shapes(from mask: BinaryMask) -> [[[Double]]] {
        let w = mask.width, h = mask.height
        @inline(__always) func fg(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < w && y < h && mask[x, y] }
        var out: [[[Double]]] = []
        for polygon in ContourTracer.trace(mask) {
            let ring = polygon.exterior
            var chain: [(Int, Int)] = []
            var i = 0
            while i + 1 < ring.count {
                let vx = ring[i], vy = ring[i + 1]
                i += 2
                var pixel: (Int, Int)
                if vx.rounded(.down) != vx {
                    // midpoint of a horizontal edge: the pixel below or above it
                    let x = Int(vx.rounded(.down)), y = Int(vy)
                    pixel = fg(x, y) ? (x, y) : (x, y - 1)
                } else {
                    // midpoint of a vertical edge: the pixel right or left of it
                    let x = Int(vx), y = Int(vy.rounded(.down))
                    pixel = fg(x, y) ? (x, y) : (x - 1, y)
                }
                if let last = chain.last, last == pixel { continue }
                chain.append(pixel)
            }
            while chain.count > 1, let first = chain.first, let last = chain.last, first == last { chain.removeLast() }
            if chain.isEmpty { continue }
            out.append(chain.map { [Double($0.0), Double($0.1)] })
        }
        return out
    }
}
