/// One GGUF metadata value. Arrays carry their element type (which the file declares even for
/// empty arrays) and may nest.
public enum GGUFValue: Sendable, Equatable, CustomStringConvertible {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)
    case array(elementType: GGUFValueType, values: [GGUFValue])

    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        case .array: .array
        }
    }

    /// The value as an integer when it is one of the integer types (and fits an `Int`).
    public var intValue: Int? {
        switch self {
        case .uint8(let v): Int(v)
        case .int8(let v): Int(v)
        case .uint16(let v): Int(v)
        case .int16(let v): Int(v)
        case .uint32(let v): Int(v)
        case .int32(let v): Int(v)
        case .uint64(let v): Int(exactly: v)
        case .int64(let v): Int(exactly: v)
        default: nil
        }
    }

    /// The value as a floating-point number when it is float32/float64 or an integer.
    public var doubleValue: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        default: intValue.map(Double.init)
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements when the value is an array.
    public var arrayValue: [GGUFValue]? {
        if case .array(_, let values) = self { return values }
        return nil
    }

    /// "string", "array[int32]", ...: for messages.
    public var typeName: String {
        if case .array(let element, let values) = self {
            if element == .array, let first = values.first { return "array[\(first.typeName)]" }
            return "array[\(element)]"
        }
        return type.description
    }

    public var description: String {
        switch self {
        case .uint8(let v): "\(v)"
        case .int8(let v): "\(v)"
        case .uint16(let v): "\(v)"
        case .int16(let v): "\(v)"
        case .uint32(let v): "\(v)"
        case .int32(let v): "\(v)"
        case .float32(let v): "\(v)"
        case .bool(let v): "\(v)"
        case .string(let v): v.debugDescription
        case .uint64(let v): "\(v)"
        case .int64(let v): "\(v)"
        case .float64(let v): "\(v)"
        case .array(let t, let values):
            values.count > 8
                ? "[\(values.prefix(8).map(\.description).joined(separator: ", ")), … (\(values.count) \(t))]"
                : "[\(values.map(\.description).joined(separator: ", "))]"
        }
    }
}
