/// Recovers BPE merges from a SentencePiece-style vocabulary with scores (GGUF `llama`
/// tokenizers store scores, not merges).
///
/// Every token that splits into two tokens of the vocabulary yields a merge for each such split
/// (ordered by the ids of the two halves); merges are then ranked by the token's score,
/// highest first, then by the lengths of the halves (longer first), ties keeping their order.
/// This is the rule `transformers` applies (`generate_merges`), so the encodings agree.
enum SentencePieceMerges {
    static func recover(tokens: [String], scores: [Double]) -> [(String, String)] {
        // Dictionary semantics of the reference: a repeated token keeps its first position in
        // iteration order but its last id and score.
        var ids: [TokenKey: Int] = [:]
        var score: [TokenKey: Double] = [:]
        var order: [String] = []
        for (i, t) in tokens.enumerated() {
            let key = TokenKey(t)
            if ids[key] == nil { order.append(t) }
            ids[key] = i
            score[key] = scores[i]
        }
        struct Candidate { var left: String; var right: String; var score: Double; var leftLength: Int; var rightLength: Int }
        var merges: [Candidate] = []
        for token in order {
            let scalars = Array(token.unicodeScalars)
            guard scalars.count >= 2, let s = score[TokenKey(token)] else { continue }
            var local: [(Candidate, Int, Int)] = []
            for cut in 1..<scalars.count {
                let left = String(String.UnicodeScalarView(scalars[..<cut]))
                let right = String(String.UnicodeScalarView(scalars[cut...]))
                guard let li = ids[TokenKey(left)], let ri = ids[TokenKey(right)] else { continue }
                local.append((Candidate(left: left, right: right, score: s, leftLength: cut, rightLength: scalars.count - cut), li, ri))
            }
            local.sort { ($0.1, $0.2) < ($1.1, $1.2) }
            merges.append(contentsOf: local.map(\.0))
        }
        // Stable sort, descending by (score, left length, right length).
        let ranked = merges.indices.sorted { a, b in
            let x = merges[a], y = merges[b]
            if x.score != y.score { return x.score > y.score }
            if x.leftLength != y.leftLength { return x.leftLength > y.leftLength }
            if x.rightLength != y.rightLength { return x.rightLength > y.rightLength }
            return a < b
        }
        return ranked.map { (merges[$0].left, merges[$0].right) }
    }
}
