/// Leftmost-longest matching of a set of scalar strings (the added tokens) in a text.
struct TokenTrie: Sendable {
    private struct Node: Sendable {
        var children: [UInt32: Int32] = [:]
        var value: Int = -1 // index of the added token ending here
    }

    private var nodes: [Node] = [Node()]

    var isEmpty: Bool { nodes.count == 1 }

    mutating func insert(_ pattern: [Unicode.Scalar], value: Int) {
        guard !pattern.isEmpty else { return }
        var cur = 0
        for c in pattern {
            if let next = nodes[cur].children[c.value] {
                cur = Int(next)
            } else {
                nodes.append(Node())
                let id = nodes.count - 1
                nodes[cur].children[c.value] = Int32(id)
                cur = id
            }
        }
        nodes[cur].value = value
    }

    /// Non-overlapping matches, each the longest match at the leftmost possible start.
    func matches(in s: [Unicode.Scalar]) -> [(range: Range<Int>, value: Int)] {
        var out: [(range: Range<Int>, value: Int)] = []
        guard !isEmpty else { return out }
        var i = 0
        while i < s.count {
            var cur = 0
            var best: (end: Int, value: Int)?
            var j = i
            while j < s.count, let next = nodes[cur].children[s[j].value] {
                cur = Int(next)
                j += 1
                if nodes[cur].value >= 0 { best = (j, nodes[cur].value) }
            }
            if let best {
                out.append((i..<best.end, best.value))
                i = best.end
            } else {
                i += 1
            }
        }
        return out
    }
}
