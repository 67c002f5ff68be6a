/// A tensor source that can hand out weight matrices in a storage of its own (quantized blocks,
/// for instance) instead of as a `Tensor`. `WeightLoader.takeMatrix` asks for this first, so a
/// model's loading code is the same for every checkpoint format.
public protocol MatrixWeightSource: TensorSource {
    /// The [outFeatures, inFeatures] matrix `name` as the source stores it.
    func matrixWeight(named name: String) throws -> any MatrixWeight
}
