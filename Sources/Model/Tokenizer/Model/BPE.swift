/// Byte-pair encoding: a word starts as single characters (or byte tokens `<0xNN>` with
/// `byte_fallback`, or `unk`), then the lowest-ranked adjacent pair in `merges` is merged
/// repeatedly. Serves both byte-level BPE (GPT-2) and SentencePiece-style BPE (LLaMA).
struct BPE: Sendable {
    var vocab: Vocabulary
    /// (left id << 32 | right id) → (rank, merged id)
    var merges: [UInt64: (rank: Int32, id: Int32)]
    var unkToken: String?
    var continuingSubwordPrefix: String?
    var endOfWordSuffix: String?
    var fuseUnk: Bool
    var byteFallback: Bool
    var ignoreMerges: Bool
    /// id of `<0xNN>` for each byte, when the vocabulary has it.
    var byteTokenIds: [Int?]
    let cache: BPECache

    func tokenize(_ word: [Unicode.Scalar], into out: inout [(id: Int, token: String)]) {
        guard !word.isEmpty else { return }
        let text = String(scalars: word)
        if ignoreMerges, let id = vocab.id(text) {
            out.append((id, text))
            return
        }
        let key = TokenKey(text)
        let ids: [Int]
        if let hit = cache.get(key) {
            ids = hit
        } else {
            ids = mergeWord(word)
            if word.count < 256 { cache.put(key, ids) }
        }
        for id in ids { out.append((id, vocab.token(id) ?? "")) }
    }

    /// The initial symbols of a word, then every merge applied by rank.
    func mergeWord(_ word: [Unicode.Scalar]) -> [Int] {
        var symbols: [Int] = []
        symbols.reserveCapacity(word.count)
        var pendingUnk: Int?
        let unkId = unkToken.flatMap { vocab.id($0) }
        for (i, c) in word.enumerated() {
            var s = ""
            if i > 0, let prefix = continuingSubwordPrefix { s += prefix }
            s.unicodeScalars.append(c)
            if i == word.count - 1, let suffix = endOfWordSuffix { s += suffix }
            if let id = vocab.id(s) {
                if let u = pendingUnk { symbols.append(u); pendingUnk = nil }
                symbols.append(id)
                continue
            }
            if byteFallback {
                var bytes: [Int] = []
                var complete = true
                for b in s.utf8 {
                    guard let id = byteTokenIds[Int(b)] else { complete = false; break }
                    bytes.append(id)
                }
                if complete {
                    symbols.append(contentsOf: bytes)
                    continue
                }
            }
            if let unkId {
                if pendingUnk != nil {
                    // With fuse_unk consecutive unknowns collapse into one.
                    if !fuseUnk { symbols.append(unkId) }
                }
                pendingUnk = unkId
            }
        }
        if let u = pendingUnk { symbols.append(u) }
        return mergeAll(symbols)
    }

    @inline(__always)
    private func merge(_ a: Int, _ b: Int) -> (rank: Int32, id: Int32)? {
        merges[UInt64(UInt32(truncatingIfNeeded: a)) << 32 | UInt64(UInt32(truncatingIfNeeded: b))]
    }

    /// Applies merges lowest rank first (ties: leftmost), with a binary heap of candidate pairs.
    func mergeAll(_ initial: [Int]) -> [Int] {
        let n = initial.count
        guard n > 1 else { return initial }
        var ids = initial
        var prev = [Int](0..<n).map { $0 - 1 }
        var next = [Int](1...n)
        next[n - 1] = -1
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        for i in 0..<(n - 1) {
            if let m = merge(ids[i], ids[i + 1]) { heap.push(rank: m.rank, pos: Int32(i), id: m.id) }
        }
        while let top = heap.pop() {
            let pos = Int(top.pos)
            guard alive[pos] else { continue }
            let right = next[pos]
            guard right >= 0 else { continue }
            guard let m = merge(ids[pos], ids[right]), m.id == top.id else { continue }
            ids[pos] = Int(m.id)
            alive[right] = false
            let after = next[right]
            next[pos] = after
            if after >= 0 { prev[after] = pos }
            let before = prev[pos]
            if before >= 0, let m2 = merge(ids[before], ids[pos]) {
                heap.push(rank: m2.rank, pos: Int32(before), id: m2.id)
            }
            if after >= 0, let m3 = merge(ids[pos], ids[after]) {
                heap.push(rank: m3.rank, pos: Int32(pos), id: m3.id)
            }
        }
        var out: [Int] = []
        out.reserveCapacity(n)
        var i = 0
        while i >= 0 {
            out.append(ids[i])
            i = next[i]
        }
        return out
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> BPE {
        let vocab = try Vocabulary.parse(try node.required("vocab"))
        if let dropout = try node.optional("dropout"), try dropout.double() != 0 {
            throw dropout.unsupported("BPE dropout (random segmentation; only deterministic encoding is implemented)")
        }
        let prefix = try node.optionalString("continuing_subword_prefix")
        let unk = try node.optionalString("unk_token")
        let mergesNode = try node.required("merges")
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        let items = try mergesNode.array()
        merges.reserveCapacity(items.count)
        let prefixCount = prefix?.unicodeScalars.count ?? 0
        for (rank, item) in items.enumerated() {
            let a: String, b: String
            if case .string(let line) = item.value {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw item.invalid("a merge must be two tokens separated by one space") }
                a = String(parts[0]); b = String(parts[1])
            } else {
                let pair = try item.array()
                guard pair.count == 2 else { throw item.invalid("a merge must be a pair of tokens") }
                a = try pair[0].string(); b = try pair[1].string()
            }
            guard let ida = vocab.id(a) else { throw item.invalid("merge token '\(a)' is not in the vocabulary") }
            guard let idb = vocab.id(b) else { throw item.invalid("merge token '\(b)' is not in the vocabulary") }
            var merged = a
            if prefixCount > 0, b.unicodeScalars.count >= prefixCount {
                merged.unicodeScalars.append(contentsOf: b.unicodeScalars.dropFirst(prefixCount))
            } else {
                merged += b
            }
            guard let idm = vocab.id(merged) else { throw item.invalid("merged token '\(merged)' is not in the vocabulary") }
            let key = UInt64(UInt32(ida)) << 32 | UInt64(UInt32(idb))
            merges[key] = (Int32(rank), Int32(idm)) // a repeated pair keeps its last rank, as in `tokenizers`
        }
        var byteIds = [Int?](repeating: nil, count: 256)
        for b in 0..<256 {
            let hex = String(b, radix: 16, uppercase: true)
            byteIds[b] = vocab.id("<0x" + (hex.count == 1 ? "0" + hex : hex) + ">")
        }
        return BPE(vocab: vocab, merges: merges, unkToken: unk, continuingSubwordPrefix: prefix,
                   endOfWordSuffix: try node.optionalString("end_of_word_suffix"),
                   fuseUnk: try node.bool("fuse_unk", default: false),
                   byteFallback: try node.bool("byte_fallback", default: false),
                   ignoreMerges: try node.bool("ignore_merges", default: false),
                   byteTokenIds: byteIds, cache: BPECache(capacity: 10_000))
    }
}
