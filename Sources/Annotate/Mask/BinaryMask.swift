/// A binary mask: one byte per pixel, row-major, every byte 0 or 1.
///
/// One byte per pixel (not one bit) because every hot path here — COCO RLE encode/decode,
/// scan-line polygon fill, PNG I/O, IoU — reads or writes whole bytes: with bytes the
/// run scanners compare 8 pixels per 64-bit word and span fills are `memset`s, with bits
/// every access needs a shift and mask. A 4096×4096 mask is 16 MiB; store masks as RLE
/// (`RLE`) when many must be kept.
public struct BinaryMask: Sendable, Equatable, Hashable {
    public let width: Int
    public let height: Int
    /// `pixels[y * width + x]` is 1 for foreground, 0 for background.
    public internal(set) var pixels: [UInt8]

    /// An all-background mask.
    public init(width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "negative mask size")
        self.width = width
        self.height = height
        self.pixels = [UInt8](repeating: 0, count: width * height)
    }

    /// Wraps row-major values; any nonzero value is foreground.
    public init(width: Int, height: Int, values: [UInt8]) throws(MaskError) {
        guard width >= 0, height >= 0, values.count == width * height else {
            throw .sizeMismatch(operation: "mask from values",
                                expected: "\(width)x\(height) = \(max(0, width * height)) values",
                                actual: "\(values.count) values")
        }
        self.width = width
        self.height = height
        self.pixels = values
        normalize()
    }

    /// Wraps bytes already known to be 0/1 (internal fast path).
    init(width: Int, height: Int, normalizedPixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = normalizedPixels
    }

    /// Number of pixels.
    @inlinable public var count: Int { width * height }

    /// The value at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Bool {
        get { pixels[y * width + x] != 0 }
        set { pixels[y * width + x] = newValue ? 1 : 0 }
    }

    /// Foreground pixel count.
    public var area: Int {
        pixels.withUnsafeBufferPointer { buffer in
            var total = 0
            var index = 0
            let n = buffer.count
            // Bytes are 0/1: sum 8 at a time through a 64-bit word (max 8 per byte lane).
            if let base = buffer.baseAddress {
                let raw = UnsafeRawPointer(base)
                while index + 8 <= n {
                    var acc: UInt64 = 0
                    var inner = 0
                    while inner < 255 && index + 8 <= n {
                        acc &+= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        index += 8
                        inner += 1
                    }
                    for lane in 0..<8 { total += Int((acc >> UInt64(lane * 8)) & 0xff) }
                }
            }
            while index < n { total += Int(buffer[index]); index += 1 }
            return total
        }
    }

    /// The tight box `[x, y, w, h]` around the foreground (pixel-inclusive), or nil if empty.
    public var boundingBox: BoundingBox? {
        var minX = width, minY = height, maxX = -1, maxY = -1
        pixels.withUnsafeBufferPointer { p in
            for y in 0..<height {
                let row = y * width
                var first = -1
                for x in 0..<width where p[row + x] != 0 { first = x; break }
                if first < 0 { continue }
                var last = first
                var x = width - 1
                while x > first { if p[row + x] != 0 { last = x; break }; x -= 1 }
                minY = min(minY, y); maxY = y
                minX = min(minX, first); maxX = max(maxX, last)
            }
        }
        if maxX < 0 { return nil }
        return BoundingBox(x: Double(minX), y: Double(minY),
                           width: Double(maxX - minX + 1), height: Double(maxY - minY + 1))
    }

    /// Pixel-wise union; sizes must match.
    public func union(_ other: BinaryMask) throws(MaskError) -> BinaryMask {
        try combine(other, "union") { $0 | $1 }
    }

    /// Pixel-wise intersection; sizes must match.
    public func intersection(_ other: BinaryMask) throws(MaskError) -> BinaryMask {
        try combine(other, "intersection") { $0 & $1 }
    }

    /// Foreground IoU with `other`; two empty masks give 0 (the pycocotools convention; see
    /// `SegmentationMetrics` for LISA's empty-vs-empty = 1 rule).
    public func iou(_ other: BinaryMask) throws(MaskError) -> Double {
        try checkSameSize(other, "iou")
        var inter = 0, uni = 0
        pixels.withUnsafeBufferPointer { a in
            other.pixels.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    inter &+= Int(a[i] & b[i])
                    uni &+= Int(a[i] | b[i])
                }
            }
        }
        return uni == 0 ? 0 : Double(inter) / Double(uni)
    }

    func checkSameSize(_ other: BinaryMask, _ operation: String) throws(MaskError) {
        guard width == other.width, height == other.height else {
            throw .sizeMismatch(operation: operation, expected: "\(width)x\(height)",
                                actual: "\(other.width)x\(other.height)")
        }
    }

    private func combine(_ other: BinaryMask, _ name: String,
                         _ op: (UInt8, UInt8) -> UInt8) throws(MaskError) -> BinaryMask {
        try checkSameSize(other, name)
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = op(pixels[i], other.pixels[i]) }
        return BinaryMask(width: width, height: height, normalizedPixels: out)
    }

    private mutating func normalize() {
        pixels.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count where p[i] > 1 { p[i] = 1 }
        }
    }

    /// Gives closures direct access to the bytes (0/1) for fast kernels.
    public mutating func withUnsafeMutablePixels<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try pixels.withUnsafeMutableBufferPointer { try body($0) }
    }
}
