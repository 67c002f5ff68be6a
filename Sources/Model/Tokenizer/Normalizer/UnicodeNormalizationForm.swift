import Foundation

/// Unicode normalization forms (NFC, NFD, NFKC, NFKD).
///
/// Decomposition and composition come from Foundation, but Foundation (swift-corelibs, Linux)
/// skips the canonical reordering of combining marks that come out of the decomposition of a
/// starter: NFKD("´ﾞ") gave U+0020 U+0301 U+3099 instead of U+0020 U+3099 U+0301. So the
/// decomposed form is put in canonical order here (a stable sort of each run of non-starters
/// by combining class, Unicode §3.11), and the composed forms are composed from that.
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
        case .nfc, .nfkc: return Array(String(scalars: scalars).precomposedStringWithCanonicalMapping.unicodeScalars)
        }
    }

    /// Canonical ordering: within each run of scalars with a non-zero combining class, a stable
    /// sort by combining class.
    static func canonicalOrder(_ s: inout [Unicode.Scalar]) {
        var i = 0
        while i < s.count {
            guard s[i].value >= 0x300, s[i].properties.canonicalCombiningClass.rawValue != 0 else { i += 1; continue }
            var end = i
            while end < s.count, s[end].value >= 0x300, s[end].properties.canonicalCombiningClass.rawValue != 0 { end += 1 }
            if end - i > 1 {
                // Insertion sort: runs are short and it is stable.
                for j in (i + 1)..<end {
                    let x = s[j]
                    let cx = x.properties.canonicalCombiningClass.rawValue
                    var k = j - 1
                    while k >= i, s[k].properties.canonicalCombiningClass.rawValue > cx {
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
