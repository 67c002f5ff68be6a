/// A BERT encoder (follows Hugging Face `BertModel`, post-LayerNorm, absolute positions),
/// without the pooler head. Inference only.
///
/// Batches are packed, not padded: the tokens of all sequences are stacked into one
/// [tokens, hidden] matrix so every linear layer is one GEMM over real tokens, and attention
/// runs per sequence at its own length. That equals the padded computation with an attention
/// mask (masked keys get weight exactly 0 there) without spending work on padding.
public struct BertModel: Sendable {
    public let config: BertConfig

    struct Layer: Sendable {
        /// query, key and value stacked into one [3·hidden, hidden] projection.
        let qkv: LinearLayer
        let attentionOutput: LinearLayer
        let attentionNorm: LayerNormLayer
        let intermediate: LinearLayer
        let output: LinearLayer
        let outputNorm: LayerNormLayer
    }

    let wordEmbeddings: Tensor
    let positionEmbeddings: Tensor
    let tokenTypeEmbeddings: Tensor
    let embeddingNorm: LayerNormLayer
    let layers: [Layer]
    let activation: Activation

    /// Maps checkpoint keys to ours: drops the `bert.` prefix of task-head checkpoints, and the
    /// keys this encoder does not use (position-id buffer, pooler, pre-training heads).
    public static func sanitize(_ key: String) -> String? {
        var k = Substring(key)
        if k.hasPrefix("bert.") { k = k.dropFirst(5) }
        if k == "embeddings.position_ids" || k.hasPrefix("pooler.") || k.hasPrefix("cls.") { return nil }
        return String(k)
    }

