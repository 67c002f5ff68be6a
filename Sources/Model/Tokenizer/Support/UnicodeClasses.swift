/// Character classes used by the tokenizer components, defined the way the Hugging Face
/// `tokenizers` library (Rust `char` methods, Oniguruma and `regex` classes) defines them.
enum UnicodeClasses {
    /// Rust `char::is_whitespace`, regex `\s`: the Unicode `White_Space` property.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value == 0x20 || (0x09...0x0D).contains(s.value) }
        return s.properties.isWhitespace
    }

    /// `\p{L}`: any letter category (Lu, Ll, Lt, Lm, Lo).
    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            return (0x41...0x5A).contains(s.value) || (0x61...0x7A).contains(s.value)
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}` and Rust `char::is_numeric`: Nd, Nl, No.
    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return (0x30...0x39).contains(s.value) }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// General category Mark (Mn, Mc, Me).
    static func isMark(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return false }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Unicode punctuation (P*) or ASCII punctuation: the BERT notion of punctuation.
    static func isBertPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v) {
            return true
        }
        if v < 0x80 { return false }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// Oniguruma `\w` (used by the `Whitespace` pre-tokenizer): Letter, Mark, Decimal_Number,
    /// Connector_Punctuation.
    static func isOnigWord(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            let v = s.value
            return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
            return true
        default: return false
        }
    }

    /// Rust `regex` `\w` (used for `single_word` added tokens): Alphabetic, Mark, Decimal_Number,
    /// Connector_Punctuation, Join_Control.
    static func isRegexWord(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return isOnigWord(s) }
        let p = s.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// The `unicode_categories` "other" test used by BERT's text cleaning: Cc, Cf, Co.
    static func isOtherCategory(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value < 0x20 || s.value == 0x7F }
        switch s.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Rust `char::to_lowercase`: the full per-scalar lowercase mapping (no context rules).
    static func appendLowercase(_ s: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        if s.value < 0x80 {
            if (0x41...0x5A).contains(s.value), let l = Unicode.Scalar(s.value + 0x20) { out.append(l) } else { out.append(s) }
            return
        }
        out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
    }
}
