/// Character classes used by the tokenizer components, defined the way the Hugging Face
/// `tokenizers` library (Rust `char` methods, Oniguruma and `regex` classes) defines them.
///
/// Classes of Basic Multilingual Plane scalars come from a table computed once from the
/// standard library's Unicode properties (general category lookups are slow in hot loops);
/// other scalars are classified directly.
enum UnicodeClasses {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        static let whitespace = Flags(rawValue: 1 << 0)
        static let letter = Flags(rawValue: 1 << 1)
        static let number = Flags(rawValue: 1 << 2)
        static let mark = Flags(rawValue: 1 << 3)
        static let nonspacingMark = Flags(rawValue: 1 << 4)
        static let punctuation = Flags(rawValue: 1 << 5)
        static let other = Flags(rawValue: 1 << 6)
        static let onigWord = Flags(rawValue: 1 << 7)
        static let regexWord = Flags(rawValue: 1 << 8)
        static let changesWhenLowercased = Flags(rawValue: 1 << 9)
        static let onigRegexWord = Flags(rawValue: 1 << 10)
    }

    static func computeFlags(_ s: Unicode.Scalar) -> Flags {
        let p = s.properties
        var f: Flags = []
        if p.isWhitespace { f.insert(.whitespace) }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            f.formUnion([.letter, .onigWord])
        case .decimalNumber:
            f.formUnion([.number, .onigWord, .regexWord])
        case .letterNumber, .otherNumber:
            f.insert(.number)
        case .nonspacingMark:
            f.formUnion([.mark, .nonspacingMark, .onigWord, .regexWord])
        case .spacingMark, .enclosingMark:
            f.formUnion([.mark, .onigWord, .regexWord])
        case .connectorPunctuation:
            f.formUnion([.punctuation, .onigWord, .regexWord])
        case .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation:
            f.insert(.punctuation)
        case .control, .format, .privateUse, .surrogate:
            f.insert(.other)
        default:
            break
        }
        if p.isAlphabetic || p.isJoinControl { f.insert(.regexWord) }
        if p.isAlphabetic || !f.isDisjoint(with: [.mark]) || p.generalCategory == .decimalNumber
            || p.generalCategory == .connectorPunctuation {
            f.insert(.onigRegexWord)
        }
        if p.changesWhenLowercased { f.insert(.changesWhenLowercased) }
        return f
    }

    static let bmp: [Flags] = (0..<0x10000).map { v in
        Unicode.Scalar(UInt32(v)).map(computeFlags) ?? [.other] // surrogate code points
    }

    /// The 30 general categories in a fixed order (bit positions for category masks).
    static let categoryOrder: [Unicode.GeneralCategory] = [
        .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
        .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
        .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
        .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned,
    ]

    static func categoryIndex(_ c: Unicode.GeneralCategory) -> Int {
        categoryOrder.firstIndex(of: c) ?? 29
    }

    /// General category (index into `categoryOrder`) of every BMP scalar.
    static let bmpCategory: [UInt8] = (0..<0x10000).map { v in
        UInt8(categoryIndex(Unicode.Scalar(UInt32(v))?.properties.generalCategory ?? .surrogate))
    }

    /// Index into `categoryOrder` of the scalar's general category.
    @inline(__always)
    static func categoryIndex(of s: Unicode.Scalar) -> Int {
        s.value < 0x10000 ? Int(bmpCategory[Int(s.value)]) : categoryIndex(s.properties.generalCategory)
    }

    @inline(__always)
    static func flags(_ s: Unicode.Scalar) -> Flags {
        s.value < 0x10000 ? bmp[Int(s.value)] : computeFlags(s)
    }

    /// Rust `char::is_whitespace`, regex `\s`: the Unicode `White_Space` property.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value == 0x20 || (0x09...0x0D).contains(s.value) }
        return flags(s).contains(.whitespace)
    }

    /// `\p{L}`: any letter category (Lu, Ll, Lt, Lm, Lo).
    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            return (0x41...0x5A).contains(s.value) || (0x61...0x7A).contains(s.value)
        }
        return flags(s).contains(.letter)
    }

    /// `\p{N}` and Rust `char::is_numeric`: Nd, Nl, No.
    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return (0x30...0x39).contains(s.value) }
        return flags(s).contains(.number)
    }

    /// General category Mark (Mn, Mc, Me).
    @inline(__always)
    static func isMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x80 && flags(s).contains(.mark)
    }

    /// General category Mn.
    @inline(__always)
    static func isNonspacingMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x80 && flags(s).contains(.nonspacingMark)
    }

    /// Unicode punctuation (P*) or ASCII punctuation: the BERT notion of punctuation.
    @inline(__always)
    static func isBertPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v)
        }
        return flags(s).contains(.punctuation)
    }

    /// Oniguruma `\w`: Letter, Mark, Decimal_Number, Connector_Punctuation.
    @inline(__always)
    static func isOnigWord(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            let v = s.value
            return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F
        }
        return flags(s).contains(.onigWord)
    }

    /// Oniguruma's Unicode `\w` (the `Word` ctype of `tokenizers`' regex patterns):
    /// Alphabetic, Mark, Decimal_Number, Connector_Punctuation — measured against the library:
    /// `Ⓐ`, `Ⅻ` and `ª` are word characters, U+200D, `´` and `⁰` are not. Outside brackets,
    /// Oniguruma classifies U+0080–U+00FF with its ISO-8859-1 table, where `¹ ² ³ ¼ ½ ¾` are
    /// also word characters (`latin1Table`); inside `[...]` it uses the Unicode definition.
    @inline(__always)
    static func isOnigRegexWord(_ s: Unicode.Scalar, latin1Table: Bool) -> Bool {
        if s.value < 0x80 { return isOnigWord(s) }
        if latin1Table, s.value <= 0xFF {
            switch s.value {
            case 0xB2, 0xB3, 0xB9, 0xBC, 0xBD, 0xBE: return true
            default: break
            }
        }
        return flags(s).contains(.onigRegexWord)
    }

    /// Rust `regex` `\w` (the `Whitespace` pre-tokenizer, `single_word` added tokens):
    /// Alphabetic, Mark, Decimal_Number, Connector_Punctuation, Join_Control.
    @inline(__always)
    static func isRegexWord(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return isOnigWord(s) }
        return flags(s).contains(.regexWord)
    }

    /// The `unicode_categories` "other" test used by BERT's text cleaning: Cc, Cf, Co (Cs).
    @inline(__always)
    static func isOtherCategory(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value < 0x20 || s.value == 0x7F }
        return flags(s).contains(.other)
    }

    /// Rust `char::to_lowercase`: the full per-scalar lowercase mapping (no context rules).
    @inline(__always)
    static func appendLowercase(_ s: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        if s.value < 0x80 {
            if (0x41...0x5A).contains(s.value), let l = Unicode.Scalar(s.value + 0x20) { out.append(l) } else { out.append(s) }
            return
        }
        if !flags(s).contains(.changesWhenLowercased) { out.append(s); return }
        out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
    }
}