    /// Loads the weights from `source` (every key accounted for, or a thrown
    /// `ModelError.checkpointMismatch`).
    public init(config: BertConfig, weights source: TensorSource) throws {
        self.config = config
        guard let act = config.activation else {
            throw ModelError.invalidConfig(path: source.sourceDescription, reason: "unsupported hidden_act '\(config.hiddenAct)'")
        }
        activation = act
        let h = config.hiddenSize, eps = Float(config.layerNormEps)
        var loader = WeightLoader(source: source, model: "BertModel", sanitize: Self.sanitize)
        wordEmbeddings = try loader.take("embeddings.word_embeddings.weight", shape: [config.vocabSize, h])
        positionEmbeddings = try loader.take("embeddings.position_embeddings.weight", shape: [config.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try loader.take("embeddings.token_type_embeddings.weight", shape: [config.typeVocabSize, h])
        embeddingNorm = try LayerNormLayer(loading: "embeddings.LayerNorm", from: &loader, size: h, eps: eps)
        var layers: [Layer] = []
        for i in 0..<config.numHiddenLayers {
            let p = "encoder.layer.\(i)"
            let q = try LinearLayer(loading: "\(p).attention.self.query", from: &loader, in: h, out: h)
            let k = try LinearLayer(loading: "\(p).attention.self.key", from: &loader, in: h, out: h)
            let v = try LinearLayer(loading: "\(p).attention.self.value", from: &loader, in: h, out: h)
            let qkv = LinearLayer(
                weight: Tensor(shape: [3 * h, h], data: q.weight.scalars + k.weight.scalars + v.weight.scalars),
                bias: Tensor(shape: [3 * h], data: q.bias!.scalars + k.bias!.scalars + v.bias!.scalars))
            layers.append(Layer(
                qkv: qkv,
                attentionOutput: try LinearLayer(loading: "\(p).attention.output.dense", from: &loader, in: h, out: h),
                attentionNorm: try LayerNormLayer(loading: "\(p).attention.output.LayerNorm", from: &loader, size: h, eps: eps),
                intermediate: try LinearLayer(loading: "\(p).intermediate.dense", from: &loader, in: h, out: config.intermediateSize),
                output: try LinearLayer(loading: "\(p).output.dense", from: &loader, in: config.intermediateSize, out: h),
                outputNorm: try LayerNormLayer(loading: "\(p).output.LayerNorm", from: &loader, size: h, eps: eps)))
        }
        self.layers = layers
        try loader.finish()
    }

    /// Last-layer token states of each sequence, packed: [Σ lengths, hidden], with each
    /// sequence's row range. Sequences must be non-empty and at most `max_position_embeddings`
    /// long; ids outside the vocabulary throw.
    public func hiddenStates(_ sequences: [[Int]]) throws -> (states: Tensor, ranges: [Range<Int>]) {
        let h = config.hiddenSize
        var ranges: [Range<Int>] = []
        var total = 0
        for s in sequences {
            precondition(!s.isEmpty && s.count <= config.maxPositionEmbeddings,
                         "BertModel: sequence length \(s.count) outside 1...\(config.maxPositionEmbeddings)")
            for id in s where id < 0 || id >= config.vocabSize {
                throw ModelError.tokenOutOfRange(id: id, vocabularySize: config.vocabSize)
            }
            ranges.append(total..<(total + s.count))
            total += s.count
        }
        let maxLength = sequences.map(\.count).max() ?? 0
        var hidden = [Float](repeating: 0, count: total * h)
        var qkv = [Float](repeating: 0, count: total * 3 * h)
        var context = [Float](repeating: 0, count: total * h)
        var inter = [Float](repeating: 0, count: total * config.intermediateSize)
        let heads = config.numAttentionHeads, headDim = h / heads
        let scale = 1 / Float(headDim).squareRoot()

        hidden.withUnsafeMutableBufferPointer { hb in
            let hp = hb.baseAddress!
            // Embeddings: word + position + token type 0, then LayerNorm.
            wordEmbeddings.withUnsafeFloats { we in
                positionEmbeddings.withUnsafeFloats { pe in
                    tokenTypeEmbeddings.withUnsafeFloats { te in
                        for (s, seq) in sequences.enumerated() {
                            for (pos, id) in seq.enumerated() {
                                let row = hp + (ranges[s].lowerBound + pos) * h
                                let w = we.baseAddress! + id * h, p = pe.baseAddress! + pos * h
                                for j in 0..<h { row[j] = w[j] + p[j] + te[j] }
                            }
                        }
                    }
                }
            }
            if total == 0 { return }
            embeddingNorm.apply(hp, rows: total)

            qkv.withUnsafeMutableBufferPointer { qb in
                context.withUnsafeMutableBufferPointer { cb in
                    inter.withUnsafeMutableBufferPointer { ib in
                        for layer in layers {
                            forward(layer, hidden: hp, qkv: qb.baseAddress!, context: cb.baseAddress!, inter: ib.baseAddress!,
                                    ranges: ranges, maxLength: maxLength, heads: heads, headDim: headDim, scale: scale)
                        }
                    }
                }
            }
        }
        return (Tensor(shape: [total, h], data: hidden), ranges)
    }

    private func forward(
        _ layer: Layer, hidden: UnsafeMutablePointer<Float>, qkv: UnsafeMutablePointer<Float>,
        context: UnsafeMutablePointer<Float>, inter: UnsafeMutablePointer<Float>,
        ranges: [Range<Int>], maxLength: Int, heads: Int, headDim: Int, scale: Float
    ) {
        let h = config.hiddenSize, i = config.intermediateSize
        let total = ranges.last?.upperBound ?? 0
        // Q, K, V for all tokens in one GEMM.
        layer.qkv.forward(hidden, rows: total, into: qkv)
        // Attention per (sequence, head), spread over the cores.
        let jobs = ranges.count * heads
        let qp = SendablePointer(qkv), cp = SendablePointer(context)
        Parallel.forRanges(jobs) { range in
            var scores = [Float](repeating: 0, count: maxLength * maxLength)
            scores.withUnsafeMutableBufferPointer { sc in
                for job in range {
                    let r = ranges[job / heads], head = job % heads
                    let base = qp.base + r.lowerBound * 3 * h
                    Attention.sequence(q: base, ldq: 3 * h, k: base + h, ldk: 3 * h, v: base + 2 * h, ldv: 3 * h,
                                       out: cp.base + r.lowerBound * h, ldo: h, length: r.count,
                                       head: head, headDim: headDim, scale: scale, scores: sc.baseAddress!)
                }
            }
        }
        // Output projection accumulated onto the residual (+ bias), then LayerNorm.
        addProjection(layer.attentionOutput, input: context, rows: total, onto: hidden)
        layer.attentionNorm.apply(hidden, rows: total)
        // Feed-forward.
        layer.intermediate.forward(hidden, rows: total, into: inter)
        activation.apply(inter, count: total * i)
        addProjection(layer.output, input: inter, rows: total, onto: hidden)
        layer.outputNorm.apply(hidden, rows: total)
    }

    /// residual += input · Wᵀ + b, as one GEMM with beta = 1.
    private func addProjection(_ linear: LinearLayer, input: UnsafePointer<Float>, rows: Int, onto residual: UnsafeMutablePointer<Float>) {
        let outF = linear.outFeatures, inF = linear.inFeatures
        if let bias = linear.bias {
            bias.withUnsafeFloats { b in
                for r in 0..<rows {
                    let row = residual + r * outF
                    for j in 0..<outF { row[j] += b[j] }
                }
            }
        }
        GEMM.sgemm(m: rows, a: input, lda: inF, b: linear.packed, beta: 1, c: residual, ldc: outF)
    }
}
