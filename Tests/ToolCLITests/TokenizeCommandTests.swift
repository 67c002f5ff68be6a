import Foundation
import Model
import Testing
@testable import ToolCLI

/// `lisakit tokenize`: argument parsing, output formats and errors.
@Suite("lisakit tokenize")
struct TokenizeCommandTests {
    static func writeTokenizer() throws -> String {
        let json = """
        {"added_tokens":[{"id":3,"content":"[SEG]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
         "normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
         "pre_tokenizer":{"type":"BertPreTokenizer"},
         "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
         "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,
                  "vocab":{"[UNK]":0,"hello":1,"world":2,"[SEG]":3,"wor":4,"##ld":5,"\\n":6}}}
        """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lisakit-tokenize-\(UUID().uuidString).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("--json prints ids, tokens, masks and the decoded text")
    func jsonOutput() throws {
        let path = try Self.writeTokenizer()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let command = try TokenizeCommand.parse(["--tokenizer", path, "Hello WORLD[SEG] x", "--json"])
        #expect(command.json)
        let tok = try Tokenizer.load(contentsOf: path)
        let e = tok.encode(command.text)
        let out = try TokenizeCommand.render(e, decoded: tok.decode(e.ids), json: true)
        #expect(out == #"{"attention_mask":[1,1,1,1],"decoded":"hello world [UNK]","ids":[1,2,3,0],"tokens":["hello","world","[SEG]","[UNK]"],"type_ids":[0,0,0,0]}"#)
    }

    @Test("text output lists one id and token per line, control characters escaped")
    func textOutput() throws {
        let e = Encoding(ids: [1, 6], tokens: ["hello", "\n"], typeIds: [0, 0], attentionMask: [1, 1], specialTokensMask: [0, 0])
        let out = try TokenizeCommand.render(e, decoded: "hello", json: false)
        #expect(out == "1\thello\n6\t\\u{A}\n2 tokens; decoded: hello")
    }

    @Test("a bad tokenizer file fails with an error naming the file and JSON path")
    func errors() throws {
        var command = try TokenizeCommand.parse(["--tokenizer", "/nonexistent/tokenizer.json", "hi"])
        #expect(throws: TokenizerError.self) { try command.run() }
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("lisakit-bad-\(UUID().uuidString).json").path
        try Data(#"{"model":{"type":"Unigram","vocab":[]}}"#.utf8).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        command = try TokenizeCommand.parse(["--tokenizer", bad, "hi"])
        do {
            try command.run()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "\(bad): $.model: unsupported model type 'Unigram'")
        }
        #expect(throws: (any Error).self) { try TokenizeCommand.parse(["hi"]) } // --tokenizer is required
    }
}
