/// Integer and float decoding for the pickle opcodes that carry numbers.
enum PickleNumber {
    /// LONG1 / LONG4 payload: little-endian two's complement of any length.
    static func fromTwosComplement(_ raw: [UInt8]) -> PickleValue {
        guard let last = raw.last else { return .int(0) }
        let negative = last & 0x80 != 0
        // Drop redundant sign-extension bytes.
        var bytes = raw
        let fill: UInt8 = negative ? 0xFF : 0x00
        while bytes.count > 1, bytes[bytes.count - 1] == fill, (bytes[bytes.count - 2] & 0x80 != 0) == negative {
            bytes.removeLast()
        }
        guard bytes.count <= 8 else { return .bigInt(bytes) }
        var v: UInt64 = negative ? UInt64.max : 0
        for (i, b) in bytes.enumerated() {
            v &= ~(UInt64(0xFF) << (8 * UInt64(i)))
            v |= UInt64(b) << (8 * UInt64(i))
        }
        return .int(Int(Int64(bitPattern: v)))
    }

    /// Protocol-0 INT / LONG text: an optionally signed decimal of any length.
    static func parseDecimal(_ text: String) -> PickleValue? {
        if let i = Int(text) { return .int(i) }
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" { negative = true; digits.removeFirst() } else if digits.first == "+" { digits.removeFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Magnitude, little-endian base 256.
        var magnitude: [UInt8] = [0]
        for ch in digits.utf8 {
            var carry = UInt32(ch - 48)
            for i in magnitude.indices {
                let v = UInt32(magnitude[i]) * 10 + carry
                magnitude[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            while carry > 0 { magnitude.append(UInt8(carry & 0xFF)); carry >>= 8 }
        }
        magnitude.append(0) // room for the sign bit
        if negative {
            var carry: UInt16 = 1
            for i in magnitude.indices {
                let v = UInt16(~magnitude[i]) + carry
                magnitude[i] = UInt8(v & 0xFF)
                carry = v >> 8
            }
        }
        return fromTwosComplement(magnitude)
    }

    /// Python 2 wrote non-finite floats as these words in protocol 0.
    static func specialFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity": .infinity
        case "-inf", "-infinity": -.infinity
        case "nan", "-nan", "+nan": .nan
        default: nil
        }
    }
}

/// Text decoding for protocol-0 STRING (Python 2 `repr`) and UNICODE (raw-unicode-escape).
enum PickleText {
    /// Strips the quotes of a STRING argument and decodes its backslash escapes to bytes.
    static func unquote(_ raw: [UInt8], _ failure: PickleError) throws(PickleError) -> [UInt8] {
        guard raw.count >= 2, raw[0] == raw[raw.count - 1], raw[0] == 0x27 || raw[0] == 0x22 else { throw failure }
        let body = raw[1..<(raw.count - 1)]
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = body.startIndex
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: b - 0x30
            case 0x61...0x66: b - 0x61 + 10
            case 0x41...0x46: b - 0x41 + 10
            default: nil
            }
        }
        while i < body.endIndex {
            let b = body[i]
            guard b == 0x5C, i + 1 < body.endIndex else { out.append(b); i += 1; continue }
            let e = body[i + 1]
            i += 2
            switch e {
            case 0x5C: out.append(0x5C)
            case 0x27: out.append(0x27)
            case 0x22: out.append(0x22)
            case 0x61: out.append(0x07) // \a
            case 0x62: out.append(0x08) // \b
            case 0x66: out.append(0x0C) // \f
            case 0x6E: out.append(0x0A) // \n
            case 0x72: out.append(0x0D) // \r
            case 0x74: out.append(0x09) // \t
            case 0x76: out.append(0x0B) // \v
            case 0x0A: break // line continuation
            case 0x78: // \xhh
                guard i + 1 < body.endIndex, let h = hex(body[i]), let l = hex(body[i + 1]) else { throw failure }
                out.append(h << 4 | l)
                i += 2
            case 0x30...0x37: // \o, \oo, \ooo
                var v = UInt32(e - 0x30)
                var n = 1
                while n < 3, i < body.endIndex, (0x30...0x37).contains(body[i]) {
                    v = v * 8 + UInt32(body[i] - 0x30)
                    i += 1
                    n += 1
                }
                out.append(UInt8(truncatingIfNeeded: v))
            default:
                out.append(0x5C)
                out.append(e)
            }
        }
        return out
    }

    /// raw-unicode-escape: `\uXXXX` / `\UXXXXXXXX` are code points, every other byte is Latin-1.
    static func rawUnicodeEscape(_ raw: [UInt8], _ failure: PickleError) throws(PickleError) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingHigh: UInt32?
        var i = 0
        func hexValue(_ start: Int, _ count: Int) -> UInt32? {
            guard start + count <= raw.count else { return nil }
            var v: UInt32 = 0
            for b in raw[start..<start + count] {
                guard let d = UInt8(ascii: b).hexDigit else { return nil }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < raw.count {
            var code = UInt32(raw[i])
            if raw[i] == 0x5C, i + 1 < raw.count, raw[i + 1] == 0x75 || raw[i + 1] == 0x55 {
                let width = raw[i + 1] == 0x75 ? 4 : 8
                guard let v = hexValue(i + 2, width) else { throw failure }
                code = v
                i += 2 + width
            } else {
                i += 1
            }
            if (0xD800...0xDBFF).contains(code) {
                guard pendingHigh == nil else { throw failure }
                pendingHigh = code
                continue
            }
            if let high = pendingHigh {
                guard (0xDC00...0xDFFF).contains(code) else { throw failure }
                code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                pendingHigh = nil
            }
            guard let scalar = Unicode.Scalar(code) else { throw failure }
            scalars.append(scalar)
        }
        guard pendingHigh == nil else { throw failure }
        return String(scalars)
    }
}

private extension UInt8 {
    init(ascii b: UInt8) { self = b }
    var hexDigit: UInt8? {
        switch self {
        case 0x30...0x39: self - 0x30
        case 0x61...0x66: self - 0x61 + 10
        case 0x41...0x46: self - 0x41 + 10
        default: nil
        }
    }
}
