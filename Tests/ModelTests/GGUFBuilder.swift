import Foundation

/// Writes GGUF bytes field by field so tests can build malformed files (wrong counts, offsets,
/// types) that no writer library would produce.
struct GGUFBuilder {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes.append(contentsOf: Array(s.utf8)) }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    mutating func header(version: UInt32 = 3, tensors: UInt64, kvs: UInt64) {
        u32(0x4655_4747)
        u32(version)
        u64(tensors)
        u64(kvs)
    }

    /// A uint32 metadata key/value.
    mutating func kvU32(_ key: String, _ v: UInt32) { string(key); u32(4); u32(v) }

    mutating func tensorInfo(_ name: String, dims: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dims.count))
        for d in dims { u64(d) }
        u32(type)
        u64(offset)
    }

    /// Zero padding up to a multiple of `alignment`.
    mutating func pad(_ alignment: Int = 32) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    func write(to url: URL) throws { try Data(bytes).write(to: url) }
}
