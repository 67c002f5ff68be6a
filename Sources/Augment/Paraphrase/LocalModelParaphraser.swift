import Foundation
import Model

/// The `local` paraphrase backend: a LLaMA-family model run in-process (SmolLM2-135M-Instruct
/// by default, any GGUF or Hugging Face LLaMA checkpoint by path) asked for K rewrites as a
/// numbered list, parsed with `RewriteListParser`. Sampling is seeded per request (seed, source
/// text, attempt), so a run is reproducible; when the answer holds fewer distinct rewrites than
/// asked, it asks again with the next attempt's seed. The quality gate still judges every rewrite.
public struct LocalModelParaphraser: Paraphraser {
    public let languageModel: LanguageModel
    public let seed: UInt64
    /// Attempts per request at most (each a fresh sample).
    public let attempts: Int
    public let temperature: Float
    public let topP: Float
    public let maxNewTokens: Int
    public var backend: String { "local" }
    public var model: String? { (languageModel.path as NSString).lastPathComponent }

    public init(languageModel: LanguageModel, seed: UInt64 = 0, attempts: Int = 3, temperature: Float = 0.7,
                topP: Float = 0.9, maxNewTokens: Int = 160) {
        self.languageModel = languageModel
        self.seed = seed
        self.attempts = max(1, attempts)
        self.temperature = temperature
        self.topP = topP
        self.maxNewTokens = maxNewTokens
    }

    /// Loads the model at `path` (GGUF file, folder holding one, or Hugging Face folder).
    public init(modelPath path: String, seed: UInt64 = 0) throws {
        let lm: LanguageModel
        do {
            lm = try LanguageModel.load(path: path)
        } catch {
            throw AugmentError.unavailableBackend(name: "local", reason: "cannot load \(path): \(error)")
        }
        self.init(languageModel: lm, seed: seed)
    }

    /// The chat messages for `request`: short, concrete instructions and one worked example, which
    /// a 135M model follows far better than rules alone (without the example it tends to answer
    /// the question instead of rewriting it).
    public static func messages(for request: ParaphraseRequest) -> [ChatMessage] {
        let text = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let unit = text.hasSuffix("?") ? "question" : request.isSentence ? "sentence" : "phrase"
        var rule = "Rewrite the \(unit) below in \(request.count) different ways. Each rewrite must be a \(unit) that refers to "
            + "the same object" + (unit == "question" ? ", without answering it" : "")
        if request.kind == "reasoning", !request.targetClassNames.isEmpty {
            rule += " and without naming the answer (\(request.targetClassNames.joined(separator: ", ")))"
        }
        rule += ". Keep [SEG] and <image> unchanged if present. Answer with a numbered list only."
        let example: String
        switch unit {
        case "question":
            example = "Example question: What can I sit on at the table?\n1. Which object at the table is meant for sitting?\n"
                + "2. What would you sit on while eating at the table?"
        case "sentence":
            example = "Example sentence: Find the thing people sit on at the table.\n1. Find the object meant for sitting at the table.\n"
                + "2. Show what people sit on while eating at the table."
        default:
            example = "Example phrase: the thing you sit on at the table\n1. the object meant for sitting at the table\n"
                + "2. what people sit on while eating"
        }
        return [.system("You rewrite \(unit)s for an image dataset."),
                .user("\(rule)\n\n\(example)\n\n\(unit.prefix(1).uppercased() + unit.dropFirst()): \(text)")]
    }

    /// The prompt text: the chat template with the assistant's answer begun at "1." so the model
    /// continues a numbered list.
    func prompt(for request: ParaphraseRequest) -> String {
        languageModel.template.render(Self.messages(for: request)) + (languageModel.template.isChatML ? "1." : " 1.")
    }

    public func paraphrase(_ requests: [ParaphraseRequest]) async -> [Result<[String], AugmentError>] {
        requests.map { request in
            do { return .success(try rewrite(request)) } catch let error as AugmentError {
                return .failure(error)
            } catch {
                return .failure(.backend(name: "local", reason: "\(error)"))
            }
        }
    }

    /// Up to `request.count` distinct rewrites (possibly fewer when the model does not produce them).
    public func rewrite(_ request: ParaphraseRequest) throws -> [String] {
        if request.count <= 0 { return [] }
        let prompt = prompt(for: request)
        let promptIDs = languageModel.tokenizer.encode(prompt).ids
        var found: [String] = []
        for attempt in 0..<attempts {
            var options = GenerationOptions(maxNewTokens: maxNewTokens, temperature: temperature, topP: topP,
                                            seed: Self.mix(seed, request.text, attempt))
            options = languageModel.chatOptions(options)
            let result = try languageModel.generator.generate(promptIDs: promptIDs, options: options)
            let parsed = RewriteListParser.parse("1." + result.text, source: request.text, limit: request.count)
            let known = Set(found.map(TextNormalization.normalized))
            found += parsed.filter { !known.contains(TextNormalization.normalized($0)) }
            if found.count >= request.count { break }
        }
        return Array(found.prefix(request.count))
    }

    /// A per-request seed: FNV-1a of the text mixed with the run's seed and the attempt.
    static func mix(_ seed: UInt64, _ text: String, _ attempt: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h ^ (UInt64(attempt) &* 0x9E37_79B9_7F4A_7C15)
    }
}
