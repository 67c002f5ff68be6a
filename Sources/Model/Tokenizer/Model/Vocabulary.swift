/// A token ↔ id table keyed scalar-exactly (see `TokenKey`).
struct Vocabulary: Sendable {
    private(set) var ids: [TokenKey: Int] = [:]
    /// id → token; nil for ids the vocabulary does not define. Dense vocabularies (the normal
    /// case) use this array; very sparse ids go to `sparseTokens` instead of a huge array.
    private(set) var tokens: [String?] = []
    private var sparseTokens: [Int: String] = [:]

    var count: Int { ids.count }

    func id(_ token: String) -> Int? { ids[TokenKey(token)] }

    func token(_ id: Int) -> String? {
        id >= 0 && id < tokens.count ? tokens[id] : sparseTokens[id]
    }

    /// Reads a `{"token": id, ...}` object. As in `tokenizers`, a token listed twice keeps its
    /// last id; when two tokens share an id, decoding uses the last one in file order
    /// (`tokenizers` picks one in hash-map order).
    static func parse(_ node: JSONNode) throws(TokenizerError) -> Vocabulary {
        var v = Vocabulary()
        let members = try node.members()
        v.ids.reserveCapacity(members.count)
        var maxId = -1
        for (key, item) in members {
            let id = try item.int()
            guard id >= 0, id < 1 << 31 else { throw item.invalid("token id \(id) out of range") }
            v.ids[TokenKey(key)] = id
            maxId = max(maxId, id)
        }
        let dense = maxId < 2 * v.ids.count + 1024
        if dense { v.tokens = [String?](repeating: nil, count: maxId + 1) }
        for (key, _) in members {
            guard let id = v.ids[TokenKey(key)] else { continue }
            if dense { v.tokens[id] = key } else { v.sparseTokens[id] = key }
        }
        return v
    }

    init() {}
}
