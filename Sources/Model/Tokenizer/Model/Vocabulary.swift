/// A token ↔ id table keyed scalar-exactly (see `TokenKey`).
struct Vocabulary: Sendable {
    private(set) var ids: [TokenKey: Int] = [:]
    /// id → token; nil for ids the vocabulary does not define.
    private(set) var tokens: [String?] = []

    var count: Int { ids.count }

    func id(_ token: String) -> Int? { ids[TokenKey(token)] }

    func token(_ id: Int) -> String? {
        id >= 0 && id < tokens.count ? tokens[id] : nil
    }

    /// Reads a `{"token": id, ...}` object. Duplicate tokens and duplicate or negative ids are errors.
    static func parse(_ node: JSONNode) throws(TokenizerError) -> Vocabulary {
        var v = Vocabulary()
        let members = try node.members()
        v.ids.reserveCapacity(members.count)
        var maxId = -1
        var pairs: [(String, Int)] = []
        pairs.reserveCapacity(members.count)
        for (key, item) in members {
            let id = try item.int()
            guard id >= 0, id < 1 << 31 else { throw item.invalid("token id \(id) out of range") }
            if v.ids.updateValue(id, forKey: TokenKey(key)) != nil {
                throw item.invalid("duplicate token in vocabulary")
            }
            pairs.append((key, id))
            maxId = max(maxId, id)
        }
        v.tokens = [String?](repeating: nil, count: maxId + 1)
        for (key, id) in pairs {
            if v.tokens[id] != nil { throw TokenizerError.invalidField(file: node.file, path: node.path, reason: "id \(id) is used by two tokens") }
            v.tokens[id] = key
        }
        return v
    }

    init() {}
}
