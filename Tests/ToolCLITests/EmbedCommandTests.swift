import Foundation
import Testing
import Model
@testable import ToolCLI

@Suite("lisakit embed")
struct EmbedCommandTests {
    static let modelDirectory: String = {
        if let env = ProcessInfo.processInfo.environment["LISAKIT_MODELS"], !env.isEmpty {
            return (env as NSString).appendingPathComponent("all-MiniLM-L6-v2")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("models/all-MiniLM-L6-v2").path
    }()
    static var installed: Bool { FileManager.default.fileExists(atPath: modelDirectory + "/model.safetensors") }

    @Test func parsesArguments() throws {
        let c = try EmbedCommand.parse(["a cat", "a dog", "--model", "/m", "--json"])
        #expect(c.texts == ["a cat", "a dog"] && c.model == "/m" && c.json)
        #expect(throws: (any Error).self) { try EmbedCommand.parse([]) }
    }

    @Test func rendersTextAndJSON() throws {
        let v: [[Float]] = [[1, 0], [0.6, 0.8]]
        let text = try EmbedCommand.render(texts: ["x", "y"], vectors: v, model: "m", json: false)
        #expect(text.contains("model m, dimension 2") && text.contains("[1] 0.6000 1.0000"))
        let json = try EmbedCommand.render(texts: ["x", "y"], vectors: v, model: "m", json: true)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(decoded["dimension"] as? Int == 2)
        #expect((decoded["embeddings"] as? [[String: Any]])?.count == 2)
    }

    @Test func missingModelIsAClearError() throws {
        let c = try EmbedCommand.parse(["hello", "--model", "/nonexistent/model"])
        #expect { try c.run() } throws: { "\($0)".contains("/nonexistent/model") }
    }

    @Test(.enabled(if: EmbedCommandTests.installed, "all-MiniLM-L6-v2 not installed: run tools/install-models.sh"))
    func paraphrasesAreCloserThanUnrelatedText() throws {
        let encoder = try SentenceEncoder(directory: Self.modelDirectory)
        let v = try encoder.embed(["A man is playing a guitar.", "Someone plays the guitar.", "The stock market crashed today."])
        let s = EmbedCommand.cosineMatrix(v)
        #expect(s[0][1] > 0.7 && s[0][2] < 0.3, "similarities \(s)")
    }
}
