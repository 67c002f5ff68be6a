/// A pre-tokenizer from the `pre_tokenizer` section of `tokenizer.json`: it cuts normalized
/// text into the "words" the model tokenizes independently (and may rewrite them, as the
/// byte-level and metaspace pre-tokenizers do).
indirect enum PreTokenizer: Sendable {
    case bert
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case metaspace(Metaspace)
    case whitespace
    case whitespaceSplit
    case punctuation(SplitBehavior)
    case digits(individual: Bool)
    case split(pattern: TextPattern, behavior: SplitBehavior, invert: Bool)
    case charDelimiterSplit(Unicode.Scalar)
    case sequence([PreTokenizer])

    func preTokenize(_ pieces: inout [Piece]) {
        switch self {
        case .bert:
            Splitting.split(&pieces) { p in
                Splitting.cut(p, Splitting.apply(.removed, to: Splitting.segments(p.scalars, matching: UnicodeClasses.isWhitespace)))
            }
            Splitting.split(&pieces) { p in
                Splitting.cut(p, Splitting.apply(.isolated, to: Splitting.segments(p.scalars, matching: UnicodeClasses.isBertPunctuation)))
            }
        case .byteLevel(let addPrefixSpace, let useRegex):
            Splitting.split(&pieces) { p in
                var p = p
                if addPrefixSpace, p.scalars.first != " " { p.scalars.insert(" ", at: 0) }
                let ranges = useRegex ? GPT2Splitter.matches(p.scalars) : [0..<p.scalars.count]
                var subs = Splitting.cut(p, ranges)
                for k in subs.indices { subs[k].scalars = ByteLevelAlphabet.encode(subs[k].scalars) }
                return subs
            }
        case .metaspace(let m):
            Splitting.split(&pieces) { m.split($0) }
        case .whitespace:
            Splitting.split(&pieces) { p in Splitting.cut(p, Self.wordRuns(p.scalars)) }
        case .whitespaceSplit:
            Splitting.split(&pieces) { p in
                Splitting.cut(p, Splitting.apply(.removed, to: Splitting.segments(p.scalars, matching: UnicodeClasses.isWhitespace)))
            }
        case .punctuation(let behavior):
            Splitting.split(&pieces) { p in
                Splitting.cut(p, Splitting.apply(behavior, to: Splitting.segments(p.scalars, matching: UnicodeClasses.isBertPunctuation)))
            }
        case .digits(let individual):
            Splitting.split(&pieces) { p in
                Splitting.cut(p, Splitting.apply(individual ? .isolated : .contiguous,
                                                 to: Splitting.segments(p.scalars, matching: UnicodeClasses.isNumber)))
            }
        case .split(let pattern, let behavior, let invert):
            Splitting.split(&pieces) { p in
                var segs = pattern.segments(p.scalars)
                if invert { segs = segs.map { ($0.range, !$0.isMatch) } }
                return Splitting.cut(p, Splitting.apply(behavior, to: segs))
            }
        case .charDelimiterSplit(let delimiter):
            Splitting.split(&pieces) { p in
                Splitting.cut(p, Splitting.apply(.removed, to: Splitting.segments(p.scalars, matching: { $0 == delimiter })))
            }
        case .sequence(let list):
            for pre in list { pre.preTokenize(&pieces) }
        }
    }

    /// `\w+|[^\w\s]+` runs (Rust `regex` classes); whitespace between them is dropped.
    static func wordRuns(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if UnicodeClasses.isWhitespace(c) { i += 1; continue }
            let word = UnicodeClasses.isRegexWord(c)
            var j = i + 1
            while j < s.count {
                let d = s[j]
                if word ? !UnicodeClasses.isRegexWord(d) : (UnicodeClasses.isRegexWord(d) || UnicodeClasses.isWhitespace(d)) { break }
                j += 1
            }
            out.append(i..<j)
            i = j
        }
        return out
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> PreTokenizer {
        let type = try node.typeTag()
        switch type {
        case "BertPreTokenizer": return .bert
        case "ByteLevel":
            return .byteLevel(addPrefixSpace: try node.bool("add_prefix_space", default: true),
                              useRegex: try node.bool("use_regex", default: true))
        case "Metaspace": return .metaspace(try Metaspace.parse(node))
        case "Whitespace": return .whitespace
        case "WhitespaceSplit": return .whitespaceSplit
        case "Punctuation":
            return .punctuation(try node.optional("behavior").map { (n) throws(TokenizerError) in try SplitBehavior.parse(n) } ?? .isolated)
        case "Digits": return .digits(individual: try node.bool("individual_digits", default: false))
        case "Split":
            return .split(pattern: try TextPattern.parse(try node.required("pattern")),
                          behavior: try SplitBehavior.parse(try node.required("behavior")),
                          invert: try node.bool("invert", default: false))
        case "CharDelimiterSplit": return .charDelimiterSplit(try node.required("delimiter").scalar())
        case "Sequence":
            var list: [PreTokenizer] = []
            for item in try node.required("pretokenizers").array() { list.append(try parse(item)) }
            return .sequence(list)
        default:
            throw node.unsupported("pre-tokenizer type '\(type)'")
        }
    }
}
