/// The tokenizer a GGUF file describes in its `tokenizer.*` metadata, built as LisaKit's
/// `Tokenizer` (the same BPE, pre-tokenizers and decoders as for `tokenizer.json`).
///
/// GGUF files carry no `tokenizer.json`; llama.cpp stores the pieces instead: the vocabulary
/// (`tokenizer.ggml.tokens`), merges or scores, token types, special token ids and flags. This
/// assembles the pipeline the way Hugging Face `transformers` converts a GGUF tokenizer
/// (`AutoTokenizer.from_pretrained(dir, gguf_file:)`), which the parity tests compare with:
/// - `gpt2`: byte-level BPE with the file's merges (GPT-2 split pattern, or the one of a known
///   `tokenizer.ggml.pre` such as `llama-bpe`); tokens outside the byte alphabet are re-spelled
///   in it.
/// - `llama`: SentencePiece-style BPE with byte fallback (Metaspace `▁`, prefix on the first
///   word); merges come from the file or, as usual, are recovered from the vocabulary and scores.
/// Token types: control (3) tokens and the bos/eos/unk/pad tokens become special added tokens,
/// user-defined (4) ones plain added tokens. `add_bos_token` / `add_eos_token` set the template.
public struct GGUFTokenizer: Sendable {
    /// The token types of `tokenizer.ggml.token_type`.
    public enum TokenType: Int, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public let tokenizer: Tokenizer
    /// `tokenizer.ggml.model`: "gpt2" or "llama".
    public let model: String
    /// `tokenizer.ggml.pre`, when present.
    public let preTokenizer: String?
    public let bosTokenId: Int?
    public let eosTokenId: Int?
    public let unknownTokenId: Int?
    public let paddingTokenId: Int?
    /// Whether encoding adds BOS/EOS (`tokenizer.ggml.add_bos_token`; SentencePiece files
    /// without the flag add BOS, as llama.cpp and transformers do).
    public let addBosToken: Bool
    public let addEosToken: Bool
    /// `tokenizer.chat_template` (Jinja), when present.
    public let chatTemplate: String?
    /// The vocabulary as stored in the file (index = id).
    public let tokens: [String]
    public let tokenTypes: [TokenType]

    /// Reads the tokenizer of `file`.
    public init(file: GGUFFile) throws(GGUFError) {
        let m = file.metadata
        let path = file.path
        func bad(_ key: String, _ reason: String) -> GGUFError { .invalidMetadata(path: path, key: key, reason: reason) }
        let model = try m.string("tokenizer.ggml.model")
        let preTokenizer = try m.optionalString("tokenizer.ggml.pre")
        self.model = model
        self.preTokenizer = preTokenizer
        let tokens = try m.strings("tokenizer.ggml.tokens")
        self.tokens = tokens
        guard !tokens.isEmpty else { throw bad("tokenizer.ggml.tokens", "the vocabulary is empty") }
        let rawTypes = try m.optionalInts("tokenizer.ggml.token_type") ?? []
        guard rawTypes.isEmpty || rawTypes.count == tokens.count else {
            throw bad("tokenizer.ggml.token_type", "has \(rawTypes.count) entries for \(tokens.count) tokens")
        }
        let tokenTypes = rawTypes.map { TokenType(rawValue: $0) ?? .undefined }
        self.tokenTypes = tokenTypes
        func tokenId(_ key: String) throws(GGUFError) -> Int? {
            guard let id = try m.optionalInt(key) else { return nil }
            guard id >= 0, id < tokens.count else { throw bad(key, "id \(id) is outside the \(tokens.count)-token vocabulary") }
            return id
        }
        let bosTokenId = try tokenId("tokenizer.ggml.bos_token_id")
        let eosTokenId = try tokenId("tokenizer.ggml.eos_token_id")
        let unknownTokenId = try tokenId("tokenizer.ggml.unknown_token_id")
        let paddingTokenId = try tokenId("tokenizer.ggml.padding_token_id")
        let addBosToken = try m.optionalBool("tokenizer.ggml.add_bos_token") ?? (model == "llama")
        let addEosToken = try m.optionalBool("tokenizer.ggml.add_eos_token") ?? false
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        self.unknownTokenId = unknownTokenId
        self.paddingTokenId = paddingTokenId
        self.addBosToken = addBosToken
        self.addEosToken = addEosToken
        chatTemplate = try m.optionalString("tokenizer.chat_template")

        let fields = Fields(tokens: tokens, tokenTypes: tokenTypes, preTokenizer: preTokenizer, bos: bosTokenId, eos: eosTokenId,
                            unk: unknownTokenId, pad: paddingTokenId, addBos: addBosToken, addEos: addEosToken)
        let configuration: JSONValue
        switch model {
        case "gpt2":
            configuration = try Self.byteLevelConfiguration(fields, m, bad)
        case "llama":
            configuration = try Self.sentencePieceConfiguration(fields, m, bad)
        default:
            throw bad("tokenizer.ggml.model", "tokenizer model '\(model)' is not supported (only gpt2 and llama)")
        }
        do {
            tokenizer = try Tokenizer(configuration: configuration, source: "\(path) (tokenizer.ggml.*)")
        } catch {
            throw bad("tokenizer.ggml", "\(error)")
        }
    }

