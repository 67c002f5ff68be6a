/// A GGUF file serves its tensors by name like any checkpoint (`WeightLoader`, dense layers):
/// every supported type is dequantized to fp32 in PyTorch shape order; F16/BF16 stay 16-bit
/// when `keepHalf`. Quantized projections are better taken with `matrixWeight(_:)`, which
/// keeps the blocks.
extension GGUFFile: TensorSource {
    public var sourceDescription: String { path }
    public var tensorNames: [String] { tensors.map(\.name) }
    public func shape(of name: String) -> [Int]? { tensorInfo(name)?.shape }

    public func tensor(named name: String, keepHalf: Bool) throws -> Tensor {
        let info = try requireTensor(name)
        if keepHalf, info.type == .f16 || info.type == .bf16 {
            let raw = rawBytes(of: info)
            var bits = [UInt16](repeating: 0, count: info.elementCount)
            bits.withUnsafeMutableBytes { $0.copyMemory(from: raw) }
            for i in bits.indices { bits[i] = UInt16(littleEndian: bits[i]) }
            return Tensor(shape: info.shape, halfBits: bits, dtype: info.type == .f16 ? .f16 : .bf16)
        }
        return try dequantize(name)
    }
}
