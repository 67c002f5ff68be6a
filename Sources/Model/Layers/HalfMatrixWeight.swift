/// A weight matrix [out, in] kept in its checkpoint's 16-bit storage (bf16 or f16) and widened
/// a block at a time while multiplying, so a 7B bf16 checkpoint stays at 2 bytes per weight in
/// memory instead of 4.
///
/// Decode (a few rows of activations) runs dot products straight off the 16-bit rows, eight
/// lanes at a time; prefill widens `blockRows` weight rows into a scratch buffer per worker and
/// multiplies them with one OpenBLAS GEMM, so the widening cost is shared by every activation row.
public struct HalfMatrixWeight: MatrixWeight {
    /// Row-major [outFeatures × inFeatures] 16-bit patterns.
    public let bits: [UInt16]
    /// `.bf16` or `.f16`.
    public let dtype: DType
    public let outFeatures: Int
    public let inFeatures: Int

    /// Rows widened per GEMM block in the matrix–matrix path.
    static let blockRows = 64
    /// At most this many activation rows use the dot-product path.
    static let dotRows = 4

    public init(bits: [UInt16], dtype: DType, outFeatures: Int, inFeatures: Int) {
        precondition(dtype != .f32, "HalfMatrixWeight: dtype must be bf16 or f16")
        precondition(bits.count == outFeatures * inFeatures,
                     "HalfMatrixWeight: \(bits.count) values for [\(outFeatures), \(inFeatures)]")
        self.bits = bits
        self.dtype = dtype
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
    }

    /// The 16-bit storage of `tensor` ([out, in]); f16 stays f16, bf16 stays bf16 (no copy of a
    /// plain tensor), fp32 is rounded to bf16.
    public init(_ tensor: Tensor) {
        precondition(tensor.rank == 2, "HalfMatrixWeight: weight must be [out, in], got \(tensor.shape)")
        let dtype: DType = tensor.dtype == .f16 ? .f16 : .bf16
        func plainBits(_ t: Tensor) -> [UInt16]? {
            guard t.dtype == dtype, t.isContiguous, t.offset == 0 else { return nil }
            switch t.storage {
            case .bf16(let a), .f16(let a): return a.count == t.count ? a : nil
            case .f32: return nil
            }
        }
        let bits = plainBits(tensor) ?? plainBits(tensor.converted(to: dtype)) ?? []
        self.init(bits: bits, dtype: dtype, outFeatures: tensor.shape[0], inFeatures: tensor.shape[1])
    }

    public func multiply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        if rows == 0 || outFeatures == 0 { return }
        let n = inFeatures, outF = outFeatures
        let px = SendablePointer(UnsafeMutablePointer(mutating: x)), py = SendablePointer(y)
        let isBF16 = dtype == .bf16
        bits.withUnsafeBufferPointer { wb in
            let pw = SendablePointer(UnsafeMutablePointer(mutating: wb.baseAddress!))
            if rows <= Self.dotRows {
                Parallel.forRanges(outF, grain: 64) { range in
                    for j in range {
                        let w = pw.base + j * n
                        for r in 0..<rows {
                            py.base[r * outF + j] = isBF16 ? Self.dotBF16(w, px.base + r * n, n) : Self.dotF16(w, px.base + r * n, n)
                        }
                    }
                }
                return
            }
            let blocks = (outF + Self.blockRows - 1) / Self.blockRows
            Parallel.forRanges(blocks) { range in
                var scratch = [Float](repeating: 0, count: Self.blockRows * n)
                scratch.withUnsafeMutableBufferPointer { sb in
                    let s = sb.baseAddress!
                    for b in range {
                        let lo = b * Self.blockRows, count = min(Self.blockRows, outF - lo)
                        HalfConversion.widen(pw.base + lo * n, dtype: isBF16 ? .bf16 : .f16, count: count * n, into: s)
                        GEMM.sgemm(transB: true, m: rows, n: count, k: n, a: px.base, lda: n, b: s, ldb: n,
                                   c: py.base + lo, ldc: outF, parallel: false)
                    }
                }
            }
        }
    }

    public func row(_ index: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(index >= 0 && index < outFeatures, "HalfMatrixWeight: row \(index) outside 0..<\(outFeatures)")
        bits.withUnsafeBufferPointer { b in
            HalfConversion.widen(b.baseAddress! + index * inFeatures, dtype: dtype, count: inFeatures, into: out)
        }
    }

    /// Σ w[i]·x[i] with w in bf16: eight lanes of (bits << 16) reinterpreted as fp32.
    @inline(__always)
    static func dotBF16(_ w: UnsafePointer<UInt16>, _ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        let rw = UnsafeRawPointer(w), rx = UnsafeRawPointer(x)
        while i + 16 <= n {
            let w0 = SIMD8<UInt32>(truncatingIfNeeded: rw.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<UInt16>.self)) &<< 16
            let w1 = SIMD8<UInt32>(truncatingIfNeeded: rw.loadUnaligned(fromByteOffset: 2 * i + 16, as: SIMD8<UInt16>.self)) &<< 16
            acc0 += unsafeBitCast(w0, to: SIMD8<Float>.self) * rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            acc1 += unsafeBitCast(w1, to: SIMD8<Float>.self) * rx.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < n {
            sum += Float(bitPattern: UInt32(w[i]) << 16) * x[i]
            i += 1
        }
        return sum
    }

    /// Σ w[i]·x[i] with w in IEEE half precision.
    @inline(__always)
    static func dotF16(_ w: UnsafePointer<UInt16>, _ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        let rw = UnsafeRawPointer(w), rx = UnsafeRawPointer(x)
        while i + 8 <= n {
            let h = unsafeBitCast(rw.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<UInt16>.self), to: SIMD8<Float16>.self)
            acc += SIMD8<Float>(h) * rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        var sum = acc.sum()
        while i < n {
            sum += Float(Float16(bitPattern: w[i])) * x[i]
            i += 1
        }
        return sum
    }
}
