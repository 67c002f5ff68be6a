import ArgumentParser
import Foundation
import Model

/// The `--model` / sampling options shared by `generate` and `chat`.
struct LanguageModelOptions: ParsableArguments {
    @Option(help: "A LLaMA-family model: a GGUF file or a Hugging Face folder (default: SmolLM2-135M-Instruct in $LISAKIT_MODELS, else ./models).")
    var model: String?

    @Option(help: "Chat format: auto (from the model), chatml or llava_v1.")
    var template: TemplateChoice = .auto

    @Option(help: "Largest number of tokens to generate.")
    var maxTokens = 256

    @Option(help: "Sampling temperature; 0 picks the most likely token (greedy).")
    var temperature: Float = 0

    @Option(help: "Sample among the K most likely tokens (0: all).")
    var topK = 0

    @Option(help: "Sample among the most likely tokens whose probabilities add up to P.")
    var topP: Float = 1

    @Option(help: "Seed for sampling (the same seed gives the same text).")
    var seed: UInt64 = 0

    @Option(help: "Stop when this text appears (repeatable).")
    var stop: [String] = []

    enum TemplateChoice: String, ExpressibleByArgument, CaseIterable { case auto, chatml, llava_v1 }

    func validate() throws {
        if maxTokens < 0 { throw ValidationError("--max-tokens must not be negative") }
        if temperature < 0 { throw ValidationError("--temperature must not be negative") }
        if topK < 0 { throw ValidationError("--top-k must not be negative") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    /// The generation options these flags describe (stops of the chat template are added by the caller).
    var generationOptions: GenerationOptions {
        GenerationOptions(maxNewTokens: maxTokens, temperature: temperature, topK: topK, topP: topP, seed: seed,
                          stopStrings: stop)
    }

    /// Loads the model (the default SmolLM2 when `--model` is absent) with the chosen template.
    func load() throws -> LanguageModel {
        let path = try model ?? Self.defaultModelPath()
        var loaded = try LanguageModel.load(path: path)
        switch template {
        case .auto: break
        case .chatml: loaded = loaded.with(template: .chatML(defaultSystem: nil))
        case .llava_v1: loaded = loaded.with(template: .llavaV1(system: ChatTemplate.llavaV1System))
        }
        return loaded
    }

    /// SmolLM2-135M-Instruct as `make models` installs it.
    static func defaultModelPath() throws -> String {
        let root = ProcessInfo.processInfo.environment["LISAKIT_MODELS"].flatMap { $0.isEmpty ? nil : $0 } ?? "./models"
        let folder = (root as NSString).appendingPathComponent("SmolLM2-135M-Instruct")
        if let path = LanguageModel.findGGUF(in: folder) { return path }
        throw ValidationError("no model given and SmolLM2-135M-Instruct is not installed in \(folder) (run `make models`, or pass --model PATH)")
    }
}
