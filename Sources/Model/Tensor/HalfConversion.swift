/// Widening and narrowing between fp32 and the two 16-bit float formats.
/// bf16 is the top half of an fp32 bit pattern; f16 is IEEE binary16 (Swift's `Float16`).
public enum HalfConversion {
    /// bf16 bits → fp32 (exact).
    @inline(__always)
    public static func float(bf16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// fp32 → bf16 bits with round-to-nearest-even (NaN stays NaN).
    @inline(__always)
    public static func bf16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: (bits >> 16) | 0x40) }
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// f16 bits → fp32 (exact).
    @inline(__always)
    public static func float(f16 bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    /// fp32 → f16 bits (round-to-nearest-even, overflow to infinity).
    @inline(__always)
    public static func f16(_ value: Float) -> UInt16 {
        Float16(value).bitPattern
    }

    /// Widens `count` 16-bit values of type `dtype` into `destination`.
    public static func widen(
        _ source: UnsafePointer<UInt16>, dtype: DType, count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        switch dtype {
        case .bf16:
            for i in 0..<count { destination[i] = Float(bitPattern: UInt32(source[i]) << 16) }
        case .f16:
            for i in 0..<count { destination[i] = Float(Float16(bitPattern: source[i])) }
        case .f32:
            preconditionFailure("widen: source is not a 16-bit type")
        }
    }
}
