import Foundation
import Model

/// Samples a numbered list of short texts from an in-process language model: the prompt is the
/// chat template with the assistant's answer begun at "1." (small models follow a started list far
/// better than a format rule), the answer is read with `RewriteListParser`, and sampling is seeded
/// per item (run seed, item key, attempt) so a run is reproducible; while the answer holds fewer
/// distinct entries than asked, it samples again with the next attempt's seed. Shared by the
/// `local` paraphrase backend and the `local` query writer.
public struct LocalListSampler: Sendable {
    public let languageModel: LanguageModel
    public let seed: UInt64
    /// Samples per list at most (each a fresh seed).
    public let attempts: Int
    public let temperature: Float
    public let topP: Float
    public let maxNewTokens: Int

    public init(languageModel: LanguageModel, seed: UInt64 = 0, attempts: Int = 3, temperature: Float = 0.7,
                topP: Float = 0.9, maxNewTokens: Int = 160) {
        self.languageModel = languageModel
        self.seed = seed
        self.attempts = max(1, attempts)
        self.temperature = temperature
        self.topP = topP
        self.maxNewTokens = maxNewTokens
    }

    /// Loads the model at `path` (GGUF file, folder holding one, or Hugging Face folder) with the
    /// default sampling settings; a model that cannot be loaded is an unavailable `local` backend.
    public init(modelPath path: String, seed: UInt64 = 0) throws(AugmentError) {
        let lm: LanguageModel
        do {
            lm = try LanguageModel.load(path: path)
        } catch {
            throw .unavailableBackend(name: "local", reason: "cannot load \(path): \(error)")
        }
        self.init(languageModel: lm, seed: seed)
    }

    /// The model file's name (for the report's `model`).
    public var modelName: String { (languageModel.path as NSString).lastPathComponent }

    /// The prompt text for `messages`, ending in the "1." that starts the list.
    public func prompt(_ messages: [ChatMessage]) -> String {
        languageModel.template.render(messages) + (languageModel.template.isChatML ? "1." : " 1.")
    }

    /// Up to `count` distinct entries, sampled with seeds derived from `key`: none equal to an
    /// `exclude` text after normalization (the source, a prompt's worked example, which small
    /// models like to copy) and each one accepted by `keep`.
    public func sample(_ messages: [ChatMessage], key: String, exclude: [String], count: Int,
                       keep: (String) -> Bool = { _ in true }) throws -> [String] {
        if count <= 0 { return [] }
        let promptIDs = languageModel.tokenizer.encode(prompt(messages)).ids
        var found: [String] = []
        for attempt in 0..<attempts {
            var options = GenerationOptions(maxNewTokens: maxNewTokens, temperature: temperature, topP: topP,
                                            seed: Self.mix(seed, key, attempt))
            options = languageModel.chatOptions(options)
            let result = try languageModel.generator.generate(promptIDs: promptIDs, options: options)
            let parsed = RewriteListParser.parse("1." + result.text, source: exclude.first ?? "", limit: count + exclude.count)
            var known = Set((found + exclude).map(TextNormalization.normalized))
            for item in parsed where found.count < count && keep(item) && known.insert(TextNormalization.normalized(item)).inserted {
                found.append(item)
            }
            if found.count >= count { break }
        }
        return Array(found.prefix(count))
    }

    /// A per-item seed: FNV-1a of the key mixed with the run's seed and the attempt.
    static func mix(_ seed: UInt64, _ key: String, _ attempt: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h ^ (UInt64(attempt) &* 0x9E37_79B9_7F4A_7C15)
    }
}
