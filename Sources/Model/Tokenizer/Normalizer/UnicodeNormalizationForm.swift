import Foundation

/// Unicode normalization forms (NFC, NFD, NFKC, NFKD).
///
/// Decomposition comes from Foundation; canonical ordering and composition are done here,
/// because Foundation on Linux gets both wrong in corner cases: it skips the reordering of
/// marks that come from decomposing a starter (NFKD("´ﾞ") gave U+0020 U+0301 U+3099 instead
/// of U+0020 U+3099 U+0301), and its composition truncates supplementary code points to 16
/// bits (U+E0067 TAG LATIN SMALL LETTER G + U+0301 composed to U+01F5 "ǵ").
enum UnicodeNormalizationForm: Sendable {
    case nfc, nfd, nfkc, nfkd

    func apply(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // ASCII is invariant under every form: skip the round trip.
        if s.allSatisfy({ $0.value < 0x80 }) { return s }
        let string = String(scalars: s)
        let decomposed: String
        switch self {
        case .nfc, .nfd: decomposed = string.decomposedStringWithCanonicalMapping
        case .nfkc, .nfkd: decomposed = string.decomposedStringWithCompatibilityMapping
        }
        var scalars = Array(decomposed.unicodeScalars)
        Self.canonicalOrder(&scalars)
        switch self {
        case .nfd, .nfkd: return scalars
        case .nfc, .nfkc: return CanonicalComposition.compose(scalars)
        }
    }

    @inline(__always)
    static func combiningClass(_ c: Unicode.Scalar) -> UInt8 {
        c.value < 0x300 ? 0 : c.properties.canonicalCombiningClass.rawValue
    }

    /// Canonical ordering: within each run of scalars with a non-zero combining class, a stable
    /// sort by combining class.
    static func canonicalOrder(_ s: inout [Unicode.Scalar]) {
        var i = 0
        while i < s.count {
            guard combiningClass(s[i]) != 0 else { i += 1; continue }
            var end = i
            while end < s.count, combiningClass(s[end]) != 0 { end += 1 }
            if end - i > 1 {
                // Insertion sort: runs are short and it is stable.
                for j in (i + 1)..<end {
                    let x = s[j]
                    let cx = combiningClass(x)
                    var k = j - 1
                    while k >= i, combiningClass(s[k]) > cx {
                        s[k + 1] = s[k]
                        k -= 1
                    }
                    s[k + 1] = x
                }
            }
            i = end
        }
    }
}
