/// GPT-2's reversible byte ↔ printable-character table.
///
/// Bytes that are printable Latin-1 map to themselves; the other 68 bytes map to U+0100… in
/// byte order. Byte-level BPE works on this alphabet, so every input is representable.
enum ByteLevelAlphabet {
    /// byte → scalar
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(UInt8(0)) // placeholder, set below
            }
        }
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if !printable {
                // 256 + n is always a valid scalar (U+0100…U+0143).
                table[b] = Unicode.Scalar(UInt16(256 + n)) ?? " "
                n += 1
            }
        }
        return table
    }()

    /// scalar value → byte, for the 256 scalars of the table (indexable up to U+0143).
    static let scalarToByte: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (b, s) in byteToScalar.enumerated() { table[Int(s.value)] = Int16(b) }
        return table
    }()

    /// Maps every UTF-8 byte of the scalars to its table character.
    static func encode(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count + s.count / 2)
        for c in s {
            if c.value < 0x80 {
                out.append(byteToScalar[Int(c.value)])
            } else {
                // UTF-8 encoding by hand (no String round trip in the hot path).
                let v = c.value
                if v < 0x800 {
                    out.append(byteToScalar[Int(0xC0 | (v >> 6))])
                    out.append(byteToScalar[Int(0x80 | (v & 0x3F))])
                } else if v < 0x10000 {
                    out.append(byteToScalar[Int(0xE0 | (v >> 12))])
                    out.append(byteToScalar[Int(0x80 | ((v >> 6) & 0x3F))])
                    out.append(byteToScalar[Int(0x80 | (v & 0x3F))])
                } else {
                    out.append(byteToScalar[Int(0xF0 | (v >> 18))])
                    out.append(byteToScalar[Int(0x80 | ((v >> 12) & 0x3F))])
                    out.append(byteToScalar[Int(0x80 | ((v >> 6) & 0x3F))])
                    out.append(byteToScalar[Int(0x80 | (v & 0x3F))])
                }
            }
        }
        return out
    }

    /// The byte of a table character, or nil for characters outside the table.
    @inline(__always)
    static func byte(of c: Unicode.Scalar) -> UInt8? {
        let v = Int(c.value)
        guard v < scalarToByte.count else { return nil }
        let b = scalarToByte[v]
        return b < 0 ? nil : UInt8(b)
    }
}
