import Foundation

/// A tokenizer loaded from a Hugging Face `tokenizer.json` file.
///
/// The pipeline is the one of the `tokenizers` library: added tokens are cut out, the rest is
/// normalized, pre-tokenized into words, tokenized by the model (WordPiece, BPE or WordLevel),
/// truncated, post-processed (special tokens, type ids) and padded. Ids and decoded text match
/// the library exactly on the fixtures in `Tests/ModelTests/Fixtures/tokenizers`.
///
/// A `Tokenizer` is an immutable value and safe to share between threads; `truncation` and
/// `padding` start from the file and can be changed on a copy.
public struct Tokenizer: Sendable {
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let model: TokenizerModel
    let postProcessor: PostProcessor?
    let decoder: Decoder?
    let addedVocabulary: AddedVocabulary

    /// Truncation applied by `encode` (nil: none). Loaded from the file's `truncation` section.
    public var truncation: Truncation?
    /// Padding applied by `encode` and `encodeBatch` (nil: none). Loaded from the file's `padding` section.
    public var padding: Padding?

    /// Loads `tokenizer.json` at `path`.
    public static func load(contentsOf path: String) throws(TokenizerError) -> Tokenizer {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try Tokenizer(json: [UInt8](data), source: path)
    }

    /// Parses the contents of a `tokenizer.json`; `source` names it in errors.
    public init(json bytes: [UInt8], source: String = "tokenizer.json") throws(TokenizerError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .malformedJSON(file: source, offset: error.offset, reason: error.reason)
        }
        try self.init(configuration: value, source: source)
    }

    /// Builds the tokenizer from a parsed `tokenizer.json` document (also used by readers that
    /// assemble the document from another format, e.g. GGUF metadata).
    init(configuration value: JSONValue, source: String) throws(TokenizerError) {
        let root = JSONNode(value: value, path: "$", file: source)
        _ = try root.members()
        normalizer = try root.optional("normalizer").map { (n) throws(TokenizerError) in try Normalizer.parse(n) }
        preTokenizer = try root.optional("pre_tokenizer").map { (n) throws(TokenizerError) in try PreTokenizer.parse(n) }
        model = try TokenizerModel.parse(try root.required("model"))
        postProcessor = try root.optional("post_processor").map { (n) throws(TokenizerError) in try PostProcessor.parse(n) }
        decoder = try root.optional("decoder").map { (n) throws(TokenizerError) in try Decoder.parse(n) }
        truncation = try root.optional("truncation").map { (n) throws(TokenizerError) in try Truncation.parse(n) }
        padding = try root.optional("padding").map { (n) throws(TokenizerError) in try Padding.parse(n) }
        var added: [AddedToken] = []
        if let list = try root.optional("added_tokens") {
            for item in try list.array() { added.append(try AddedToken.parse(item)) }
        }
        addedVocabulary = AddedVocabulary(tokens: added, normalizer: normalizer)
    }

    // MARK: Vocabulary

    /// Number of distinct ids (model vocabulary plus added tokens outside it).
    public var vocabSize: Int {
        let vocab = model.vocabulary
        var n = vocab.count
        for t in addedVocabulary.tokens where vocab.token(t.id) == nil { n += 1 }
        return n
    }

    /// The added tokens declared in the file.
    public var addedTokens: [AddedToken] { addedVocabulary.tokens }

    /// The id of a token (added tokens first, then the model vocabulary); scalar-exact lookup.
    public func tokenToId(_ token: String) -> Int? {
        addedVocabulary.id(of: token) ?? model.vocabulary.id(token)
    }

    /// The string of a token id, or nil when the id is unknown. For an added token with
    /// `normalized: true` this is its normalized form, as in `tokenizers`.
    public func idToToken(_ id: Int) -> String? {
        addedVocabulary.decodeText(id) ?? model.vocabulary.token(id)
    }

    // MARK: Encoding

    /// Encodes `text` (and an optional second sequence `pair`) into token ids, applying the
    /// tokenizer's truncation and padding settings.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true) -> Encoding {
        var a = encodeSequence(text, typeId: 0)
        var b = pair.map { encodeSequence($0, typeId: 1) }
        if let truncation {
            let added = postProcessor?.addedTokens(isPair: b != nil) ?? 0
            let maxLength = addSpecialTokens && added > 0 ? max(0, truncation.maxLength - added) : truncation.maxLength
            truncation.apply(&a, &b, maxLength: maxLength)
        }
        var encodings = [a] + (b.map { [$0] } ?? [])
        if let postProcessor {
            encodings = postProcessor.process(encodings, addSpecialTokens: addSpecialTokens)
        }
        var merged = encodings[0]
        for e in encodings.dropFirst() { merged.append(e) }
        if let padding {
            var one = [merged]
            padding.apply(&one)
            merged = one[0]
        }
        return merged
    }

    /// Encodes several texts; with padding enabled, a `.batchLongest` strategy pads all of them
    /// to the longest encoding. Work is spread over the available cores.
    public func encodeBatch(_ texts: [String], addSpecialTokens: Bool = true) -> [Encoding] {
        var copy = self
        copy.padding = nil
        let unpadded = copy
        var results = [Encoding](repeating: Encoding(), count: texts.count)
        let workers = min(texts.count, ProcessInfo.processInfo.activeProcessorCount)
        if workers > 1 && texts.count >= 16 {
            results.withUnsafeMutableBufferPointer { buffer in
                let out = UnsafeSendableBuffer(base: buffer.baseAddress)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var i = w
                    while i < texts.count {
                        out.base?[i] = unpadded.encode(texts[i], addSpecialTokens: addSpecialTokens)
                        i += workers
                    }
                }
            }
        } else {
            for i in texts.indices { results[i] = unpadded.encode(texts[i], addSpecialTokens: addSpecialTokens) }
        }
        padding?.apply(&results)
        return results
    }

    /// Encodes one sequence without truncation, post-processing or padding.
    func encodeSequence(_ text: String, typeId: Int) -> Encoding {
        var pieces = addedVocabulary.extractAndNormalize(Array(text.unicodeScalars), normalizer: normalizer)
        preTokenizer?.preTokenize(&pieces)
        var out = Encoding()
        var buffer: [(id: Int, token: String)] = []
        for piece in pieces {
            if let id = piece.addedTokenId {
                out.append(id: id, token: String(scalars: piece.scalars), typeId: typeId, special: false)
                continue
            }
            buffer.removeAll(keepingCapacity: true)
            model.tokenize(piece.scalars, into: &buffer)
            for t in buffer { out.append(id: t.id, token: t.token, typeId: typeId, special: false) }
        }
        return out
    }

    // MARK: Decoding

    /// Turns ids back into text through the decoder; special added tokens are left out when
    /// `skipSpecialTokens` is true, and unknown ids are ignored.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard let token = addedVocabulary.decodeText(id) ?? model.vocabulary.token(id) else { continue }
            if skipSpecialTokens && addedVocabulary.isSpecial(token) { continue }
            tokens.append(token)
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decodeChain(tokens).joined()
    }
}

/// A pointer handed to worker threads that write disjoint elements.
private struct UnsafeSendableBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>?
}
