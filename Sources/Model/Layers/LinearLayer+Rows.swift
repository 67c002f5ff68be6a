extension LinearLayer {
    /// out[rows × outFeatures] = x[rows × inFeatures] · weightᵀ + bias, on raw contiguous rows
    /// (for models that keep activations in plain buffers and reuse them between calls).
    public func forward(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        if rows == 0 { return }
        GEMM.linear(x, rows: rows, weight: packed, bias: bias?.scalars, into: out)
    }

    /// `forward` into a new array.
    public func forward(_ x: UnsafePointer<Float>, rows: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * outFeatures) { buffer, count in
            forward(x, rows: rows, into: buffer.baseAddress!)
            count = rows * outFeatures
        }
    }
}
