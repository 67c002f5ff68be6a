/// Template post-processing: `single` / `pair` templates such as `[CLS]:0 $A:0 [SEP]:0`, each
/// item a sequence (`$A`, `$B`) or a special token, with the type id it sets.
struct TemplateProcessing: Sendable {
    enum Item: Sendable {
        case sequence(second: Bool, typeId: Int)
        case special(name: String, typeId: Int)
    }

    struct SpecialToken: Sendable {
        var ids: [Int]
        var tokens: [String]
    }

    var single: [Item]
    var pair: [Item]
    var specialTokens: [TokenKey: SpecialToken]

    func addedTokens(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { n, item in
            if case .special(let name, _) = item { return n + (specialTokens[TokenKey(name)]?.ids.count ?? 0) }
            return n
        }
    }

    func apply(_ encodings: [Encoding], addSpecialTokens: Bool) -> Encoding {
        let template = encodings.count > 1 ? pair : single
        var out = Encoding()
        for item in template {
            switch item {
            case .sequence(let second, let typeId):
                let index = second ? 1 : 0
                guard index < encodings.count else { continue }
                var e = encodings[index]
                e.setTypeIds(typeId)
                out.append(e)
            case .special(let name, let typeId):
                guard addSpecialTokens, let tok = specialTokens[TokenKey(name)] else { continue }
                for (id, token) in zip(tok.ids, tok.tokens) { out.append(id: id, token: token, typeId: typeId, special: true) }
            }
        }
        return out
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> TemplateProcessing {
        var specials: [TokenKey: SpecialToken] = [:]
        if let map = try node.optional("special_tokens") {
            for (key, value) in try map.members() {
                let ids = try value.required("ids").array().map { (n) throws(TokenizerError) in try n.int() }
                let tokens = try value.required("tokens").array().map { (n) throws(TokenizerError) in try n.string() }
                guard ids.count == tokens.count else { throw value.invalid("ids and tokens differ in length") }
                specials[TokenKey(key)] = SpecialToken(ids: ids, tokens: tokens)
            }
        }
        func items(_ key: String) throws(TokenizerError) -> [Item] {
            var out: [Item] = []
            for item in try node.required(key).array() {
                if let seq = try item.optional("Sequence") {
                    let id = try seq.string("id")
                    guard id == "A" || id == "B" else { throw try seq.required("id").invalid("sequence id must be A or B") }
                    out.append(.sequence(second: id == "B", typeId: try seq.int("type_id", default: 0)))
                } else if let sp = try item.optional("SpecialToken") {
                    let name = try sp.string("id")
                    guard specials[TokenKey(name)] != nil else {
                        throw try sp.required("id").invalid("special token '\(name)' is not declared in special_tokens")
                    }
                    out.append(.special(name: name, typeId: try sp.int("type_id", default: 0)))
                } else {
                    throw item.invalid("expected {\"Sequence\": …} or {\"SpecialToken\": …}")
                }
            }
            return out
        }
        return TemplateProcessing(single: try items("single"), pair: try items("pair"), specialTokens: specials)
    }
}
