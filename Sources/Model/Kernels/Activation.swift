/// Pointwise activations, in place over contiguous buffers, split over cores.
public enum Activation: Sendable {
    /// GELU with the exact erf form (PyTorch `gelu`, BERT's "gelu").
    case geluErf
    /// GELU with the tanh approximation (PyTorch `gelu(approximate="tanh")`, "gelu_new").
    case geluTanh
    /// x · sigmoid(x) (LLaMA's MLP).
    case silu
    case relu

    /// Applies the activation in place to `count` floats.
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let p = SendablePointer(x)
        let kind = self
        Parallel.forRanges(count, grain: 32_768) { range in
            let b = p.base
            switch kind {
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
    }

    /// The activation applied to every element of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var out = x.contiguous()
        out.withUnsafeMutableFloats { apply($0.baseAddress!, count: $0.count) }
        return out
    }
}
