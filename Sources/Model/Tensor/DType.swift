/// Element type of a tensor's storage. Computation is always fp32; the half-precision types
/// exist so checkpoints can be held at their published size and widened when needed.
public enum DType: String, Sendable, Hashable, CaseIterable {
    case f32
    case f16
    case bf16

    /// Bytes per element in storage.
    public var byteSize: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        }
    }
}
