/// SAM's cross-attentions with the few-token side folded into the projections.
///
/// Between the image (P = 4096 rows for the published models) and the prompt tokens (N ≈ 7),
/// projecting every image row to q/k/v costs P·C·C/2 multiply-adds per projection. With
/// H·N < C/2 it is cheaper to move the projection onto the token side (exact algebra, fp32
/// rounding differs only in summation order):
/// - tokens → image: scoresₕ = (Qₕ·Wkₕ)·Xᵀ (the key bias shifts a row uniformly: softmax drops
///   it), and softmaxₕ·(X·Wvₕᵀ + bv) = (softmaxₕ·X)·Wvₕᵀ + bv (softmax rows sum to 1);
/// - image → tokens: scoresₕ = X·(Wqₕᵀ·Kₕᵀ) + bqₕ·Kₕᵀ, and Σₕ softmaxₕ·(Vₕ·Woₕᵀ) + bo replaces the
///   per-head values and the output projection (added straight onto the residual).
/// Used by `SAMTwoWayBlock`/`SAMTwoWayTransformer` as `SAMAttentionFolding` says.
extension SAMAttention {
    /// True when folding the projections through `tokens` rows costs less than projecting the image.
    func isFoldable(tokens: Int) -> Bool { heads * tokens < internalDim }

