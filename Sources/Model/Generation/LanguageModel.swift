import Foundation

/// A chat-ready language model: the decoder, its tokenizer, its conversation format and the
/// token ids that end a turn, loaded from one path.
public struct LanguageModel: Sendable {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public let template: ChatTemplate
    /// End-of-sequence ids and the ids of the template's end-of-turn tokens.
    public let stopTokenIDs: Set<Int>
    /// The path it was loaded from.
    public let path: String

    public init(model: LlamaModel, tokenizer: Tokenizer, template: ChatTemplate, stopTokenIDs: Set<Int>, path: String) {
        self.model = model
        self.tokenizer = tokenizer
        self.template = template
        self.stopTokenIDs = stopTokenIDs
        self.path = path
    }

    /// The same model with another conversation format (its end-of-turn tokens included).
    public func with(template: ChatTemplate) -> LanguageModel {
        LanguageModel(model: model, tokenizer: tokenizer, template: template,
                      stopTokenIDs: Self.stopIDs(model.config.eosTokenIds, template, tokenizer), path: path)
    }

    /// Loads `path`: a `.gguf` file, or a Hugging Face folder.
    public static func load(path: String) throws -> LanguageModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError.unreadable(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            if let gguf = findGGUF(in: path), !FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("config.json")) {
                return try load(gguf: gguf)
            }
            return try load(huggingFaceFolder: path)
        }
        return try load(gguf: path)
    }

    /// The first `.gguf` file in `folder` (by name), or nil.
    public static func findGGUF(in folder: String) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        return names.filter { $0.hasSuffix(".gguf") }.sorted().first.map { (folder as NSString).appendingPathComponent($0) }
    }

    public var generator: TextGenerator { TextGenerator(model: model, tokenizer: tokenizer) }

    /// Loads a Hugging Face `LlamaForCausalLM` folder (`config.json`, `tokenizer.json`, weights;
    /// the chat template from `tokenizer_config.json` when it is ChatML, else LISA's llava_v1).
    public static func load(huggingFaceFolder folder: String, keepHalfPrecision: Bool = true) throws -> LanguageModel {
        let model = try LlamaModel(huggingFaceFolder: folder, keepHalfPrecision: keepHalfPrecision)
        let tokenizerPath = (folder as NSString).appendingPathComponent("tokenizer.json")
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer.load(contentsOf: tokenizerPath)
        } catch {
            throw ModelError.invalidFile(path: tokenizerPath, reason: "\(error)")
        }
        var template: ChatTemplate?
        let configPath = (folder as NSString).appendingPathComponent("tokenizer_config.json")
        if let data = FileManager.default.contents(atPath: configPath),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let jinja = object["chat_template"] as? String {
            template = ChatTemplate.recognize(jinja: jinja)
        }
        if template == nil, tokenizer.tokenToId("<|im_start|>") != nil { template = .chatML(defaultSystem: nil) }
        let chosen = template ?? .llavaV1(system: ChatTemplate.llavaV1System)
        return LanguageModel(model: model, tokenizer: tokenizer, template: chosen,
                             stopTokenIDs: stopIDs(model.config.eosTokenIds, chosen, tokenizer), path: folder)
    }

    static func stopIDs(_ eos: [Int], _ template: ChatTemplate, _ tokenizer: Tokenizer) -> Set<Int> {
        var ids = Set(eos)
        for t in template.stopTokens { if let id = tokenizer.tokenToId(t) { ids.insert(id) } }
        return ids
    }

    /// Options that end at this model's end-of-turn tokens and strings.
    public func chatOptions(_ base: GenerationOptions = GenerationOptions()) -> GenerationOptions {
        var o = base
        o.stopTokenIDs.formUnion(stopTokenIDs)
        for s in template.stopStrings where !o.stopStrings.contains(s) { o.stopStrings.append(s) }
        return o
    }

    /// The assistant's reply to `messages`.
    public func reply(to messages: [ChatMessage], options: GenerationOptions = GenerationOptions(),
                      onText: ((String) -> Void)? = nil) throws -> TextGenerator.Result {
        try generator.generate(prompt: template.render(messages), options: chatOptions(options), onText: onText)
    }
}
