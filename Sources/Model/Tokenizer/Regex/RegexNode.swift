/// The parsed form of a `ScalarRegex`.
indirect enum RegexNode: Sendable {
    case empty
    case scalar(Unicode.Scalar, caseInsensitive: Bool)
    case set(ScalarSet)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case lookahead(RegexNode, negative: Bool)
    case lineStart
    case lineEnd

    /// True when the node always consumes exactly one scalar (repetitions of it need no recursion).
    var isSingleScalar: Bool {
        switch self {
        case .scalar, .set: true
        default: false
        }
    }
}

/// A set of scalars: a bracket expression, a class escape (`\s`, `\p{L}` …) or `.`.
/// Membership of Basic Multilingual Plane scalars is precomputed into a bitmap when the set
/// is finished (`sealed()`); other scalars are tested against the items.
struct ScalarSet: Sendable {
    enum Item: Sendable {
        case scalar(UInt32)
        case range(UInt32, UInt32)
        case whitespace(negated: Bool)
        case digit(negated: Bool)
        /// `\w` / `\W`; `latin1Table` for the escape outside brackets (see `isOnigRegexWord`).
        case word(negated: Bool, latin1Table: Bool)
        /// A bit mask over `UnicodeClasses.categoryOrder`.
        case categories(mask: UInt32, negated: Bool)
        case anyButNewline
        case nested(ScalarSet)
    }

    var items: [Item]
    var negated: Bool
    var caseInsensitive: Bool
    private(set) var bmp: BMPBitmap?

    init(items: [Item], negated: Bool, caseInsensitive: Bool) {
        self.items = items
        self.negated = negated
        self.caseInsensitive = caseInsensitive
    }

    /// The set with its BMP bitmap computed.
    func sealed() -> ScalarSet {
        var s = self
        s.bmp = BMPBitmap(words: bitmapWords())
        return s
    }

    /// Membership bits of all BMP scalars, filled item by item from the class tables.
    private func bitmapWords() -> [UInt64] {
        var w = [UInt64](repeating: 0, count: 1024)
        w.withUnsafeMutableBufferPointer { bits in
            @inline(__always) func set(_ v: Int) { bits[v >> 6] |= 1 << UInt64(v & 63) }
            for item in items {
                switch item {
                case .scalar(let v): if v < 0x10000 { set(Int(v)) }
                case .range(let a, let b): if a < 0x10000 { for v in Int(a)...Int(min(b, 0xFFFF)) { set(v) } }
                case .whitespace(let neg):
                    for v in 0..<0x10000 where (v < 0xD800 || v > 0xDFFF) {
                        if let c = Unicode.Scalar(UInt32(v)), UnicodeClasses.isWhitespace(c) != neg { set(v) }
                    }
                case .digit(let neg):
                    let nd = UnicodeClasses.categoryIndex(.decimalNumber)
                    for v in 0..<0x10000 where (Int(UnicodeClasses.bmpCategory[v]) == nd) != neg { set(v) }
                case .word(let neg, let latin1):
                    for v in 0..<0x10000 {
                        if let c = Unicode.Scalar(UInt32(v)) {
                            if UnicodeClasses.isOnigRegexWord(c, latin1Table: latin1) != neg { set(v) }
                        } else if neg {
                            set(v)
                        }
                    }
                case .categories(let mask, let neg):
                    for v in 0..<0x10000 where ((mask >> UInt32(UnicodeClasses.bmpCategory[v])) & 1 != 0) != neg { set(v) }
                case .anyButNewline:
                    for v in 0..<0x10000 where v != 0x0A { set(v) }
                case .nested(let inner):
                    let innerWords = inner.sealed().bmp?.words ?? []
                    for (k, word) in innerWords.enumerated() { bits[k] |= word }
                }
            }
        }
        if caseInsensitive {
            // Rare ((?i:[…]) classes): add case variants scalar by scalar.
            for v in 0..<0x10000 where w[v >> 6] >> UInt64(v & 63) & 1 == 0 {
                if let c = Unicode.Scalar(UInt32(v)), containsSlow(c) != negated { w[v >> 6] |= 1 << UInt64(v & 63) }
            }
        }
        if negated { for k in w.indices { w[k] = ~w[k] } }
        return w
    }

    @inline(__always)
    func contains(_ c: Unicode.Scalar) -> Bool {
        if let bmp, c.value < 0x10000 { return bmp.contains(c.value) }
        return containsSlow(c)
    }

    func containsSlow(_ c: Unicode.Scalar) -> Bool {
        var hit = containsExactly(c)
        if !hit, caseInsensitive {
            let lower = RegexMatcher.fold(c)
            if lower != c { hit = containsExactly(lower) }
            if !hit, let upper = RegexMatcher.upper(c), upper != c { hit = containsExactly(upper) }
        }
        return hit != negated
    }

    private func containsExactly(_ c: Unicode.Scalar) -> Bool {
        for item in items {
            switch item {
            case .scalar(let v): if c.value == v { return true }
            case .range(let a, let b): if c.value >= a && c.value <= b { return true }
            case .whitespace(let neg): if UnicodeClasses.isWhitespace(c) != neg { return true }
            case .digit(let neg):
                let d = c.value < 0x80 ? (0x30...0x39).contains(c.value)
                    : UnicodeClasses.categoryIndex(of: c) == UnicodeClasses.categoryIndex(.decimalNumber)
                if d != neg { return true }
            case .word(let neg, let latin1): if UnicodeClasses.isOnigRegexWord(c, latin1Table: latin1) != neg { return true }
            case .categories(let mask, let neg):
                if ((mask >> UInt32(UnicodeClasses.categoryIndex(of: c))) & 1 != 0) != neg { return true }
            case .anyButNewline: if c != "\n" { return true }
            case .nested(let set): if set.containsSlow(c) { return true }
            }
        }
        return false
    }
}

/// 65,536 membership bits for the Basic Multilingual Plane (immutable, shared).
final class BMPBitmap: Sendable {
    let words: [UInt64]

    init(words: [UInt64]) { self.words = words }

    @inline(__always)
    func contains(_ v: UInt32) -> Bool {
        words.withUnsafeBufferPointer { ($0[Int(v >> 6)] >> UInt64(v & 63)) & 1 != 0 }
    }
}
