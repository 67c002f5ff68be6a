/// Padding settings (the `padding` section of `tokenizer.json`).
public struct Padding: Sendable, Equatable {
    public enum Direction: Sendable, Equatable { case left, right }
    public enum Strategy: Sendable, Equatable {
        /// Pad every encoding of a batch to the longest one.
        case batchLongest
        /// Pad to a fixed length.
        case fixed(Int)
    }

    public var strategy: Strategy
    public var direction: Direction
    public var padToMultipleOf: Int?
    public var padId: Int
    public var padTypeId: Int
    public var padToken: String

    /// Largest padding length accepted from a file (a guard against absurd allocations).
    public static let maxLength = 1 << 20

    public init(strategy: Strategy = .batchLongest, direction: Direction = .right, padToMultipleOf: Int? = nil,
                padId: Int = 0, padTypeId: Int = 0, padToken: String = "[PAD]") {
        self.strategy = strategy
        self.direction = direction
        self.padToMultipleOf = padToMultipleOf
        self.padId = padId
        self.padTypeId = padTypeId
        self.padToken = padToken
    }

    static func parse(_ node: JSONNode) throws(TokenizerError) -> Padding {
        var p = Padding()
        if let s = try node.optional("strategy") {
            if case .string(let name) = s.value {
                guard name == "BatchLongest" else { throw s.unsupported("padding strategy '\(name)'") }
                p.strategy = .batchLongest
            } else if let fixed = try s.optional("Fixed") {
                let n = try fixed.int()
                guard (0...Padding.maxLength).contains(n) else { throw fixed.invalid("padding length \(n) outside 0...\(Padding.maxLength)") }
                p.strategy = .fixed(n)
            } else {
                throw s.invalid("expected \"BatchLongest\" or {\"Fixed\": n}")
            }
        }
        if let d = try node.optional("direction") {
            switch try d.string() {
            case "Right": p.direction = .right
            case "Left": p.direction = .left
            case let other: throw d.unsupported("padding direction '\(other)'")
            }
        }
        if let m = try node.optional("pad_to_multiple_of") {
            let n = try m.int()
            guard (0...Padding.maxLength).contains(n) else { throw m.invalid("pad_to_multiple_of \(n) outside 0...\(Padding.maxLength)") }
            p.padToMultipleOf = n
        }
        p.padId = try node.int("pad_id", default: 0)
        p.padTypeId = try node.int("pad_type_id", default: 0)
        p.padToken = try node.optionalString("pad_token") ?? "[PAD]"
        return p
    }

    /// Pads a batch in place.
    func apply(_ encodings: inout [Encoding]) {
        guard !encodings.isEmpty else { return }
        var length: Int
        switch strategy {
        case .fixed(let n): length = n
        case .batchLongest: length = encodings.map(\.count).max() ?? 0
        }
        if let m = padToMultipleOf, m > 0, length % m > 0 { length += m - length % m }
        for i in encodings.indices { encodings[i].pad(to: length, with: self) }
    }
}
