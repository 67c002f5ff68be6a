import Foundation
import Testing
@testable import Model

/// Loading rules: scalar-exact vocabularies, typed errors naming file and JSON path.
@Suite("Tokenizer loading and errors")
struct TokenizerLoadingTests {
    /// A minimal WordPiece tokenizer.json whose vocabulary holds canonically-equivalent keys.
    static func wordPieceJSON(vocab: String, extra: String = "") -> [UInt8] {
        Array("""
        {"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":{"type":"WhitespaceSplit"},
         "post_processor":null,"decoder":{"type":"WordPiece","prefix":"##","cleanup":false}\(extra),
         "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##",
                  "max_input_chars_per_word":100,"vocab":{\(vocab)}}}
        """.utf8)
    }

    @Test("canonically-equivalent vocabulary keys stay distinct")
    func canonicalEquivalence() throws {
        // U+00E9 and e + U+0301 are canonically equivalent (Swift == says equal) but distinct tokens.
        let json = Self.wordPieceJSON(vocab: #""[UNK]":0,"caf\u00e9":1,"cafe\u0301":2,"\u00c5":3,"\u212b":4,"A\u030a":5,"\ud55c":6,"\u1112\u1161\u11ab":7"#)
        let tok = try Tokenizer(json: json, source: "inline.json")
        #expect("caf\u{E9}" == "cafe\u{301}") // the trap this guards against
        #expect(tok.tokenToId("caf\u{E9}") == 1)
        #expect(tok.tokenToId("cafe\u{301}") == 2)
        #expect(tok.tokenToId("\u{C5}") == 3)
        #expect(tok.tokenToId("\u{212B}") == 4)
        #expect(tok.tokenToId("A\u{30A}") == 5)
        #expect(tok.tokenToId("\u{D55C}") == 6)
        #expect(tok.tokenToId("\u{1112}\u{1161}\u{11AB}") == 7)
        #expect(tok.vocabSize == 8)
        #expect(tok.encode("caf\u{E9} cafe\u{301} \u{212B} \u{C5}").ids == [1, 2, 4, 3])
        #expect(sameScalars(tok.decode([2, 1]), "cafe\u{301} caf\u{E9}"))
        #expect(sameScalars(tok.idToToken(2) ?? "", "cafe\u{301}"))
    }

    @Test("the trained WordPiece fixture keeps both spellings of é with different ids")
    func fixtureCanonicalPair() throws {
        let tok = try TokenizerFixtures.tokenizer("wordpiece")
        let composed = tok.tokenToId("\u{E9}")
        let combining = tok.tokenToId("##\u{301}")
        #expect(composed != nil)
        #expect(combining != nil)
        #expect(tok.encode("\u{E9}", addSpecialTokens: false).ids != tok.encode("e\u{301}", addSpecialTokens: false).ids)
    }

    @Test("duplicate vocabulary keys keep the last id; shared ids decode to the last token")
    func duplicateKeys() throws {
        let tok = try Tokenizer(json: Self.wordPieceJSON(vocab: #""[UNK]":0,"a":1,"a":2,"b":3,"c":3"#), source: "dup.json")
        #expect(tok.tokenToId("a") == 2)
        #expect(tok.encode("a b c").ids == [2, 3, 3])
        #expect(tok.idToToken(3) == "c")
        #expect(tok.idToToken(1) == nil)
    }

    @Test("malformed JSON names the file and byte offset")
    func malformed() {
        let bad: [UInt8] = Array(#"{"model": {"type": "BPE", "vocab": {"a": 1,}}}"#.utf8)
        do {
            _ = try Tokenizer(json: bad, source: "broken.json")
            Issue.record("expected an error")
        } catch {
            guard case .malformedJSON(let file, let offset, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(file == "broken.json")
            #expect(offset == 43)
            #expect(error.description.hasPrefix("broken.json: malformed JSON at byte 43"))
        }
    }

    @Test("unknown top-level keys are ignored, as the Hugging Face loader does")
    func ignoresUnknownTopLevelKeys() throws {
        let tok = try Tokenizer(json: Self.wordPieceJSON(vocab: #""[UNK]":0,"hi":1"#, extra: #","future_field":{"x":1}"#), source: "x.json")
        #expect(tok.encode("hi there").ids == [1, 0])
    }

    @Test("unsupported types and bad fields produce typed errors with paths", arguments: [
        (#"{"model":{"type":"Unigram","vocab":[]}}"#, "t.json: $.model: unsupported model type 'Unigram'"),
        (#"{"normalizer":{"type":"Precompiled"},"model":{"type":"WordLevel","vocab":{}}}"#, "t.json: $.normalizer: unsupported normalizer type 'Precompiled'"),
        (#"{"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"(?<=a)b"},"behavior":"Removed"}]},"model":{"type":"WordLevel","vocab":{}}}"#,
         "t.json: $.pre_tokenizer.pretokenizers[0].pattern.Regex: unsupported regular expression (unsupported group construct '(?<' at character 2)"),
        (#"{"decoder":{"type":"CTC"},"model":{"type":"WordLevel","vocab":{}}}"#, "t.json: $.decoder: unsupported decoder type 'CTC'"),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}}"#, "t.json: $.model.merges[0]: merged token 'ab' is not in the vocabulary"),
        (#"{"model":{"type":"BPE","vocab":{"a":0},"merges":["a"]}}"#, "t.json: $.model.merges[0]: a merge must be two tokens separated by one space"),
        (#"{"model":{"type":"WordPiece","vocab":{"a":"zero"}}}"#, "t.json: $.model.vocab.a: expected an integer, found a string"),
        (#"{"model":{"type":"WordPiece","vocab":{"a":-1}}}"#, "t.json: $.model.vocab.a: token id -1 out of range"),
        (#"{"added_tokens":[{"id":3}],"model":{"type":"WordLevel","vocab":{}}}"#, "t.json: $.added_tokens[0].content: missing required field"),
        (#"{"normalizer":{"type":"Strip","strip_left":"yes"},"model":{"type":"WordLevel","vocab":{}}}"#, "t.json: $.normalizer.strip_left: expected a boolean, found a string"),
        (#"{"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[X]","type_id":0}}],"pair":[],"special_tokens":{}},"model":{"type":"WordLevel","vocab":{}}}"#,
         "t.json: $.post_processor.single[0].SpecialToken.id: special token '[X]' is not declared in special_tokens"),
        (#"{"padding":{"strategy":"Longest"},"model":{"type":"WordLevel","vocab":{}}}"#, "t.json: $.padding.strategy: unsupported padding strategy 'Longest'"),
        (#"{"normalizer":null}"#, "t.json: $.model: missing required field"),
        (#"[1,2]"#, "t.json: $: expected an object, found an array"),
        (#"{"padding":{"strategy":{"Fixed":1000000000000}},"model":{"type":"WordLevel","vocab":{}}}"#,
         "t.json: $.padding.strategy.Fixed: padding length 1000000000000 outside 0...1048576"),
        (#"{"model":{"type":"BPE","vocab":{"a":0},"merges":[],"dropout":0.1}}"#,
         "t.json: $.model.dropout: unsupported BPE dropout (random segmentation; only deterministic encoding is implemented)"),
    ])
    func errors(_ json: String, _ message: String) {
        do {
            _ = try Tokenizer(json: Array(json.utf8), source: "t.json")
            Issue.record("expected an error for \(json)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("sparse vocabulary ids do not allocate a dense table")
    func sparseIds() throws {
        let tok = try Tokenizer(json: Self.wordPieceJSON(vocab: #""[UNK]":0,"far":2000000000,"x":7"#), source: "s.json")
        #expect(tok.tokenToId("far") == 2_000_000_000)
        #expect(tok.idToToken(2_000_000_000) == "far")
        #expect(tok.encode("far x y").ids == [2_000_000_000, 7, 0])
        #expect(tok.decode([2_000_000_000, 7, 123]) == "far x")
    }

    @Test("normalized added tokens decode to their normalized form, as in tokenizers")
    func normalizedAddedToken() throws {
        // llama-bpe: "[SEG]" is a normalized added token and the normalizer prepends "▁".
        let tok = try TokenizerFixtures.tokenizer("llama-bpe")
        let id = try #require(tok.tokenToId("[SEG]"))
        #expect(tok.idToToken(id) == "\u{2581}[SEG]")
        #expect(tok.addedTokens.contains { $0.content == "[SEG]" && $0.normalized && !$0.special })
        #expect(tok.decode([id]) == "[SEG]") // decoder: Replace ▁→space, Strip one leading space
    }

    @Test("a missing file is a typed error naming it")
    func missingFile() {
        #expect(throws: TokenizerError.self) { try Tokenizer.load(contentsOf: "/nonexistent/tokenizer.json") }
        do {
            _ = try Tokenizer.load(contentsOf: "/nonexistent/tokenizer.json")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/tokenizer.json: cannot read tokenizer"))
        }
    }

    @Test("JSON strings decode escapes and surrogate pairs exactly")
    func jsonStrings() throws {
        let v = try JSONParser.parse(Array(#"["a\"b\\c\/\n\t\u00e9\ud83d\ude00", "\u0065\u0301", 1.5e2, -0, true, null]"#.utf8))
        guard case .array(let items) = v, items.count == 6,
              case .string(let s0) = items[0], case .string(let s1) = items[1], case .number(let n) = items[2] else {
            Issue.record("unexpected parse \(v)")
            return
        }
        #expect(sameScalars(s0, "a\"b\\c/\n\t\u{E9}\u{1F600}"))
        #expect(sameScalars(s1, "e\u{301}"))
        #expect(n == 150)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(#"["\ud83d"]"#.utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array("[1] x".utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(repeating: UInt8(ascii: "["), count: 100_000)) }
    }

    @Test("Encoding exposes Int32 ids and masks for model inputs")
    func int32Views() throws {
        var tok = try TokenizerFixtures.tokenizer("wordpiece")
        tok.padding = Padding(strategy: .fixed(12), padId: 0, padToken: "[PAD]")
        let e = tok.encode("Hello world")
        #expect(e.ids32.count == 12)
        #expect(e.ids32 == e.ids.map(Int32.init))
        #expect(e.attentionMask32.suffix(2) == [0, 0])
        #expect(e.attentionMask.prefix(1) == [1])
        #expect(e.specialTokensMask.first == 1)
    }
}
