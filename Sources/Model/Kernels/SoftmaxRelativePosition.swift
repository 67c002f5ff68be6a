import CKernels

extension Softmax {
    /// The score rows of SAM's grid attention (see `SAMGridAttention.attendRows`): for each of
    /// `rows` query rows of height·width keys (contiguous), adds the decomposed relative terms
    /// `relH[r·height + kh] + relW[r·width + kw]` to key (kh, kw), then takes the row's softmax.
    /// With AVX-512 or AVX2+FMA the add, the max, the exp and the scale run fused in
    /// `ck_softmax_relpos_rows` (the row is read three times instead of four, all in cache);
    /// `level` as in `rows(_:rows:cols:level:)`. Returns the level that ran.
    @discardableResult
    public static func rowsAddingRelativePositions(
        _ scores: UnsafeMutablePointer<Float>, rows: Int, relH: UnsafePointer<Float>, relW: UnsafePointer<Float>,
        height: Int, width: Int, level: SIMDLevel = .avx512
    ) -> SIMDLevel {
        if rows <= 0 || height <= 0 || width <= 0 { return level.lowered }
        let ran = Int(ck_softmax_relpos_rows(Int32(level.rawValue), scores, rows, relH, relW, height, width))
        if ran > 0, let done = SIMDLevel(rawValue: ran) { return done }
        let keys = height * width
        let vectorWidth = width / 8 * 8
        for r in 0..<rows {
            let row = scores + r * keys
            let rh = relH + r * height, rw = relW + r * width
            let rwRaw = UnsafeRawPointer(rw)
            for kh in 0..<height {
                let a = rh[kh], seg = row + kh * width
                let segRaw = UnsafeMutableRawPointer(seg), av = SIMD8<Float>(repeating: a)
                for kw in stride(from: 0, to: vectorWidth, by: 8) {
                    let v = segRaw.loadUnaligned(fromByteOffset: kw * 4, as: SIMD8<Float>.self)
                        + (av + rwRaw.loadUnaligned(fromByteOffset: kw * 4, as: SIMD8<Float>.self))
                    segRaw.storeBytes(of: v, toByteOffset: kw * 4, as: SIMD8<Float>.self)
                }
                for kw in vectorWidth..<width { seg[kw] += a + rw[kw] }
            }
            portableRowSIMD(row, keys)
        }
        return .baseline
    }
}
