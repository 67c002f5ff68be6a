import ArgumentParser
import Foundation
import Model

/// `lisakit embed TEXT...`: sentence embeddings from the MiniLM sentence encoder.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed sentences with the installed sentence encoder (all-MiniLM-L6-v2).",
        discussion: """
        Prints one L2-normalized vector per text and, for several texts, their cosine \
        similarities. The model folder is a sentence-transformers folder (config.json, \
        model.safetensors, tokenizer.json); `make models` installs all-MiniLM-L6-v2 into \
        $LISAKIT_MODELS (default ./models). A TEXT of "-" reads one text per line from stdin.
        """)

    @Argument(help: "Texts to embed (\"-\": one per line from stdin).")
    var texts: [String]

    @Option(help: "Model folder (default: $LISAKIT_MODELS/all-MiniLM-L6-v2, else ./models/all-MiniLM-L6-v2).")
    var model: String?

    @Flag(help: "Print the vectors as JSON.")
    var json = false

    static var defaultModelDirectory: String {
        let root = ProcessInfo.processInfo.environment["LISAKIT_MODELS"].flatMap { $0.isEmpty ? nil : $0 } ?? "./models"
        return (root as NSString).appendingPathComponent("all-MiniLM-L6-v2")
    }

    func validate() throws {
        if texts.isEmpty { throw ValidationError("give at least one TEXT (or \"-\" to read stdin)") }
    }

    func run() throws {
        var inputs: [String] = []
        for text in texts {
            if text == "-" {
                while let line = readLine() { inputs.append(line) }
            } else {
                inputs.append(text)
            }
        }
        let encoder = try SentenceEncoder(directory: model ?? Self.defaultModelDirectory)
        let vectors = try encoder.embed(inputs)
        print(try Self.render(texts: inputs, vectors: vectors, model: encoder.name, json: json))
    }

    struct Output: Encodable {
        struct Item: Encodable { var text: String; var vector: [Float] }
        var model: String
        /// The matrix-product kernel that ran (ours at a SIMD level, or OpenBLAS).
        var gemm: String
        var dimension: Int
        var embeddings: [Item]
        var similarities: [[Float]]
    }

    static func cosineMatrix(_ vectors: [[Float]]) -> [[Float]] {
        vectors.map { a in
            vectors.map { b in
                var dot: Float = 0, na: Float = 0, nb: Float = 0
                for i in a.indices { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i] }
                return dot / max((na * nb).squareRoot(), 1e-12)
            }
        }
    }

    static func render(texts: [String], vectors: [[Float]], model: String, json: Bool,
                       gemm: String = GEMMKernel.current.description) throws -> String {
        let similarities = cosineMatrix(vectors)
        if json {
            let output = Output(model: model, gemm: gemm, dimension: vectors.first?.count ?? 0,
                                embeddings: zip(texts, vectors).map { Output.Item(text: $0, vector: $1) },
                                similarities: similarities)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(output), as: UTF8.self)
        }
        var lines = ["model \(model), dimension \(vectors.first?.count ?? 0), gemm \(gemm)"]
        for (i, (text, v)) in zip(texts, vectors).enumerated() {
            let head = v.prefix(6).map { String(format: "%+.4f", $0) }.joined(separator: " ")
            lines.append("[\(i)] \(text.debugDescription): \(head) …")
        }
        if texts.count > 1 {
            lines.append("cosine similarity")
            for (i, row) in similarities.enumerated() {
                lines.append("[\(i)] " + row.map { String(format: "%.4f", $0) }.joined(separator: " "))
            }
        }
        return lines.joined(separator: "\n")
    }
}
