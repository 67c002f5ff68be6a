/// A GGUF file serves its tensors to `WeightLoader` like a checkpoint: shapes in PyTorch order,
/// vectors and small tensors dequantized to fp32, matrices kept in their quantized blocks.
extension GGUFFile: MatrixWeightSource {
    public var sourceDescription: String { path }
    public var tensorNames: [String] { tensors.map(\.name) }
    public func shape(of name: String) -> [Int]? { tensorInfo(name)?.shape }

    public func tensor(named name: String, keepHalf: Bool) throws -> Tensor {
        try dequantize(name)
    }

    public func matrixWeight(named name: String) throws -> any MatrixWeight {
        try QuantizedMatrixWeight(file: self, tensor: name)
    }
}
