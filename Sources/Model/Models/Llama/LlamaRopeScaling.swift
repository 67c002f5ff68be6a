/// How a LLaMA checkpoint stretches its rotary frequencies beyond the trained context (follows
/// Hugging Face `modeling_rope_utils.py`: `_compute_linear_scaling_rope_parameters` and
/// `_compute_llama3_parameters`). Absent or `"default"` means no scaling.
public enum LlamaRopeScaling: Sendable, Equatable {
    /// Every inverse frequency divided by `factor` (position interpolation).
    case linear(factor: Double)
    /// Llama 3.x: long wavelengths divided by `factor`, short ones kept, a smooth blend between.
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double,
                originalMaxPositionEmbeddings: Int)

    /// The scaling a `rope_scaling` / `rope_parameters` object describes (`rope_type` or the older
    /// `type` key); nil for the default. Other types throw `invalidConfig` naming them.
    static func parse(_ object: [String: JSONScalar], path: String) throws -> LlamaRopeScaling? {
        func bad(_ reason: String) -> ModelError { .invalidConfig(path: path, reason: "rope_scaling: \(reason)") }
        let type = object["rope_type"]?.string ?? object["type"]?.string ?? "default"
        func number(_ key: String) throws -> Double {
            guard let v = object[key]?.number else { throw bad("'\(type)' needs a number '\(key)'") }
            return v
        }
        switch type {
        case "default":
            return nil
        case "linear":
            let factor = try number("factor")
            guard factor > 0 else { throw bad("factor must be positive, got \(factor)") }
            return .linear(factor: factor)
        case "llama3":
            let factor = try number("factor"), low = try number("low_freq_factor"), high = try number("high_freq_factor")
            let original = try number("original_max_position_embeddings")
            guard factor > 0, low > 0, high > low, original > 0 else {
                throw bad("llama3 needs factor > 0, 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings > 0")
            }
            return .llama3(factor: factor, lowFrequencyFactor: low, highFrequencyFactor: high,
                           originalMaxPositionEmbeddings: Int(original))
        default:
            throw bad("type '\(type)' is not supported (default, linear, llama3)")
        }
    }

    /// The inverse frequencies after scaling, computed in fp32 like the reference.
    func apply(to inverseFrequencies: [Float]) -> [Float] {
        switch self {
        case .linear(let factor):
            return inverseFrequencies.map { $0 / Float(factor) }
        case .llama3(let factor, let low, let high, let original):
            let f = Float(factor), lo = Float(low), hi = Float(high), old = Float(original)
            let lowWavelength = old / lo, highWavelength = old / hi
            return inverseFrequencies.map { inv in
                let wavelength = 2 * Float.pi / inv
                if wavelength < highWavelength { return inv }
                if wavelength > lowWavelength { return inv / f }
                let smooth = (old / wavelength - lo) / (hi - lo)
                return (1 - smooth) * inv / f + smooth * inv
            }
        }
    }
}

/// A scalar of a small JSON object (strings and numbers), enough for `rope_scaling`.
enum JSONScalar: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case other

    init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .other }
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let d) = self { d } else { nil } }
}
