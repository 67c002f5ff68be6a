/// One block of SAM's two-way transformer (follows `TwoWayAttentionBlock` in Meta's
/// `modeling/transformer.py`): (1) self-attention of the prompt tokens, (2) cross-attention
/// tokens → image, (3) a ReLU MLP on the tokens, (4) cross-attention image → tokens; each with
/// a residual and a LayerNorm. The first block skips the positional encoding in (1) and
/// replaces the tokens by the attention output instead of adding it.
/// Keys `<key>.{self_attn,cross_attn_token_to_image,cross_attn_image_to_token}.*`,
/// `<key>.norm{1,2,3,4}.*`, `<key>.mlp.lin{1,2}.*`.
public struct SAMTwoWayBlock: Sendable {
    public let selfAttention: SAMAttention
    public let tokenToImage: SAMAttention
    public let imageToToken: SAMAttention
    public let norm1: LayerNormLayer, norm2: LayerNormLayer, norm3: LayerNormLayer, norm4: LayerNormLayer
    public let mlpIn: LinearLayer, mlpOut: LinearLayer
    public let skipFirstLayerPE: Bool

    public init(loading key: String, from loader: inout WeightLoader, configuration c: SAMConfiguration,
                skipFirstLayerPE: Bool, normEps: Float) throws {
        let dim = c.promptEmbedDim
        selfAttention = try SAMAttention(loading: "\(key).self_attn", from: &loader, embedDim: dim, heads: c.decoderNumHeads, downsampleRate: 1)
        tokenToImage = try SAMAttention(loading: "\(key).cross_attn_token_to_image", from: &loader, embedDim: dim,
                                        heads: c.decoderNumHeads, downsampleRate: c.decoderAttentionDownsampleRate)
        imageToToken = try SAMAttention(loading: "\(key).cross_attn_image_to_token", from: &loader, embedDim: dim,
                                        heads: c.decoderNumHeads, downsampleRate: c.decoderAttentionDownsampleRate)
        norm1 = try LayerNormLayer(loading: "\(key).norm1", from: &loader, size: dim, eps: normEps)
        norm2 = try LayerNormLayer(loading: "\(key).norm2", from: &loader, size: dim, eps: normEps)
        norm3 = try LayerNormLayer(loading: "\(key).norm3", from: &loader, size: dim, eps: normEps)
        norm4 = try LayerNormLayer(loading: "\(key).norm4", from: &loader, size: dim, eps: normEps)
        mlpIn = try LinearLayer(loading: "\(key).mlp.lin1", from: &loader, in: dim, out: c.decoderMLPDim)
        mlpOut = try LinearLayer(loading: "\(key).mlp.lin2", from: &loader, in: c.decoderMLPDim, out: dim)
        self.skipFirstLayerPE = skipFirstLayerPE
    }

