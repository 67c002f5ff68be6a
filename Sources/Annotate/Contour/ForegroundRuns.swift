/// The horizontal runs of foreground of a mask, row by row, joined into 4-connected
/// components with union–find over runs (not pixels): two runs on neighbouring rows belong
/// together when their column ranges overlap.
struct ForegroundRuns {
    /// Run `r` covers columns `start[r] ..< end[r]` of its row.
    var start: [Int32] = []
    var end: [Int32] = []
    /// Runs of row `y` are `rowStart[y] ..< rowStart[y + 1]`.
    var rowStart: [Int]
    private var parent: [Int32] = []

    init(pixels p: UnsafePointer<UInt8>, width w: Int, height h: Int) {
        rowStart = [Int](repeating: 0, count: h + 1)
        let raw = UnsafeRawPointer(p)
        let ones: UInt64 = 0x0101_0101_0101_0101
        for y in 0..<h {
            rowStart[y] = start.count
            let row = y * w
            var x = 0
            while x < w {
                while x + 8 <= w && raw.loadUnaligned(fromByteOffset: row + x, as: UInt64.self) == 0 { x += 8 }
                while x < w && p[row + x] == 0 { x += 1 }
                if x >= w { break }
                let s = x
                while x + 8 <= w && raw.loadUnaligned(fromByteOffset: row + x, as: UInt64.self) == ones { x += 8 }
                while x < w && p[row + x] != 0 { x += 1 }
                start.append(Int32(s)); end.append(Int32(x))
            }
        }
        rowStart[h] = start.count
        parent = (0..<Int32(start.count)).map { $0 }
        for y in 1..<max(h, 1) {
            var i = rowStart[y - 1], j = rowStart[y]
            let iEnd = rowStart[y], jEnd = rowStart[y + 1]
            while i < iEnd && j < jEnd {
                if end[i] > start[j] && end[j] > start[i] { union(Int32(i), Int32(j)) }
                if end[i] < end[j] { i += 1 } else { j += 1 }
            }
        }
    }

    private mutating func union(_ a: Int32, _ b: Int32) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[Int(max(ra, rb))] = min(ra, rb) }
    }

    private mutating func find(_ a: Int32) -> Int32 {
        var a = a
        while parent[Int(a)] != a { parent[Int(a)] = parent[Int(parent[Int(a)])]; a = parent[Int(a)] }
        return a
    }

    /// The component of run `r` (the root of its set).
    func root(_ r: Int) -> Int32 {
        var a = Int32(r)
        while parent[Int(a)] != a { a = parent[Int(a)] }
        return a
    }

    /// The columns of run `r` (on row `row`) whose upper neighbour is background. `cursor`
    /// indexes the previous row's runs; callers visiting a row's runs left to right pass the
    /// same cursor (starting at `rowStart[row - 1]`) so each row is walked once.
    func uncoveredByPreviousRow(run r: Int, row: Int, cursor: inout Int) -> [Int] {
        let s = Int(start[r]), e = Int(end[r])
        if row == 0 { return Array(s..<e) }
        var out = [Int]()
        var x = s
        while cursor < rowStart[row] && Int(end[cursor]) <= s { cursor += 1 }
        for k in cursor..<rowStart[row] {
            let ps = Int(start[k]), pe = Int(end[k])
            if pe <= x { continue }
            if ps >= e { break }
            if ps > x { out.append(contentsOf: x..<ps) }
            x = max(x, pe)
            if x >= e { break }
        }
        if x < e { out.append(contentsOf: x..<e) }
        return out
    }
}
