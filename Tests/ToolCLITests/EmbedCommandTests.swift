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
        #expect(decoded["gemm"] as? String == GEMMKernel.current.description)
    }

    /// `LISAKIT_SIMD` picks the matrix-product kernel per process: each level this CPU has
    /// (OpenBLAS under `baseline`) reports itself in `--json` and gives the same embeddings.
    @Test(.enabled(if: EmbedCommandTests.installed, "all-MiniLM-L6-v2 not installed: run tools/install-models.sh"))
    func everySIMDLevelGivesTheSameEmbeddings() throws {
        var vectors: [[[Double]]] = []
        for kernel in GEMMKernel.available {
            let level = switch kernel {
            case .openBLAS: "baseline"
            case .avx2: "avx2"
            case .avx512: "avx512"
            }
            let r = CLI.run(["embed", "--json", "--model", Self.modelDirectory, "A man is playing a guitar.", "日本語の文です。"],
                            environment: ["LISAKIT_SIMD": level])
            #expect(r.status == 0, "LISAKIT_SIMD=\(level): \(r.stderr)")
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(decoded["gemm"] as? String == kernel.description, "LISAKIT_SIMD=\(level)")
            let items = try #require(decoded["embeddings"] as? [[String: Any]])
            vectors.append(try items.map { try #require($0["vector"] as? [Double]) })
        }
        for (i, run) in vectors.enumerated().dropFirst() {
            for (a, b) in zip(vectors[0], run) {
                let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(a.count == 384 && dot > 0.99999, "kernel \(GEMMKernel.available[i]) vs OpenBLAS: cosine \(dot)")
            }
        }
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
