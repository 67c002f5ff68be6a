/// Multi-head self-attention over a grid of tokens with decomposed relative positions, the
/// attention of SAM's image encoder (follows Meta's `image_encoder.py` `Attention` and
/// `add_decomposed_rel_pos`): scores = scale·q·kᵀ + rel_h[q, key row] + rel_w[q, key column],
/// where rel_h = q·Rh[q row]ᵀ and rel_w = q·Rw[q column]ᵀ use the unscaled query.
///
/// Works on one head at a time over row blocks of the query grid, so the score matrix of a
/// global block (4096² per head at 1024²) never exists whole: each block's scores stay in cache
/// through the add, the softmax and the product with V.
enum SAMGridAttention {
    /// Relative terms for query grid rows `rows` of one head: `relH` gets [rows·width, height]
    /// and `relW` [rows·width, width]. `q` points at the head's first query, rows of stride `ld`.
    /// `tableH` is [height, height, headDim], `tableW` [width, width, headDim] (expanded tables).
    static func relativeTerms(
        q: UnsafePointer<Float>, ld: Int, height: Int, width: Int, headDim: Int, rows: Range<Int>,
        tableH: UnsafePointer<Float>, tableW: UnsafePointer<Float>,
        relH: UnsafeMutablePointer<Float>, relW: UnsafeMutablePointer<Float>
    ) {
        let first = rows.lowerBound
        for qh in rows {
            // Queries of grid row qh share Rh[qh]: [width queries] × [height keys].
            GEMM.sgemm(transB: true, m: width, n: height, k: headDim,
                       a: q + qh * width * ld, lda: ld, b: tableH + qh * height * headDim, ldb: headDim,
                       c: relH + (qh - first) * width * height, ldc: height, parallel: false)
        }
        for qw in 0..<width {
            // Queries of grid column qw share Rw[qw]: strided rows, one per grid row.
            GEMM.sgemm(transB: true, m: rows.count, n: width, k: headDim,
                       a: q + (first * width + qw) * ld, lda: width * ld, b: tableW + qw * width * headDim, ldb: headDim,
                       c: relW + qw * width, ldc: width * width, parallel: false)
        }
    }

    /// Attention output of one head for the queries of grid rows `rows` (all keys), written to
    /// `out` (rows of stride `ldo`, starting at the block's first query). `relH`/`relW` are the
    /// block's relative terms from `relativeTerms` (nil without relative positions).
    /// `scores` needs rows.count·width·height·width floats. `packed` holds the head's Kᵀ
    /// (headDim × keys) and V (keys × headDim) packed once for all of its query blocks; without
    /// it each product packs them itself.
    static func attendRows(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, ld: Int,
        height: Int, width: Int, headDim: Int, scale: Float, rows: Range<Int>,
        relH: UnsafePointer<Float>?, relW: UnsafePointer<Float>?,
        out: UnsafeMutablePointer<Float>, ldo: Int, scores: UnsafeMutablePointer<Float>,
        packed: PackedHead? = nil
    ) {
        let keys = height * width
        let queries = rows.count * width
        let q0 = rows.lowerBound * width
        if let packed {
            GEMM.sgemm(m: queries, alpha: scale, a: q + q0 * ld, lda: ld, b: packed.keysT, c: scores, ldc: keys, parallel: false)
        } else {
            GEMM.sgemm(transB: true, m: queries, n: keys, k: headDim, alpha: scale,
                       a: q + q0 * ld, lda: ld, b: k, ldb: ld, c: scores, ldc: keys, parallel: false)
        }
        if let relH, let relW {
            Softmax.rowsAddingRelativePositions(scores, rows: queries, relH: relH, relW: relW, height: height, width: width)
        } else {
            for r in 0..<queries { Softmax.rowSIMD(scores + r * keys, keys) }
        }
        if let packed {
            GEMM.sgemm(m: queries, a: scores, lda: keys, b: packed.values, c: out, ldc: ldo, parallel: false)
        } else {
            GEMM.sgemm(m: queries, n: headDim, k: keys, a: scores, lda: keys, b: v, ldb: ld,
                       c: out, ldc: ldo, parallel: false)
        }
    }

    /// One head's keys and values packed as the right operands of its two products, shared by
    /// all of its query blocks (and the threads running them).
    struct PackedHead: Sendable {
        /// Kᵀ: headDim × keys.
        let keysT: PackedMatrix
        /// V: keys × headDim.
        let values: PackedMatrix

        /// Packs the head whose keys and values are rows of stride `ld` at `k` and `v`.
        init(k: UnsafePointer<Float>, v: UnsafePointer<Float>, ld: Int, keys: Int, headDim: Int) {
            keysT = PackedMatrix(transB: true, k: headDim, n: keys, b: k, ldb: ld)
            values = PackedMatrix(transB: false, k: keys, n: headDim, b: v, ldb: ld)
        }
    }
}
