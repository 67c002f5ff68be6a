/// Truncation settings (the `truncation` section of `tokenizer.json`).
public struct Truncation: Sendable, Equatable {
    public enum Direction: Sendable, Equatable { case left, right }
    public enum Strategy: Sendable, Equatable { case longestFirst, onlyFirst, onlySecond }

    /// Maximum number of tokens, special tokens included.
    public var maxLength: Int
    public var strategy: Strategy
    public var direction: Direction

    public init(maxLength: Int, strategy: Strategy = .longestFirst, direction: Direction = .right) {
        self.maxLength = maxLength
        self.strategy = strategy
        self.direction = direction
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> Truncation {
        let maxLength = try node.required("max_length").int()
        guard maxLength >= 0 else { throw try node.required("max_length").invalid("must not be negative") }
        var t = Truncation(maxLength: maxLength)
        if let s = try node.optional("strategy") {
            switch try s.string() {
            case "LongestFirst": t.strategy = .longestFirst
            case "OnlyFirst": t.strategy = .onlyFirst
            case "OnlySecond": t.strategy = .onlySecond
            case let other: throw s.unsupported("truncation strategy '\(other)'")
            }
        }
        if let d = try node.optional("direction") {
            switch try d.string() {
            case "Right": t.direction = .right
            case "Left": t.direction = .left
            case let other: throw d.unsupported("truncation direction '\(other)'")
            }
        }
        // `stride` only produces overflow windows, which this implementation does not return.
        return t
    }

    /// Truncates the encodings of a sequence (and optional pair) to `maxLength` tokens in all.
    func apply(_ a: inout Encoding, _ b: inout Encoding?, maxLength: Int) {
        if maxLength == 0 {
            a.truncate(to: 0, direction: direction)
            b?.truncate(to: 0, direction: direction)
            return
        }
        let total = a.count + (b?.count ?? 0)
        guard total > maxLength else { return }
        let toRemove = total - maxLength
        switch strategy {
        case .longestFirst:
            if var second = b {
                var n1 = a.count, n2 = second.count
                let swap = n1 > n2
                if swap { (n1, n2) = (n2, n1) }
                n2 = n1 > maxLength ? n1 : max(n1, maxLength - n1)
                if n1 + n2 > maxLength {
                    n1 = maxLength / 2
                    n2 = n1 + maxLength % 2
                }
                if swap { (n1, n2) = (n2, n1) }
                a.truncate(to: n1, direction: direction)
                second.truncate(to: n2, direction: direction)
                b = second
            } else {
                a.truncate(to: total - toRemove, direction: direction)
            }
        case .onlyFirst:
            if a.count > toRemove { a.truncate(to: a.count - toRemove, direction: direction) }
        case .onlySecond:
            if var second = b, second.count > toRemove {
                second.truncate(to: second.count - toRemove, direction: direction)
                b = second
            }
        }
    }
}
