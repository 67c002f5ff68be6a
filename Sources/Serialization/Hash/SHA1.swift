/// Streaming SHA-1 (FIPS 180-4).
///
/// Only for checking content against git object ids: the Hugging Face Hub names regular (non-LFS)
/// files by their git blob id, `sha1("blob <size>\0" + bytes)`. Not for security decisions.
public struct SHA1: Sendable {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
    private var buffer: [UInt8] = []
    private var total: UInt64 = 0

    public init() { buffer.reserveCapacity(64) }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        total &+= UInt64(bytes.count)
        var offset = 0
        if !buffer.isEmpty {
            let n = min(64 - buffer.count, bytes.count)
            buffer.append(contentsOf: bytes[0..<n])
            offset = n
            if buffer.count == 64 {
                buffer.withUnsafeBytes { compress($0, 0, blocks: 1) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (bytes.count - offset) / 64
        if blocks > 0 {
            compress(bytes, offset, blocks: blocks)
            offset += 64 * blocks
        }
        if offset < bytes.count { buffer.append(contentsOf: bytes[offset...]) }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// The 20-byte digest of everything added.
    public mutating func finalize() -> [UInt8] {
        let bitLength = total &* 8
        var tail = buffer
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        tail.withUnsafeBytes { compress($0, 0, blocks: $0.count / 64) }
        buffer.removeAll()
        return [h.0, h.1, h.2, h.3, h.4].flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (24 - 8 * UInt32($0))) } }
    }

    /// Lower-case hex SHA-1 of `bytes`.
    public static func hex(of bytes: [UInt8]) -> String {
        var s = SHA1()
        s.update(bytes)
        return SHA256.hexString(s.finalize())
    }

    /// The git blob id of a file's content: `sha1("blob <size>\0" + bytes)`, in hex.
    public static func gitBlobID(size: Int, hashing body: (inout SHA1) throws -> Void) rethrows -> String {
        var s = SHA1()
        s.update(Array("blob \(size)\u{0}".utf8))
        try body(&s)
        return SHA256.hexString(s.finalize())
    }

    @inline(__always)
    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }

    private mutating func compress(_ data: UnsafeRawBufferPointer, _ offset: Int, blocks: Int) {
        var (h0, h1, h2, h3, h4) = h
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            for block in 0..<blocks {
                let base = offset + 64 * block
                for i in 0..<16 { w[i] = data.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self).bigEndian }
                for i in 16..<80 { w[i] = Self.rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
                var a = h0, b = h1, c = h2, d = h3, e = h4
                for i in 0..<80 {
                    let f: UInt32, k: UInt32
                    switch i {
                    case 0..<20: f = (b & c) | (~b & d); k = 0x5A827999
                    case 20..<40: f = b ^ c ^ d; k = 0x6ED9EBA1
                    case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC
                    default: f = b ^ c ^ d; k = 0xCA62C1D6
                    }
                    let t = Self.rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                    e = d; d = c; c = Self.rotl(b, 30); b = a; a = t
                }
                h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e
            }
        }
        h = (h0, h1, h2, h3, h4)
    }
}
