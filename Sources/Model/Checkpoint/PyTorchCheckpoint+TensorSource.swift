/// PyTorch `.bin` / `.pth` checkpoints serve tensors to `WeightLoader` like safetensors files.
extension PyTorchCheckpoint: TensorSource {
    public var sourceDescription: String { path }
    public var tensorNames: [String] { names }
    public func shape(of name: String) -> [Int]? { tensors[name]?.shape }

    public func tensor(named name: String, keepHalf: Bool) throws -> Tensor {
        guard let t = tensors[name] else {
            throw ModelError.invalidFile(path: path, reason: "no tensor '\(name)' in the checkpoint")
        }
        if keepHalf, t.dtype == .float16 || t.dtype == .bfloat16 {
            let bytes = t.contiguousBytes()
            let bits = (0..<t.elementCount).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 }
            return Tensor(shape: t.shape, halfBits: bits, dtype: t.dtype == .float16 ? .f16 : .bf16)
        }
        return Tensor(shape: t.shape, data: t.floatValues())
    }
}
