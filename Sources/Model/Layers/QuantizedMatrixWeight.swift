import CKernels

/// A weight matrix kept as a GGUF tensor's blocks inside the memory-mapped file (F32, F16,
/// BF16, Q8_0, Q4_0, Q4_1, Q4_K or Q6_K), multiplied without dequantizing it whole.
///
/// Decode (one activation row) runs a fused kernel per weight row that unpacks each block into
/// SIMD registers and multiplies it with the activation in fp32 (block scale applied once per
/// block, Q4_1/Q4_K minimums through the block sums of x). A few rows (prefill of a short
/// prompt) dequantize each weight row once into a small per-thread scratch and multiply it with
/// four activation rows at a time; many rows dequantize tiles of `tileRows` weight rows (an
/// L2-sized scratch) and multiply them with OpenBLAS sgemm. All split the output rows over the
/// cores (`Parallel`) and dispatch to AVX-512, AVX2 or portable C at run time (`SIMDLevel`).
///
/// The GGUF tensor with ggml dims [in, out] is the PyTorch `nn.Linear` weight [out, in]: each
/// ggml row is one output feature. The file stays mapped while the weight lives.
public struct QuantizedMatrixWeight: MatrixWeight, @unchecked Sendable {
    public let type: GGUFTensorType
    public let outFeatures: Int
    public let inFeatures: Int
    /// Bytes between consecutive rows.
    public let rowBytes: Int
    /// The tensor's name and file, for messages.
    public let name: String
    private let owner: GGUFFile
    private let base: UnsafeRawPointer
    /// Product path to use (nil: the widest this process may use). Tests pin it per path.
    public var simdLevel: SIMDLevel?

    /// Activation rows below which prefill runs one matrix–vector product per row.
    static let matmulMinimumRows = 4
    /// Activation rows from which prefill dequantizes tiles and runs sgemm.
    static let gemmMinimumRows = 16
    /// Weight rows dequantized per sgemm tile.
    static let tileRows = 64
    /// Multiply-adds per parallel chunk, at least.
    static let parallelGrain = 1 << 16

    /// The matrix `name` of `file`: a 2-D tensor (ggml dims [in, out]) of a supported type.
    public init(file: GGUFFile, tensor name: String) throws(GGUFError) {
        let info = try file.requireTensor(name)
        guard info.type.isSupported else {
            throw .unsupportedTensorType(path: file.path, tensor: name, type: info.type.description)
        }
        guard info.dimensions.count == 2 else {
            throw .invalidTensor(path: file.path, tensor: name, reason: "is not a matrix: dims \(info.dimensions)")
        }
        type = info.type
        inFeatures = info.dimensions[0]
        outFeatures = info.dimensions[1]
        rowBytes = info.rowBytes
        self.name = name
        owner = file
        base = file.rawBytes(of: info).baseAddress!
    }

    private var level: Int32 { Int32(simdLevel?.rawValue ?? -1) }

    public func multiply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        if rows <= 0 || outFeatures == 0 { return }
        let w = base, t = Int32(type.rawValue), k = inFeatures, n = outFeatures, rb = rowBytes, level = self.level
        let out = SendablePointer(y)
        let input = SendablePointer(UnsafeMutablePointer(mutating: x))
        // Work per output row is about k multiply-adds per activation row; a chunk should hold
        // at least `parallelGrain` of them, or waking a second core costs more than it saves
        // (SmolLM2's 192×576 K/V projections stay on one core, the 576×576 ones split).
        let grain = max(1, Self.parallelGrain / max(1, k * rows))
        if rows < Self.matmulMinimumRows {
            for i in 0..<rows {
                Parallel.forRanges(n, grain: grain) { range in
                    ck_quant_matvec(t, w, rb, k, input.base + i * k, out.base + i * n, range.lowerBound, range.upperBound, level)
                }
            }
            return
        }
        if rows >= Self.gemmMinimumRows {
            let tile = Self.tileRows
            Parallel.forRanges((n + tile - 1) / tile) { tiles in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: tile * k) { scratch in
                    for t in tiles {
                        let r0 = t * tile, count = min(tile, n - r0)
                        ck_quant_dequantize(Int32(type.rawValue), w + r0 * rb, scratch.baseAddress!, count * k)
                        GEMM.sgemm(transB: true, m: rows, n: count, k: k, a: input.base, lda: k, b: scratch.baseAddress!, ldb: k,
                                   c: out.base + r0, ldc: n, parallel: false)
                    }
                }
            }
            return
        }
        Parallel.forRanges(n, grain: grain) { range in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { scratch in
                ck_quant_matmul(t, w, rb, k, input.base, rows, out.base, n, range.lowerBound, range.upperBound,
                                scratch.baseAddress!, level)
            }
        }
        _ = owner
    }

    public func row(_ index: Int, into out: UnsafeMutablePointer<Float>) {
        precondition(index >= 0 && index < outFeatures, "QuantizedMatrixWeight \(name): row \(index) outside 0..<\(outFeatures)")
        ck_quant_dequantize(Int32(type.rawValue), base + index * rowBytes, out, inFeatures)
    }

    /// The whole matrix dequantized, [outFeatures, inFeatures] (for tests and dense fallbacks).
    public func dequantized() -> Tensor {
        Tensor(shape: [outFeatures, inFeatures]) { out in
            for r in 0..<outFeatures { row(r, into: out.baseAddress! + r * inFeatures) }
        }
    }
}

extension GGUFFile {
    /// The matrix `name` as a `MatrixWeight` that keeps its quantized blocks.
    public func matrixWeight(_ name: String) throws(GGUFError) -> QuantizedMatrixWeight {
        try QuantizedMatrixWeight(file: self, tensor: name)
    }
}
