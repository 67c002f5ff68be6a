extension LanguageModel {
    /// Loads a LLaMA-architecture GGUF file: the decoder with its quantized weights, the
    /// tokenizer from the file's metadata, the chat template its `tokenizer.chat_template`
    /// stands for (ChatML, e.g. SmolLM2; else LISA's llava_v1) and its end-of-sequence id.
    public static func load(gguf path: String) throws -> LanguageModel {
        let file = try GGUFFile(path: path)
        let model = try LlamaModel(gguf: file)
        let gguf = try GGUFTokenizer(file: file)
        let template = gguf.chatTemplate.flatMap(ChatTemplate.recognize(jinja:))
            ?? (gguf.tokenizer.tokenToId("<|im_start|>") != nil ? .chatML(defaultSystem: nil) : .llavaV1(system: ChatTemplate.llavaV1System))
        var eos = model.config.eosTokenIds
        if let id = gguf.eosTokenId, !eos.contains(id) { eos.append(id) }
        return LanguageModel(model: model, tokenizer: gguf.tokenizer, template: template,
                             stopTokenIDs: stopIDs(eos, template, gguf.tokenizer), path: path)
    }
}
