/// The BERT normalizer: control-character cleanup, spaces around CJK ideographs, accent
/// stripping and lowercasing, in that order (as in Hugging Face `BertNormalizer`).
struct BertNormalizer: Sendable {
    var cleanText: Bool
    var handleChineseChars: Bool
    /// Resolved `strip_accents` (null in the file means "same as lowercase").
    var stripAccents: Bool
    var lowercase: Bool

    func normalize(_ input: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var s = input
        if cleanText {
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(s.count)
            for c in s {
                let v = c.value
                if v == 0x09 || v == 0x0A || v == 0x0D { out.append(" "); continue }
                if v == 0 || v == 0xFFFD || UnicodeClasses.isOtherCategory(c) { continue }
                out.append(UnicodeClasses.isWhitespace(c) ? " " : c)
            }
            s = out
        }
        if handleChineseChars {
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(s.count)
            for c in s {
                if Self.isChineseChar(c) {
                    out.append(" "); out.append(c); out.append(" ")
                } else {
                    out.append(c)
                }
            }
            s = out
        }
        if stripAccents {
            s = UnicodeNormalizationForm.nfd.apply(s).filter { !UnicodeClasses.isNonspacingMark($0) }
        }
        if lowercase {
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(s.count)
            for c in s { UnicodeClasses.appendLowercase(c, to: &out) }
            s = out
        }
        return s
    }

    /// The CJK ideograph blocks BERT isolates.
    static func isChineseChar(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
