/// Backtracking matcher for `RegexNode` over one input (continuation-passing: each node
/// calls the continuation with every end position it can reach, in priority order, and the
/// first continuation that succeeds decides the match).
final class RegexMatcher {
    let s: [Unicode.Scalar]

    init(_ s: [Unicode.Scalar]) { self.s = s }

    /// End of the match of `node` starting at `start`, or nil.
    func match(_ node: RegexNode, at start: Int) -> Int? {
        var end: Int?
        _ = m(node, start) { e in end = e; return true }
        return end
    }

    static func fold(_ c: Unicode.Scalar) -> Unicode.Scalar {
        if c.value < 0x80 {
            return (0x41...0x5A).contains(c.value) ? Unicode.Scalar(c.value + 0x20) ?? c : c
        }
        let l = c.properties.lowercaseMapping.unicodeScalars
        return l.count == 1 ? l[l.startIndex] : c
    }

    static func upper(_ c: Unicode.Scalar) -> Unicode.Scalar? {
        let u = c.properties.uppercaseMapping.unicodeScalars
        return u.count == 1 ? u[u.startIndex] : nil
    }

    @inline(__always)
    private func single(_ node: RegexNode, _ c: Unicode.Scalar) -> Bool {
        switch node {
        case .scalar(let x, let ci): return ci ? (c == x || Self.fold(c) == Self.fold(x)) : c == x
        case .set(let set): return set.contains(c)
        default: return false
        }
    }

    private func m(_ node: RegexNode, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        switch node {
        case .empty:
            return k(i)
        case .scalar, .set:
            return i < s.count && single(node, s[i]) && k(i + 1)
        case .concat(let items):
            return seq(items, 0, i, k)
        case .alternation(let branches):
            for b in branches where m(b, i, k) { return true }
            return false
        case .repetition(let inner, let minCount, let maxCount, let greedy):
            if inner.isSingleScalar {
                var n = 0
                let limit = maxCount ?? Int.max
                while n < limit, i + n < s.count, single(inner, s[i + n]) { n += 1 }
                if n < minCount { return false }
                if greedy {
                    var c = n
                    while c >= minCount { if k(i + c) { return true }; c -= 1 }
                } else {
                    for c in minCount...n where k(i + c) { return true }
                }
                return false
            }
            return rep(inner, minCount, maxCount, greedy, 0, i, k)
        case .lookahead(let inner, let negative):
            let found = m(inner, i) { _ in true }
            return found != negative && k(i)
        case .lineStart:
            return (i == 0 || s[i - 1] == "\n") && k(i)
        case .lineEnd:
            return (i == s.count || s[i] == "\n") && k(i)
        }
    }

    private func seq(_ items: [RegexNode], _ index: Int, _ i: Int, _ k: (Int) -> Bool) -> Bool {
        if index == items.count { return k(i) }
        return m(items[index], i) { j in self.seq(items, index + 1, j, k) }
    }

    private func rep(_ inner: RegexNode, _ minCount: Int, _ maxCount: Int?, _ greedy: Bool, _ count: Int, _ i: Int,
                     _ k: (Int) -> Bool) -> Bool {
        let canMore = maxCount.map { count < $0 } ?? true
        if greedy {
            // An iteration that matched nothing ends the loop (prevents infinite recursion).
            if canMore, m(inner, i, { j in j != i && self.rep(inner, minCount, maxCount, greedy, count + 1, j, k) }) { return true }
            return count >= minCount && k(i)
        }
        if count >= minCount, k(i) { return true }
        return canMore && m(inner, i) { j in j != i && self.rep(inner, minCount, maxCount, greedy, count + 1, j, k) }
    }
}
