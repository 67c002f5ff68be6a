import CKernels
import COpenBLAS

/// Which implementation runs `GEMM.sgemm`: LisaKit's own packed SGEMM when the CPU has
/// AVX2+FMA or AVX-512 (chosen at run time, capped by `LISAKIT_SIMD`), else OpenBLAS.
///
/// Ours exists because a distribution's OpenBLAS may not know a newer CPU and fall back to
/// generic SSE3 kernels (Debian's 0.3.21 on Xeon family 6 model 207 runs `Prescott`, 4–5× slower
/// than a matching kernel), and tests and users should not have to set `OPENBLAS_CORETYPE`.
public enum GEMMKernel: Sendable, Equatable, CustomStringConvertible {
    /// OpenBLAS `cblas_sgemm` with the CPU kernel it selected (`BLASInfo.coreName`).
    case openBLAS
    /// `ck_sgemm`, 6×16 micro-kernel on ymm registers.
    case avx2
    /// `ck_sgemm`, 12×32 micro-kernel on zmm registers.
    case avx512

    /// The kernel for `level`, or nil when this CPU cannot run it (ignores `LISAKIT_SIMD`).
    public init?(level: SIMDLevel) {
        switch level {
        case .baseline: self = .openBLAS
        case .avx2: if ck_sgemm_supported(1) != 0 { self = .avx2 } else { return nil }
        case .avx512: if ck_sgemm_supported(2) != 0 { self = .avx512 } else { return nil }
        }
    }

    /// What `GEMM.sgemm` uses in this process: follows `SIMDLevel.current`.
    public static var current: GEMMKernel {
        GEMMKernel(level: SIMDLevel.current) ?? .openBLAS
    }

    /// Every kernel this CPU can run (tests compare them all).
    public static var available: [GEMMKernel] {
        [SIMDLevel.baseline, .avx2, .avx512].compactMap { GEMMKernel(level: $0) }
    }

    /// `ck_sgemm`'s level argument (0 for OpenBLAS).
    var level: Int32 {
        switch self {
        case .openBLAS: 0
        case .avx2: 1
        case .avx512: 2
        }
    }

    public var description: String {
        switch self {
        case .openBLAS: "OpenBLAS \(BLASInfo.coreName)"
        case .avx2: "LisaKit sgemm avx2+fma 6x16"
        case .avx512: "LisaKit sgemm avx512 12x32"
        }
    }
}