    /// Updates `queries` [nq, C] and `keys` [nk, C] in place. `queryPE` [nq, C] and `keyPE`
    /// [nk, C] are added to the attention inputs (not to the values). `scratch` holds nk·C floats.
    func apply(queries: inout [Float], keys: inout [Float], queryPE: [Float], keyPE: [Float],
               scratch: inout [Float], folding: SAMAttentionFolding = .automatic) {
        let dim = norm1.weight.count
        let nq = queries.count / dim, nk = keys.count / dim

        // (1) Self-attention of the tokens.
        if skipFirstLayerPE {
            queries = queries.withUnsafeBufferPointer { selfAttention(q: $0.baseAddress!, queries: nq, k: $0.baseAddress!, v: $0.baseAddress!, keys: nq) }
        } else {
            let q = SAMBuffers.sum(queries, queryPE)
            let out = q.withUnsafeBufferPointer { pq in
                queries.withUnsafeBufferPointer { selfAttention(q: pq.baseAddress!, queries: nq, k: pq.baseAddress!, v: $0.baseAddress!, keys: nq) }
            }
            SAMBuffers.add(out, into: &queries)
        }
        queries.withUnsafeMutableBufferPointer { norm1.apply($0.baseAddress!, rows: nq) }

        // (2) Tokens attend to the image.
        SAMBuffers.sum(keys, keyPE, into: &scratch)
        var q = SAMBuffers.sum(queries, queryPE)
        let foldT2I = folding.folds(tokenToImage, tokens: nq)
        var out = q.withUnsafeBufferPointer { pq in
            scratch.withUnsafeBufferPointer { pk in
                keys.withUnsafeBufferPointer {
                    foldT2I ? tokenToImage.foldedTokensToImage(q: pq.baseAddress!, queries: nq, k: pk.baseAddress!, v: $0.baseAddress!, keys: nk)
                        : tokenToImage(q: pq.baseAddress!, queries: nq, k: pk.baseAddress!, v: $0.baseAddress!, keys: nk)
                }
            }
        }
        SAMBuffers.add(out, into: &queries)
        queries.withUnsafeMutableBufferPointer { norm2.apply($0.baseAddress!, rows: nq) }

        // (3) MLP on the tokens (ReLU).
        var hidden = queries.withUnsafeBufferPointer { mlpIn.forward($0.baseAddress!, rows: nq) }
        for i in hidden.indices { hidden[i] = max(hidden[i], 0) }
        out = hidden.withUnsafeBufferPointer { mlpOut.forward($0.baseAddress!, rows: nq) }
        SAMBuffers.add(out, into: &queries)
        queries.withUnsafeMutableBufferPointer { norm3.apply($0.baseAddress!, rows: nq) }

        // (4) The image attends to the tokens (keys + PE is unchanged since step 2); the folded
        // form adds its result onto `keys` directly.
        q = SAMBuffers.sum(queries, queryPE)
        if folding.folds(imageToToken, tokens: nq) {
            scratch.withUnsafeBufferPointer { pk in
                q.withUnsafeBufferPointer { pq in
                    queries.withUnsafeBufferPointer { pv in
                        keys.withUnsafeMutableBufferPointer {
                            imageToToken.foldedImageToTokens(q: pk.baseAddress!, queries: nk, k: pq.baseAddress!, v: pv.baseAddress!, keys: nq,
                                                             addingTo: $0.baseAddress!)
                        }
                    }
                }
            }
        } else {
            out = scratch.withUnsafeBufferPointer { pk in
                q.withUnsafeBufferPointer { pq in
                    queries.withUnsafeBufferPointer {
                        imageToToken(q: pk.baseAddress!, queries: nk, k: pq.baseAddress!, v: $0.baseAddress!, keys: nq)
                    }
                }
            }
            SAMBuffers.add(out, into: &keys)
        }
        keys.withUnsafeMutableBufferPointer { norm4.apply($0.baseAddress!, rows: nk) }
    }
}

/// Elementwise helpers over equally long float buffers; long ones are split over the cores.
enum SAMBuffers {
    static let grain = 1 << 16

    static func sum(_ a: [Float], _ b: [Float]) -> [Float] {
        precondition(a.count == b.count, "SAMBuffers.sum: \(a.count) vs \(b.count)")
        return [Float](unsafeUninitializedCapacity: a.count) { out, n in
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                add(pa.baseAddress!, pb.baseAddress!, into: out.baseAddress!, count: a.count)
            } }
            n = a.count
        }
    }

    static func sum(_ a: [Float], _ b: [Float], into out: inout [Float]) {
        precondition(a.count == b.count && out.count == a.count, "SAMBuffers.sum: sizes differ")
        out.withUnsafeMutableBufferPointer { po in
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                add(pa.baseAddress!, pb.baseAddress!, into: po.baseAddress!, count: a.count)
            } }
        }
    }

    static func add(_ b: [Float], into a: inout [Float]) {
        precondition(a.count == b.count, "SAMBuffers.add: \(a.count) vs \(b.count)")
        a.withUnsafeMutableBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            add(pa.baseAddress!, pb.baseAddress!, into: pa.baseAddress!, count: pa.count)
        } }
    }

    /// out[i] = a[i] + b[i]; `out` may equal `a`.
    static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        let (pa, pb, po) = (SendablePointer(UnsafeMutablePointer(mutating: a)), SendablePointer(UnsafeMutablePointer(mutating: b)),
                            SendablePointer(out))
        Parallel.forRanges(count, grain: grain) { range in
            for i in range { po.base[i] = pa.base[i] + pb.base[i] }
        }
    }
}
