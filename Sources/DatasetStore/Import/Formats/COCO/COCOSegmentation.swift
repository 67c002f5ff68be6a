import Annotate
import Serialization

/// COCO's `segmentation`: a list of polygons (flat `[x0, y0, x1, y1, ...]` rings), or an RLE
/// with compressed (string) or uncompressed (integer list, crowd regions) counts.
enum COCOSegmentation: Equatable, Sendable {
    case polygons([[Double]])
    case compressed(size: [Int], counts: String)
    case uncompressed(size: [Int], counts: [UInt32])

    /// Reads a decoded `segmentation` value; nil for `null`. A value of another shape is a
    /// malformed document (as a typed decoder sees it): the error names the field below `path`.
    init?(_ value: JSONValue, path: String, fail: (_ field: String, _ reason: String) -> ImportError) throws(ImportError) {
        switch value {
        case .null: return nil
        case .array(let rings):
            var polygons: [[Double]] = []
            polygons.reserveCapacity(rings.count)
            for (index, ring) in rings.enumerated() {
                guard let items = ring.arrayValue else {
                    throw fail("\(path)[\(index)]", "expected a list of numbers (a polygon), found \(ring.kindName)")
                }
                var coordinates: [Double] = []
                coordinates.reserveCapacity(items.count)
                for (k, item) in items.enumerated() {
                    guard let number = item.doubleValue else { throw fail("\(path)[\(index)][\(k)]", "expected a number, found \(item.kindName)") }
                    coordinates.append(number)
                }
                polygons.append(coordinates)
            }
            self = .polygons(polygons)
        case .object:
            guard let sizeValue = value["size"] else { throw fail("\(path).size", "missing") }
            guard let sizeItems = sizeValue.arrayValue else { throw fail("\(path).size", "expected a list of integers, found \(sizeValue.kindName)") }
            var size: [Int] = []
            for (k, item) in sizeItems.enumerated() {
                guard let number = item.int64Value, let int = Int(exactly: number) else {
                    throw fail("\(path).size[\(k)]", "expected an integer, found \(item.kindName)")
                }
                size.append(int)
            }
            switch value["counts"] {
            case .string(let text)?: self = .compressed(size: size, counts: text)
            case .array(let items)?:
                var counts: [UInt32] = []
                counts.reserveCapacity(items.count)
                for (k, item) in items.enumerated() {
                    guard let number = item.int64Value, let count = UInt32(exactly: number) else {
                        throw fail("\(path).counts[\(k)]", "expected a non-negative 32-bit integer, found \(item.numberValue?.text ?? item.kindName)")
                    }
                    counts.append(count)
                }
                self = .uncompressed(size: size, counts: counts)
            case nil: throw fail("\(path).counts", "missing")
            case let other?: throw fail("\(path).counts", "expected a string or a list of integers, found \(other.kindName)")
            }
        default:
            throw fail(path, "expected a list of polygons or an RLE object, found \(value.kindName)")
        }
    }

    /// The store geometry, checked against the image size (polygons need at least 3 points, as
    /// pycocotools' `frPoly` needs; an RLE's size must be the image's).
    func geometry(width: Int, height: Int) throws -> AnnotationGeometry {
        switch self {
        case .polygons(let rings):
            return .polygons(try Self.polygons(rings), imageWidth: width, imageHeight: height)
        case .compressed(let size, let counts):
            try Self.check(size, width: width, height: height)
            return .rle(try RLE(height: size[0], width: size[1], compressedCounts: counts))
        case .uncompressed(let size, let counts):
            try Self.check(size, width: width, height: height)
            return .rle(try RLE(height: size[0], width: size[1], counts: counts))
        }
    }

