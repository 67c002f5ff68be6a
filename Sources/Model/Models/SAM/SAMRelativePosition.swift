/// Decomposed relative position tables of SAM's image encoder (follows Meta's
/// `segment_anything/modeling/image_encoder.py` `get_rel_pos`, from MViTv2): a learned table of
/// `2·size − 1` rows per axis, linearly interpolated when the checkpoint's table has another
/// length, expanded to one row per (query index, key index) pair.
enum SAMRelativePosition {
    /// `table` [L, headDim] → [size, size, headDim] where entry (q, k) is the table row for the
    /// offset `q − k + size − 1` (query and key grids have the same size in the encoder).
    /// When L ≠ 2·size − 1 the table is first resized along L as `F.interpolate(mode="linear",
    /// align_corners=False)` does.
    static func expanded(_ table: Tensor, size: Int) -> [Float] {
        precondition(table.rank == 2 && table.shape[0] > 0, "relative position table must be [L, headDim], got \(table.shape)")
        let length = table.shape[0], dim = table.shape[1]
        let target = 2 * size - 1
        var resized = table.scalars
        if length != target {
            let taps = Resize.taps(input: length, output: target, alignCorners: false)
            let src = resized
            resized = [Float](repeating: 0, count: target * dim)
            for (i, (i0, i1, lambda)) in taps.enumerated() {
                for c in 0..<dim {
                    resized[i * dim + c] = (1 - lambda) * src[i0 * dim + c] + lambda * src[i1 * dim + c]
                }
            }
        }
        var out = [Float](repeating: 0, count: size * size * dim)
        for q in 0..<size {
            for k in 0..<size {
                let row = q - k + size - 1
                for c in 0..<dim { out[(q * size + k) * dim + c] = resized[row * dim + c] }
            }
        }
        return out
    }
}
