import Foundation
import Testing
@testable import Model

/// Exact parity with the Hugging Face `tokenizers` library (outputs recorded by
/// tools/tokenizer_fixtures.py) over the hard corpus of tools/tokenizer_corpus.py.
@Suite("Tokenizer parity with Hugging Face tokenizers")
struct TokenizerParityTests {
    /// Compares every corpus line: ids with and without special tokens, token strings, type ids,
    /// and decoded text with special tokens skipped and kept. Prints the exact-match counts.
    static func checkCases(_ name: String) throws {
        var tokenizer = try TokenizerFixtures.tokenizer(name)
        tokenizer.truncation = nil
        tokenizer.padding = nil
        let expected = try TokenizerFixtures.expected(name)
        let cases = try expected.required("cases").array()
        #expect(cases.count > 100) // 253 lines for the main fixtures, 113 for the variants
        var idMatches = 0, tokenMatches = 0, plainMatches = 0, decodeMatches = 0, decodeSpecialMatches = 0
        var failures: [String] = []
        for c in cases {
            let text = try c.string("text")
            let e = tokenizer.encode(text)
            let ids = try c.ints("ids")
            // type_ids are stored only when not all zero.
            let typeIds = try c.optional("type_ids") == nil ? [Int](repeating: 0, count: ids.count) : c.ints("type_ids")
            let okIds = e.ids == ids && e.typeIds == typeIds && e.attentionMask.allSatisfy { $0 == 1 }
            if okIds { idMatches += 1 } else if failures.count < 8 {
                failures.append("ids \(debugScalars(text)): got \(e.ids) \(e.tokens.map(debugScalars)) want \(ids) \(try c.strings("tokens").map(debugScalars))")
            }
            if sameScalars(e.tokens, try c.strings("tokens")) { tokenMatches += 1 } else if okIds, failures.count < 8 {
                failures.append("tokens \(debugScalars(text)): got \(e.tokens.map(debugScalars)) want \(try c.strings("tokens").map(debugScalars))")
            }
            let plain = tokenizer.encode(text, addSpecialTokens: false)
            if plain.ids == (try c.ints("ids_no_special")) { plainMatches += 1 } else if failures.count < 8 {
                failures.append("no-special \(debugScalars(text)): got \(plain.ids)")
            }
            let decoded = tokenizer.decode(ids, skipSpecialTokens: true)
            if sameScalars(decoded, try c.string("decoded")) { decodeMatches += 1 } else if failures.count < 8 {
                failures.append("decode \(ids): got \"\(debugScalars(decoded))\" want \"\(debugScalars(try c.string("decoded")))\"")
            }
            let decodedSpecial = tokenizer.decode(ids, skipSpecialTokens: false)
            if sameScalars(decodedSpecial, try c.string("decoded_with_special")) { decodeSpecialMatches += 1 } else if failures.count < 8 {
                failures.append("decode(keep) \(ids): got \"\(debugScalars(decodedSpecial))\" want \"\(debugScalars(try c.string("decoded_with_special")))\"")
            }
        }
        let n = cases.count
        print("[tokenizer parity] \(name): ids \(idMatches)/\(n), tokens \(tokenMatches)/\(n), ids without special \(plainMatches)/\(n), decode \(decodeMatches)/\(n), decode keeping special \(decodeSpecialMatches)/\(n)")
        for f in failures { print("  mismatch: \(f)") }
        #expect(idMatches == n)
        #expect(tokenMatches == n)
        #expect(plainMatches == n)
        #expect(decodeMatches == n)
        #expect(decodeSpecialMatches == n)
    }

