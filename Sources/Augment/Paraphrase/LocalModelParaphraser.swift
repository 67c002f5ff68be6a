import Foundation
import Model

/// The `local` paraphrase backend: a LLaMA-family model run in-process (SmolLM2-135M-Instruct
/// by default, any GGUF or Hugging Face LLaMA checkpoint by path) asked for K rewrites as a
/// numbered list (`LocalListSampler`: seeded per source text, sampled again while short). The
/// quality gate still judges every rewrite.
public struct LocalModelParaphraser: Paraphraser {
    /// The model, seed and sampling settings (shared with the local query writer).
    public let sampler: LocalListSampler
    public var languageModel: LanguageModel { sampler.languageModel }
    public var backend: String { "local" }
    public var model: String? { sampler.modelName }

    public init(languageModel: LanguageModel, seed: UInt64 = 0, attempts: Int = 3, temperature: Float = 0.7,
                topP: Float = 0.9, maxNewTokens: Int = 160) {
        sampler = LocalListSampler(languageModel: languageModel, seed: seed, attempts: attempts, temperature: temperature,
                                   topP: topP, maxNewTokens: maxNewTokens)
    }

    /// The paraphraser over an already configured sampler (`LocalListSampler(modelPath:seed:)`).
    public init(sampler: LocalListSampler) { self.sampler = sampler }

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
        try sampler.sample(Self.messages(for: request), key: request.text, exclude: [request.text], count: request.count)
    }
}
