/// A fully connected layer in PyTorch `nn.Linear` layout: `weight` [out, in], `bias` [out].
/// Checkpoint keys: `<key>.weight`, `<key>.bias`.
///
/// The weight is also packed once at init for the SGEMM kernel (`packed`), which every product
/// of the layer uses: at batch 1 re-packing the weight per call was 29 % of MiniLM's time. The
/// plain tensor stays for callers that read it (the layers using this type are small: MiniLM,
/// SAM's decoder).
public struct LinearLayer: Sendable {
    public let weight: Tensor
    public let bias: Tensor?
    /// `weight` packed as op(B) = weightᵀ (k = in, n = out) for `GEMMKernel.current`.
    public let packed: PackedMatrix
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "LinearLayer: weight must be [out, in], got \(weight.shape)")
        if let bias { precondition(bias.shape == [weight.shape[0]], "LinearLayer: bias \(bias.shape) does not match \(weight.shape)") }
        self.weight = weight
        self.bias = bias
        packed = PackedMatrix(weight: weight)
    }

    public init(loading key: String, from loader: inout WeightLoader, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        let w = try loader.take("\(key).weight", shape: [outFeatures, inFeatures])
        let b = bias ? try loader.take("\(key).bias", shape: [outFeatures]) : nil
        self.init(weight: w, bias: b)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { GEMM.linear(x, weight: packed, bias: bias) }
}
