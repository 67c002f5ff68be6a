import Foundation

/// Canonical composition (the second half of NFC/NFKC, Unicode §3.11) over a canonically
/// decomposed and ordered scalar sequence.
///
/// The table of primary composites is derived once from Foundation's canonical decomposition
/// of each candidate scalar (decomposition is reliable there; composition is not — see
/// `UnicodeNormalizationForm`): a scalar whose full decomposition is x1…xn (n ≥ 2) and that is
/// not a composition exclusion composes from (the composite of x1…xn-1, xn). Hangul
/// syllables compose algorithmically.
enum CanonicalComposition {
    /// (first << 21 | second) → composite
    static let pairs: [UInt64: Unicode.Scalar] = {
        var byDecomposition: [[UInt32]: Unicode.Scalar] = [:]
        var candidates: [(Unicode.Scalar, [UInt32])] = []
        // Ranges that hold every canonical composite outside Hangul (Unicode 15).
        let ranges: [ClosedRange<UInt32>] = [0xC0...0x2FFF, 0x3000...0x30FF, 0xFB1D...0xFB4E, 0x11000...0x11FFF, 0x1D100...0x1D1FF]
        for range in ranges {
            for v in range {
                guard let c = Unicode.Scalar(v), !(0xAC00...0xD7A3).contains(v) else { continue }
                let d = Array(String(Character(c)).decomposedStringWithCanonicalMapping.unicodeScalars)
                guard d.count >= 2 || (d.count == 1 && d[0] != c) else { continue }
                let key = d.map(\.value)
                // Singletons such as U+1F7D share their decomposition with the real composite (U+03CE).
                if !c.properties.isFullCompositionExclusion { byDecomposition[key] = c }
                candidates.append((c, key))
            }
        }
        var table: [UInt64: Unicode.Scalar] = [:]
        for (c, d) in candidates where d.count >= 2 && !c.properties.isFullCompositionExclusion {
            let head = Array(d.dropLast())
            let first: UInt32
            if head.count == 1 {
                first = head[0]
            } else if let composite = byDecomposition[head] {
                first = composite.value
            } else {
                continue
            }
            table[UInt64(first) << 21 | UInt64(d[d.count - 1])] = c
        }
        return table
    }()

    static func compose(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Unicode.Scalar? {
        // Hangul: L + V → LV, LV + T → LVT.
        let sBase: UInt32 = 0xAC00, lBase: UInt32 = 0x1100, vBase: UInt32 = 0x1161, tBase: UInt32 = 0x11A7
        let lCount: UInt32 = 19, vCount: UInt32 = 21, tCount: UInt32 = 28
        if a.value >= lBase, a.value < lBase + lCount, b.value >= vBase, b.value < vBase + vCount {
            return Unicode.Scalar(sBase + ((a.value - lBase) * vCount + (b.value - vBase)) * tCount)
        }
        if a.value >= sBase, a.value < sBase + lCount * vCount * tCount, (a.value - sBase) % tCount == 0,
           b.value > tBase, b.value < tBase + tCount {
            return Unicode.Scalar(a.value + (b.value - tBase))
        }
        return pairs[UInt64(a.value) << 21 | UInt64(b.value)]
    }

    static func compose(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var starter: Int?
        var lastClass: Int = -1 // combining class of the last scalar kept after the starter; -1: none
        for c in s {
            let cc = Int(UnicodeNormalizationForm.combiningClass(c))
            if let sp = starter {
                let blocked = lastClass != -1 && (lastClass == 0 || lastClass >= cc)
                if !blocked, let composite = compose(out[sp], c) {
                    out[sp] = composite
                    continue
                }
            }
            if cc == 0 {
                starter = out.count
                lastClass = -1
            } else {
                lastClass = cc
            }
            out.append(c)
        }
        return out
    }
}
