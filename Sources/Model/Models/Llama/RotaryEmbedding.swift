#if canImport(Glibc)
import Glibc
#endif

/// Rotary position embedding (RoPE) for LLaMA attention (follows Hugging Face
/// `LlamaRotaryEmbedding` + `apply_rotary_pos_emb`: inverse frequencies θ^(-2i/d) computed in
/// fp32, optionally rescaled, angle = position · frequency).
///
/// Two pairings of a head's features exist in the wild:
/// - `.halfSplit` (Hugging Face `rotate_half`): feature i pairs with i + d/2;
/// - `.interleaved` (Meta's original code, llama.cpp): feature 2i pairs with 2i + 1.
/// GGUF converters permute the rows of the Q and K projections so that interleaved rotation of
/// the permuted features equals half-split rotation of the original ones; dot products q·k are
/// unchanged by applying one permutation to both, so a GGUF model runs `.interleaved` on its
/// stored weights and gives the Hugging Face logits without un-permuting anything.
public struct RotaryEmbedding: Sendable {
    public enum Pairing: Sendable, Equatable {
        case halfSplit
        case interleaved
    }

    public let headDim: Int
    public let pairing: Pairing
    /// d/2 inverse frequencies after scaling.
    public let inverseFrequencies: [Float]

    public init(headDim: Int, theta: Double, scaling: LlamaRopeScaling?, pairing: Pairing) {
        precondition(headDim > 0 && headDim % 2 == 0, "RotaryEmbedding: head dimension must be even, got \(headDim)")
        self.headDim = headDim
        self.pairing = pairing
        let base = Float(theta)
        // torch: 1 / base ** (arange(0, d, 2).float() / d), in fp32.
        let plain = (0..<(headDim / 2)).map { i in 1 / powf(base, Float(2 * i) / Float(headDim)) }
        inverseFrequencies = scaling?.apply(to: plain) ?? plain
    }

    /// Explicit inverse frequencies (d/2 of them), e.g. a checkpoint's own frequency factors applied.
    public init(headDim: Int, pairing: Pairing, inverseFrequencies: [Float]) {
        precondition(headDim > 0 && headDim % 2 == 0 && inverseFrequencies.count == headDim / 2,
                     "RotaryEmbedding: \(inverseFrequencies.count) frequencies for head dimension \(headDim)")
        self.headDim = headDim
        self.pairing = pairing
        self.inverseFrequencies = inverseFrequencies
    }

    /// cos and sin [positions.count × d/2] for the given positions (fp32 angles, as the reference).
    public func table(positions: Range<Int>) -> (cos: [Float], sin: [Float]) {
        let half = headDim / 2
        var c = [Float](repeating: 0, count: positions.count * half)
        var s = c
        for (r, p) in positions.enumerated() {
            let fp = Float(p)
            for i in 0..<half {
                let angle = fp * inverseFrequencies[i]
                c[r * half + i] = cosf(angle)
                s[r * half + i] = sinf(angle)
            }
        }
        return (c, s)
    }

    /// Rotates `rows` rows of `heads` heads in place; row r (stride `rowStride`) uses table row r.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, rowStride: Int,
                      cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let half = headDim / 2
        for r in 0..<rows {
            let c = cos + r * half, s = sin + r * half
            for h in 0..<heads {
                let v = x + r * rowStride + h * headDim
                switch pairing {
                case .halfSplit:
                    for i in 0..<half {
                        let a = v[i], b = v[i + half]
                        v[i] = a * c[i] - b * s[i]
                        v[i + half] = b * c[i] + a * s[i]
                    }
                case .interleaved:
                    for i in 0..<half {
                        let a = v[2 * i], b = v[2 * i + 1]
                        v[2 * i] = a * c[i] - b * s[i]
                        v[2 * i + 1] = b * c[i] + a * s[i]
                    }
                }
            }
        }
    }
}
