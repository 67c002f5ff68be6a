/// A decoder from the `decoder` section: turns token strings back into text. Each decoder maps
/// a list of token strings to a new list (`decode_chain`); the final list is concatenated.
indirect enum Decoder: Sendable {
    case byteLevel
    case wordPiece(prefix: String, cleanup: Bool)
    case metaspace(Metaspace)
    case replace(pattern: TextPattern, content: [Unicode.Scalar])
    case byteFallback
    case fuse
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    case bpe(suffix: String)
    case sequence([Decoder])

    func decodeChain(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            return [ByteLevelDecoding.decode(tokens)]
        case .wordPiece(let prefix, let cleanup):
            return tokens.enumerated().map { i, token in
                var t = token
                if i != 0 {
                    if t.utf8.starts(with: prefix.utf8) {
                        t = String(scalars: t.unicodeScalars.dropFirst(prefix.unicodeScalars.count))
                    } else {
                        t = " " + t
                    }
                }
                return cleanup ? WordPieceCleanup.apply(t) : t
            }
        case .metaspace(let m):
            return tokens.enumerated().map { m.decode($1, index: $0) }
        case .replace(let pattern, let content):
            return tokens.map { String(scalars: pattern.replace(Array($0.unicodeScalars), with: content)) }
        case .byteFallback:
            return ByteFallbackDecoding.decode(tokens)
        case .fuse:
            return [tokens.joined()]
        case .strip(let content, let start, let stop):
            return tokens.map { token in
                let chars = Array(token.unicodeScalars)
                var lo = 0
                while lo < min(start, chars.count), chars[lo] == content { lo += 1 }
                var hi = chars.count
                var k = 0
                while k < stop, hi - 1 >= 0, chars[hi - 1] == content { hi -= 1; k += 1 }
                return lo < hi ? String(scalars: chars[lo..<hi]) : ""
            }
        case .bpe(let suffix):
            let n = tokens.count - 1
            return tokens.enumerated().map { i, token in
                String(scalars: TextReplace.replace(Array(token.unicodeScalars), pattern: Array(suffix.unicodeScalars),
                                                    with: i == n ? [] : [" "]))
            }
        case .sequence(let list):
            var cur = tokens
            for d in list { cur = d.decodeChain(cur) }
            return cur
        }
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> Decoder {
        let type = try node.typeTag()
        switch type {
        case "ByteLevel": return .byteLevel
        case "WordPiece":
            return .wordPiece(prefix: try node.optionalString("prefix") ?? "##", cleanup: try node.bool("cleanup", default: true))
        case "Metaspace": return .metaspace(try Metaspace.parse(node))
        case "Replace":
            return .replace(pattern: try TextPattern.parse(try node.required("pattern")),
                            content: Array(try node.string("content").unicodeScalars))
        case "ByteFallback": return .byteFallback
        case "Fuse": return .fuse
        case "Strip":
            return .strip(content: try node.required("content").scalar(), start: try node.int("start", default: 0),
                          stop: try node.int("stop", default: 0))
        case "BPEDecoder": return .bpe(suffix: try node.optionalString("suffix") ?? "</w>")
        case "Sequence":
            var list: [Decoder] = []
            for item in try node.required("decoders").array() { list.append(try parse(item)) }
            return .sequence(list)
        default:
            throw node.unsupported("decoder type '\(type)'")
        }
    }
}
