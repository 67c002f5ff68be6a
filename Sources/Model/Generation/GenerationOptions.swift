/// How `TextGenerator` picks tokens and when it stops.
public struct GenerationOptions: Sendable, Equatable {
    /// Upper bound on generated tokens.
    public var maxNewTokens: Int = 256
    /// 0 (or less) picks the most likely token (greedy); above 0 samples from softmax(logits / T).
    public var temperature: Float = 0
    /// Sample among the `topK` most likely tokens only (0: no limit).
    public var topK: Int = 0
    /// Sample among the smallest set of tokens whose probabilities reach `topP` (1: no limit).
    public var topP: Float = 1
    /// Seed of the sampling generator: the same seed, prompt and model give the same tokens.
    public var seed: UInt64 = 0
    /// Token ids that end generation (not part of the returned text); typically end-of-sequence.
    public var stopTokenIDs: Set<Int> = []
    /// Strings that end generation when they appear in the text (cut off, not returned).
    public var stopStrings: [String] = []

    public init(maxNewTokens: Int = 256, temperature: Float = 0, topK: Int = 0, topP: Float = 1, seed: UInt64 = 0,
                stopTokenIDs: Set<Int> = [], stopStrings: [String] = []) {
        self.maxNewTokens = maxNewTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.seed = seed
        self.stopTokenIDs = stopTokenIDs
        self.stopStrings = stopStrings
    }

    /// True when tokens are chosen by argmax.
    public var isGreedy: Bool { temperature <= 0 || topK == 1 }
}
