import ArgumentParser
import Augment
import DatasetStore
import Foundation
import Model

/// The model backend of `paraphrase` and `write-queries`, and the embedder of the quality gate.
struct BackendOptions: ParsableArguments {
    enum Backend: String, ExpressibleByArgument, CaseIterable {
        case rules, openai, local
    }

    @Option(help: "Backend: rules (offline, deterministic), openai (any OpenAI-compatible server), local (in-process model).")
    var backend: Backend = .rules

    @Option(help: "Base URL of the OpenAI-compatible server (openai backend), e.g. http://127.0.0.1:8000/v1.")
    var baseURL: String = "https://api.openai.com/v1"

    @Option(help: "Model name sent to the server (openai) or model path (local).")
    var model: String?

    @Option(help: "Environment variable holding the API key (openai).")
    var apiKeyEnv: String = "OPENAI_API_KEY"

    @Option(help: "Requests in flight at once (openai).")
    var concurrency = 4

    @Option(help: "Attempts per request, retrying on 429, 5xx, timeouts and malformed answers (openai).")
    var attempts = 4

    @Option(help: "Seconds before a request times out (openai).")
    var timeout: Double = 60

    @Option(help: "Seed of the rules and local backends.")
    var seed: UInt64 = 0

    func client(store: DatasetStore) throws -> OpenAIChatClient {
        guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https" else {
            throw ValidationError("--base-url must be an http(s) URL, got \(baseURL)")
        }
        guard let model, !model.isEmpty else { throw ValidationError("the openai backend needs --model NAME") }
        let key = ProcessInfo.processInfo.environment[apiKeyEnv]
        return OpenAIChatClient(configuration: .init(baseURL: url, model: model, apiKey: key, maxConcurrentRequests: concurrency,
                                                     maxAttempts: attempts, timeout: timeout),
                                cache: ResponseCache(store: store))
    }

    /// The in-process model of the local backend: --model PATH, else SmolLM2-135M-Instruct as
    /// `make models` installs it.
    func localSampler() throws -> LocalListSampler {
        let path: String
        if let model, !model.isEmpty {
            path = model
        } else if let installed = try? LanguageModelOptions.defaultModelPath() {
            path = installed
        } else {
            throw AugmentError.unavailableBackend(name: "local", reason: "SmolLM2-135M-Instruct is not installed (run `make models`) "
                + "and no --model PATH to a LLaMA-family GGUF file or Hugging Face folder was given")
        }
        return try LocalListSampler(modelPath: path, seed: seed)
    }

    func paraphraser(store: DatasetStore) throws -> any Paraphraser {
        switch backend {
        case .rules: return RulesParaphraser(seed: seed)
        case .openai: return OpenAIParaphraser(client: try client(store: store))
        case .local: return LocalModelParaphraser(sampler: try localSampler())
        }
    }

    func queryWriter(store: DatasetStore) throws -> any QueryWritingBackend {
        switch backend {
        case .rules: return RulesQueryWriter(seed: seed)
        case .openai: return OpenAIQueryWriter(client: try client(store: store))
        case .local: return LocalQueryWriter(sampler: try localSampler())
        }
    }
}

/// Which sentence embedder judges similarity (the quality gate, near-duplicates across splits).
struct EmbedderOptions: ParsableArguments {
    enum Choice: String, ExpressibleByArgument, CaseIterable { case auto, minilm, hashing }

    @Option(help: "Sentence embedder: minilm (all-MiniLM-L6-v2, installed by `make models`), hashing (word features, no model), auto (minilm when installed).")
    var embedder: Choice = .auto

    @Option(help: "Folder of installed models (default: $LISAKIT_MODELS, else ./models).")
    var models: String?

    /// The chosen embedder; `auto` falls back to hashing with a note on stderr.
    func make() throws -> any SentenceEmbedder {
        let folder = models ?? MiniLMEmbedder.modelsDirectory()
        switch embedder {
        case .hashing:
            return HashingEmbedder()
        case .minilm:
            guard let encoder = try MiniLMEmbedder.installed(modelsDirectory: folder) else {
                throw ValidationError("all-MiniLM-L6-v2 is not installed in \(folder) (run `make models`, or use --embedder hashing)")
            }
            return encoder
        case .auto:
            if let encoder = try MiniLMEmbedder.installed(modelsDirectory: folder) { return encoder }
            printError("note: all-MiniLM-L6-v2 is not installed in \(folder); using the hashing embedder (run `make models`)")
            return HashingEmbedder()
        }
    }
}

/// The quality gate of `paraphrase` and `write-queries`.
struct GateOptions: ParsableArguments {
    @OptionGroup var embedder: EmbedderOptions

    @Option(help: "Cosine similarity to the source below which a rewrite is rejected as drifted (default: the embedder's).")
    var minSimilarity: Float?

    func gate() throws -> QualityGate {
        QualityGate(embedder: try embedder.make(), driftThreshold: minSimilarity)
    }
}