    /// Pairs and a batch encoded with the truncation/padding settings of the file, and decoding
    /// of arbitrary id sequences (broken byte sequences, special tokens anywhere).
    static func checkConfigured(_ name: String) throws {
        let tokenizer = try TokenizerFixtures.tokenizer(name)
        let expected = try TokenizerFixtures.expected(name)
        var pairMatches = 0
        let pairs = try expected.required("pairs").array()
        for p in pairs {
            let e = tokenizer.encode(try p.string("text"), pair: try p.string("pair"))
            let (ids, typeIds, mask, tokens) = (try p.ints("ids"), try p.ints("type_ids"), try p.ints("attention_mask"), try p.strings("tokens"))
            if e.ids == ids && e.typeIds == typeIds && e.attentionMask == mask && sameScalars(e.tokens, tokens) {
                pairMatches += 1
            } else {
                print("  pair mismatch: got \(e.ids) \(e.typeIds) want \(try p.ints("ids")) \(try p.ints("type_ids"))")
            }
        }
        let batch = try expected.required("batch")
        let texts = try batch.strings("texts")
        let got = tokenizer.encodeBatch(texts)
        let want = try batch.required("encodings").array()
        var batchMatches = 0
        for (g, w) in zip(got, want) {
            let (ids, mask, typeIds) = (try w.ints("ids"), try w.ints("attention_mask"), try w.ints("type_ids"))
            if g.ids == ids && g.attentionMask == mask && g.typeIds == typeIds {
                batchMatches += 1
            } else {
                print("  batch mismatch: got \(g.ids) want \(try w.ints("ids"))")
            }
        }
        var decodeMatches = 0
        let decodes = try expected.required("decode").array()
        for d in decodes {
            let ids = try d.ints("ids")
            let skip = tokenizer.decode(ids, skipSpecialTokens: true)
            let keep = tokenizer.decode(ids, skipSpecialTokens: false)
            let (wantSkip, wantKeep) = (try d.string("skip"), try d.string("keep"))
            if sameScalars(skip, wantSkip) && sameScalars(keep, wantKeep) {
                decodeMatches += 1
            } else {
                print("  decode mismatch \(ids): got \"\(debugScalars(keep))\" want \"\(debugScalars(try d.string("keep")))\"")
            }
        }
        print("[tokenizer parity] \(name): pairs \(pairMatches)/\(pairs.count), batch \(batchMatches)/\(want.count), random-id decode \(decodeMatches)/\(decodes.count)")
        #expect(got.count == want.count)
        #expect(pairMatches == pairs.count)
        #expect(batchMatches == want.count)
        #expect(decodeMatches == decodes.count)
    }

    /// The committed fixtures: three pipelines of the issue plus variants covering every other
    /// component type and option (see tools/tokenizer_fixtures.py).
    static let committed = [
        "gpt2-bpe", "llama-bpe", "llama-metaspace", "wordpiece",
        "variant-wordpiece", "variant-roberta", "variant-wordlevel", "variant-bpe-suffix", "variant-metaspace",
        "variant-bytelevel-normalizer", "variant-clip", "variant-llama3",
    ]

    @Test("corpus ids, tokens and decoded text match", arguments: committed)
    func corpus(_ name: String) throws {
        try Self.checkCases(name)
    }

    @Test("pairs, batch padding/truncation and id decoding match", arguments: committed)
    func configured(_ name: String) throws {
        try Self.checkConfigured(name)
    }

    @Test("real all-MiniLM-L6-v2 tokenizer.json matches", .enabled(if: TokenizerFixtures.miniLMAvailable,
        "models/all-MiniLM-L6-v2/tokenizer.json not installed (tools/install-models.sh or $LISAKIT_MODELS)"))
    func miniLM() throws {
        try Self.checkCases("minilm")
        try Self.checkConfigured("minilm")
    }

    @Test("real SmolLM2 byte-level BPE tokenizer (49152 tokens) matches", .enabled(if: TokenizerFixtures.smolLM2Available,
        "models/SmolLM2-135M-Instruct/tokenizer.json not built (tools/smollm2_tokenizer.py)"))
    func smolLM2() throws {
        try Self.checkCases("smollm2")
        try Self.checkConfigured("smollm2")
    }
}
