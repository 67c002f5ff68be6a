extension RLE {
    /// Encodes a mask (pycocotools `mask.encode`).
    ///
    /// The mask is row-major but COCO runs are column-major. Instead of transposing, this
    /// finds the run boundaries: inside a column a boundary is a pixel that differs from
    /// the one above it, found by XOR-ing neighbouring rows 8 pixels per 64-bit word; the
    /// top pixel of a column is compared with the bottom of the previous column. The
    /// boundaries, found row by row, are counting-sorted by column.
    public init(encoding mask: BinaryMask) {
        let w = mask.width, h = mask.height, n = w * h
        if n == 0 {
            self.init(unchecked: h, width: w, counts: [0])
            return
        }
        let counts = mask.pixels.withUnsafeBufferPointer { buffer -> [UInt32] in
            RLE.columnMajorCounts(buffer.baseAddress!, width: w, height: h)
        }
        self.init(unchecked: h, width: w, counts: counts)
    }

    static func columnMajorCounts(_ p: UnsafePointer<UInt8>, width w: Int, height h: Int) -> [UInt32] {
        let n = w * h
        let raw = UnsafeRawPointer(p)
        // Pass 1: within-column boundaries (y >= 1), recorded as x in row order.
        var capacity = max(64, n / 16)
        var xs = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        defer { xs.deallocate() }
        var rowEnd = [Int](repeating: 0, count: h)
        var total = 0
        var colCount = [Int](repeating: 0, count: w + 1)
        colCount.withUnsafeMutableBufferPointer { cc in
            for y in 1..<max(h, 1) {
                if total + w > capacity {
                    let bigger = max(capacity * 2, total + w)
                    let fresh = UnsafeMutablePointer<UInt32>.allocate(capacity: bigger)
                    fresh.moveInitialize(from: xs, count: total)
                    xs.deallocate()
                    xs = fresh
                    capacity = bigger
                }
                let a = (y - 1) * w, b = y * w
                var x = 0
                while x + 32 <= w {
                    let d0 = raw.loadUnaligned(fromByteOffset: a + x, as: UInt64.self) ^ raw.loadUnaligned(fromByteOffset: b + x, as: UInt64.self)
                    let d1 = raw.loadUnaligned(fromByteOffset: a + x + 8, as: UInt64.self) ^ raw.loadUnaligned(fromByteOffset: b + x + 8, as: UInt64.self)
                    let d2 = raw.loadUnaligned(fromByteOffset: a + x + 16, as: UInt64.self) ^ raw.loadUnaligned(fromByteOffset: b + x + 16, as: UInt64.self)
                    let d3 = raw.loadUnaligned(fromByteOffset: a + x + 24, as: UInt64.self) ^ raw.loadUnaligned(fromByteOffset: b + x + 24, as: UInt64.self)
                    if (d0 | d1 | d2 | d3) != 0 {
                        var k = 0
                        while k < 4 {
                            var bits = k == 0 ? d0 : k == 1 ? d1 : k == 2 ? d2 : d3
                            let base = x + k * 8
                            while bits != 0 {
                                let cx = base + bits.trailingZeroBitCount >> 3
                                xs[total] = UInt32(truncatingIfNeeded: cx)
                                total += 1
                                cc[cx + 1] += 1
                                bits &= bits &- 1
                            }
                            k += 1
                        }
                    }
                    x += 32
                }
                while x < w {
                    if p[a + x] != p[b + x] {
                        xs[total] = UInt32(truncatingIfNeeded: x)
                        total += 1
                        cc[x + 1] += 1
                    }
                    x += 1
                }
                rowEnd[y] = total
            }
            for x in 0..<w { cc[x + 1] += cc[x] }
        }
        // Pass 2: counting sort of the boundaries by column (rows stay ascending).
        let ys = UnsafeMutablePointer<UInt32>.allocate(capacity: max(total, 1))
        defer { ys.deallocate() }
        var cursor = colCount
        cursor.withUnsafeMutableBufferPointer { cur in
            var k = 0
            for y in 1..<max(h, 1) {
                let end = rowEnd[y]
                while k < end {
                    let x = Int(xs[k])
                    ys[cur[x]] = UInt32(truncatingIfNeeded: y)
                    cur[x] += 1
                    k += 1
                }
            }
        }
        // Pass 3: emit counts in column-major order.
        var counts = [UInt32]()
        counts.reserveCapacity(total + w + 2)
        colCount.withUnsafeBufferPointer { cc in
            var previous = 0
            var last: UInt8 = 0
            for x in 0..<w {
                let columnStart = x * h
                if p[x] != last {
                    counts.append(UInt32(truncatingIfNeeded: columnStart - previous))
                    previous = columnStart
                }
                var k = cc[x]
                let end = cc[x + 1]
                while k < end {
                    let position = columnStart + Int(ys[k])
                    counts.append(UInt32(truncatingIfNeeded: position - previous))
                    previous = position
                    k += 1
                }
                last = p[(h - 1) * w + x]
            }
            counts.append(UInt32(truncatingIfNeeded: n - previous))
        }
        return counts
    }

    /// Decodes to a mask (pycocotools `mask.decode`).
    ///
    /// Writes each column's top pixel directly and marks every other run boundary as a
    /// toggle at its pixel; then one pass XORs each row into the next (8 pixels per word),
    /// which turns toggles into runs without strided writes.
    public func decode() -> BinaryMask {
        let w = width, h = height, n = w * h
        var out = [UInt8](repeating: 0, count: n)
        if n == 0 { return BinaryMask(width: w, height: h, normalizedPixels: out) }
        out.withUnsafeMutableBufferPointer { o in
            let q = o.baseAddress!
            forEachRunEdge(top: { x in q[x] = 1 }, toggle: { x, y in q[y * w + x] ^= 1 })
            Self.xorRowsDown(UnsafeMutableRawPointer(q), rowBytes: w, rows: h)
        }
        return BinaryMask(width: w, height: h, normalizedPixels: out)
    }
}

