/// Element types of tensors stored in checkpoints (PyTorch storage types, safetensors dtypes).
public enum CheckpointDType: String, Sendable, Hashable, CaseIterable {
    case float64, float32, float16, bfloat16
    case int64, int32, int16, int8, uint8
    case bool

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// The dtype of a PyTorch typed-storage class (`torch.FloatStorage` → float32), or nil.
    public init?(torchStorageName name: String) {
        switch name {
        case "DoubleStorage": self = .float64
        case "FloatStorage": self = .float32
        case "HalfStorage": self = .float16
        case "BFloat16Storage": self = .bfloat16
        case "LongStorage": self = .int64
        case "IntStorage": self = .int32
        case "ShortStorage": self = .int16
        case "CharStorage": self = .int8
        case "ByteStorage", "UntypedStorage": self = .uint8
        case "BoolStorage": self = .bool
        default: return nil
        }
    }

    /// The dtype of a PyTorch dtype object as pickled (`torch.float32`, `torch.half`, ...), or nil.
    public init?(torchDTypeName name: String) {
        switch name {
        case "float64", "double": self = .float64
        case "float32", "float": self = .float32
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "int64", "long": self = .int64
        case "int32", "int": self = .int32
        case "int16", "short": self = .int16
        case "int8": self = .int8
        case "uint8": self = .uint8
        case "bool": self = .bool
        default: return nil
        }
    }
}
