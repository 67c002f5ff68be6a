/// Which keys each query may attend to.
public enum AttentionMask: Sendable {
    /// Every query sees every key.
    case none
    /// Query i sees keys 0...i + (keys - queries) (decoder self-attention with a cache).
    case causal
    /// [batch, keys] of 1 (attend) / 0 (padding), as a Hugging Face `attention_mask`.
    case keyPadding(Tensor)
    /// Added to the scaled scores; shape [batch or 1, heads or 1, queries, keys].
    case additive(Tensor)
}

/// Scaled dot-product attention: softmax(Q·Kᵀ·scale + mask)·V, one GEMM pair per head
/// (follows PyTorch `F.scaled_dot_product_attention`; `.causal` is aligned bottom-right for caches).
public enum Attention {
    /// q [B, H, Sq, D], k [B, H, Sk, D], v [B, H, Sk, Dv] → [B, H, Sq, Dv].
    /// `scale` defaults to 1/√D. Batch × heads are split over the cores.
    public static func scaledDotProduct(
        _ q: Tensor, _ k: Tensor, _ v: Tensor, mask: AttentionMask = .none, scale: Float? = nil
    ) -> Tensor {
        precondition(q.rank == 4 && k.rank == 4 && v.rank == 4, "attention: q, k, v must be [B, H, S, D]")
        let b = q.shape[0], h = q.shape[1], sq = q.shape[2], d = q.shape[3]
        let sk = k.shape[2], dv = v.shape[3]
        precondition(k.shape == [b, h, sk, d], "attention: k \(k.shape) does not match q \(q.shape)")
        precondition(v.shape[0] == b && v.shape[1] == h && v.shape[2] == sk, "attention: v \(v.shape) does not match k \(k.shape)")
        let s = scale ?? 1 / Float(d).squareRoot()
        var padding: [Float] = []
        var additive: [Float] = []
        var addB = 1, addH = 1
        switch mask {
        case .keyPadding(let m):
            precondition(m.shape == [b, sk], "attention: key padding mask \(m.shape) is not [\(b), \(sk)]")
            padding = m.scalars
        case .additive(let m):
            precondition(m.rank == 4 && (m.shape[0] == 1 || m.shape[0] == b) && (m.shape[1] == 1 || m.shape[1] == h)
                         && m.shape[2] == sq && m.shape[3] == sk, "attention: additive mask \(m.shape) does not broadcast to [\(b), \(h), \(sq), \(sk)]")
            additive = m.scalars
            addB = m.shape[0]; addH = m.shape[1]
        case .none, .causal: break
        }
        let causal: Bool = { if case .causal = mask { return true } else { return false } }()
        return q.withUnsafeFloats { pq in
            k.withUnsafeFloats { pk in
                v.withUnsafeFloats { pv in
                    Tensor(shape: [b, h, sq, dv]) { out in
                        let qb = SendablePointer(UnsafeMutablePointer(mutating: pq.baseAddress!))
                        let kb = SendablePointer(UnsafeMutablePointer(mutating: pk.baseAddress!))
                        let vb = SendablePointer(UnsafeMutablePointer(mutating: pv.baseAddress!))
                        let ob = SendablePointer(out.baseAddress!)
                        Parallel.forRanges(b * h) { range in
                            var scores = [Float](repeating: 0, count: sq * sk)
                            scores.withUnsafeMutableBufferPointer { sc in
                                for bh in range {
                                    let bi = bh / h, hi = bh % h
                                    GEMM.sgemm(transB: true, m: sq, n: sk, k: d, alpha: s,
                                               a: qb.base + bh * sq * d, lda: d, b: kb.base + bh * sk * d, ldb: d,
                                               c: sc.baseAddress!, ldc: sk, parallel: false)
                                    applyMask(sc.baseAddress!, sq: sq, sk: sk, causal: causal,
                                              padding: padding.isEmpty ? nil : (padding, bi * sk),
                                              additive: additive.isEmpty ? nil
                                                : (additive, ((addB == 1 ? 0 : bi) * addH + (addH == 1 ? 0 : hi)) * sq * sk))
                                    for r in 0..<sq { Softmax.row(sc.baseAddress! + r * sk, sk) }
                                    GEMM.sgemm(m: sq, n: dv, k: sk, a: sc.baseAddress!, lda: sk,
                                               b: vb.base + bh * sk * dv, ldb: dv, c: ob.base + bh * sq * dv, ldc: dv, parallel: false)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func applyMask(
        _ sc: UnsafeMutablePointer<Float>, sq: Int, sk: Int, causal: Bool,
        padding: ([Float], Int)?, additive: ([Float], Int)?
    ) {
        if causal {
            for i in 0..<sq {
                let last = i + (sk - sq)
                if last + 1 < sk { for j in max(0, last + 1)..<sk { sc[i * sk + j] = -.infinity } }
            }
        }
        if let (mask, base) = padding {
            for j in 0..<sk where mask[base + j] == 0 {
                for i in 0..<sq { sc[i * sk + j] = -.infinity }
            }
        }
        if let (mask, base) = additive {
            for i in 0..<(sq * sk) { sc[i] += mask[base + i] }
        }
    }

    /// Multi-head self-attention over one unpadded sequence stored as rows: q, k, v hold `length`
    /// rows of `heads × headDim` features (row strides `ldq`/`ldk`/`ldv`, so one fused QKV buffer
    /// works); the result goes to `out` rows of stride `ldo`. `scores` needs length² floats.
    /// Single-threaded: callers parallelize over sequences or heads.
    public static func sequence(
        q: UnsafePointer<Float>, ldq: Int, k: UnsafePointer<Float>, ldk: Int,
        v: UnsafePointer<Float>, ldv: Int, out: UnsafeMutablePointer<Float>, ldo: Int,
        length: Int, head: Int, headDim: Int, scale: Float, scores: UnsafeMutablePointer<Float>
    ) {
        let off = head * headDim
        GEMM.sgemm(transB: true, m: length, n: length, k: headDim, alpha: scale,
                   a: q + off, lda: ldq, b: k + off, ldb: ldk, c: scores, ldc: length, parallel: false)
        for r in 0..<length { Softmax.row(scores + r * length, length) }
        GEMM.sgemm(m: length, n: headDim, k: length, a: scores, lda: length,
                   b: v + off, ldb: ldv, c: out + off, ldc: ldo, parallel: false)
    }
}
