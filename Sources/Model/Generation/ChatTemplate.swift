import Foundation

/// Conversation formats written as code (no Jinja interpreter): the text a chat model was
/// trained to continue.
public enum ChatTemplate: Sendable, Equatable {
    /// ChatML (SmolLM2, Qwen): `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then
    /// `<|im_start|>assistant\n`. `defaultSystem` is inserted when the conversation has no system
    /// message (SmolLM2's template does this).
    case chatML(defaultSystem: String?)
    /// LLaVA v1 / Vicuna v1.1 as LISA uses it (`conv_llava_v1`, `SeparatorStyle.TWO`):
    /// `{system} USER: {q} ASSISTANT: {a}</s>USER: …` ending in `ASSISTANT:`.
    case llavaV1(system: String)

    /// SmolLM2-Instruct's built-in system prompt.
    public static let smolLM2System = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
    /// LISA's `conv_llava_v1.system`.
    public static let llavaV1System = "A chat between a curious human and an artificial intelligence assistant. "
        + "The assistant gives helpful, detailed, and polite answers to the human's questions."

    public var isChatML: Bool { if case .chatML = self { true } else { false } }

    /// Text that ends an assistant turn; generation stops there.
    public var stopStrings: [String] {
        switch self {
        case .chatML: ["<|im_end|>"]
        case .llavaV1: ["</s>"]
        }
    }

    /// Special tokens whose ids end an assistant turn.
    public var stopTokens: [String] {
        switch self {
        case .chatML: ["<|im_end|>"]
        case .llavaV1: ["</s>"]
        }
    }

    /// The prompt for `messages`; with `addGenerationPrompt` it ends where the assistant's next
    /// turn begins.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
        switch self {
        case .chatML(let defaultSystem):
            var out = ""
            if let defaultSystem, messages.first?.role != .system {
                out += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n"
            }
            for m in messages { out += "<|im_start|>\(m.role.rawValue)\n\(m.content)<|im_end|>\n" }
            if addGenerationPrompt { out += "<|im_start|>assistant\n" }
            return out
        case .llavaV1(let system):
            var turns = messages
            var sys = system
            if let first = turns.first, first.role == .system {
                sys = first.content
                turns.removeFirst()
            }
            // seps = [" ", "</s>"]: after a user turn a space, after an assistant turn </s>.
            var out = sys + " "
            for (i, m) in turns.enumerated() {
                out += (m.role == .assistant ? "ASSISTANT" : "USER") + ": " + m.content + (i % 2 == 0 ? " " : "</s>")
            }
            if addGenerationPrompt { out += "ASSISTANT:" }
            return out
        }
    }

    /// The template a Jinja chat template (from `tokenizer_config.json` or GGUF metadata) stands
    /// for: ChatML when it uses `<|im_start|>` (with the default system prompt it writes, if
    /// any), nil when it is something else.
    public static func recognize(jinja: String) -> ChatTemplate? {
        guard jinja.contains("<|im_start|>") else { return nil }
        let marker = "<|im_start|>system\n"
        var system: String?
        if let start = jinja.range(of: marker)?.upperBound,
           let end = jinja[start...].range(of: "<|im_end|>")?.lowerBound {
            let text = String(jinja[start..<end])
            // A literal default, not a Jinja expression that inserts the caller's message.
            if !text.contains("{{") && !text.contains("+") { system = text }
        }
        return .chatML(defaultSystem: system)
    }
}
