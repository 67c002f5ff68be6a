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
        "Strip": .strip(left: true, right: true),
        "ReplaceRegex": .replace(pattern: regex(#"\s+"#), content: [" "]),
        "ReplaceRegexClass": .replace(pattern: regex(#"[\p{P}\d]{2,}|(?i:th)e"#), content: Array("<\u{2581}>".unicodeScalars)),
    ]

    /// A regex pattern (a pattern that fails to parse becomes an empty literal, and the
    /// "patterns parse" test below fails).
    static func regex(_ source: String) -> TextPattern {
        (try? ScalarRegex(source)).map(TextPattern.regex) ?? .literal([])
    }

    @Test("the published split patterns parse", arguments: [gpt2, llama3, o200k, clip])
    func patternsParse(_ source: String) throws {
        _ = try ScalarRegex(source)
    }

    @Test("unsupported regex syntax is a typed error naming the JSON path", arguments: [
        #"(?<=a)b"#, #"(a)\1"#, #"a++"#, #"[[:alpha:]]"#, #"(?<name>x)"#, #"\p{Greek}"#, #"(ab"#, #"a)"#, #"*a"#,
    ])
    func unsupportedRegex(_ source: String) throws {
        let escaped = source.replacingOccurrences(of: "\\", with: "\\\\")
        let json = #"{"pre_tokenizer":{"type":"Split","pattern":{"Regex":"\#(escaped)"},"behavior":"Isolated","invert":false},"model":{"type":"WordLevel","vocab":{}}}"#
        do {
            _ = try Tokenizer(json: Array(json.utf8), source: "r.json")
            Issue.record("expected an error for \(source)")
        } catch {
            #expect(error.description.hasPrefix("r.json: $.pre_tokenizer.pattern.Regex: unsupported regular expression ("))
        }
    }

    static let gpt2 = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let o200k = #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let clip = #"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"#

    static let preTokenizers: [String: PreTokenizer] = [
        "ByteLevel": .byteLevel(addPrefixSpace: false, useRegex: true),
        "Whitespace": .whitespace, "WhitespaceSplit": .whitespaceSplit, "BertPreTokenizer": .bert,
        "Metaspace": .metaspace(Metaspace(replacement: "\u{2581}", prependScheme: .always, split: true)),
        "Digits": .digits(individual: false), "Punctuation": .punctuation(.contiguous),
        "SplitGPT2": .split(pattern: regex(gpt2), behavior: .isolated, invert: false),
        "SplitLLaMA3": .split(pattern: regex(llama3), behavior: .isolated, invert: false),
        "SplitO200k": .split(pattern: regex(o200k), behavior: .isolated, invert: false),
        "SplitCLIP": .split(pattern: regex(clip), behavior: .removed, invert: true),
        "SplitLazy": .split(pattern: regex(#"\w+?(?=\s|$)|\d{2}|[^\w\s]{1,2}?"#), behavior: .mergedWithPrevious, invert: false),
    ]

    static func cases() throws -> [JSONNode] {
        let url = try TokenizerFixtures.root.appendingPathComponent("components.json")
        let node = JSONNode(value: try JSONParser.parse([UInt8](try Data(contentsOf: url))), path: "$", file: url.path)
        return try node.required("cases").array()
    }

    @Test("normalizers match normalize_str", arguments: ["NFC", "NFD", "NFKC", "NFKD", "Lowercase", "StripAccents", "BertNormalizer",
                                                         "Strip", "ReplaceRegex", "ReplaceRegexClass"])
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

    @Test("pre-tokenizers match pre_tokenize_str", arguments: ["ByteLevel", "Whitespace", "WhitespaceSplit", "BertPreTokenizer", "Metaspace",
                                                               "Digits", "Punctuation", "SplitGPT2", "SplitLLaMA3", "SplitO200k",
                                                               "SplitCLIP", "SplitLazy"])
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

    @Test("normalization avoids Foundation's reordering and composition bugs")
    func foundationWorkarounds() {
        // Foundation composes U+E0067 (a tag character) + U+0301 into U+01F5 (16-bit truncation).
        #expect(UnicodeNormalizationForm.nfc.apply(Array("2\u{E0067}\u{301}".unicodeScalars)).map(\.value) == [0x32, 0xE0067, 0x301])
        // U+1FF4 composes through U+03CE, not the singleton U+1F7D that shares its decomposition.
        #expect(UnicodeNormalizationForm.nfc.apply(Array("\u{3C9}\u{301}\u{345}".unicodeScalars)).map(\.value) == [0x1FF4])
        // Hangul L + V + T and Indic two-part vowels compose.
        #expect(UnicodeNormalizationForm.nfc.apply(Array("\u{1100}\u{1161}\u{11A8}\u{B47}\u{B3E}".unicodeScalars)).map(\.value) == [0xAC01, 0xB4B])
        // U+00B4 → U+0020 U+0301 and U+FF9E → U+3099 (class 8) must be reordered before U+0301 (230).
        let nfkd = UnicodeNormalizationForm.nfkd.apply(Array("\u{B4}\u{FF9E}".unicodeScalars))
        #expect(nfkd.map(\.value) == [0x20, 0x3099, 0x301])
        let nfkc = UnicodeNormalizationForm.nfkc.apply(Array("\u{212B}\u{FF9E}".unicodeScalars))
        #expect(nfkc.map(\.value) == [0xC5, 0x3099])
        let nfd = UnicodeNormalizationForm.nfd.apply(Array("a\u{301}\u{323}".unicodeScalars))
        #expect(nfd.map(\.value) == [0x61, 0x323, 0x301])
    }
}

/// Oniguruma's `\w`, as the Hugging Face library applies it, differs inside and outside
/// brackets for Latin-1 characters. Expected pieces were printed by `tokenizers` 0.23.3:
/// `Split(Regex(p), behavior="isolated").pre_tokenize_str(t)`.
@Suite("Regex word classes")
struct RegexWordClassTests {
    static func pieces(_ pattern: String, _ text: String) throws -> [String] {
        let pre = PreTokenizer.split(pattern: .regex(try ScalarRegex(pattern)), behavior: .isolated, invert: false)
        var p = [Piece(Array(text.unicodeScalars), startsAtOrigin: true)]
        pre.preTokenize(&p)
        return p.map { String(scalars: $0.scalars) }
    }

    @Test("\\w outside brackets", arguments: [
        ("a\u{BD}b", ["a\u{BD}b"]), ("a\u{216B}b", ["a\u{216B}b"]), ("a\u{200D}b", ["a", "\u{200D}", "b"]),
        ("a\u{24B6}b", ["a\u{24B6}b"]), ("a\u{B4}b", ["a", "\u{B4}", "b"]), ("a\u{B2}b", ["a\u{B2}b"]),
        ("a\u{2070}b", ["a", "\u{2070}", "b"]), ("a\u{345}b", ["a\u{345}b"]),
    ])
    func outside(_ text: String, _ want: [String]) throws {
        #expect(sameScalars(try Self.pieces(#"\w+"#, text), want))
    }

    @Test("\\w inside brackets", arguments: [
        ("a\u{BD}b", ["a", "\u{BD}", "b"]), ("a\u{216B}b", ["a\u{216B}b"]), ("a\u{B2}b", ["a", "\u{B2}", "b"]),
        ("a\u{24B6}b", ["a\u{24B6}b"]), ("a\u{200D}b", ["a", "\u{200D}", "b"]),
    ])
    func inside(_ text: String, _ want: [String]) throws {
        #expect(sameScalars(try Self.pieces(#"[\w]+"#, text), want))
    }
}
