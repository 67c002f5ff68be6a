import CKernels

/// The SIMD instruction set the C kernels dispatch to on this CPU (`LISAKIT_SIMD` caps it).
public enum SIMDLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case baseline = 0
    case avx2 = 1
    case avx512 = 2

    /// What this process uses: detected once, lowered by `LISAKIT_SIMD=baseline|avx2|avx512`.
    public static var current: SIMDLevel { SIMDLevel(rawValue: Int(ck_simd_level())) ?? .baseline }

    /// Every level this process may use, lowest first: what the element-wise kernels (softmax,
    /// GELU, layer norm) accept as `level:`, `.baseline` being their portable Swift code.
    public static var usable: [SIMDLevel] { [SIMDLevel.baseline, .avx2, .avx512].filter { $0 <= current } }

    /// This level lowered to what the process may use (what a C kernel asked for it runs).
    var lowered: SIMDLevel { SIMDLevel(rawValue: Int(ck_simd_lowered(Int32(rawValue)))) ?? .baseline }

    public static func < (a: SIMDLevel, b: SIMDLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .avx2: "avx2+fma"
        case .avx512: "avx512"
        }
    }
}
