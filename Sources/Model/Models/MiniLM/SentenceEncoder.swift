import Foundation

/// A sentence-transformers model folder run as: BERT encoder → pooling → L2 normalization
/// (follows sentence-transformers `SentenceTransformer` with Transformer, Pooling, Normalize
/// modules, e.g. all-MiniLM-L6-v2). Immutable after load; safe to share across threads.
///
/// Reads `config.json`, `model.safetensors` (or a sharded index), `tokenizer.json`,
/// `1_Pooling/config.json`, `sentence_bert_config.json` (`max_seq_length`) and `modules.json`
/// (normalization is applied when it lists a `Normalize` module, or when the file is absent).
public final class SentenceEncoder: Sendable {
    public let directory: String
    /// The model folder's name, e.g. "all-MiniLM-L6-v2" (for reports).
    public var name: String { (directory as NSString).lastPathComponent }
    public let model: BertModel
    public let pooling: PoolingConfig.Mode
    public let normalize: Bool
    /// Longer inputs are truncated to this many tokens (special tokens included).
    public let maxSequenceLength: Int
    /// Sentences per forward pass in `embed`.
    public let batchSize: Int
    public let tokenizer: (any TextTokenizer)?

    /// Embedding width.
    public var dimension: Int { model.config.hiddenSize }

    /// Loads the model in `directory` with its `tokenizer.json`.
    public convenience init(directory: String, batchSize: Int = 32) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ModelError.unreadable(path: directory, reason: "model directory does not exist (tools/install-models.sh installs all-MiniLM-L6-v2)")
        }
        let path = (directory as NSString).appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelError.unreadable(path: path, reason: "the model folder has no tokenizer.json")
        }
        try self.init(directory: directory, tokenizer: try Tokenizer.load(contentsOf: path), batchSize: batchSize)
    }

    /// Loads the model in `directory` with the given tokenizer; with `tokenizer: nil` only
    /// `embed(tokenIDs:)` works.
    public init(directory: String, tokenizer: (any TextTokenizer)?, batchSize: Int = 32) throws {
        precondition(batchSize > 0, "SentenceEncoder: batchSize must be positive")
        func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ModelError.unreadable(path: directory, reason: "model directory does not exist")
        }
        let config = try BertConfig.load(path: file("config.json"))
        let weights = try SafeTensorsCheckpoint(path: directory)
        model = try BertModel(config: config, weights: weights)

        let poolingPath = file("1_Pooling/config.json")
        if fm.fileExists(atPath: poolingPath) {
            let p: PoolingConfig = try JSONFile.decode(path: poolingPath)
            if let dim = p.wordEmbeddingDimension, dim != config.hiddenSize {
                throw ModelError.invalidConfig(path: poolingPath, reason: "word_embedding_dimension \(dim) differs from hidden_size \(config.hiddenSize)")
            }
            pooling = try p.mode(path: poolingPath)
        } else {
            pooling = .mean
        }

        var maxLength = config.maxPositionEmbeddings
        let stPath = file("sentence_bert_config.json")
        if fm.fileExists(atPath: stPath) {
            let st: SentenceBertConfig = try JSONFile.decode(path: stPath)
            if let m = st.maxSeqLength {
                guard m >= 2 else { throw ModelError.invalidConfig(path: stPath, reason: "max_seq_length \(m) is below 2") }
                maxLength = min(m, config.maxPositionEmbeddings)
            }
        }
        maxSequenceLength = maxLength

        let modulesPath = file("modules.json")
        if fm.fileExists(atPath: modulesPath) {
            let modules: [ModuleEntry] = try JSONFile.decode(path: modulesPath)
            normalize = modules.contains { $0.type.hasSuffix(".Normalize") }
        } else {
            normalize = true
        }
        self.directory = directory
        self.tokenizer = tokenizer
        self.batchSize = batchSize
    }

    /// One vector per text, in order. Needs a tokenizer.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        guard let tokenizer else {
            throw ModelError.tokenization(text: texts.first ?? "", reason: "this SentenceEncoder was loaded without a tokenizer")
        }
        let ids = try texts.map { text in
            do { return try tokenizer.tokenIDs(for: text) } catch let e as ModelError { throw e } catch {
                throw ModelError.tokenization(text: text, reason: "\(error)")
            }
        }
        return try embed(tokenIDs: ids)
    }

    /// One vector per id sequence (special tokens included, as `TextTokenizer.tokenIDs` returns
    /// them). Sequences longer than `maxSequenceLength` keep their first `max − 1` ids and their
    /// last id. Runs `batchSize` sequences per forward pass.
    public func embed(tokenIDs: [[Int]]) throws -> [[Float]] {
        var result: [[Float]] = []
        result.reserveCapacity(tokenIDs.count)
        var start = 0
        while start < tokenIDs.count {
            let end = min(start + batchSize, tokenIDs.count)
            let batch = tokenIDs[start..<end].map(truncate)
            for (i, seq) in batch.enumerated() where seq.isEmpty {
                throw ModelError.tokenization(text: "#\(start + i)", reason: "empty token sequence")
            }
            let (states, ranges) = try model.hiddenStates(batch)
            states.withUnsafeFloats { s in
                for r in ranges { result.append(pool(s.baseAddress!, rows: r)) }
            }
            start = end
        }
        return result
    }

    func truncate(_ ids: [Int]) -> [Int] {
        guard ids.count > maxSequenceLength, let last = ids.last else { return ids }
        return Array(ids.prefix(maxSequenceLength - 1)) + [last]
    }

    private func pool(_ states: UnsafePointer<Float>, rows: Range<Int>) -> [Float] {
        let h = dimension
        var v = [Float](repeating: 0, count: h)
        switch pooling {
        case .cls:
            for j in 0..<h { v[j] = states[rows.lowerBound * h + j] }
        case .max:
            for j in 0..<h { v[j] = -.infinity }
            for r in rows { for j in 0..<h { v[j] = max(v[j], states[r * h + j]) } }
        case .mean, .meanSqrtLength:
            for r in rows { for j in 0..<h { v[j] += states[r * h + j] } }
            let n = Float(rows.count)
            let divisor = pooling == .mean ? n : n.squareRoot()
            for j in 0..<h { v[j] /= divisor }
        }
        if normalize {
            var sq: Float = 0
            for x in v { sq += x * x }
            // sentence-transformers Normalize = F.normalize(p=2, eps=1e-12).
            let inv = 1 / max(sq.squareRoot(), 1e-12)
            for j in 0..<h { v[j] *= inv }
        }
        return v
    }

    private struct SentenceBertConfig: Decodable {
        var maxSeqLength: Int?
        enum CodingKeys: String, CodingKey { case maxSeqLength = "max_seq_length" }
    }

    private struct ModuleEntry: Decodable {
        var type: String
    }
}
