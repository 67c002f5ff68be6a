/// SAM's decoder attention (follows `Attention` in Meta's `modeling/transformer.py`): q, k and v
/// are projected to `embed / downsampleRate` channels, split into heads, attended with
/// softmax(q·kᵀ / √d), recombined and projected back. Keys `<key>.{q,k,v,out}_proj.*`.
public struct SAMAttention: Sendable {
    public let qProj: LinearLayer, kProj: LinearLayer, vProj: LinearLayer, outProj: LinearLayer
    public let heads: Int
    public var internalDim: Int { qProj.outFeatures }
    public var embedDim: Int { qProj.inFeatures }

    public init(loading key: String, from loader: inout WeightLoader, embedDim: Int, heads: Int, downsampleRate: Int) throws {
        let inner = embedDim / downsampleRate
        qProj = try LinearLayer(loading: "\(key).q_proj", from: &loader, in: embedDim, out: inner)
        kProj = try LinearLayer(loading: "\(key).k_proj", from: &loader, in: embedDim, out: inner)
        vProj = try LinearLayer(loading: "\(key).v_proj", from: &loader, in: embedDim, out: inner)
        outProj = try LinearLayer(loading: "\(key).out_proj", from: &loader, in: inner, out: embedDim)
        self.heads = heads
    }

    /// Attends `nq` query rows to `nk` key/value rows (all `embedDim` wide) and returns
    /// [nq, embedDim]. Heads run on separate cores when the score matrix is large.
    public func callAsFunction(
        q: UnsafePointer<Float>, queries nq: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keys nk: Int
    ) -> [Float] {
        let ci = internalDim, d = ci / heads
        let qp = qProj.forward(q, rows: nq), kp = kProj.forward(k, rows: nk), vp = vProj.forward(v, rows: nk)
        var mixed = [Float](repeating: 0, count: nq * ci)
        let scale = 1 / Float(d).squareRoot()
        qp.withUnsafeBufferPointer { pq in
            kp.withUnsafeBufferPointer { pk in
                vp.withUnsafeBufferPointer { pv in
                    mixed.withUnsafeMutableBufferPointer { po in
                        let sq = SendablePointer(UnsafeMutablePointer(mutating: pq.baseAddress!))
                        let sk = SendablePointer(UnsafeMutablePointer(mutating: pk.baseAddress!))
                        let sv = SendablePointer(UnsafeMutablePointer(mutating: pv.baseAddress!))
                        let so = SendablePointer(po.baseAddress!)
                        let grain = nq * nk >= 16_384 ? 1 : heads
                        Parallel.forRanges(heads, grain: grain) { range in
                            var scores = [Float](repeating: 0, count: nq * nk)
                            scores.withUnsafeMutableBufferPointer { s in
                                for h in range {
                                    GEMM.sgemm(transB: true, m: nq, n: nk, k: d, alpha: scale,
                                               a: sq.base + h * d, lda: ci, b: sk.base + h * d, ldb: ci,
                                               c: s.baseAddress!, ldc: nk, parallel: false)
                                    for r in 0..<nq { Softmax.row(s.baseAddress! + r * nk, nk) }
                                    GEMM.sgemm(m: nq, n: d, k: nk, a: s.baseAddress!, lda: nk,
                                               b: sv.base + h * d, ldb: ci, c: so.base + h * d, ldc: ci, parallel: false)
                                }
                            }
                        }
                    }
                }
            }
        }
        return mixed.withUnsafeBufferPointer { outProj.forward($0.baseAddress!, rows: nq) }
    }
}
