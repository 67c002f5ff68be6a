import CKernels

/// Dequantization of GGUF tensor data to fp32 (bit-identical to gguf-py's
/// `gguf.quants.dequantize`; the C code in `CKernels/ck_quant.c` keeps its rounding order).
public enum GGUFDequantize {
    /// Writes `count` values (a multiple of `type.blockSize`) stored at `source` to `destination`.
    /// `type` must be supported (`GGUFTensorType.isSupported`).
    public static func run(_ type: GGUFTensorType, _ source: UnsafeRawPointer, count: Int,
                           into destination: UnsafeMutablePointer<Float>) {
        precondition(type.isSupported, "GGUFDequantize: \(type) is not supported")
        precondition(count % type.blockSize == 0, "GGUFDequantize: \(count) is not a multiple of the \(type) block size")
        if count == 0 { return }
        ck_quant_dequantize(Int32(type.rawValue), source, destination, count)
    }

    /// The values of raw block bytes as an array (for tests and tools).
    public static func values(_ type: GGUFTensorType, bytes: UnsafeRawBufferPointer) -> [Float] {
        precondition(bytes.count % type.typeSize == 0, "GGUFDequantize: \(bytes.count) bytes are not whole \(type) blocks")
        let count = bytes.count / type.typeSize * type.blockSize
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            if count > 0 { run(type, bytes.baseAddress!, count: count, into: out.baseAddress!) }
            initialized = count
        }
    }
}