    /// Tokens attend to the image: `q` [nq, C] tokens, `k` [np, C] image + PE, `v` [np, C] image.
    func foldedTokensToImage(q: UnsafePointer<Float>, queries nq: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keys np: Int) -> [Float] {
        let c = embedDim, ci = internalDim, d = ci / heads, rows = heads * nq
        let qp = qProj.forward(q, rows: nq)                    // [nq, Ci]
        // A[h·nq + i, :] = Qp[i, h] · Wk[h rows]  → [H·nq, C]
        var a = [Float](repeating: 0, count: rows * c)
        kProj.weight.withUnsafeFloats { wk in
            qp.withUnsafeBufferPointer { pq in
                a.withUnsafeMutableBufferPointer { pa in
                    for h in 0..<heads {
                        GEMM.sgemm(m: nq, n: c, k: d, a: pq.baseAddress! + h * d, lda: ci, b: wk.baseAddress! + h * d * c, ldb: c,
                                   c: pa.baseAddress! + h * nq * c, ldc: c, parallel: false)
                    }
                }
            }
        }
        // S = softmax(A · kᵀ / √d)  → [H·nq, np]
        var s = [Float](unsafeUninitializedCapacity: rows * np) { _, n in n = rows * np }   // beta = 0: written, not read
        a.withUnsafeBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                GEMM.sgemm(transB: true, m: rows, n: np, k: c, alpha: 1 / Float(d).squareRoot(), a: pa.baseAddress!, lda: c,
                           b: k, ldb: c, c: ps.baseAddress!, ldc: np)
                Softmax.rows(ps.baseAddress!, rows: rows, cols: np)
            }
        }
        // T = S · v  → [H·nq, C]; out[i, h] = T[h·nq + i] · Wv[h rows]ᵀ + bv[h]
        var t = [Float](repeating: 0, count: rows * c)
        s.withUnsafeBufferPointer { ps in
            t.withUnsafeMutableBufferPointer { pt in
                GEMM.sgemm(m: rows, n: c, k: np, a: ps.baseAddress!, lda: np, b: v, ldb: c, c: pt.baseAddress!, ldc: c)
            }
        }
        var mixed = [Float](repeating: 0, count: nq * ci)
        let bv = vProj.bias?.scalars
        vProj.weight.withUnsafeFloats { wv in
            t.withUnsafeBufferPointer { pt in
                mixed.withUnsafeMutableBufferPointer { pm in
                    for h in 0..<heads {
                        if let bv { for i in 0..<nq { for j in 0..<d { pm[i * ci + h * d + j] = bv[h * d + j] } } }
                        GEMM.sgemm(transB: true, m: nq, n: d, k: c, a: pt.baseAddress! + h * nq * c, lda: c,
                                   b: wv.baseAddress! + h * d * c, ldb: c, beta: bv == nil ? 0 : 1,
                                   c: pm.baseAddress! + h * d, ldc: ci, parallel: false)
                    }
                }
            }
        }
        return mixed.withUnsafeBufferPointer { outProj.forward($0.baseAddress!, rows: nq) }
    }

    /// The image attends to the tokens, the result added to `out` [np, C] (the residual stream):
    /// `q` [np, C] image + PE, `k` [nk, C] tokens + PE, `v` [nk, C] tokens. The output bias rides
    /// on head 0's rows of G (its softmax weights sum to 1), so one GEMM with beta = 1 does
    /// out += S · G + bo without a temporary the size of the image.
    func foldedImageToTokens(q: UnsafePointer<Float>, queries np: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keys nk: Int,
                             addingTo out: UnsafeMutablePointer<Float>) {
        let c = embedDim, ci = internalDim, d = ci / heads, cols = heads * nk
        let kp = kProj.forward(k, rows: nk), vp = vProj.forward(v, rows: nk)   // [nk, Ci]
        // B[:, h·nk + j] = Wq[h rows]ᵀ · Kp[j, h]  → [C, H·nk];  bias[h·nk + j] = bq[h] · Kp[j, h]
        var b = [Float](repeating: 0, count: c * cols)
        var bias = [Float](repeating: 0, count: cols)
        let bq = qProj.bias?.scalars
        qProj.weight.withUnsafeFloats { wq in
            kp.withUnsafeBufferPointer { pk in
                b.withUnsafeMutableBufferPointer { pb in
                    for h in 0..<heads {
                        GEMM.sgemm(transA: true, transB: true, m: c, n: nk, k: d, a: wq.baseAddress! + h * d * c, lda: c,
                                   b: pk.baseAddress! + h * d, ldb: ci, c: pb.baseAddress! + h * nk, ldc: cols, parallel: false)
                        if let bq {
                            for j in 0..<nk {
                                var sum: Float = 0
                                for e in 0..<d { sum += bq[h * d + e] * pk[j * ci + h * d + e] }
                                bias[h * nk + j] = sum
                            }
                        }
                    }
                }
            }
        }
        // S = softmax per head of (q · B + bias) / √d  → [np, H·nk]
        let scale = 1 / Float(d).squareRoot()
        let scaledBias = bias.map { $0 * scale }
        var s = [Float](unsafeUninitializedCapacity: np * cols) { ps, n in
            scaledBias.withUnsafeBufferPointer { sb in
                for r in 0..<np { (ps.baseAddress! + r * cols).update(from: sb.baseAddress!, count: cols) }
            }
            n = np * cols
        }
        s.withUnsafeMutableBufferPointer { ps in
            b.withUnsafeBufferPointer { pb in
                GEMM.sgemm(m: np, n: cols, k: c, alpha: scale, a: q, lda: c, b: pb.baseAddress!, ldb: cols, beta: 1,
                           c: ps.baseAddress!, ldc: cols)
            }
            Softmax.rows(ps.baseAddress!, rows: np * heads, cols: nk)
        }
        // G[h·nk + j, :] = Vp[j, h] · Wo[:, h cols]ᵀ (+ bo for h = 0)  → [H·nk, C]; out += S · G
        var g = [Float](repeating: 0, count: cols * c)
        if let bo = outProj.bias?.scalars {
            for j in 0..<nk { for e in 0..<c { g[j * c + e] = bo[e] } }
        }
        outProj.weight.withUnsafeFloats { wo in
            vp.withUnsafeBufferPointer { pv in
                g.withUnsafeMutableBufferPointer { pg in
                    for h in 0..<heads {
                        GEMM.sgemm(transB: true, m: nk, n: c, k: d, a: pv.baseAddress! + h * d, lda: ci,
                                   b: wo.baseAddress! + h * d, ldb: ci, beta: h == 0 ? 1 : 0, c: pg.baseAddress! + h * nk * c, ldc: c,
                                   parallel: false)
                    }
                }
            }
        }
        s.withUnsafeBufferPointer { ps in
            g.withUnsafeBufferPointer { pg in
                GEMM.sgemm(m: np, n: c, k: cols, a: ps.baseAddress!, lda: cols, b: pg.baseAddress!, ldb: c,
                           beta: 1, c: out, ldc: c)
            }
        }
    }
}
