/// Picks the next token from a row of logits: argmax, or a draw after temperature, top-k and
/// top-p filtering (the order of Hugging Face's `TemperatureLogitsWarper`, `TopKLogitsWarper`,
/// `TopPLogitsWarper`), driven by a seeded generator.
public struct TokenSampler: Sendable {
    public let options: GenerationOptions
    private var random: SeededRandom

    public init(options: GenerationOptions) {
        self.options = options
        random = SeededRandom(seed: options.seed)
    }

    /// The index of the largest value (the first one on ties, as `torch.argmax`).
    public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for i in logits.indices where logits[i] > bestValue {
            bestValue = logits[i]
            best = i
        }
        return best
    }

    /// The next token for `logits` (one row over the vocabulary).
    public mutating func next(_ logits: UnsafeBufferPointer<Float>) -> Int {
        if options.isGreedy || logits.count <= 1 { return Self.argmax(logits) }
        let t = options.temperature
        // Candidates sorted by logit, best first; top-k cuts the list.
        var order = Array(0..<logits.count)
        order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        if options.topK > 0 && options.topK < order.count { order.removeSubrange(options.topK...) }
        let top = logits[order[0]] / t
        var probs = order.map { Double(FastMath.exp(logits[$0] / t - top)) }
        var sum = probs.reduce(0, +)
        if options.topP < 1 {
            // Keep the smallest prefix whose mass reaches topP (at least one token).
            var kept = 0
            var mass = 0.0
            while kept < probs.count {
                mass += probs[kept] / sum
                kept += 1
                if mass >= Double(options.topP) { break }
            }
            probs.removeSubrange(kept...)
            order.removeSubrange(kept...)
            sum = probs.reduce(0, +)
        }
        var u = random.nextUnit() * sum
        for (i, p) in probs.enumerated() {
            u -= p
            if u < 0 { return order[i] }
        }
        return order[probs.count - 1]
    }

    /// The next token for a [1, vocab] or [vocab] logits tensor.
    public mutating func next(_ logits: Tensor) -> Int {
        logits.withUnsafeFloats { next($0) }
    }
}
