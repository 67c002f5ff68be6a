/// A COCO run-length encoding: the mask flattened COLUMN-major (Fortran order), counts of
/// alternating runs starting with zeros (a mask whose first pixel is set starts with a 0 count).
///
/// Byte-identical to pycocotools: `compressedCounts` is `mask.encode(...)["counts"]`, `area`,
/// `boundingBox`, `iou` and `merge` follow `maskApi.c` to the bit. Invariant: the counts add up
/// to `height * width` (checked when built from untrusted input).
///
/// JSON: `{"size": [h, w], "counts": "<compressed>"}`, or with `counts` as a list of ints
/// (uncompressed RLE, as COCO writes for `iscrowd: 1`); `countsFormat` says which one
/// `encode(to:)` writes. Both forms decode.
public struct RLE: Sendable, Hashable, Codable {
    public let height: Int
    public let width: Int
    /// The run lengths, first run of zeros.
    public let counts: [UInt32]
    /// How the counts are written to JSON; not part of equality.
    public var countsFormat: CountsFormat = .compressed

    /// How `counts` appear in JSON.
    public enum CountsFormat: Sendable, Hashable {
        /// The pycocotools string.
        case compressed
        /// A list of integers.
        case uncompressed
    }

    /// Builds an RLE from counts, checking that they cover exactly `height * width` pixels.
    public init(height: Int, width: Int, counts: [UInt32]) throws(RLEError) {
        try RLE.checkSize(height: height, width: width)
        var sum = 0
        for c in counts { sum += Int(c) }
        guard sum == height * width else {
            throw .countsDoNotMatchSize(sum: sum, height: height, width: width)
        }
        // pycocotools always has at least one count; an empty mask is [0].
        self.init(unchecked: height, width: width, counts: counts.isEmpty ? [0] : counts)
    }

    /// Parses the compressed counts string of an RLE of the given size.
    public init(height: Int, width: Int, compressedCounts: String) throws(RLEError) {
        let counts = try RLEString.decode(compressedCounts)
        try self.init(height: height, width: width, counts: counts)
    }

    init(unchecked height: Int, width: Int, counts: [UInt32]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    static func checkSize(height: Int, width: Int) throws(RLEError) {
        guard height >= 0, width >= 0, height.multipliedReportingOverflow(by: width).overflow == false,
              height * width <= Int(UInt32.max) else {
            throw .invalidSize(height: height, width: width)
        }
    }

    /// `[h, w]`, as in the JSON `size`.
    public var size: [Int] { [height, width] }

    /// The pycocotools counts string.
    public var compressedCounts: String { RLEString.encode(counts) }

    public static func == (a: RLE, b: RLE) -> Bool {
        a.height == b.height && a.width == b.width && a.counts == b.counts
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(height); hasher.combine(width); hasher.combine(counts)
    }

    private enum Keys: String, CodingKey { case size, counts }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let size = try c.decode([Int].self, forKey: .size)
        guard size.count == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .size, in: c,
                debugDescription: "size must be [h, w], got \(size.count) numbers")
        }
        do {
            var text: String?
            do { text = try c.decode(String.self, forKey: .counts) } catch DecodingError.typeMismatch { text = nil }
            if let text {
                self = try RLE(height: size[0], width: size[1], compressedCounts: text)
            } else {
                let list = try c.decode([Int64].self, forKey: .counts)
                var counts = [UInt32]()
                counts.reserveCapacity(list.count)
                for (i, v) in list.enumerated() {
                    guard v >= 0, v <= Int64(UInt32.max) else { throw RLEError.negativeCount(index: i, value: v) }
                    counts.append(UInt32(v))
                }
                self = try RLE(height: size[0], width: size[1], counts: counts)
                self.countsFormat = .uncompressed
            }
        } catch let error as RLEError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [Keys.counts],
                                                    debugDescription: error.description, underlyingError: error))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode([height, width], forKey: .size)
        switch countsFormat {
        case .compressed: try c.encode(compressedCounts, forKey: .counts)
        case .uncompressed: try c.encode(counts, forKey: .counts)
        }
    }
}