    /// Token string of a special id, for messages and templates.
    public func token(_ id: Int?) -> String? { id.flatMap { $0 >= 0 && $0 < tokens.count ? tokens[$0] : nil } }

    // MARK: - The two pipelines

    /// What the pipeline builders need, gathered before `self` is complete.
    private struct Fields {
        var tokens: [String]
        var tokenTypes: [TokenType]
        var preTokenizer: String?
        var bos, eos, unk, pad: Int?
        var addBos, addEos: Bool

        func token(_ id: Int?) -> String? { id.flatMap { $0 >= 0 && $0 < tokens.count ? tokens[$0] : nil } }
    }

    private static func byteLevelConfiguration(_ f: Fields, _ m: GGUFMetadata, _ bad: (String, String) -> GGUFError) throws(GGUFError) -> JSONValue {
        // Every byte-level token is spelled in the 256-character byte alphabet; one that is not
        // (a stray UTF-8 spelling) is re-spelled byte by byte.
        let alphabet = Set(ByteLevelAlphabet.byteToScalar)
        func inAlphabet(_ t: String) -> Bool { t.unicodeScalars.allSatisfy { alphabet.contains($0) } }
        let spelled = f.tokens.map { t in
            inAlphabet(t) ? t : String(String.UnicodeScalarView(t.utf8.map { ByteLevelAlphabet.byteToScalar[Int($0)] }))
        }
        let merges = try m.strings("tokenizer.ggml.merges")
        var mergeList: [JSONValue] = []
        mergeList.reserveCapacity(merges.count)
        for (i, line) in merges.enumerated() {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw bad("tokenizer.ggml.merges", "merge #\(i) '\(line)' is not two tokens separated by one space") }
            mergeList.append(.array([.string(String(parts[0])), .string(String(parts[1]))]))
        }
        let split: JSONValue
        if let pre = f.preTokenizer, let pattern = Self.splitPatterns[pre] {
            split = .object([
                ("type", .string("Sequence")),
                ("pretokenizers", .array([
                    .object([("type", .string("Split")), ("pattern", .object([("Regex", .string(pattern))])),
                             ("behavior", .string("Isolated")), ("invert", .bool(false))]),
                    Self.byteLevel(useRegex: false),
                ])),
            ])
        } else {
            split = Self.byteLevel(useRegex: true)
        }
        let model: JSONValue = .object([
            ("type", .string("BPE")), ("dropout", .null), ("unk_token", .null),
            ("continuing_subword_prefix", .string("")), ("end_of_word_suffix", .string("")),
            ("fuse_unk", .bool(false)), ("byte_fallback", .bool(false)), ("ignore_merges", .bool(false)),
            ("vocab", Self.vocabulary(spelled)), ("merges", .array(mergeList)),
        ])
        let vocab = Set(spelled)
        return .object([
            ("normalizer", .null),
            ("pre_tokenizer", split),
            ("post_processor", postProcessor(f)),
            ("decoder", Self.byteLevel(useRegex: true, addPrefixSpace: true)),
            ("model", model),
            ("added_tokens", addedTokens(f, ids: Self.lastIds(spelled), allowSpecial: inAlphabet, userDefinedIf: { vocab.contains($0) })),
        ])
    }

    private static func sentencePieceConfiguration(_ f: Fields, _ m: GGUFMetadata, _ bad: (String, String) -> GGUFError) throws(GGUFError) -> JSONValue {
        let mergeList: [JSONValue]
        if let merges = try m.optionalStrings("tokenizer.ggml.merges") {
            var list: [JSONValue] = []
            for (i, line) in merges.enumerated() {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw bad("tokenizer.ggml.merges", "merge #\(i) '\(line)' is not two tokens separated by one space") }
                list.append(.array([.string(String(parts[0])), .string(String(parts[1]))]))
            }
            mergeList = list
        } else {
            let scores = try m.floats("tokenizer.ggml.scores")
            guard scores.count == f.tokens.count else {
                throw bad("tokenizer.ggml.scores", "has \(scores.count) entries for \(f.tokens.count) tokens")
            }
            mergeList = SentencePieceMerges.recover(tokens: f.tokens, scores: scores).map { .array([.string($0.0), .string($0.1)]) }
        }
        let model: JSONValue = .object([
            ("type", .string("BPE")), ("dropout", .null), ("unk_token", .null),
            ("continuing_subword_prefix", .null), ("end_of_word_suffix", .null),
            ("fuse_unk", .bool(true)), ("byte_fallback", .bool(true)), ("ignore_merges", .bool(false)),
            ("vocab", Self.vocabulary(f.tokens)), ("merges", .array(mergeList)),
        ])
        let vocab = Set(f.tokens)
        let decoder: JSONValue = .object([
            ("type", .string("Sequence")),
            ("decoders", .array([
                .object([("type", .string("Replace")), ("pattern", .object([("String", .string("\u{2581}"))])), ("content", .string(" "))]),
                .object([("type", .string("ByteFallback"))]),
                .object([("type", .string("Fuse"))]),
                .object([("type", .string("Strip")), ("content", .string(" ")), ("start", .number(1)), ("stop", .number(0))]),
            ])),
        ])
        return .object([
            ("normalizer", .null),
            ("pre_tokenizer", .object([("type", .string("Metaspace")), ("replacement", .string("\u{2581}")),
                                      ("prepend_scheme", .string("first")), ("split", .bool(false))])),
            ("post_processor", postProcessor(f)),
            ("decoder", decoder),
            ("model", model),
            ("added_tokens", addedTokens(f, ids: Self.lastIds(f.tokens), allowSpecial: { _ in true }, userDefinedIf: { vocab.contains($0) })),
        ])
    }

    // MARK: - Pieces

    /// `{token: id}` in file order; a token listed twice keeps its last id (as a JSON object
    /// read into a dictionary does in `tokenizers`).
    private static func vocabulary(_ tokens: [String]) -> JSONValue {
        .object(tokens.enumerated().map { ($0.element, JSONValue.number(Double($0.offset))) })
    }

    private static func lastIds(_ tokens: [String]) -> [String: Int] {
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() { ids[t] = i }
        return ids
    }

    private static func byteLevel(useRegex: Bool, addPrefixSpace: Bool = false) -> JSONValue {
        .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(addPrefixSpace)), ("trim_offsets", .bool(true)),
                 ("use_regex", .bool(useRegex))])
    }

    /// The named special tokens, control tokens (special) and user-defined tokens (not special).
    private static func addedTokens(_ f: Fields, ids: [String: Int], allowSpecial: (String) -> Bool, userDefinedIf: (String) -> Bool) -> JSONValue {
        var out: [JSONValue] = []
        var seen = Set<String>()
        func add(_ token: String, special: Bool) {
            guard let id = ids[token], seen.insert(token).inserted else { return }
            out.append(.object([
                ("id", .number(Double(id))), ("content", .string(token)), ("single_word", .bool(false)),
                ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(special)),
            ]))
        }
        for id in [f.unk, f.bos, f.eos, f.pad] {
            if let t = f.token(id) { add(t, special: true) }
        }
        for (t, type) in zip(f.tokens, f.tokenTypes) where type == .control && allowSpecial(t) { add(t, special: true) }
        for (t, type) in zip(f.tokens, f.tokenTypes) where type == .userDefined && userDefinedIf(t) { add(t, special: false) }
        return .array(out)
    }

    /// `[BOS] A [EOS]` and `[BOS] A [EOS] [BOS] B [EOS]` with the flags' tokens.
    private static func postProcessor(_ f: Fields) -> JSONValue {
        let bos = f.addBos ? f.token(f.bos) : nil
        let eos = f.addEos ? f.token(f.eos) : nil
        func special(_ t: String, _ typeId: Int) -> JSONValue {
            .object([("SpecialToken", .object([("id", .string(t)), ("type_id", .number(Double(typeId)))]))])
        }
        func sequence(_ name: String, _ typeId: Int) -> JSONValue {
            .object([("Sequence", .object([("id", .string(name)), ("type_id", .number(Double(typeId)))]))])
        }
        func part(_ name: String, _ typeId: Int) -> [JSONValue] {
            (bos.map { [special($0, typeId)] } ?? []) + [sequence(name, typeId)] + (eos.map { [special($0, typeId)] } ?? [])
        }
        var specials: [(key: String, value: JSONValue)] = []
        for (t, id) in [(bos, f.bos), (eos, f.eos)] {
            guard let t, let id, !specials.contains(where: { $0.key == t }) else { continue }
            specials.append((t, .object([("id", .string(t)), ("ids", .array([.number(Double(id))])), ("tokens", .array([.string(t)]))])))
        }
        return .object([
            ("type", .string("TemplateProcessing")),
            ("single", .array(part("A", 0))),
            ("pair", .array(part("A", 0) + part("B", 1))),
            ("special_tokens", .object(specials)),
        ])
    }

    /// Split patterns of the `tokenizer.ggml.pre` values whose merges were learned on another
    /// split than GPT-2's (as transformers maps them).
    static let splitPatterns: [String: String] = {
        let llama3 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        let gpt4o = #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#
            + #"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#
            + #"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
        var table: [String: String] = [:]
        for name in ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
                     "jina-v5-nano", "dbrx", "smaug-bpe"] { table[name] = llama3 }
        for name in ["gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"] { table[name] = gpt4o }
        return table
    }()
}
