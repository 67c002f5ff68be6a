import Foundation
import Testing
import TestSupport
@testable import ToolCLI

/// `lisakit generate` and `lisakit chat` on the tiny transformers-built LLaMA (tied variant).
@Suite("lisakit generate / chat")
struct GenerateCommandTests {
    /// A Hugging Face folder of the tiny model: config, weights and the shared tokenizer.json.
    static func tinyModel() throws -> String {
        let fixtures = repositoryRoot + "/Tests/ModelTests/Fixtures/llama-tiny"
        let dir = NSTemporaryDirectory() + "/lisakit-tiny-llama-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: "\(fixtures)/tied/\(name)", toPath: "\(dir)/\(name)")
        }
        try FileManager.default.copyItem(atPath: "\(fixtures)/tokenizer.json", toPath: "\(dir)/tokenizer.json")
        return dir
    }

    struct Expected: Decodable {
        struct Case: Decodable { var prompt: String; var greedy: [Int] }
        var cases: [Case]
    }

    @Test func parsesAndValidatesOptions() throws {
        let c = try GenerateCommand.parse(["hi", "--model", "/m", "--max-tokens", "5", "--temperature", "0.7", "--top-p", "0.9",
                                           "--seed", "4", "--chat", "--json", "--stop", "</s>"])
        #expect(c.prompt == "hi" && c.chat && c.json && c.options.model == "/m" && c.options.generationOptions.maxNewTokens == 5)
        #expect(c.options.generationOptions.seed == 4 && c.options.stop == ["</s>"])
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["hi", "--top-p", "0"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["hi", "--temperature", "-1"]) }
    }

    @Test func generatesTheGreedyTokensAsJSON() throws {
        let dir = try Self.tinyModel()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/Tests/ModelTests/Fixtures/llama-tiny/tied/expected.json"))
        let c = try JSONDecoder().decode(Expected.self, from: data).cases[0]
        let r = CLI.run(["generate", "--model", dir, c.prompt, "--max-tokens", "6", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["tokens"] as? [Int] == Array(c.greedy.prefix(6)))
        #expect(object["finish_reason"] as? String == "max_tokens" && object["generated_tokens"] as? Int == 6)
        // Streaming prints the same text the JSON holds.
        let streamed = CLI.run(["generate", "--model", dir, c.prompt, "--max-tokens", "6"])
        #expect(streamed.status == 0 && streamed.stdout == (object["text"] as? String ?? "") + "\n")
    }

    @Test func chatReadsTurnsFromStdin() throws {
        let dir = try Self.tinyModel()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // sh feeds two turns (and /reset) to lisakit's stdin; "$0" is the lisakit binary.
        let r = CLI.run(["chat", "--model", dir, "--max-tokens", "3"],
                        prefix: ["/bin/sh", "-c", "printf 'hello\\n/reset\\nsegment the cup\\n/exit\\nnever read\\n' | \"$0\" \"$@\""])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).count >= 3)
    }

    @Test func missingModelIsOneClearLine() {
        let r = CLI.run(["generate", "--model", "/nonexistent/model.gguf", "hi"])
        #expect(r.status != 0 && r.stderr.contains("/nonexistent/model.gguf"))
        let none = CLI.run(["generate", "hi"], environment: ["LISAKIT_MODELS": "/nonexistent"])
        #expect(none.status != 0 && none.stderr.contains("make models"))
    }
}
