import ArgumentParser
import Foundation
import Model

/// `lisakit tokenize`: encode a text with a Hugging Face `tokenizer.json` and show ids, tokens
/// and the decoded round trip.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Encode TEXT with a tokenizer.json (Hugging Face format) and print ids and tokens.",
        discussion: """
        Truncation and padding from the file are not applied unless --file-settings is given.
        Example: lisakit tokenize --tokenizer models/all-MiniLM-L6-v2/tokenizer.json "Hello world" --json
        """
    )

    @Option(name: .long, help: "Path to tokenizer.json.")
    var tokenizer: String

    @Argument(help: "The text to encode.")
    var text: String

    @Option(name: .long, help: "An optional second sequence (sentence pair).")
    var pair: String?

    @Flag(name: .long, help: "Do not add the post-processor's special tokens ([CLS], <s> …).")
    var noSpecialTokens = false

    @Flag(name: .long, help: "Apply the truncation and padding settings stored in the file.")
    var fileSettings = false

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        var tok = try Tokenizer.load(contentsOf: tokenizer)
        if !fileSettings {
            tok.truncation = nil
            tok.padding = nil
        }
        let encoding = tok.encode(text, pair: pair, addSpecialTokens: !noSpecialTokens)
        let decoded = tok.decode(encoding.ids, skipSpecialTokens: true)
        print(try Self.render(encoding, decoded: decoded, json: json))
    }

    struct Output: Encodable {
        var ids: [Int]
        var tokens: [String]
        var type_ids: [Int]
        var attention_mask: [Int]
        var decoded: String
    }

    /// The printed form: a JSON object, or aligned `id<TAB>token` lines then the decoded text.
    static func render(_ e: Encoding, decoded: String, json: Bool) throws -> String {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(Output(ids: e.ids, tokens: e.tokens, type_ids: e.typeIds,
                                                 attention_mask: e.attentionMask, decoded: decoded))
            return String(decoding: data, as: UTF8.self)
        }
        var lines = zip(e.ids, e.tokens).map { "\($0)\t\(visible($1))" }
        lines.append("\(e.ids.count) tokens; decoded: \(decoded)")
        return lines.joined(separator: "\n")
    }

    /// Shows control characters in tokens as escapes so the table stays one token per line.
    static func visible(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if c.value < 0x20 || c.value == 0x7F {
                out += "\\u{\(String(c.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
