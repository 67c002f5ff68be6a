import Foundation
import Model

/// `lisakit-bench vecmath [--rounds 5]`
///
/// The Swift side of tools/bench_vecmath.py: nanoseconds per element of the element-wise kernels
/// on one thread, at every SIMD level this process may use (`baseline` is the portable Swift
/// code; `LISAKIT_SIMD` caps the list), on the shapes of SAM ViT-B and MiniLM:
/// softmax of 4096-wide rows (a global-attention score row at 1024²), the same with the 64×64
/// decomposed relative positions added first, and a 14×14 window row; GELU (erf and tanh forms)
/// and SiLU over a 64×3072 MLP activation; LayerNorm of 768-wide rows; LayerNorm2d of a
/// 256-channel map. Each figure is the best of --rounds, each round repeating the kernel for
/// ≥ 20 ms of this thread's CPU time (CLOCK_THREAD_CPUTIME_ID: the machine is shared, and wall
/// time there counts other processes' turns). Prints one JSON object.
enum VecMathBench {
    static func run(_ args: [String]) throws {
        var rounds = 5
        try forEachOption(args) { name, value in
            switch name {
            case "--rounds": rounds = Int(try value()) ?? 0
            default: throw BenchError("unknown option \(name)")
            }
        }
        guard rounds > 0 else { throw BenchError("--rounds must be positive") }

        var results: [[String: Any]] = []
        for level in SIMDLevel.usable {
            var row: [String: Any] = ["level": level.description]
            row["softmax_4096"] = softmax(level: level, rows: 64, cols: 4096, rounds: rounds)
            row["softmax_relpos_64x64"] = relativeSoftmax(level: level, rows: 64, height: 64, width: 64, rounds: rounds)
            row["softmax_relpos_14x14"] = relativeSoftmax(level: level, rows: 1024, height: 14, width: 14, rounds: rounds)
            for (key, kind) in [("gelu_erf", Activation.geluErf), ("gelu_tanh", .geluTanh), ("silu", .silu)] {
                row[key] = activation(kind, level: level, count: 64 * 3072, rounds: rounds)
            }
            row["layernorm_768"] = layerNorm(level: level, rows: 256, cols: 768, rounds: rounds)
            row["layernorm2d_256"] = layerNormChannels(level: level, channels: 256, pixels: 1024, rounds: rounds)
            results.append(row)
        }
        let report: [String: Any] = [
            "unit": "ns/element, one thread", "current_level": SIMDLevel.current.description, "results": results,
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// CPU nanoseconds this thread has run.
    static func threadNanoseconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
    }

    /// Best CPU nanoseconds per element of `body` (which touches `elements` floats) over
    /// `rounds` rounds after one warm-up round, less `overhead` ns per call.
    static func time(elements: Int, rounds: Int, overhead: Double = 0, _ body: () -> Void) -> Double {
        var repeats = 1
        var best = Double.infinity
        for round in 0...rounds {
            let start = threadNanoseconds()
            for _ in 0..<repeats { body() }
            let ns = threadNanoseconds() - start - overhead * Double(repeats)
            if round == 0 {
                // Size the rounds from the warm-up: ≥ 20 ms each.
                repeats = max(1, Int(2e7 / max(ns, 1)))
            } else {
                best = min(best, ns / Double(repeats) / Double(elements))
            }
        }
        return (best * 1000).rounded() / 1000
    }

    static func data(_ count: Int, scale: Float) -> [Float] {
        (0..<count).map { Float(($0 * 7919) % 1013) / 1013 * 2 * scale - scale }
    }

    // Softmax runs in place on its own output round after round (its cost does not depend on
    // the values, which stay normal floats); the activations restart from a copy of the input
    // each call (repeated GELU/SiLU drifts into denormals, which are 100× slower), and the
    // copy's own time is subtracted.

    static func softmax(level: SIMDLevel, rows: Int, cols: Int, rounds: Int) -> Double {
        var x = data(rows * cols, scale: 8)
        return x.withUnsafeMutableBufferPointer { p in
            time(elements: rows * cols, rounds: rounds) { Softmax.rows(p.baseAddress!, rows: rows, cols: cols, level: level) }
        }
    }

    static func relativeSoftmax(level: SIMDLevel, rows: Int, height: Int, width: Int, rounds: Int) -> Double {
        var x = data(rows * height * width, scale: 8)
        let relH = data(rows * height, scale: 1), relW = data(rows * width, scale: 1)
        return x.withUnsafeMutableBufferPointer { p in
            time(elements: rows * height * width, rounds: rounds) {
                Softmax.rowsAddingRelativePositions(p.baseAddress!, rows: rows, relH: relH, relW: relW,
                                                    height: height, width: width, level: level)
            }
        }
    }

    static func activation(_ kind: Activation, level: SIMDLevel, count: Int, rounds: Int) -> Double {
        let source = data(count, scale: 6)
        var x = source
        return x.withUnsafeMutableBufferPointer { p in
            source.withUnsafeBufferPointer { s in
                let copy = time(elements: 1, rounds: rounds) { p.baseAddress!.update(from: s.baseAddress!, count: count) }
                return time(elements: count, rounds: rounds, overhead: copy) {
                    p.baseAddress!.update(from: s.baseAddress!, count: count)
                    kind.apply(p.baseAddress!, count: count, level: level)
                }
            }
        }
    }

    static func layerNorm(level: SIMDLevel, rows: Int, cols: Int, rounds: Int) -> Double {
        let x = data(rows * cols, scale: 3), gamma = data(cols, scale: 1), beta = data(cols, scale: 1)
        var out = [Float](repeating: 0, count: rows * cols)
        return out.withUnsafeMutableBufferPointer { o in
            time(elements: rows * cols, rounds: rounds) {
                Normalization.layerNorm(x, rows: rows, cols: cols, gamma: gamma, beta: beta, eps: 1e-6,
                                        into: o.baseAddress!, level: level)
            }
        }
    }

    static func layerNormChannels(level: SIMDLevel, channels: Int, pixels: Int, rounds: Int) -> Double {
        var x = data(channels * pixels, scale: 3)
        let gamma = data(channels, scale: 1), beta = data(channels, scale: 1)
        return x.withUnsafeMutableBufferPointer { p in
            time(elements: channels * pixels, rounds: rounds) {
                Normalization.layerNormChannels(p.baseAddress!, channels: channels, pixels: pixels, stride: pixels,
                                                gamma: gamma, beta: beta, eps: 1e-6, level: level)
            }
        }
    }
}
