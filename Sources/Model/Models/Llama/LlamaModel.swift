/// A LLaMA-family causal language model (follows Hugging Face `modeling_llama.py`,
/// `LlamaForCausalLM`): token embedding, decoder blocks, final RMSNorm, language-model head.
/// Inference only; every projection is `any MatrixWeight`, so Hugging Face checkpoints (fp32,
/// or bf16/f16 kept in 16 bits) and quantized GGUF files run through the same code.
///
/// `forward` takes the new tokens of a sequence and its `LlamaKVCache`: a prompt is one call
/// (prefill: every projection a matrix–matrix product over the prompt), generation then calls it
/// with one token at a time (decode: matrix–vector products against the cache).
public struct LlamaModel: Sendable {
    public let config: LlamaConfiguration
    public let rope: RotaryEmbedding
    /// [vocab, hidden]; rows are looked up for the input tokens.
    public let embedding: any MatrixWeight
    public let layers: [LlamaDecoderLayer]
    public let finalNorm: RMSNormLayer
    /// [vocab, hidden]; the embedding itself when `tie_word_embeddings`.
    public let lmHead: any MatrixWeight

    /// Which positions get logits.
    public enum LogitsScope: Sendable {
        case none
        /// The last new position only (what generation needs).
        case last
        /// Every new position.
        case all
    }

    /// What one forward pass returns for its new positions.
    public struct Output: Sendable {
        /// Last-layer hidden states after the final RMSNorm, [new positions, hidden] (Hugging
        /// Face `hidden_states[-1]`; LISA takes the row that predicts `[SEG]` from here).
        public let hiddenStates: Tensor
        /// [1 or new positions, vocab] as `LogitsScope` asked; nil for `.none`.
        public let logits: Tensor?
    }

    public init(config: LlamaConfiguration, rope: RotaryEmbedding, embedding: any MatrixWeight,
                layers: [LlamaDecoderLayer], finalNorm: RMSNormLayer, lmHead: any MatrixWeight) {
        self.config = config
        self.rope = rope
        self.embedding = embedding
        self.layers = layers
        self.finalNorm = finalNorm
        self.lmHead = lmHead
    }

    /// An empty cache for one sequence, with room for `reserve` positions.
    public func makeCache(reserve: Int = 0) -> LlamaKVCache {
        LlamaKVCache(layers: layers.count, rowWidth: config.numKeyValueHeads * config.headDim, reserve: reserve)
    }

