import Foundation

/// Unicode normalization forms (NFC, NFD, NFKC, NFKD), computed by Foundation.
enum UnicodeNormalizationForm: Sendable {
    case nfc, nfd, nfkc, nfkd

    func apply(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // ASCII is invariant under every form: skip the round trip.
        if s.allSatisfy({ $0.value < 0x80 }) { return s }
        let string = String(scalars: s)
        let normalized: String
        switch self {
        case .nfc: normalized = string.precomposedStringWithCanonicalMapping
        case .nfd: normalized = string.decomposedStringWithCanonicalMapping
        case .nfkc: normalized = string.precomposedStringWithCompatibilityMapping
        case .nfkd: normalized = string.decomposedStringWithCompatibilityMapping
        }
        return Array(normalized.unicodeScalars)
    }
}
