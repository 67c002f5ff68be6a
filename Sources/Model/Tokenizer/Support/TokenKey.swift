#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dictionary key for vocabulary strings that compares Unicode scalars exactly.
///
/// Swift `String` equality and hashing follow canonical equivalence, so `"é"` (U+00E9) and
/// `"e\u{301}"` would collapse into one key. Tokenizer vocabularies treat them as different
/// tokens with different ids, so keys compare and hash their UTF-8 bytes instead.
struct TokenKey: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (lhs: TokenKey, rhs: TokenKey) -> Bool {
        let a = lhs.string.utf8, b = rhs.string.utf8
        guard a.count == b.count else { return false }
        let fast: Bool? = a.withContiguousStorageIfAvailable { pa in
            b.withContiguousStorageIfAvailable { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return pa.count == pb.count }
                return memcmp(x, y, pa.count) == 0
            }
        } ?? nil
        return fast ?? a.elementsEqual(b)
    }

    func hash(into hasher: inout Hasher) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { buffer in
            hasher.combine(bytes: UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
        hasher.combine(string.utf8.count)
    }
}

extension String {
    /// Builds a string from exactly these scalars (no normalization happens), encoding the
    /// UTF-8 directly into the string's storage.
    init<C: Collection>(scalars: C) where C.Element == Unicode.Scalar {
        var capacity = 0
        for s in scalars { capacity += UTF8Encoding.length(s) }
        self = String(unsafeUninitializedCapacity: capacity) { buffer in
            var i = 0
            for s in scalars { UTF8Encoding.write(s, to: buffer, at: &i) }
            return i
        }
    }

    /// Scalar-exact equality (not canonical equivalence).
    func scalarsEqual(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}

/// UTF-8 encoding of single scalars, for building strings and byte keys without `String` overhead.
enum UTF8Encoding {
    @inline(__always)
    static func length(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        return v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4
    }

    @inline(__always)
    static func write(_ s: Unicode.Scalar, to buffer: UnsafeMutableBufferPointer<UInt8>, at i: inout Int) {
        let v = s.value
        if v < 0x80 {
            buffer[i] = UInt8(v); i += 1
        } else if v < 0x800 {
            buffer[i] = UInt8(0xC0 | (v >> 6)); buffer[i + 1] = UInt8(0x80 | (v & 0x3F)); i += 2
        } else if v < 0x10000 {
            buffer[i] = UInt8(0xE0 | (v >> 12)); buffer[i + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
            buffer[i + 2] = UInt8(0x80 | (v & 0x3F)); i += 3
        } else {
            buffer[i] = UInt8(0xF0 | (v >> 18)); buffer[i + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
            buffer[i + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); buffer[i + 3] = UInt8(0x80 | (v & 0x3F)); i += 4
        }
    }

    @inline(__always)
    static func append(_ s: Unicode.Scalar, to bytes: inout [UInt8]) {
        let v = s.value
        if v < 0x80 {
            bytes.append(UInt8(v))
        } else if v < 0x800 {
            bytes.append(UInt8(0xC0 | (v >> 6))); bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            bytes.append(UInt8(0xE0 | (v >> 12))); bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            bytes.append(UInt8(0xF0 | (v >> 18))); bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F))); bytes.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