    /// Runs `tokens` (the next positions of the sequence `cache` holds) through the decoder and
    /// appends their keys and values to `cache`. Throws for an empty list or an id outside the
    /// vocabulary (the cache is left unchanged then).
    public func forward(_ tokens: [Int], cache: inout LlamaKVCache, logits scope: LogitsScope = .last) throws -> Output {
        guard !tokens.isEmpty else { throw ModelError.invalidInput(reason: "LlamaModel: no tokens to run") }
        for id in tokens where id < 0 || id >= embedding.outFeatures {
            throw ModelError.tokenOutOfRange(id: id, vocabularySize: embedding.outFeatures)
        }
        precondition(cache.layerCount == layers.count && cache.rowWidth == config.numKeyValueHeads * config.headDim,
                     "LlamaModel: the cache was made for another model")
        let n = tokens.count, past = cache.count, total = past + n
        let h = config.hiddenSize, heads = config.numAttentionHeads, kvHeads = config.numKeyValueHeads
        let d = config.headDim, qWidth = heads * d, kvWidth = kvHeads * d, inter = config.intermediateSize

        var x = [Float](repeating: 0, count: n * h)
        var normed = [Float](repeating: 0, count: n * h)
        var q = [Float](repeating: 0, count: n * qWidth)
        var k = [Float](repeating: 0, count: n * kvWidth)
        var v = [Float](repeating: 0, count: n * kvWidth)
        var attn = [Float](repeating: 0, count: n * qWidth)
        var gate = [Float](repeating: 0, count: n * inter)
        var up = [Float](repeating: 0, count: n * inter)
        let (cosTable, sinTable) = rope.table(positions: past..<total)

        x.withUnsafeMutableBufferPointer { xb in
            let xp = xb.baseAddress!
            for (r, id) in tokens.enumerated() { embedding.row(id, into: xp + r * h) }
        }
        for (l, layer) in layers.enumerated() {
            x.withUnsafeMutableBufferPointer { xb in
            normed.withUnsafeMutableBufferPointer { nb in
            q.withUnsafeMutableBufferPointer { qb in
            k.withUnsafeMutableBufferPointer { kb in
            v.withUnsafeMutableBufferPointer { vb in
                let xp = xb.baseAddress!, np = nb.baseAddress!
                layer.inputNorm.apply(xp, rows: n, into: np)
                layer.query.multiply(np, rows: n, into: qb.baseAddress!)
                layer.key.multiply(np, rows: n, into: kb.baseAddress!)
                layer.value.multiply(np, rows: n, into: vb.baseAddress!)
                cosTable.withUnsafeBufferPointer { cb in
                    sinTable.withUnsafeBufferPointer { sb in
                        rope.apply(qb.baseAddress!, rows: n, heads: heads, rowStride: qWidth, cos: cb.baseAddress!, sin: sb.baseAddress!)
                        rope.apply(kb.baseAddress!, rows: n, heads: kvHeads, rowStride: kvWidth, cos: cb.baseAddress!, sin: sb.baseAddress!)
                    }
                }
                cache.append(layer: l, keys: kb.baseAddress!, values: vb.baseAddress!, rows: n)
            }}}}}
            cache.keys[l].withUnsafeBufferPointer { kc in
                cache.values[l].withUnsafeBufferPointer { vc in
                    q.withUnsafeBufferPointer { qb in
                        attn.withUnsafeMutableBufferPointer { ab in
                            LlamaAttention.attend(q: qb.baseAddress!, keys: kc.baseAddress!, values: vc.baseAddress!,
                                                  out: ab.baseAddress!, newRows: n, totalRows: total,
                                                  heads: heads, kvHeads: kvHeads, headDim: d)
                        }
                    }
                }
            }
            x.withUnsafeMutableBufferPointer { xb in
            normed.withUnsafeMutableBufferPointer { nb in
            attn.withUnsafeBufferPointer { ab in
            gate.withUnsafeMutableBufferPointer { gb in
            up.withUnsafeMutableBufferPointer { ub in
                let xp = xb.baseAddress!, np = nb.baseAddress!, gp = gb.baseAddress!, upp = ub.baseAddress!
                // Attention output and residual.
                layer.output.multiply(ab.baseAddress!, rows: n, into: np)
                for i in 0..<(n * h) { xp[i] += np[i] }
                // SwiGLU MLP and residual.
                layer.postAttentionNorm.apply(xp, rows: n, into: np)
                layer.gate.multiply(np, rows: n, into: gp)
                layer.up.multiply(np, rows: n, into: upp)
                for i in 0..<(n * inter) {
                    let g = gp[i]
                    gp[i] = g / (1 + FastMath.exp(-g)) * upp[i]
                }
                layer.down.multiply(gp, rows: n, into: np)
                for i in 0..<(n * h) { xp[i] += np[i] }
            }}}}}
        }
        cache.advance(by: n)

        let vocab = lmHead.outFeatures
        var logits: Tensor?
        x.withUnsafeMutableBufferPointer { xb in
            let xp = xb.baseAddress!
            finalNorm.apply(xp, rows: n, into: xp)
            switch scope {
            case .none: logits = nil
            case .last:
                logits = Tensor(shape: [1, vocab]) { out in lmHead.multiply(xp + (n - 1) * h, rows: 1, into: out.baseAddress!) }
            case .all:
                logits = Tensor(shape: [n, vocab]) { out in lmHead.multiply(xp, rows: n, into: out.baseAddress!) }
            }
        }
        return Output(hiddenStates: Tensor(shape: [n, h], data: x), logits: logits)
    }
}
