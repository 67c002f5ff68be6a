import CKernels
import COpenBLAS

/// Matrix products (row-major): LisaKit's packed SGEMM on CPUs with AVX2+FMA or AVX-512,
/// OpenBLAS `cblas_sgemm` elsewhere and under `LISAKIT_SIMD=baseline` (see `GEMMKernel`).
public enum GEMM {
    /// OpenBLAS runs single-threaded; `sgemm` splits large products over `Parallel` itself.
    /// OpenBLAS's own pool busy-waits between calls, which on a shared 2-core machine took
    /// a third of the time and fought with the attention workers (measured with perf).
    static let singleThreadedBLAS: Void = { openblas_set_num_threads(1) }()

    /// Products below this many multiply-adds stay on one core.
    static let parallelThreshold = 1 << 18

    /// Row splits with at most this many rows per worker pack B once for all workers (above
    /// it each worker's own packing of B is under ~1 % of its share).
    static let sharedPackRows = 1024

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major with leading dimensions.
    /// `transA`: A is stored k×m; `transB`: B is stored n×k (PyTorch `Linear.weight` layout).
    /// Large products are split along the longer of m and n over the cores (`parallel: false`
    /// keeps the call on the current thread, for callers that parallelize themselves).
    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        parallel: Bool = true
    ) {
        sgemm(kernel: GEMMKernel.current, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, parallel: parallel)
    }

    /// `sgemm` with a chosen kernel (one of `GEMMKernel.available`): tests cover every kernel
    /// the CPU can run in one process, and benchmarks compare ours with OpenBLAS.
    public static func sgemm(
        kernel: GEMMKernel,
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        parallel: Bool = true
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size")
        precondition(lda >= (transA ? m : k) && ldb >= (transB ? k : n) && ldc >= n,
                     "sgemm: leading dimension shorter than a stored row")
        if m == 0 || n == 0 { return }
        if k == 0 {
            // Empty inner dimension: C = beta · C (BLAS may return without touching C).
            for i in 0..<m {
                let row = c + i * ldc
                for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        _ = singleThreadedBLAS
        let work = m * n * max(k, 1)
        guard parallel, Parallel.coreCount > 1, work >= parallelThreshold, max(m, n) >= 32 else {
            call(kernel, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        let pa = SendablePointer(UnsafeMutablePointer(mutating: a))
        let pb = SendablePointer(UnsafeMutablePointer(mutating: b))
        let pc = SendablePointer(c)
        if m >= n {
            // Rows of op(A) and C. With few rows per worker, packing B would be a large part of
            // each worker's share: pack it once (split over the workers) and share it.
            if kernel != .openBLAS, m / Parallel.coreCount <= sharedPackRows, k * n >= 1 << 14 {
                let packed = PackedMatrix(kernel: kernel, transB: transB, k: k, n: n, b: b, ldb: ldb)
                sgemm(transA: transA, m: m, alpha: alpha, a: a, lda: lda, b: packed, beta: beta, c: c, ldc: ldc)
                return
            }
            Parallel.forRanges(m, grain: 16) { r in
                let aPart = transA ? pa.base + r.lowerBound : pa.base + r.lowerBound * lda
                call(kernel, transA, transB, r.count, n, k, alpha, aPart, lda, pb.base, ldb, beta, pc.base + r.lowerBound * ldc, ldc)
            }
        } else {
            // Columns of op(B) and C.
            Parallel.forRanges(n, grain: 16) { r in
                let bPart = transB ? pb.base + r.lowerBound * ldb : pb.base + r.lowerBound
                call(kernel, transA, transB, m, r.count, k, alpha, pa.base, lda, bPart, ldb, beta, pc.base + r.lowerBound, ldc)
            }
        }
    }

    @inline(__always)
    private static func call(
        _ kernel: GEMMKernel,
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        if kernel != .openBLAS,
           ck_sgemm(kernel.level, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 0 {
            return
        }
        // OpenBLAS: the CPU's fallback, or if the packing buffer could not be allocated.
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Matrix product of `a` [..., m, k] and `b` [k, n] (or batched [..., k, n] with the same
    /// leading dimensions as `a`).
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands need rank ≥ 2, got \(a.shape) and \(b.shape)")
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1]
        let n = b.shape[b.rank - 1]
        precondition(b.shape[b.rank - 2] == k, "matmul: inner dimensions differ: \(a.shape) × \(b.shape)")
        let batchShape = Array(a.shape.dropLast(2))
        let batch = batchShape.reduce(1, *)
        let bBatch: Int
        if b.rank == 2 {
            bBatch = 1
        } else {
            precondition(Array(b.shape.dropLast(2)) == batchShape, "matmul: batch shapes differ: \(a.shape) × \(b.shape)")
            bBatch = batch
        }
        if a.count == 0 || b.count == 0 { return Tensor(zeros: batchShape + [m, n]) }
        if b.rank == 2 {
            // Fold the batch into m: one large GEMM.
            return a.withUnsafeFloats { pa in
                b.withUnsafeFloats { pb in
                    Tensor(shape: batchShape + [m, n]) { out in
                        sgemm(m: batch * m, n: n, k: k, a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,
                              c: out.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return a.withUnsafeFloats { pa in
            b.withUnsafeFloats { pb in
                Tensor(shape: batchShape + [m, n]) { out in
                    for i in 0..<batch {
                        sgemm(m: m, n: n, k: k, a: pa.baseAddress! + i * m * k, lda: k,
                              b: pb.baseAddress! + (bBatch == 1 ? 0 : i * k * n), ldb: n,
                              c: out.baseAddress! + i * m * n, ldc: n)
                    }
                }
            }
        }
    }

    /// `x` [..., in] · weightᵀ + bias, with `weight` [out, in] as PyTorch `nn.Linear` stores it.
    /// Half-precision weights are widened into a scratch buffer for this call only.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
        let outF = weight.shape[0], inF = weight.shape[1]
        precondition(x.shape.last == inF, "linear: input \(x.shape) does not end in \(inF)")
        if let bias { precondition(bias.shape == [outF], "linear: bias \(bias.shape) is not [\(outF)]") }
        let rows = x.shape.dropLast().reduce(1, *)
        let outShape = Array(x.shape.dropLast()) + [outF]
        if x.count == 0 || weight.count == 0 {
            // Nothing to multiply: the bias alone (or zeros) per row.
            var out = Tensor(zeros: outShape)
            if let bias, rows > 0, outF > 0 {
                let b = bias.scalars
                out.withUnsafeMutableFloats { o in for r in 0..<rows { for j in 0..<outF { o[r * outF + j] = b[j] } } }
            }
            return out
        }
        return x.withUnsafeFloats { px in
            weight.withUnsafeFloats { pw in
                Tensor(shape: outShape) { out in
                    linear(px.baseAddress!, rows: rows, inFeatures: inF, weight: pw.baseAddress!, outFeatures: outF,
                           bias: bias?.scalars, into: out.baseAddress!)
                }
            }
        }
    }

    /// Pointer form of `linear`: out[rows×outF] = x[rows×inF] · wᵀ (+ bias per column).
    public static func linear(
        _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int,
        weight: UnsafePointer<Float>, outFeatures: Int, bias: [Float]?,
        into out: UnsafeMutablePointer<Float>
    ) {
        var beta: Float = 0
        if let bias {
            // Seed C with the bias rows, then accumulate the product onto it (beta = 1).
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    (out + r * outFeatures).update(from: b.baseAddress!, count: outFeatures)
                }
            }
            beta = 1
        }
        sgemm(transB: true, m: rows, n: outFeatures, k: inFeatures,
              a: x, lda: inFeatures, b: weight, ldb: inFeatures, beta: beta, c: out, ldc: outFeatures)
    }
}
