/// SAM's two-way transformer (follows `TwoWayTransformer` in Meta's `modeling/transformer.py`):
/// `decoder_depth` two-way blocks, then a final token → image attention with a residual and
/// LayerNorm. Keys `<key>.layers.<i>.*`, `<key>.final_attn_token_to_image.*`, `<key>.norm_final_attn.*`.
public struct SAMTwoWayTransformer: Sendable {
    public let blocks: [SAMTwoWayBlock]
    public let finalAttention: SAMAttention
    public let finalNorm: LayerNormLayer

    /// `blockNormEps`: the blocks' LayerNorm eps (Meta: PyTorch's default 1e-5; Hugging Face's
    /// port: the config's `layer_norm_eps`, 1e-6). The final norm uses 1e-5 in both.
    public init(loading key: String, from loader: inout WeightLoader, configuration c: SAMConfiguration, blockNormEps: Float) throws {
        blocks = try (0..<c.decoderDepth).map {
            try SAMTwoWayBlock(loading: "\(key).layers.\($0)", from: &loader, configuration: c, skipFirstLayerPE: $0 == 0, normEps: blockNormEps)
        }
        finalAttention = try SAMAttention(loading: "\(key).final_attn_token_to_image", from: &loader, embedDim: c.promptEmbedDim,
                                          heads: c.decoderNumHeads, downsampleRate: c.decoderAttentionDownsampleRate)
        finalNorm = try LayerNormLayer(loading: "\(key).norm_final_attn", from: &loader, size: c.promptEmbedDim, eps: 1e-5)
    }

    /// Runs the transformer: `tokens` [nq, C] (also their positional encoding), `image` [nk, C]
    /// (image embedding plus dense prompt, pixel rows), `imagePE` [nk, C]. Returns the updated
    /// tokens and image rows. `image` is consumed: the caller's last use hands its storage over.
    public func callAsFunction(tokens: [Float], image: consuming [Float], imagePE: [Float],
                               folding: SAMAttentionFolding = .automatic) -> (tokens: [Float], image: [Float]) {
        var queries = tokens, keys = image
        // keys + PE, written by every user before it is read: no need to zero 4 MB per prompt.
        var scratch = [Float](unsafeUninitializedCapacity: keys.count) { _, n in n = keys.count }
        for block in blocks {
            block.apply(queries: &queries, keys: &keys, queryPE: tokens, keyPE: imagePE, scratch: &scratch, folding: folding)
        }
        let dim = finalNorm.weight.count
        let nq = queries.count / dim, nk = keys.count / dim
        SAMBuffers.sum(keys, imagePE, into: &scratch)
        let q = SAMBuffers.sum(queries, tokens)
        let fold = folding.folds(finalAttention, tokens: nq)
        let out = q.withUnsafeBufferPointer { pq in
            scratch.withUnsafeBufferPointer { pk in
                keys.withUnsafeBufferPointer {
                    fold ? finalAttention.foldedTokensToImage(q: pq.baseAddress!, queries: nq, k: pk.baseAddress!, v: $0.baseAddress!, keys: nk)
                        : finalAttention(q: pq.baseAddress!, queries: nq, k: pk.baseAddress!, v: $0.baseAddress!, keys: nk)
                }
            }
        }
        SAMBuffers.add(out, into: &queries)
        queries.withUnsafeMutableBufferPointer { finalNorm.apply($0.baseAddress!, rows: nq) }
        return (queries, keys)
    }
}
