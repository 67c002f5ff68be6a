/// A text normalizer from the `normalizer` section of `tokenizer.json`.
///
/// Normalizers run on each stretch of input between added tokens, before pre-tokenization.
indirect enum Normalizer: Sendable {
    case bert(BertNormalizer)
    case unicode(UnicodeNormalizationForm)
    case lowercase
    case stripAccents
    case strip(left: Bool, right: Bool)
    case replace(pattern: TextPattern, content: [Unicode.Scalar])
    case prepend([Unicode.Scalar])
    case byteLevel
    case sequence([Normalizer])

    func normalize(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        switch self {
        case .bert(let b): return b.normalize(s)
        case .unicode(let form): return form.apply(s)
        case .lowercase:
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(s.count)
            for c in s { UnicodeClasses.appendLowercase(c, to: &out) }
            return out
        case .stripAccents:
            return s.filter { !UnicodeClasses.isMark($0) }
        case .strip(let left, let right):
            var lo = 0, hi = s.count
            if left { while lo < hi, UnicodeClasses.isWhitespace(s[lo]) { lo += 1 } }
            if right { while hi > lo, UnicodeClasses.isWhitespace(s[hi - 1]) { hi -= 1 } }
            return Array(s[lo..<hi])
        case .replace(let pattern, let content):
            return pattern.replace(s, with: content)
        case .prepend(let prefix):
            return s.isEmpty ? s : prefix + s
        case .byteLevel:
            return ByteLevelAlphabet.encode(s)
        case .sequence(let list):
            var cur = s
            for n in list { cur = n.normalize(cur) }
            return cur
        }
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> Normalizer {
        let type = try node.typeTag()
        switch type {
        case "BertNormalizer":
            let lowercase = try node.bool("lowercase", default: true)
            return .bert(BertNormalizer(
                cleanText: try node.bool("clean_text", default: true),
                handleChineseChars: try node.bool("handle_chinese_chars", default: true),
                stripAccents: try node.optional("strip_accents")?.bool() ?? lowercase,
                lowercase: lowercase))
        case "NFC": return .unicode(.nfc)
        case "NFD": return .unicode(.nfd)
        case "NFKC": return .unicode(.nfkc)
        case "NFKD": return .unicode(.nfkd)
        case "Lowercase": return .lowercase
        case "StripAccents": return .stripAccents
        case "Strip":
            return .strip(left: try node.bool("strip_left", default: true), right: try node.bool("strip_right", default: true))
        case "Replace":
            let pattern = try TextPattern.parse(try node.required("pattern"))
            return .replace(pattern: pattern, content: Array(try node.string("content").unicodeScalars))
        case "Prepend":
            return .prepend(Array(try node.string("prepend").unicodeScalars))
        case "ByteLevel":
            return .byteLevel
        case "Sequence":
            var list: [Normalizer] = []
            for item in try node.required("normalizers").array() { list.append(try parse(item)) }
            return .sequence(list)
        default:
            throw node.unsupported("normalizer type '\(type)'")
        }
    }
}
