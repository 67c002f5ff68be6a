/// `WeightLoader.takeMatrix` takes a GGUF file's matrices in their quantized blocks
/// (`QuantizedMatrixWeight`) instead of dequantizing them through `TensorSource`.
extension GGUFFile: MatrixWeightSource {
    public func matrixWeight(named name: String) throws -> any MatrixWeight {
        try QuantizedMatrixWeight(file: self, tensor: name)
    }
}
