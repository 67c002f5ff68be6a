/// Causal grouped-query attention of new positions over a key/value cache (follows Hugging Face
/// `LlamaAttention` with `eager_attention_forward`: softmax(q·kᵀ / √d) · v, query head h reading
/// key/value head h / (heads / kvHeads)).
enum LlamaAttention {
    /// `q` holds `newRows` rows of `heads × headDim` (rotated); `keys`/`values` hold `totalRows`
    /// cached rows of `kvHeads × headDim`, the new positions last. Row i of the new positions sees
    /// cached rows 0 ... totalRows − newRows + i. Writes `newRows` rows of `heads × headDim` to `out`.
    /// Heads are spread over the cores.
    static func attend(
        q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, newRows n: Int, totalRows t: Int,
        heads: Int, kvHeads: Int, headDim d: Int
    ) {
        let qWidth = heads * d, kvWidth = kvHeads * d, group = heads / kvHeads
        let scale = 1 / Float(d).squareRoot()
        let past = t - n
        let pq = SendablePointer(UnsafeMutablePointer(mutating: q))
        let pk = SendablePointer(UnsafeMutablePointer(mutating: keys))
        let pv = SendablePointer(UnsafeMutablePointer(mutating: values))
        let po = SendablePointer(out)
        Parallel.forRanges(heads) { range in
            var scores = [Float](repeating: 0, count: n * t)
            scores.withUnsafeMutableBufferPointer { sb in
                let sc = sb.baseAddress!
                for h in range {
                    let g = h / group
                    GEMM.sgemm(transB: true, m: n, n: t, k: d, alpha: scale, a: pq.base + h * d, lda: qWidth,
                               b: pk.base + g * d, ldb: kvWidth, c: sc, ldc: t, parallel: false)
                    for i in 0..<n {
                        let row = sc + i * t, visible = past + i + 1
                        Softmax.row(row, visible)
                        if visible < t { (row + visible).update(repeating: 0, count: t - visible) }
                    }
                    GEMM.sgemm(m: n, n: d, k: t, a: sc, lda: t, b: pv.base + g * d, ldb: kvWidth,
                               c: po.base + h * d, ldc: qWidth, parallel: false)
                }
            }
        }
    }
}