extension RLE {
    /// The run edges of the mask, column by column (what `decode` and
    /// `MaskPNG.encode1Bit(_: RLE)` build on): `top(x)` for each column whose top pixel is set,
    /// `toggle(x, y)` for each pixel below a column's top where the value changes. XORing every
    /// row into the next (`xorRowsDown`) then turns the toggles into the mask.
    @inline(__always)
    func forEachRunEdge(top: (_ x: Int) -> Void, toggle: (_ x: Int, _ y: Int) -> Void) {
        let w = width, h = height, n = w * h
        counts.withUnsafeBufferPointer { c in
            var position = 0
            var value = false
            for k in 0..<c.count {
                let run = Int(c[k])
                let end = position + run
                if k > 0 && position < n {
                    let x = position / h
                    let y = position - x * h
                    if y != 0 { toggle(x, y) }
                }
                if value && run > 0 {
                    // Columns whose top pixel falls inside this run of ones.
                    var x = (position + h - 1) / h
                    while x < w && x * h < end { top(x); x += 1 }
                }
                position = end
                value.toggle()
            }
        }
    }

    /// XORs each of `rows` rows of `rowBytes` bytes into the row below it, top to bottom
    /// (8 bytes at a time), turning run-edge toggles into runs.
    static func xorRowsDown(_ raw: UnsafeMutableRawPointer, rowBytes: Int, rows: Int) {
        guard rows > 1 else { return }
        for y in 1..<rows {
            let a = (y - 1) * rowBytes, b = y * rowBytes
            var x = 0
            while x + 8 <= rowBytes {
                let v = raw.loadUnaligned(fromByteOffset: a + x, as: UInt64.self) ^ raw.loadUnaligned(fromByteOffset: b + x, as: UInt64.self)
                raw.storeBytes(of: v, toByteOffset: b + x, as: UInt64.self)
                x += 8
            }
            while x < rowBytes {
                let v = raw.load(fromByteOffset: a + x, as: UInt8.self) ^ raw.load(fromByteOffset: b + x, as: UInt8.self)
                raw.storeBytes(of: v, toByteOffset: b + x, as: UInt8.self)
                x += 1
            }
        }
    }
}
