/// Parses the Oniguruma/Perl regex subset used by tokenizer files into a `RegexNode`.
struct RegexParser {
    private let p: [Unicode.Scalar]
    private var i = 0
    private var caseInsensitive = false

    init(_ pattern: [Unicode.Scalar]) { p = pattern }

    private func fail(_ reason: String) -> RegexSyntaxError { RegexSyntaxError(offset: i, reason: reason) }

    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        let node = try parseAlternation()
        if i < p.count { throw fail("unexpected ')'") }
        return node
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseConcat()]
        while i < p.count, p[i] == "|" {
            i += 1
            branches.append(try parseConcat())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcat() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while i < p.count, p[i] != "|", p[i] != ")" {
            let atom = try parseAtom()
            items.append(try parseQuantifier(atom))
        }
        if items.isEmpty { return .empty }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private mutating func parseQuantifier(_ atom: RegexNode) throws(RegexSyntaxError) -> RegexNode {
        guard i < p.count else { return atom }
        var minCount: Int, maxCount: Int?
        switch p[i] {
        case "*": minCount = 0; maxCount = nil; i += 1
        case "+": minCount = 1; maxCount = nil; i += 1
        case "?": minCount = 0; maxCount = 1; i += 1
        case "{":
            guard let (a, b, end) = braces(from: i) else { return atom } // a literal '{'
            minCount = a; maxCount = b; i = end
        default:
            return atom
        }
        if case .lookahead = atom { throw fail("quantified look-ahead") }
        if case .lineStart = atom { throw fail("quantified anchor") }
        var greedy = true
        if i < p.count, p[i] == "?" { greedy = false; i += 1 } else if i < p.count, p[i] == "+" {
            throw fail("possessive quantifiers are not supported")
        }
        if let m = maxCount, m < minCount { throw fail("bad repetition bounds") }
        return .repetition(atom, min: minCount, max: maxCount, greedy: greedy)
    }

    /// `{n}`, `{n,}`, `{n,m}` starting at `start`; nil when it is not a valid quantifier.
    private func braces(from start: Int) -> (Int, Int?, Int)? {
        var j = start + 1
        func number(_ j: inout Int) -> Int? {
            var v = 0, digits = 0
            while j < p.count, let d = p[j].properties.numericType == .decimal ? Int(String(p[j])) : nil, p[j].isASCII {
                v = v * 10 + d; digits += 1; j += 1
                if v > 100_000 { return nil }
            }
            return digits > 0 ? v : nil
        }
        guard let a = number(&j) else { return nil }
        if j < p.count, p[j] == "}" { return (a, a, j + 1) }
        guard j < p.count, p[j] == "," else { return nil }
        j += 1
        if j < p.count, p[j] == "}" { return (a, nil, j + 1) }
        guard let b = number(&j), j < p.count, p[j] == "}" else { return nil }
        return (a, b, j + 1)
    }

    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode {
        let c = p[i]
        switch c {
        case "(":
            i += 1
            if i < p.count, p[i] == "?" {
                i += 1
                guard i < p.count else { throw fail("unterminated group") }
                switch p[i] {
                case ":":
                    i += 1
                    return try group()
                case "=", "!":
                    let negative = p[i] == "!"
                    i += 1
                    let inner = try group()
                    return .lookahead(inner, negative: negative)
                case "i":
                    // (?i:…) scoped, or (?i) for the rest of the enclosing group.
                    i += 1
                    guard i < p.count else { throw fail("unterminated group") }
                    if p[i] == ":" {
                        i += 1
                        let saved = caseInsensitive
                        caseInsensitive = true
                        defer { caseInsensitive = saved }
                        return try group()
                    }
                    if p[i] == ")" {
                        i += 1
                        caseInsensitive = true
                        return .empty
                    }
                    throw fail("unsupported inline flags")
                default:
                    throw fail("unsupported group construct '(?\(p[i])'")
                }
            }
            return try group()
        case ")":
            throw fail("unbalanced ')'")
        case "[":
            return .set(try bracket().sealed())
        case ".":
            i += 1
            return .set(ScalarSet(items: [.anyButNewline], negated: false, caseInsensitive: false).sealed())
        case "^":
            i += 1
            return .lineStart
        case "$":
            i += 1
            return .lineEnd
        case "\\":
            return try escape(inClass: false)
        case "*", "+", "?":
            throw fail("nothing to repeat")
        default:
            i += 1
            return .scalar(c, caseInsensitive: caseInsensitive)
        }
    }

    private mutating func group() throws(RegexSyntaxError) -> RegexNode {
        let saved = caseInsensitive
        let inner = try parseAlternation()
        caseInsensitive = saved
        guard i < p.count, p[i] == ")" else { throw fail("missing ')'") }
        i += 1
        return inner
    }

    /// An escape outside (`inClass` false) or inside a bracket expression.
    private mutating func escape(inClass: Bool) throws(RegexSyntaxError) -> RegexNode {
        i += 1
        guard i < p.count else { throw fail("trailing backslash") }
        let c = p[i]
        i += 1
        func set(_ item: ScalarSet.Item) -> RegexNode {
            let s = ScalarSet(items: [item], negated: false, caseInsensitive: false)
            return .set(inClass ? s : s.sealed()) // inside brackets only the items are used
        }
        switch c {
        case "s": return set(.whitespace(negated: false))
        case "S": return set(.whitespace(negated: true))
        case "d": return set(.digit(negated: false))
        case "D": return set(.digit(negated: true))
        case "w": return set(.word(negated: false, latin1Table: !inClass))
        case "W": return set(.word(negated: true, latin1Table: !inClass))
        case "p", "P":
            let mask = try property().reduce(UInt32(0)) { $0 | 1 << UInt32(UnicodeClasses.categoryIndex($1)) }
            return set(.categories(mask: mask, negated: c == "P"))
        case "n": return .scalar("\n", caseInsensitive: false)
        case "r": return .scalar("\r", caseInsensitive: false)
        case "t": return .scalar("\t", caseInsensitive: false)
        case "f": return .scalar("\u{0C}", caseInsensitive: false)
        case "v": return .scalar("\u{0B}", caseInsensitive: false)
        case "x":
            guard let v = hex() else { throw fail("bad \\x escape") }
            return .scalar(v, caseInsensitive: caseInsensitive)
        case "u":
            guard i + 4 <= p.count, let v = UInt32(String(String.UnicodeScalarView(p[i..<i + 4])), radix: 16),
                  let s = Unicode.Scalar(v) else { throw fail("bad \\u escape") }
            i += 4
            return .scalar(s, caseInsensitive: caseInsensitive)
        default:
            if c.properties.isAlphabetic || ("0"..."9").contains(c) {
                throw fail("unsupported escape '\\\(c)'")
            }
            return .scalar(c, caseInsensitive: caseInsensitive) // escaped punctuation
        }
    }

    private mutating func hex() -> Unicode.Scalar? {
        if i < p.count, p[i] == "{" {
            guard let close = p[i...].firstIndex(of: "}"),
                  let v = UInt32(String(String.UnicodeScalarView(p[(i + 1)..<close])), radix: 16) else { return nil }
            i = close + 1
            return Unicode.Scalar(v)
        }
        guard i + 2 <= p.count, let v = UInt32(String(String.UnicodeScalarView(p[i..<i + 2])), radix: 16) else { return nil }
        i += 2
        return Unicode.Scalar(v)
    }

    /// `{L}`, `{Lu}`, `{N}` … after `\p` / `\P`; single-letter forms `\pL` too.
    private mutating func property() throws(RegexSyntaxError) -> [Unicode.GeneralCategory] {
        var name: String
        if i < p.count, p[i] == "{" {
            guard let close = p[i...].firstIndex(of: "}") else { throw fail("unterminated \\p{") }
            name = String(String.UnicodeScalarView(p[(i + 1)..<close]))
            i = close + 1
        } else if i < p.count {
            name = String(p[i])
            i += 1
        } else {
            throw fail("bad \\p escape")
        }
        var negate = false
        if name.hasPrefix("^") { negate = true; name.removeFirst() }
        guard let cats = Self.categories[name] else { throw fail("unsupported property \\p{\(name)}") }
        if negate { return UnicodeClasses.categoryOrder.filter { !cats.contains($0) } }
        return cats
    }

    private mutating func bracket() throws(RegexSyntaxError) -> ScalarSet {
        i += 1
        var set = ScalarSet(items: [], negated: false, caseInsensitive: caseInsensitive)
        if i < p.count, p[i] == "^" { set.negated = true; i += 1 }
        var first = true
        while true {
            guard i < p.count else { throw fail("unterminated '['") }
            let c = p[i]
            if c == "]" && !first { i += 1; break }
            first = false
            if c == "[" {
                if i + 1 < p.count, p[i + 1] == ":" { throw fail("POSIX classes are not supported") }
                set.items.append(.nested(try bracket()))
                continue
            }
            var low: Unicode.Scalar
            if c == "\\" {
                let node = try escape(inClass: true)
                switch node {
                case .set(let s): set.items.append(contentsOf: s.items); continue
                case .scalar(let s, _): low = s
                default: throw fail("unsupported escape in class")
                }
            } else {
                if c == "&", i + 1 < p.count, p[i + 1] == "&" { throw fail("class intersection is not supported") }
                low = c
                i += 1
            }
            // A range a-b (a '-' before ']' is literal).
            if i + 1 < p.count, p[i] == "-", p[i + 1] != "]" {
                i += 1
                var high: Unicode.Scalar
                if p[i] == "\\" {
                    guard case .scalar(let s, _) = try escape(inClass: true) else { throw fail("bad range end") }
                    high = s
                } else {
                    high = p[i]
                    i += 1
                }
                guard low.value <= high.value else { throw fail("reversed range") }
                set.items.append(.range(low.value, high.value))
            } else {
                set.items.append(.scalar(low.value))
            }
        }
        return set
    }

    static let categories: [String: [Unicode.GeneralCategory]] = {
        var m: [String: [Unicode.GeneralCategory]] = [
            "Lu": [.uppercaseLetter], "Ll": [.lowercaseLetter], "Lt": [.titlecaseLetter], "Lm": [.modifierLetter],
            "Lo": [.otherLetter], "Mn": [.nonspacingMark], "Mc": [.spacingMark], "Me": [.enclosingMark],
            "Nd": [.decimalNumber], "Nl": [.letterNumber], "No": [.otherNumber], "Pc": [.connectorPunctuation],
            "Pd": [.dashPunctuation], "Ps": [.openPunctuation], "Pe": [.closePunctuation], "Pi": [.initialPunctuation],
            "Pf": [.finalPunctuation], "Po": [.otherPunctuation], "Sm": [.mathSymbol], "Sc": [.currencySymbol],
            "Sk": [.modifierSymbol], "So": [.otherSymbol], "Zs": [.spaceSeparator], "Zl": [.lineSeparator],
            "Zp": [.paragraphSeparator], "Cc": [.control], "Cf": [.format], "Cs": [.surrogate], "Co": [.privateUse],
            "Cn": [.unassigned],
        ]
        for group in ["L", "M", "N", "P", "S", "Z", "C"] {
            m[group] = m.filter { $0.key.count == 2 && $0.key.hasPrefix(group) }.flatMap(\.value)
        }
        m["L&"] = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]
        m["Letter"] = m["L"]; m["Number"] = m["N"]; m["Mark"] = m["M"]; m["Punctuation"] = m["P"]
        m["Symbol"] = m["S"]; m["Separator"] = m["Z"]; m["Other"] = m["C"]
        return m
    }()
}
