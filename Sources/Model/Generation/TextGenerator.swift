/// Generates text with a `LlamaModel`: one prefill over the prompt, then one decode step per
/// token against the KV cache, stopping at a stop token, a stop string or `maxNewTokens`.
/// Tokens can be streamed as text as they come (UTF-8 safe, stop strings never shown).
public struct TextGenerator: Sendable {
    public let model: LlamaModel
    public let tokenizer: Tokenizer

    public init(model: LlamaModel, tokenizer: Tokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Why generation ended.
    public enum FinishReason: String, Sendable, Codable {
        case stopToken = "stop_token"
        case stopString = "stop_string"
        case maxTokens = "max_tokens"
    }

    public struct Result: Sendable {
        /// Generated ids (a final stop token is not included; tokens after a stop string are).
        public var tokens: [Int]
        /// Decoded text, cut before the stop string when one ended generation.
        public var text: String
        public var finishReason: FinishReason
        public var promptTokenCount: Int
        /// Wall time of the prompt's forward pass and of the decode steps.
        public var prefillSeconds: Double
        public var decodeSeconds: Double
    }

    /// Encodes `prompt` with the tokenizer (its special tokens included) and generates.
    public func generate(prompt: String, options: GenerationOptions, onText: ((String) -> Void)? = nil) throws -> Result {
        try generate(promptIDs: tokenizer.encode(prompt).ids, options: options, onText: onText)
    }

    /// Generates a continuation of `promptIDs`; `onText` receives each newly completed piece of text.
    public func generate(promptIDs: [Int], options: GenerationOptions, onText: ((String) -> Void)? = nil) throws -> Result {
        guard !promptIDs.isEmpty else { throw ModelError.invalidInput(reason: "generate: the prompt has no tokens") }
        guard options.maxNewTokens >= 0 else { throw ModelError.invalidInput(reason: "generate: maxNewTokens must not be negative") }
        let clock = ContinuousClock()
        var cache = model.makeCache(reserve: promptIDs.count + options.maxNewTokens)
        let start = clock.now
        var output = try model.forward(promptIDs, cache: &cache, logits: .last)
        let prefill = clock.now - start
        var sampler = TokenSampler(options: options)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        let stops = StopStrings(options.stopStrings)
        var tokens: [Int] = []
        var streamed = 0
        var finalText: [Unicode.Scalar]?
        var reason = FinishReason.maxTokens
        let decodeStart = clock.now
        for step in 0..<options.maxNewTokens {
            guard let logits = output.logits else { break }
            let id = sampler.next(logits)
            if options.stopTokenIDs.contains(id) { reason = .stopToken; break }
            tokens.append(id)
            _ = detokenizer.append(id)
            let text = Array(detokenizer.text.unicodeScalars)
            if let cut = stops.firstMatch(in: text) {
                finalText = Array(text[..<cut])
                reason = .stopString
                break
            }
            if let onText {
                var safe = text.count - stops.heldBackCount(text)
                while safe > streamed, text[safe - 1] == "\u{FFFD}" { safe -= 1 }
                if safe > streamed {
                    onText(String(String.UnicodeScalarView(text[streamed..<safe])))
                    streamed = safe
                }
            }
            if step + 1 == options.maxNewTokens { break }
            output = try model.forward([id], cache: &cache, logits: .last)
        }
        let decode = clock.now - decodeStart
        let text = finalText ?? Array(detokenizer.text.unicodeScalars)
        if let onText, text.count > streamed {
            onText(String(String.UnicodeScalarView(text[streamed...])))
        }
        return Result(tokens: tokens, text: String(String.UnicodeScalarView(text)), finishReason: reason,
                      promptTokenCount: promptIDs.count, prefillSeconds: Self.seconds(prefill), decodeSeconds: Self.seconds(decode))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
