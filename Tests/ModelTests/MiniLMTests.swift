import Foundation
import Testing
@testable import Model

/// Token ids and sentence-transformers embeddings recorded by tools/minilm_fixtures.py.
struct MiniLMFixture: Decodable {
    var sentences: [String]
    var inputIds: [[Int]]
    var attentionMask: [[Int]]
    var dimension: Int
    enum CodingKeys: String, CodingKey {
        case sentences, dimension
        case inputIds = "input_ids"
        case attentionMask = "attention_mask"
    }

    /// Ids with padding removed (attention mask 0).
    var unpaddedIds: [[Int]] { zip(inputIds, attentionMask).map { ids, mask in zip(ids, mask).filter { $0.1 == 1 }.map(\.0) } }

    var embeddings: [[Float]] = []

    static func load() throws -> MiniLMFixture {
        let dir = try Support.fixtures.appendingPathComponent("minilm")
        var f = try JSONDecoder().decode(MiniLMFixture.self, from: Data(contentsOf: dir.appendingPathComponent("sentences.json")))
        let raw = try Data(contentsOf: dir.appendingPathComponent("embeddings.f32"))
        let count = raw.count / 4
        let values: [Float] = raw.withUnsafeBytes { b in (0..<count).map { Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
        f.embeddings = stride(from: 0, to: values.count, by: f.dimension).map { Array(values[$0..<($0 + f.dimension)]) }
        return f
    }
}

/// Feeds the recorded Hugging Face ids for known texts (stands in for the WordPiece tokenizer).
struct RecordedTokenizer: TextTokenizer {
    let table: [String: [Int]]
    func tokenIDs(for text: String) throws -> [Int] {
        guard let ids = table[text] else { throw ModelError.tokenization(text: text, reason: "not in the recorded fixture") }
        return ids
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices { dot += Double(a[i]) * Double(b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i]) }
    return dot / (na.squareRoot() * nb.squareRoot())
}

@Suite("MiniLM sentence encoder", .serialized)
struct MiniLMTests {
    static let weightsNote: Comment = "all-MiniLM-L6-v2 weights not installed in $LISAKIT_MODELS or ./models: run tools/install-models.sh (make models)"

    @Test func fixtureIsComplete() throws {
        let f = try MiniLMFixture.load()
        #expect(f.sentences.count >= 200)
        #expect(f.inputIds.count == f.sentences.count && f.embeddings.count == f.sentences.count)
        #expect(f.unpaddedIds.contains { $0.count == 256 }, "fixture should exercise truncation")
    }

    @Test(.enabled(if: Support.miniLMInstalled, weightsNote))
    func parityWithSentenceTransformers() throws {
        let f = try MiniLMFixture.load()
        let encoder = try SentenceEncoder(directory: Support.miniLMDirectory.path, tokenizer: nil)
        #expect(encoder.dimension == 384 && encoder.maxSequenceLength == 256 && encoder.pooling == .mean && encoder.normalize)
        let ours = try encoder.embed(tokenIDs: f.unpaddedIds)
        #expect(ours.count == f.sentences.count)
        var worst = (1.0, -1)
        for (i, (a, b)) in zip(ours, f.embeddings).enumerated() {
            let c = cosine(a, b)
            if c < worst.0 { worst = (c, i) }
            #expect(c >= 0.9999, "sentence \(i) \(f.sentences[i].prefix(40).debugDescription): cosine \(c)")
        }
        print("MiniLM parity: \(ours.count) sentences, min cosine \(worst.0) (sentence \(worst.1)), max |Δ| \(zip(ours, f.embeddings).map { Support.maxAbsDifference($0, $1) }.max() ?? 0)")
        for v in ours.prefix(10) {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test(.enabled(if: Support.miniLMInstalled, weightsNote))
    func textAPIThroughTokenizerProtocolAndTruncation() throws {
        let f = try MiniLMFixture.load()
        let ids = f.unpaddedIds
        var table = Dictionary(zip(f.sentences, ids), uniquingKeysWith: { a, _ in a })
        // Give "word " × 300 its untruncated ids: the encoder must truncate like HF does.
        let long = String(repeating: "word ", count: 300)
        let index = try #require(f.sentences.firstIndex(of: long))
        let wordID = ids[index][1]
        table[long] = [ids[index].first!] + [Int](repeating: wordID, count: 300) + [ids[index].last!]
        let encoder = try SentenceEncoder(directory: Support.miniLMDirectory.path, tokenizer: RecordedTokenizer(table: table), batchSize: 7)
        let picks = [index, 0, 5, 35, 31, f.sentences.count - 1]
        let out = try encoder.embed(picks.map { f.sentences[$0] })
        for (k, i) in picks.enumerated() {
            #expect(cosine(out[k], f.embeddings[i]) >= 0.9999, "sentence \(i)")
        }
        // Alone or in a batch, a sentence gets the same vector.
        let alone = try encoder.embed([f.sentences[5]])[0]
        #expect(Support.maxAbsDifference(alone, out[2]) < 1e-5)
        #expect(throws: ModelError.self) { try encoder.embed(["never recorded"]) }
        #expect(throws: ModelError.self) { try encoder.embed(tokenIDs: [[101, 99_999, 102]]) }
        #expect(try encoder.embed([]).isEmpty)
    }

    /// The whole text path: tokenizer.json (WordPiece) → encoder, against sentence-transformers.
    @Test(.enabled(if: Support.miniLMInstalled, weightsNote))
    func endToEndFromText() throws {
        let f = try MiniLMFixture.load()
        let encoder = try SentenceEncoder(directory: Support.miniLMDirectory.path)
        let tokenizer = try #require(encoder.tokenizer)
        let expectedIds = f.unpaddedIds
        var idMismatches = 0
        for (i, text) in f.sentences.enumerated() where encoder.truncate(try tokenizer.tokenIDs(for: text)) != expectedIds[i] {
            idMismatches += 1
            Issue.record("sentence \(i) \(text.prefix(40).debugDescription): ids differ from the Hugging Face tokenizer")
        }
        let ours = try encoder.embed(f.sentences)
        let worst = zip(ours, f.embeddings).map { cosine($0, $1) }.min() ?? 0
        #expect(worst >= 0.9999, "min cosine from text: \(worst)")
        print("MiniLM end to end from text: \(f.sentences.count) sentences, \(idMismatches) id mismatches, min cosine \(worst)")
    }

    @Test(.enabled(if: Support.miniLMInstalled, weightsNote))
    func mismatchedConfigReportsKeys() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("model.safetensors"),
                                                   withDestinationURL: Support.miniLMDirectory.appendingPathComponent("model.safetensors"))
        try #"{"hidden_size":384,"num_hidden_layers":7,"num_attention_heads":12,"intermediate_size":1024}"#
            .write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        do {
            _ = try SentenceEncoder(directory: dir.path, tokenizer: nil)
            Issue.record("loaded a checkpoint that does not match its config")
        } catch let ModelError.checkpointMismatch(_, missing, unused, misshaped) {
            #expect(missing.contains("encoder.layer.6.attention.self.query.weight"))
            #expect(unused.isEmpty)
            #expect(misshaped.contains(.init(key: "encoder.layer.0.intermediate.dense.weight", expected: [1024, 384], found: [1536, 384])))
        }
    }
}

@Suite("BertConfig")
struct BertConfigTests {
    func decode(_ json: String) throws -> BertConfig {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("config.json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        return try BertConfig.load(path: url.path)
    }

    @Test func defaultsFillAbsentFields() throws {
        let c = try decode(#"{"hidden_size":384,"num_attention_heads":12,"hidden_act":"gelu_new"}"#)
        #expect(c.hiddenSize == 384 && c.numHiddenLayers == 12 && c.vocabSize == 30522 && c.layerNormEps == 1e-12)
        #expect(c.activation == .geluTanh)
    }

    @Test func invalidConfigsNameTheProblem() throws {
        #expect { try decode(#"{"hidden_size":100,"num_attention_heads":12}"#) } throws: { "\($0)".contains("not a multiple") }
        #expect { try decode(#"{"hidden_act":"swishy"}"#) } throws: { "\($0)".contains("swishy") }
        #expect { try decode(#"{"hidden_size":"big"}"#) } throws: { "\($0)".contains("hidden_size") }
        #expect { try decode(#"{"position_embedding_type":"relative_key"}"#) } throws: { "\($0)".contains("relative_key") }
        #expect { try decode("not json") } throws: { "\($0)".contains("config.json") }
    }

    @Test func missingModelDirectory() {
        #expect { try SentenceEncoder(directory: "/nonexistent/minilm") } throws: { "\($0)".contains("/nonexistent/minilm") }
    }
}
