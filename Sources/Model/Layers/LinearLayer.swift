/// A fully connected layer in PyTorch `nn.Linear` layout: `weight` [out, in], `bias` [out].
/// Checkpoint keys: `<key>.weight`, `<key>.bias`.
public struct LinearLayer: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "LinearLayer: weight must be [out, in], got \(weight.shape)")
        if let bias { precondition(bias.shape == [weight.shape[0]], "LinearLayer: bias \(bias.shape) does not match \(weight.shape)") }
        self.weight = weight
        self.bias = bias
    }

    public init(loading key: String, from loader: inout WeightLoader, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        let w = try loader.take("\(key).weight", shape: [outFeatures, inFeatures])
        let b = bias ? try loader.take("\(key).bias", shape: [outFeatures]) : nil
        self.init(weight: w, bias: b)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { GEMM.linear(x, weight: weight, bias: bias) }
}
