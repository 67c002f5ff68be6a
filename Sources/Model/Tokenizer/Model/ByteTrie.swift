/// A trie over the UTF-8 bytes of vocabulary tokens, for longest-prefix lookups without
/// building candidate strings (WordPiece's greedy longest-match-first search).
struct ByteTrie: Sendable {
    /// (node << 8 | byte) → child node
    private var edges: [UInt64: Int32] = [:]
    /// node → token id, or -1 when no token ends at the node
    private var values: [Int32] = [-1]

    mutating func insert<S: Sequence>(_ bytes: S, id: Int) where S.Element == UInt8 {
        var node: Int32 = 0
        for b in bytes {
            let key = UInt64(UInt32(bitPattern: node)) << 8 | UInt64(b)
            if let child = edges[key] {
                node = child
            } else {
                values.append(-1)
                let child = Int32(values.count - 1)
                edges[key] = child
                node = child
            }
        }
        values[Int(node)] = Int32(id)
    }

    /// The longest token that is a prefix of `bytes[from...]`: its end offset and id.
    func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> (end: Int, id: Int)? {
        var node: Int32 = 0
        var best: (end: Int, id: Int)?
        var i = from
        while i < bytes.count {
            guard let child = edges[UInt64(UInt32(bitPattern: node)) << 8 | UInt64(bytes[i])] else { break }
            node = child
            i += 1
            let v = values[Int(node)]
            if v >= 0 { best = (i, Int(v)) }
        }
        return best
    }
}
