/// Replace every non-overlapping occurrence of a scalar sequence, left to right.
enum TextReplace {
    static func replace(_ s: [Unicode.Scalar], pattern: [Unicode.Scalar], with content: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard !pattern.isEmpty else { return s }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        for seg in Splitting.segments(s, occurrencesOf: pattern) {
            if seg.isMatch { out.append(contentsOf: content) } else { out.append(contentsOf: s[seg.range]) }
        }
        return out
    }
}
