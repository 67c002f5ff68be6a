/// The parsed form of a `ScalarRegex`.
indirect enum RegexNode: Sendable {
    case empty
    case scalar(Unicode.Scalar, caseInsensitive: Bool)
    case set(ScalarSet)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    case lookahead(RegexNode, negative: Bool)
    case lineStart
    case lineEnd

    /// True when the node always consumes exactly one scalar (repetitions of it need no recursion).
    var isSingleScalar: Bool {
        switch self {
        case .scalar, .set: true
        default: false
        }
    }
}

/// A set of scalars: a bracket expression, a class escape (`\s`, `\p{L}` …) or `.`.
struct ScalarSet: Sendable {
    enum Item: Sendable {
        case scalar(UInt32)
        case range(UInt32, UInt32)
        case whitespace(negated: Bool)
        case digit(negated: Bool)
        /// `\w` / `\W`; `latin1Table` for the escape outside brackets (see `isOnigRegexWord`).
        case word(negated: Bool, latin1Table: Bool)
        case categories([Unicode.GeneralCategory], negated: Bool)
        case anyButNewline
        case nested(ScalarSet)
    }

    var items: [Item]
    var negated: Bool
    var caseInsensitive: Bool

    func contains(_ c: Unicode.Scalar) -> Bool {
        var hit = containsExactly(c)
        if !hit, caseInsensitive {
            let lower = RegexMatcher.fold(c)
            if lower != c { hit = containsExactly(lower) }
            if !hit, let upper = RegexMatcher.upper(c), upper != c { hit = containsExactly(upper) }
        }
        return hit != negated
    }

    private func containsExactly(_ c: Unicode.Scalar) -> Bool {
        for item in items {
            switch item {
            case .scalar(let v): if c.value == v { return true }
            case .range(let a, let b): if c.value >= a && c.value <= b { return true }
            case .whitespace(let neg): if UnicodeClasses.isWhitespace(c) != neg { return true }
            case .digit(let neg):
                let d = c.value < 0x80 ? (0x30...0x39).contains(c.value) : c.properties.generalCategory == .decimalNumber
                if d != neg { return true }
            case .word(let neg, let latin1): if UnicodeClasses.isOnigRegexWord(c, latin1Table: latin1) != neg { return true }
            case .categories(let cats, let neg):
                if cats.contains(c.properties.generalCategory) != neg { return true }
            case .anyButNewline: if c != "\n" { return true }
            case .nested(let set): if set.contains(c) { return true }
            }
        }
        return false
    }
}
