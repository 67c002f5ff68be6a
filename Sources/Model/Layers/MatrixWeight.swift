/// A weight matrix in PyTorch `nn.Linear` layout ([out, in]) that can multiply activations
/// whatever its storage: dense fp32/f16/bf16 (`DenseMatrixWeight`) or quantized GGUF blocks.
///
/// Language models hold their projections as `any MatrixWeight` so one decoder runs Hugging
/// Face checkpoints and quantized GGUF files alike, and quantized weights are multiplied block
/// by block instead of being dequantized whole at load.
public protocol MatrixWeight: Sendable {
    /// Output features (rows of the stored matrix).
    var outFeatures: Int { get }
    /// Input features (columns of the stored matrix).
    var inFeatures: Int { get }

    /// y[rows × outFeatures] = x[rows × inFeatures] · Wᵀ, both contiguous row-major fp32.
    /// `y` is overwritten. One row is a matrix–vector product (decode), many rows a
    /// matrix–matrix product (prefill).
    func multiply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>)

    /// Writes row `index` (inFeatures values) as fp32: embedding lookup from a weight table.
    func row(_ index: Int, into out: UnsafeMutablePointer<Float>)
}

extension MatrixWeight {
    /// `x` [..., inFeatures] · Wᵀ as a new tensor [..., outFeatures].
    public func apply(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == inFeatures, "MatrixWeight: input \(x.shape) does not end in \(inFeatures)")
        let rows = x.shape.dropLast().reduce(1, *)
        let shape = Array(x.shape.dropLast()) + [outFeatures]
        if rows == 0 || outFeatures == 0 { return Tensor(zeros: shape) }
        if inFeatures == 0 { return Tensor(zeros: shape) }
        return x.withUnsafeFloats { px in
            Tensor(shape: shape) { out in multiply(px.baseAddress!, rows: rows, into: out.baseAddress!) }
        }
    }
}

/// A dense weight matrix [out, in] (fp32, or f16/bf16 widened once at init) held only in the
/// SGEMM kernel's packed layout (`PackedMatrix`, op(B) = weightᵀ): products skip the per-call
/// packing and the model stays resident once. Rows (embedding lookups of a tied table) are
/// read back from the packed panels.
public struct DenseMatrixWeight: MatrixWeight {
    /// The weight packed for `GEMMKernel.current` (k = inFeatures, n = outFeatures).
    public let packed: PackedMatrix
    public var outFeatures: Int { packed.n }
    public var inFeatures: Int { packed.k }

    public init(_ weight: Tensor) {
        precondition(weight.rank == 2, "DenseMatrixWeight: weight must be [out, in], got \(weight.shape)")
        packed = PackedMatrix(weight: weight)
    }

    public func multiply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        GEMM.linear(x, rows: rows, weight: packed, bias: nil, into: y)
    }

    public func row(_ index: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(index >= 0 && index < outFeatures, "DenseMatrixWeight: row \(index) outside 0..<\(outFeatures)")
        packed.column(index, into: out)
    }
}
