/// A post-processor from the `post_processor` section: adds special tokens around the
/// sequence(s) (`[CLS] … [SEP]`, `<s> …`) and sets the type ids.
indirect enum PostProcessor: Sendable {
    case template(TemplateProcessing)
    case bert(cls: (String, Int), sep: (String, Int))
    case roberta(cls: (String, Int), sep: (String, Int))
    /// Byte-level only adjusts offsets, which are not tracked: ids are unchanged.
    case byteLevel
    case sequence([PostProcessor])

    /// Number of tokens added for a single sequence or a pair.
    func addedTokens(isPair: Bool) -> Int {
        switch self {
        case .template(let t): t.addedTokens(isPair: isPair)
        case .bert: isPair ? 3 : 2
        case .roberta: isPair ? 4 : 2
        case .byteLevel: 0
        case .sequence(let list): list.reduce(0) { $0 + $1.addedTokens(isPair: isPair) }
        }
    }

    /// Processes the encodings of one sequence or a pair; the result is merged by the caller.
    func process(_ encodings: [Encoding], addSpecialTokens: Bool) -> [Encoding] {
        switch self {
        case .template(let t):
            return [t.apply(encodings, addSpecialTokens: addSpecialTokens)]
        case .bert(let cls, let sep):
            guard addSpecialTokens else { return encodings }
            var out = Encoding()
            out.append(id: cls.1, token: cls.0, typeId: 0, special: true)
            var a = encodings[0]
            a.setTypeIds(0)
            out.append(a)
            out.append(id: sep.1, token: sep.0, typeId: 0, special: true)
            if encodings.count > 1 {
                var b = encodings[1]
                b.setTypeIds(1)
                out.append(b)
                out.append(id: sep.1, token: sep.0, typeId: 1, special: true)
            }
            return [out]
        case .roberta(let cls, let sep):
            var encs = encodings
            for i in encs.indices { encs[i].setTypeIds(0) }
            guard addSpecialTokens else { return encs }
            var out = Encoding()
            out.append(id: cls.1, token: cls.0, typeId: 0, special: true)
            out.append(encs[0])
            out.append(id: sep.1, token: sep.0, typeId: 0, special: true)
            if encs.count > 1 {
                out.append(id: sep.1, token: sep.0, typeId: 0, special: true)
                out.append(encs[1])
                out.append(id: sep.1, token: sep.0, typeId: 0, special: true)
            }
            return [out]
        case .byteLevel:
            return encodings
        case .sequence(let list):
            var encs = encodings
            for p in list { encs = p.process(encs, addSpecialTokens: addSpecialTokens) }
            return encs
        }
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> PostProcessor {
        let type = try node.typeTag()
        switch type {
        case "TemplateProcessing": return .template(try TemplateProcessing.parse(node))
        case "BertProcessing": return .bert(cls: try tokenPair(node.required("cls")), sep: try tokenPair(node.required("sep")))
        case "RobertaProcessing": return .roberta(cls: try tokenPair(node.required("cls")), sep: try tokenPair(node.required("sep")))
        case "ByteLevel": return .byteLevel
        case "Sequence":
            var list: [PostProcessor] = []
            for item in try node.required("processors").array() { list.append(try parse(item)) }
            return .sequence(list)
        default:
            throw node.unsupported("post-processor type '\(type)'")
        }
    }

    /// `["[CLS]", 101]`
    private static func tokenPair(_ node: JSONNode) throws(TokenizerError) -> (String, Int) {
        let items = try node.array()
        guard items.count == 2 else { throw node.invalid("expected [token, id]") }
        return (try items[0].string(), try items[1].int())
    }
}
