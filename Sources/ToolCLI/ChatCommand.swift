import ArgumentParser
import Foundation
import Model

/// `lisakit chat`: an interactive conversation with a local model, replies streamed token by token.
struct ChatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a local LLaMA-family model (GGUF or Hugging Face), streaming the replies.",
        discussion: """
        Reads one user message per line from stdin and streams the assistant's reply to stdout, \
        in the model's chat format (ChatML for SmolLM2, llava_v1 for LISA/Vicuna; --template \
        overrides). `/reset` starts over, `/exit` or end of input quits.
        """)

    @OptionGroup var options: LanguageModelOptions

    @Option(help: "System message (default: the template's).")
    var system: String?

    func run() throws {
        let lm = try options.load()
        let interactive = isatty(0) != 0
        if interactive { printError("model \(lm.path) — /reset starts over, /exit quits") }
        var history: [ChatMessage] = system.map { [.system($0)] } ?? []
        while true {
            if interactive { FileHandle.standardError.write(Data("> ".utf8)) }
            guard let line = readLine() else { break }
            let message = line.trimmingCharacters(in: .whitespaces)
            if message.isEmpty { continue }
            if message == "/exit" { break }
            if message == "/reset" {
                history = system.map { [.system($0)] } ?? []
                continue
            }
            history.append(.user(message))
            let result = try lm.reply(to: history, options: options.generationOptions) { piece in
                FileHandle.standardOutput.write(Data(piece.utf8))
            }
            FileHandle.standardOutput.write(Data("\n".utf8))
            history.append(.assistant(result.text))
        }
    }
}
