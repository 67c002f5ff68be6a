import Foundation
import Testing
@testable import Model

/// Single normalizers and pre-tokenizers against `normalize_str` / `pre_tokenize_str` of the
/// Hugging Face library (components.json from tools/tokenizer_fixtures.py), on the hard corpus
/// plus strings dense in combining marks and compatibility characters.
@Suite("Tokenizer components vs Hugging Face")
struct TokenizerComponentTests {
    static let normalizers: [String: Normalizer] = [
        "NFC": .unicode(.nfc), "NFD": .unicode(.nfd), "NFKC": .unicode(.nfkc), "NFKD": .unicode(.nfkd),
        "Lowercase": .lowercase, "StripAccents": .stripAccents,
        "BertNormalizer": .bert(BertNormalizer(cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true)),
        "Strip": .strip(left: true, right: true), "ByteLevel": .byteLevel,
    ]

    static let preTokenizers: [String: PreTokenizer] = [
        "ByteLevel": .byteLevel(addPrefixSpace: false, useRegex: true),
        "Whitespace": .whitespace, "WhitespaceSplit": .whitespaceSplit, "BertPreTokenizer": .bert,
        "Metaspace": .metaspace(Metaspace(replacement: "\u{2581}", prependScheme: .always, split: true)),
        "Digits": .digits(individual: false), "Punctuation": .punctuation(.contiguous),
    ]

    static func cases() throws -> [JSONNode] {
        let url = try TokenizerFixtures.root.appendingPathComponent("components.json")
        let node = JSONNode(value: try JSONParser.parse([UInt8](try Data(contentsOf: url))), path: "$", file: url.path)
        return try node.required("cases").array()
    }

    @Test("normalizers match normalize_str", arguments: ["NFC", "NFD", "NFKC", "NFKD", "Lowercase", "StripAccents", "BertNormalizer", "Strip", "ByteLevel"])
    func normalizer(_ name: String) throws {
        let normalizer = try #require(Self.normalizers[name])
        let cases = try Self.cases()
        var matches = 0
        for c in cases {
            let text = try c.string("text")
            let want = try c.required("normalized").string(name)
            let got = String(scalars: normalizer.normalize(Array(text.unicodeScalars)))
            if sameScalars(got, want) { matches += 1 } else {
                print("  \(name) mismatch on \(debugScalars(text)): got \(debugScalars(got)) want \(debugScalars(want))")
            }
        }
        print("[tokenizer components] \(name): \(matches)/\(cases.count)")
        #expect(matches == cases.count)
    }

    @Test("pre-tokenizers match pre_tokenize_str", arguments: ["ByteLevel", "Whitespace", "WhitespaceSplit", "BertPreTokenizer", "Metaspace", "Digits", "Punctuation"])
    func preTokenizer(_ name: String) throws {
        let pre = try #require(Self.preTokenizers[name])
        let cases = try Self.cases()
        var matches = 0
        for c in cases {
            let text = try c.string("text")
            let want = try c.required("pre_tokenized").strings(name)
            var pieces = text.isEmpty ? [] : [Piece(Array(text.unicodeScalars), startsAtOrigin: true)]
            pre.preTokenize(&pieces)
            let got = pieces.map { String(scalars: $0.scalars) }
            if sameScalars(got, want) { matches += 1 } else {
                print("  \(name) mismatch on \(debugScalars(text)): got \(got.map(debugScalars)) want \(want.map(debugScalars))")
            }
        }
        print("[tokenizer components] pre-tokenizer \(name): \(matches)/\(cases.count)")
        #expect(matches == cases.count)
    }

    @Test("canonical ordering fixes Foundation's decomposition of starters into marks")
    func canonicalOrdering() {
        // U+00B4 → U+0020 U+0301 and U+FF9E → U+3099 (class 8) must be reordered before U+0301 (230).
        let nfkd = UnicodeNormalizationForm.nfkd.apply(Array("\u{B4}\u{FF9E}".unicodeScalars))
        #expect(nfkd.map(\.value) == [0x20, 0x3099, 0x301])
        let nfkc = UnicodeNormalizationForm.nfkc.apply(Array("\u{212B}\u{FF9E}".unicodeScalars))
        #expect(nfkc.map(\.value) == [0xC5, 0x3099])
        let nfd = UnicodeNormalizationForm.nfd.apply(Array("a\u{301}\u{323}".unicodeScalars))
        #expect(nfd.map(\.value) == [0x61, 0x323, 0x301])
    }
}
