/// Douglas–Peucker simplification of closed rings (flat `[x0, y0, x1, y1, …]`).
public enum DouglasPeucker {
    /// Simplifies a closed ring: points closer than `tolerance` to the chord between kept
    /// points are dropped. Anchors are the first point and the point farthest from it. If
    /// fewer than 3 points would remain, or the ring would lose its orientation, the ring is
    /// returned unchanged.
    public static func simplifyRing(_ ring: [Double], tolerance: Double) -> [Double] {
        let n = ring.count / 2
        if n <= 3 || tolerance <= 0 { return ring }
        var far = 0, best = -1.0
        for i in 1..<n {
            let dx = ring[2 * i] - ring[0], dy = ring[2 * i + 1] - ring[1]
            let d = dx * dx + dy * dy
            if d > best { best = d; far = i }
        }
        var keep = [Bool](repeating: false, count: n + 1)
        keep[0] = true; keep[far] = true; keep[n] = true
        func point(_ i: Int) -> (Double, Double) { let k = i % n; return (ring[2 * k], ring[2 * k + 1]) }
        var stack = [(0, far), (far, n)]
        let tol2 = tolerance * tolerance
        while let (a, b) = stack.popLast() {
            if b - a < 2 { continue }
            let (ax, ay) = point(a), (bx, by) = point(b)
            let vx = bx - ax, vy = by - ay
            let len2 = vx * vx + vy * vy
            var worst = -1.0, index = -1
            for i in (a + 1)..<b {
                let (px, py) = point(i)
                let d2: Double
                if len2 == 0 {
                    d2 = (px - ax) * (px - ax) + (py - ay) * (py - ay)
                } else {
                    let cross = vx * (py - ay) - vy * (px - ax)
                    d2 = cross * cross / len2
                }
                if d2 > worst { worst = d2; index = i }
            }
            if worst > tol2 {
                keep[index] = true
                stack.append((a, index)); stack.append((index, b))
            }
        }
        var out = [Double]()
        for i in 0..<n where keep[i] { out.append(ring[2 * i]); out.append(ring[2 * i + 1]) }
        if out.count < 6 { return ring }
        let before = Polygon.signedArea(ring), after = Polygon.signedArea(out)
        if after == 0 || (before > 0) != (after > 0) { return ring }
        return out
    }
}