    /// COCO polygon rings as pycocotools rasterizes them (`frPyObjects`, `annToRLE`): no ring
    /// at all, or a first ring of 4 numbers or fewer, is refused (pycocotools raises: a 4-number
    /// first ring is taken for a box, fewer are "not supported"); a trailing odd coordinate is
    /// ignored (it reads `len / 2` points); rings of fewer than 3 points draw no pixel and are
    /// left out. Nothing left to draw is refused too.
    static func polygons(_ rings: [[Double]]) throws -> [Polygon] {
        guard let first = rings.first else { throw COCOGeometryError.invalid("no polygon") }
        guard first.count > 4 else {
            throw COCOGeometryError.invalid("polygon 0 has \(first.count / 2) points; at least 3 needed")
        }
        var polygons: [Polygon] = []
        for ring in rings where ring.count >= 6 {
            polygons.append(try Polygon(exterior: Array(ring.prefix(ring.count / 2 * 2))))
        }
        guard !polygons.isEmpty else {
            throw COCOGeometryError.invalid("no polygon has 3 points or more (nothing to draw)")
        }
        return polygons
    }

    static func check(_ size: [Int], width: Int, height: Int) throws {
        guard size == [height, width] else {
            throw COCOGeometryError.invalid("RLE size \(size) does not match the image (\(height), \(width))")
        }
    }

    // MARK: Staged form

    /// A compact binary form for the staging table: a tag byte, then little-endian fields.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        func u32(_ value: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { out += $0 } }
        func i64(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { out += $0 } }
        switch self {
        case .polygons(let rings):
            out.reserveCapacity(5 + rings.reduce(0) { $0 + 4 + 8 * $1.count })
            out.append(0)
            u32(rings.count)
            for ring in rings {
                u32(ring.count)
                for value in ring { withUnsafeBytes(of: value.bitPattern.littleEndian) { out += $0 } }
            }
        case .compressed(let size, let counts):
            out.append(1)
            u32(size.count)
            size.forEach(i64)
            out += Array(counts.utf8)
        case .uncompressed(let size, let counts):
            out.reserveCapacity(9 + 8 * size.count + 4 * counts.count)
            out.append(2)
            u32(size.count)
            size.forEach(i64)
            u32(counts.count)
            for count in counts { withUnsafeBytes(of: count.littleEndian) { out += $0 } }
        }
        return out
    }

    /// Reads `encoded` back; nil when the bytes are not such a form.
    init?(encoded bytes: [UInt8]) {
        var index = 1
        func u32() -> Int? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for k in 0..<4 { value |= UInt32(bytes[index + k]) << (8 * k) }
            index += 4
            return Int(value)
        }
        func u64() -> UInt64? {
            guard index + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for k in 0..<8 { value |= UInt64(bytes[index + k]) << (8 * k) }
            index += 8
            return value
        }
        func size() -> [Int]? {
            guard let count = u32(), count <= (bytes.count - index) / 8 else { return nil }
            var size: [Int] = []
            for _ in 0..<count {
                guard let value = u64() else { return nil }
                size.append(Int(Int64(bitPattern: value)))
            }
            return size
        }
        guard let tag = bytes.first else { return nil }
        switch tag {
        case 0:
            guard let ringCount = u32(), ringCount <= (bytes.count - index) / 4 else { return nil }
            var rings: [[Double]] = []
            rings.reserveCapacity(ringCount)
            for _ in 0..<ringCount {
                guard let count = u32(), count <= (bytes.count - index) / 8 else { return nil }
                var ring = [Double](repeating: 0, count: count)
                for k in 0..<count {
                    guard let bits = u64() else { return nil }
                    ring[k] = Double(bitPattern: bits)
                }
                rings.append(ring)
            }
            self = .polygons(rings)
        case 1:
            guard let size = size() else { return nil }
            self = .compressed(size: size, counts: String(decoding: bytes[index...], as: UTF8.self))
        case 2:
            guard let size = size(), let count = u32(), count <= (bytes.count - index) / 4 else { return nil }
            var counts = [UInt32](repeating: 0, count: count)
            for k in 0..<count {
                guard let value = u32() else { return nil }
                counts[k] = UInt32(value)
            }
            self = .uncompressed(size: size, counts: counts)
        default: return nil
        }
    }
}
