import CKernels
import COpenBLAS

/// Products whose right operand is a `PackedMatrix`: no per-call packing of B, and threads that
/// split the product over rows of A read the one packed copy.
extension GEMM {
    /// C[m×cols] = alpha · op(A) · op(B)[:, columns] + beta · C, op(A) m×k (A stored m×k, or
    /// k×m when `transA`), op(B) packed in `b` (k×n). `columns` (default all) must start at a
    /// multiple of `b.panelWidth`; `c` points at the first element of the m×cols result. Runs
    /// on `b.kernel`. Large products are split over `Parallel` along rows of A (sharing `b`)
    /// or, when the result is wider than tall, along column panels (`parallel: false` keeps
    /// the call on the current thread). beta == 0 never reads C.
    public static func sgemm(
        transA: Bool = false, m: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: PackedMatrix, columns: Range<Int>? = nil,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        parallel: Bool = true
    ) {
        let cols = columns ?? 0..<b.n
        let k = b.k
        precondition(m >= 0, "sgemm: negative size")
        precondition(cols.lowerBound >= 0 && cols.upperBound <= b.n && cols.lowerBound % b.panelWidth == 0,
                     "sgemm: columns \(cols) not a panel-aligned range of 0..<\(b.n)")
        precondition(lda >= max(1, transA ? m : k) && ldc >= cols.count, "sgemm: leading dimension shorter than a stored row")
        if m == 0 || cols.isEmpty { return }
        if k == 0 {
            for i in 0..<m {
                let row = c + i * ldc
                for j in 0..<cols.count { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        let n = cols.count
        guard parallel, Parallel.coreCount > 1, m * n * k >= parallelThreshold, max(m, n) >= 32 else {
            callPacked(b, transA, m, cols, alpha, a, lda, beta, c, ldc)
            return
        }
        let pa = SendablePointer(UnsafeMutablePointer(mutating: a)), pc = SendablePointer(c)
        if m >= n {
            Parallel.forRanges(m, grain: 16) { r in
                let aPart = transA ? pa.base + r.lowerBound : pa.base + r.lowerBound * lda
                callPacked(b, transA, r.count, cols, alpha, aPart, lda, beta, pc.base + r.lowerBound * ldc, ldc)
            }
        } else {
            // Whole panels per worker: column ranges stay aligned to the packed layout.
            let w = b.panelWidth
            let panels = (n + w - 1) / w
            Parallel.forRanges(panels, grain: max(1, 16 / w)) { r in
                let lo = r.lowerBound * w, hi = min(n, r.upperBound * w)
                callPacked(b, transA, m, (cols.lowerBound + lo)..<(cols.lowerBound + hi), alpha, pa.base, lda, beta,
                           pc.base + lo, ldc)
            }
        }
    }

    /// One thread's share of the packed product.
    private static func callPacked(
        _ b: PackedMatrix, _ transA: Bool, _ m: Int, _ cols: Range<Int>, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        _ = singleThreadedBLAS
        if b.kernel == .openBLAS {
            // Plain n×k rows: op(B) is their transpose.
            cblas_sgemm(
                CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasTrans,
                Int32(m), Int32(cols.count), Int32(b.k), alpha, a, Int32(lda), b.storage + cols.lowerBound * b.k,
                Int32(b.k), beta, c, Int32(ldc))
            return
        }
        if ck_sgemm_packed(b.kernel.level, transA ? 1 : 0, m, cols.count, b.k, alpha, a, lda, b.storage, b.n,
                           cols.lowerBound, beta, c, ldc) == 0 {
            return
        }
        // The A buffer could not be allocated: unpack the columns and let OpenBLAS run it.
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: cols.count * b.k)
        defer { rows.deallocate() }
        for (i, j) in cols.enumerated() { b.column(j, into: rows + i * b.k) }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasTrans,
            Int32(m), Int32(cols.count), Int32(b.k), alpha, a, Int32(lda), rows, Int32(b.k), beta, c, Int32(ldc))
    }

    /// Pointer form of `linear` with a packed weight (op(B) = weightᵀ, `PackedMatrix(weight:)`):
    /// out[rows × n] = x[rows × k] · weightᵀ (+ bias per column).
    public static func linear(
        _ x: UnsafePointer<Float>, rows: Int, weight: PackedMatrix, bias: [Float]?,
        into out: UnsafeMutablePointer<Float>
    ) {
        let outF = weight.n
        var beta: Float = 0
        if let bias {
            precondition(bias.count == outF, "linear: bias has \(bias.count) values for \(outF) outputs")
            bias.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return }
                for r in 0..<rows { (out + r * outF).update(from: base, count: outF) }
            }
            beta = 1
        }
        sgemm(m: rows, a: x, lda: max(1, weight.k), b: weight, beta: beta, c: out, ldc: max(1, outF))
    }

    /// `x` [..., k] · weightᵀ + bias with a packed `nn.Linear` weight (k = in, n = out).
    public static func linear(_ x: Tensor, weight: PackedMatrix, bias: Tensor? = nil) -> Tensor {
        let outF = weight.n, inF = weight.k
        precondition(x.shape.last == inF, "linear: input \(x.shape) does not end in \(inF)")
        if let bias { precondition(bias.shape == [outF], "linear: bias \(bias.shape) is not [\(outF)]") }
        let rows = x.shape.dropLast().reduce(1, *)
        let outShape = Array(x.shape.dropLast()) + [outF]
        if rows == 0 || outF == 0 { return Tensor(zeros: outShape) }
        if inF == 0 {
            var out = Tensor(zeros: outShape)
            if let bias {
                let b = bias.scalars
                out.withUnsafeMutableFloats { o in for r in 0..<rows { for j in 0..<outF { o[r * outF + j] = b[j] } } }
            }
            return out
        }
        return x.withUnsafeFloats { px in
            Tensor(shape: outShape) { out in
                linear(px.baseAddress!, rows: rows, weight: weight, bias: bias?.scalars, into: out.baseAddress!)
            }
        }
    }
}
