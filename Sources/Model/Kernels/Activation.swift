import CKernels

/// Pointwise activations, in place over contiguous buffers, split over cores.
public enum Activation: Sendable {
    /// GELU with the exact erf form (PyTorch `gelu`, BERT's "gelu").
    case geluErf
    /// GELU with the tanh approximation (PyTorch `gelu(approximate="tanh")`, "gelu_new").
    case geluTanh
    /// x · sigmoid(x) (LLaMA's MLP).
    case silu
    case relu

    /// Applies the activation in place to `count` floats. The GELU forms and SiLU run the
    /// AVX-512 or AVX2+FMA kernels of CKernels where the CPU has them (`SIMDLevel.current`);
    /// `applyPortable` is the Swift path.
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let p = SendablePointer(x)
        let kind = self
        Parallel.forRanges(count, grain: 32_768) { range in
            kind.apply(p.base + range.lowerBound, count: range.count, level: .avx512)
        }
    }

    /// `count` floats on this thread with the kernel of `level` (lowered to what this process
    /// may use; `.baseline` is the Swift code). Returns the level that ran.
    @discardableResult
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int, level: SIMDLevel) -> SIMDLevel {
        if count <= 0 { return level.lowered }
        let requested = Int32(level.rawValue)
        let ran: Int32
        switch self {
        case .geluErf: ran = ck_gelu_erf(requested, x, count)
        case .geluTanh: ran = ck_gelu_tanh(requested, x, count)
        case .silu: ran = ck_silu(requested, x, count)
        case .relu: ran = 0  // a max the compiler vectorizes well enough; memory-bound
        }
        if ran > 0, let done = SIMDLevel(rawValue: Int(ran)) { return done }
        applyPortable(x, count: count)
        return .baseline
    }

    /// The portable Swift path over `count` floats on this thread.
    func applyPortable(_ b: UnsafeMutablePointer<Float>, count: Int) {
        let range = 0..<count
        switch self {
        case .geluErf:
            for i in range { let v = b[i]; b[i] = 0.5 * v * (1 + FastMath.erf(v * 0.70710678118654752)) }
        case .geluTanh:
            for i in range {
                let v = b[i]
                b[i] = 0.5 * v * (1 + FastMath.tanh(0.79788456080286536 * (v + 0.044715 * v * v * v)))
            }
        case .silu:
            for i in range { let v = b[i]; b[i] = v / (1 + FastMath.exp(-v)) }
        case .relu:
            for i in range { b[i] = max(b[i], 0) }
        }
    }

    /// The activation applied to every element of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var out = x.contiguous()
        out.withUnsafeMutableFloats { apply($0.baseAddress!, count: $0.count) }
        return out
    }
}
