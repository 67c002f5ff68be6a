/// Root-mean-square normalization with a learned scale (follows LLaMA's `LlamaRMSNorm`:
/// x / sqrt(mean(x²) + eps) · weight, no mean subtraction, no bias). Checkpoint key: `<key>.weight`.
public struct RMSNormLayer: Sendable {
    /// The scale, one fp32 value per feature.
    public let weight: [Float]
    public let eps: Float

    public init(weight: [Float], eps: Float) {
        self.weight = weight
        self.eps = eps
    }

    public init(loading key: String, from loader: inout WeightLoader, size: Int, eps: Float) throws {
        self.init(weight: try loader.take("\(key).weight", shape: [size]).scalars, eps: eps)
    }

    /// `rows` rows of `weight.count` floats from `x` into `out` (`out` may equal `x`).
    public func apply(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { w in
            Normalization.rmsNorm(x, rows: rows, cols: w.count, gamma: w.baseAddress!, eps: eps, into: out)
        }
    }
}
