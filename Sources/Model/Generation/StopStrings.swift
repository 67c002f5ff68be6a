/// Finds stop strings in generated text and tells a streamer how much text is safe to show:
/// a tail that could still grow into a stop string is held back until it cannot.
struct StopStrings: Sendable {
    let patterns: [[Unicode.Scalar]]

    init(_ strings: [String]) {
        patterns = strings.filter { !$0.isEmpty }.map { Array($0.unicodeScalars) }
    }

    /// The scalar offset of the earliest occurrence of any pattern in `text`, or nil.
    func firstMatch(in text: [Unicode.Scalar]) -> Int? {
        var best: Int?
        for p in patterns where p.count <= text.count {
            var i = 0
            while i + p.count <= text.count, best.map({ i < $0 }) ?? true {
                if text[i] == p[0] && text[i..<(i + p.count)].elementsEqual(p) { best = i; break }
                i += 1
            }
        }
        return best
    }

    /// The length of the longest suffix of `text` that is a proper prefix of some pattern.
    func heldBackCount(_ text: [Unicode.Scalar]) -> Int {
        var held = 0
        for p in patterns {
            var k = min(p.count - 1, text.count)
            while k > held {
                if text[(text.count - k)...].elementsEqual(p[..<k]) { held = k; break }
                k -= 1
            }
        }
        return held
    }
}
