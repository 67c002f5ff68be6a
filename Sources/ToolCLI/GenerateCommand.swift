import ArgumentParser
import Foundation
import Model

/// `lisakit generate PROMPT`: one completion from a local LLaMA-family model, streamed.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text from a prompt with a local LLaMA-family model (GGUF or Hugging Face).",
        discussion: """
        Streams the continuation of PROMPT to stdout. With --chat the prompt is sent as a user \
        message in the model's chat format and generation stops at the end of the assistant's \
        turn. Example: lisakit generate --chat "Rewrite: where is the cup?" --max-tokens 64
        """)

    @Argument(help: "The prompt (\"-\": read it from stdin).")
    var prompt: String

    @OptionGroup var options: LanguageModelOptions

    @Flag(help: "Wrap PROMPT as a user turn in the model's chat template.")
    var chat = false

    @Option(help: "System message for --chat (default: the template's).")
    var system: String?

    @Flag(help: "Print one JSON object (text, tokens, timings) instead of streaming.")
    var json = false

    struct Output: Encodable {
        var model: String
        var prompt: String
        var text: String
        var tokens: [Int]
        var finish_reason: String
        var prompt_tokens: Int
        var generated_tokens: Int
        var prefill_tokens_per_second: Double
        var decode_tokens_per_second: Double
    }

    func run() throws {
        var text = prompt
        if text == "-" {
            var lines: [String] = []
            while let line = readLine(strippingNewline: false) { lines.append(line) }
            text = lines.joined()
        }
        let lm = try options.load()
        var generation = options.generationOptions
        var fullPrompt = text
        if chat {
            var messages: [ChatMessage] = []
            if let system { messages.append(.system(system)) }
            messages.append(.user(text))
            fullPrompt = lm.template.render(messages)
            generation = lm.chatOptions(generation)
        } else {
            generation.stopTokenIDs.formUnion(lm.model.config.eosTokenIds)
        }
        let stream: ((String) -> Void)? = json ? nil : { piece in FileHandle.standardOutput.write(Data(piece.utf8)) }
        let result = try lm.generator.generate(prompt: fullPrompt, options: generation, onText: stream)
        if json {
            try printJSON(Output(
                model: lm.path, prompt: fullPrompt, text: result.text, tokens: result.tokens,
                finish_reason: result.finishReason.rawValue, prompt_tokens: result.promptTokenCount,
                generated_tokens: result.tokens.count,
                prefill_tokens_per_second: Double(result.promptTokenCount) / max(result.prefillSeconds, 1e-9),
                decode_tokens_per_second: Double(result.tokens.count) / max(result.decodeSeconds, 1e-9)))
        } else {
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
    }
}
