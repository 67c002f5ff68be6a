/// Layer normalization with affine parameters (PyTorch `nn.LayerNorm`).
/// Checkpoint keys: `<key>.weight`, `<key>.bias`.
public struct LayerNormLayer: Sendable {
    public let weight: Tensor
    public let bias: Tensor
    public let eps: Float

    public init(loading key: String, from loader: inout WeightLoader, size: Int, eps: Float) throws {
        weight = try loader.take("\(key).weight", shape: [size])
        bias = try loader.take("\(key).bias", shape: [size])
        self.eps = eps
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { Normalization.layerNorm(x, weight: weight, bias: bias, eps: eps) }

    /// In place over `rows` rows of a contiguous buffer.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        weight.withUnsafeFloats { w in
            bias.withUnsafeFloats { b in
                Normalization.layerNorm(x, rows: rows, cols: w.count, gamma: w.baseAddress!, beta: b.baseAddress!, eps: eps, into: x)
            }
        }
    }
}
