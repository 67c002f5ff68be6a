import Foundation
import Model

/// A sentence-transformers encoder (all-MiniLM-L6-v2 by default) as the quality gate's
/// embedder: similarities here reflect meaning, so the gate can judge drift and specificity.
public struct MiniLMEmbedder: SentenceEmbedder {
    public let encoder: SentenceEncoder
    public var name: String { encoder.name }
    /// Rewrites of one instruction score 0.75–0.95 with all-MiniLM-L6-v2; a different request
    /// about the same scene falls to 0.3–0.6.
    public let driftThreshold: Float
    /// Above this, two texts say the same thing in nearly the same words.
    public let duplicateThreshold: Float
    public var capturesMeaning: Bool { true }

    public init(encoder: SentenceEncoder, driftThreshold: Float = 0.7, duplicateThreshold: Float = 0.985) {
        self.encoder = encoder
        self.driftThreshold = driftThreshold
        self.duplicateThreshold = duplicateThreshold
    }

    public func embed(_ texts: [String]) throws -> [[Float]] { try encoder.embed(texts) }

    /// The folder models are installed in: `$LISAKIT_MODELS`, else `./models`.
    public static func modelsDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let folder = environment["LISAKIT_MODELS"], !folder.isEmpty { return folder }
        return "models"
    }

    /// The installed all-MiniLM-L6-v2 (`make models`), or nil when it is not installed.
    public static func installed(modelsDirectory: String = modelsDirectory()) throws -> MiniLMEmbedder? {
        let folder = (modelsDirectory as NSString).appendingPathComponent("all-MiniLM-L6-v2")
        guard FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("model.safetensors")) else { return nil }
        return MiniLMEmbedder(encoder: try SentenceEncoder(directory: folder))
    }
}
