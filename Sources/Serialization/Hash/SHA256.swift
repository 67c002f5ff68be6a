import CKernels

/// Streaming SHA-256 (FIPS 180-4).
///
/// Why our own: downloads are verified against published sha256 digests, and Foundation on Linux
/// has no CryptoKit; this keeps the package free of extra dependencies. Feed bytes with `update`,
/// then read `finalize()` once.
///
/// The block compression runs on the x86 SHA extensions (`CKernels/ck_sha256.c`, ~1 GB/s) when
/// the CPU has them, else on the portable Swift rounds below (~150 MB/s); both give the same
/// digest. `LISAKIT_SIMD=baseline` forces the portable one.
public struct SHA256: Sendable {
    /// Which compression function a hasher uses.
    public enum Backend: Sendable, Equatable, CaseIterable {
        /// Swift rounds, any CPU.
        case portable
        /// x86 SHA-NI instructions; only where `SHA256.hasSHAExtensions`.
        case shaExtensions
    }

    /// Whether this CPU has the SHA extensions (and `LISAKIT_SIMD` does not cap them off).
    public static let hasSHAExtensions: Bool = ck_sha256_available() != 0

    /// The fastest backend this machine runs.
    public static var bestBackend: Backend { hasSHAExtensions ? .shaExtensions : .portable }

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    private var buffer: [UInt8] = []
    private var total: UInt64 = 0
    /// The backend in use (`.shaExtensions` is asked for only where the CPU has them).
    public let backend: Backend

    /// A hasher on `backend` (default: the fastest here). Asking for `.shaExtensions` on a CPU
    /// without them gives the portable backend.
    public init(backend: Backend = SHA256.bestBackend) {
        self.backend = backend == .shaExtensions && Self.hasSHAExtensions ? .shaExtensions : .portable
        buffer.reserveCapacity(64)
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        total &+= UInt64(bytes.count)
        var offset = 0
        if !buffer.isEmpty {
            let n = min(64 - buffer.count, bytes.count)
            buffer.append(contentsOf: bytes[0..<n])
            offset = n
            if buffer.count == 64 {
                buffer.withUnsafeBytes { compress($0, 0) }
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

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest of everything added.
    public mutating func finalize() -> [UInt8] {
        let bitLength = total &* 8
        var tail = buffer
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        tail.withUnsafeBytes { raw in compress(raw, 0, blocks: raw.count / 64) }
        buffer.removeAll()
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        return words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (24 - 8 * UInt32($0))) } }
    }

    /// Lower-case hex of the digest of `bytes`.
    public static func hex(of bytes: [UInt8]) -> String {
        var h = SHA256()
        h.update(bytes)
        return hexString(h.finalize())
    }

    /// Lower-case hex of `digest`.
    public static func hexString(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// Processes the 64-byte block at `offset` (and `blocks - 1` more after it).
    private mutating func compress(_ data: UnsafeRawBufferPointer, _ offset: Int, blocks: Int = 1) {
        guard blocks > 0, let base = data.baseAddress else { return }
        if backend == .shaExtensions {
            // A homogeneous tuple is laid out as 8 contiguous words.
            withUnsafeMutableBytes(of: &state) { words in
                ck_sha256_blocks(words.baseAddress?.assumingMemoryBound(to: UInt32.self),
                                 (base + offset).assumingMemoryBound(to: UInt8.self), blocks)
            }
            return
        }
        compressPortable(data, offset, blocks: blocks)
    }

    /// The Swift rounds.
    private mutating func compressPortable(_ data: UnsafeRawBufferPointer, _ offset: Int, blocks: Int) {
        var (h0, h1, h2, h3, h4, h5, h6, h7) = state
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            Self.k.withUnsafeBufferPointer { k in
                for block in 0..<blocks {
                    let base = offset + 64 * block
                    for i in 0..<16 {
                        w[i] = data.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self).bigEndian
                    }
                    for i in 16..<64 {
                        let x = w[i - 15], y = w[i - 2]
                        let s0 = Self.rotr(x, 7) ^ Self.rotr(x, 18) ^ (x >> 3)
                        let s1 = Self.rotr(y, 17) ^ Self.rotr(y, 19) ^ (y >> 10)
                        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                    }
                    var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                    for i in 0..<64 {
                        let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
                        let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        h = g; g = f; f = e; e = d &+ t1
                        d = c; c = b; b = a; a = t1 &+ s0 &+ maj
                    }
                    h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                }
            }
        }
        state = (h0, h1, h2, h3, h4, h5, h6, h7)
    }
}
