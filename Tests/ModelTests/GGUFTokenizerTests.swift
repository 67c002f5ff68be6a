import Foundation
import Testing
@testable import Model

/// Tokenizers built from GGUF metadata against the tokenizer `transformers` builds from the
/// same file (`AutoTokenizer.from_pretrained(dir, gguf_file:)`, recorded by
/// tools/gguf_fixtures.py on the hard corpus of tools/tokenizer_corpus.py).
@Suite("GGUF tokenizer")
struct GGUFTokenizerTests {
    struct Expected: Decodable {
        struct Case: Decodable { var text: String; var ids: [Int]; var decoded: String }
        var special: [String: String?]
        var vocab_size: Int
        var cases: [Case]
    }

    static func expected(_ name: String) throws -> Expected {
        let url = try Support.fixtures.appendingPathComponent("gguf/\(name)")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }

    static func compare(_ t: GGUFTokenizer, _ e: Expected, sourceLocation: SourceLocation = #_sourceLocation) {
        var mismatches = 0
        for c in e.cases {
            let ids = t.tokenizer.encode(c.text).ids
            if ids != c.ids {
                mismatches += 1
                if mismatches <= 5 { Issue.record("ids of \(c.text.debugDescription): \(ids) vs \(c.ids)", sourceLocation: sourceLocation) }
            }
            let decoded = t.tokenizer.decode(c.ids, skipSpecialTokens: true)
            if !sameScalars(decoded, c.decoded) {
                mismatches += 1
                if mismatches <= 5 { Issue.record("decode of \(c.ids): \(decoded.debugDescription) vs \(c.decoded.debugDescription)", sourceLocation: sourceLocation) }
            }
        }
        #expect(mismatches == 0, "\(mismatches) mismatches over \(e.cases.count) texts", sourceLocation: sourceLocation)
        #expect(e.cases.count > 150, sourceLocation: sourceLocation)
    }

    @Test("SentencePiece-style (llama) vocabulary with scores: merges recovered, byte fallback, special tokens")
    func sentencePiece() throws {
        let file = try GGUFFile(path: GGUFFileTests.fixture("tokenizer-llama.gguf"))
        let t = try GGUFTokenizer(file: file)
        let e = try Self.expected("llama-expected.json")
        #expect(t.model == "llama")
        #expect(t.token(t.bosTokenId) == e.special["bos_token"] ?? nil)
        #expect(t.token(t.eosTokenId) == e.special["eos_token"] ?? nil)
        #expect(t.token(t.unknownTokenId) == e.special["unk_token"] ?? nil)
        #expect(t.addBosToken && !t.addEosToken)
        #expect(t.chatTemplate == "{% for m in messages %}{{ m['content'] }}{% endfor %}")
        #expect(t.tokenizer.vocabSize == e.vocab_size)
        // Control tokens are special (dropped on decode), the user-defined [SEG] is not.
        let seg = try #require(t.tokenizer.addedTokens.first { $0.content == "[SEG]" })
        #expect(!seg.special)
        #expect(t.tokenizer.addedTokens.contains { $0.content == "<|im_start|>" && $0.special })
        Self.compare(t, e)
    }

    @Test("real SmolLM2-135M-Instruct GGUF: byte-level BPE from metadata matches transformers",
          .enabled(if: SmolLM2GGUF.installed, SmolLM2GGUF.note))
    func smolLM2() throws {
        let t = try GGUFTokenizer(file: GGUFFile(path: SmolLM2GGUF.path))
        let e = try Self.expected("smollm2-expected.json")
        #expect(t.model == "gpt2" && t.preTokenizer == "smollm")
        #expect(t.tokens.count == 49152)
        #expect(t.token(t.bosTokenId) == "<|im_start|>" && t.token(t.eosTokenId) == "<|im_end|>")
        #expect(t.token(t.bosTokenId) == e.special["bos_token"] ?? nil)
        #expect(t.token(t.eosTokenId) == e.special["eos_token"] ?? nil)
        #expect(t.token(t.paddingTokenId) == e.special["pad_token"] ?? nil)
        #expect(!t.addBosToken)
        #expect(t.chatTemplate?.contains("<|im_start|>") == true)
        #expect(t.tokenizer.vocabSize == e.vocab_size)
        Self.compare(t, e)
    }

    @Test("metadata that cannot make a tokenizer is named")
    func badMetadata() throws {
        let dir = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("tok.gguf")
        var b = GGUFBuilder()
        b.header(tensors: 0, kvs: 2)
        b.string("tokenizer.ggml.model"); b.u32(8); b.string("wordpiece")
        b.string("tokenizer.ggml.tokens"); b.u32(9); b.u32(8); b.u64(1); b.string("a")
        try b.write(to: url)
        #expect { try GGUFTokenizer(file: GGUFFile(path: url.path)) } throws: { error in
            "\(error)".contains("tokenizer.ggml.model") && "\(error)".contains("wordpiece")
        }
        b = GGUFBuilder()
        b.header(tensors: 0, kvs: 2)
        b.string("tokenizer.ggml.model"); b.u32(8); b.string("gpt2")
        b.string("tokenizer.ggml.tokens"); b.u32(9); b.u32(8); b.u64(1); b.string("a")
        try b.write(to: url)
        #expect { try GGUFTokenizer(file: GGUFFile(path: url.path)) } throws: { error in
            "\(error)".contains("tokenizer.ggml.merges") && "\(error)".contains(url.path)
        }
    }
}

/// Where the real SmolLM2 GGUF file is installed (tools/install-models.sh).
enum SmolLM2GGUF {
    static var path: String {
        Support.modelsDirectory.appendingPathComponent("SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }
    static var installed: Bool { FileManager.default.fileExists(atPath: path) }
    static let note: Comment = "SmolLM2-135M-Instruct.Q4_1.gguf not installed in $LISAKIT_MODELS or ./models: run tools/install-models.sh (make models)"
}
