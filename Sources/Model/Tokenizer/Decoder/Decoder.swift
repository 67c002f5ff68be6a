/// A decoder from the `decoder` section: turns token strings back into text. Each decoder maps
/// a list of token strings to a new list (`decode_chain`); the final list is concatenated.
indirect enum Decoder: Sendable {
    case byteLevel
    case wordPiece(prefix: String, cleanup: Bool)
    case metaspace(Metaspace)
    case replace(pattern: [Unicode.Scalar], content: [Unicode.Scalar])
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
            return tokens.map { String(scalars: TextReplace.replace(Array($0.unicodeScalars), pattern: pattern, with: content)) }
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
            return .replace(pattern: try ReplacePattern.parse(try node.required("pattern")),
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

/// BERT's detokenization cleanup (spaces before punctuation and English contractions).
enum WordPieceCleanup {
    static let rules: [(String, String)] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ]

    static func apply(_ s: String) -> String {
        guard s.utf8.contains(0x20) else { return s }
        var scalars = Array(s.unicodeScalars)
        for (from, to) in rules {
            scalars = TextReplace.replace(scalars, pattern: Array(from.unicodeScalars), with: Array(to.unicodeScalars))
        }
        return String(scalars: scalars)
    }
}

/// Byte-level decoding: table characters back to bytes, then UTF-8 with U+FFFD for invalid bytes.
enum ByteLevelDecoding {
    static func decode(_ tokens: [String]) -> String {
        var bytes: [UInt8] = []
        for token in tokens {
            var mapped: [UInt8] = []
            var ok = true
            for c in token.unicodeScalars {
                guard let b = ByteLevelAlphabet.byte(of: c) else { ok = false; break }
                mapped.append(b)
            }
            if ok { bytes += mapped } else { bytes += Array(token.utf8) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `<0xNN>` byte tokens back to text: runs of byte tokens that form valid UTF-8 become that
/// text, otherwise one U+FFFD per byte.
enum ByteFallbackDecoding {
    static func byteValue(_ token: String) -> UInt8? {
        let u = Array(token.utf8)
        guard u.count == 6, u[0] == UInt8(ascii: "<"), u[1] == UInt8(ascii: "0"), u[2] == UInt8(ascii: "x"),
              u[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: u[3..<5], as: UTF8.self), radix: 16)
    }

    static func decode(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let s = String(validating: pending, as: UTF8.self) {
                out.append(s)
            } else {
                out.append(contentsOf: [String](repeating: "\u{FFFD}", count: pending.count))
            }
            pending.removeAll()
        }
        for token in tokens {
            if let b = byteValue(token) {
                pending.append(b)
            } else {
                flush()
                out.append(token)
            }
        }
        flush()
        return out
    }
}
