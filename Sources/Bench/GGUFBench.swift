import Foundation
import Model

/// `lisakit-bench gguf --model FILE.gguf [--rounds 5] [--rows 64] [--levels]`
///
/// Prints one JSON object with the speed of `QuantizedMatrixWeight` on a real GGUF file:
/// - `decode`: one matrix–vector product through every 2-D weight of the file (all layers'
///   projections and the output/embedding matrix: what one decoded token multiplies), best of
///   `rounds` passes: milliseconds, GB/s of weight bytes read, and the matmul-only token rate;
///   with `--levels` also per SIMD path.
/// - `matrices`: the same product on single matrices (the largest Q8_0 and Q4_1 ones and an
///   attention projection), repeated (so cache-resident when small): GB/s.
/// - `prefill`: `rows` activation rows through all matrices of one layer: GFLOP/s.
/// Threads: `LISAKIT_THREADS` (the Python side pins it to the peer's thread count).
enum GGUFBench {
    static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// CPU time of the whole process (all threads): on a shared machine wall time mostly
    /// measures the other processes; CPU time per pass is the steadier figure.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Best wall time of `rounds` calls of `body`, and the CPU time of the pass with the least CPU time.
    static func measure(_ rounds: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<rounds {
            let t0 = seconds(), c0 = cpuSeconds()
            body()
            wall = min(wall, seconds() - t0)
            cpu = min(cpu, cpuSeconds() - c0)
        }
        return (wall, cpu)
    }

    static func run(_ args: [String]) throws {
        var model = "", rounds = 5, rows = 64, levels = false
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--model": i += 1; model = i < args.count ? args[i] : ""
            case "--rounds": i += 1; rounds = i < args.count ? Int(args[i]) ?? 5 : 5
            case "--rows": i += 1; rows = i < args.count ? Int(args[i]) ?? 64 : 64
            case "--levels": levels = true
            default: throw BenchError("gguf: unknown argument \(args[i])")
            }
            i += 1
        }
        guard !model.isEmpty else { throw BenchError("gguf: --model FILE.gguf is required") }
        let file = try GGUFFile(path: model)
        let matrices = try file.tensors.filter { $0.dimensions.count == 2 && $0.type.isSupported }.map { try file.matrixWeight($0.name) }
        let maxIn = matrices.map(\.inFeatures).max() ?? 1, maxOut = matrices.map(\.outFeatures).max() ?? 1
        let x = (0..<(rows * maxIn)).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        var y = [Float](repeating: 0, count: rows * maxOut)
        let totalBytes = matrices.reduce(0) { $0 + $1.rowBytes * $1.outFeatures }

        func decodePass(_ ws: [QuantizedMatrixWeight]) -> (wall: Double, cpu: Double) {
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    measure(rounds) { for w in ws { w.multiply(px.baseAddress!, rows: 1, into: py.baseAddress!) } }
                }
            }
        }
        _ = decodePass(matrices)  // page the mapping in
        var decode: [String: Any] = [:]
        let t = decodePass(matrices)
        decode["matrices"] = matrices.count
        decode["weight_bytes"] = totalBytes
        decode["ms"] = t.wall * 1000
        decode["cpu_ms"] = t.cpu * 1000
        decode["gb_per_s"] = Double(totalBytes) / t.wall / 1e9
        decode["matmul_tokens_per_s"] = 1 / t.wall
        decode["simd"] = SIMDLevel.current.description
        if levels {
            var perLevel: [String: Double] = [:]
            for level in [SIMDLevel.baseline, .avx2, .avx512] where level <= .current {
                let ws = matrices.map { var w = $0; w.simdLevel = level; return w }
                perLevel[level.description] = decodePass(ws).cpu * 1000
            }
            decode["cpu_ms_per_simd_level"] = perLevel
        }

        // Single matrices, repeated.
        var singles: [[String: Any]] = []
        let picks = ["token_embd.weight", "output.weight", "blk.0.ffn_down.weight", "blk.0.ffn_gate.weight", "blk.0.attn_q.weight"]
        for name in picks {
            guard let w = matrices.first(where: { $0.name == name }) else { continue }
            let bytes = w.rowBytes * w.outFeatures
            let reps = max(1, 200_000_000 / max(1, bytes))
            let t = x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    measure(rounds) { for _ in 0..<reps { w.multiply(px.baseAddress!, rows: 1, into: py.baseAddress!) } }
                }
            }
            let wall = t.wall / Double(reps), cpu = t.cpu / Double(reps)
            singles.append(["name": name, "type": w.type.description, "shape": [w.outFeatures, w.inFeatures], "bytes": bytes,
                            "us": wall * 1e6, "cpu_us": cpu * 1e6, "gb_per_s": Double(bytes) / wall / 1e9])
        }

        // Prefill: `rows` rows through the matrices of layer 0.
        let layer = matrices.filter { $0.name.hasPrefix("blk.0.") }
        let flops = layer.reduce(0.0) { $0 + 2.0 * Double(rows * $1.inFeatures * $1.outFeatures) }
        let prefill = x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                measure(rounds) { for w in layer { w.multiply(px.baseAddress!, rows: rows, into: py.baseAddress!) } }
            }
        }
        let result: [String: Any] = [
            "threads": Parallel.coreCount,
            "decode": decode,
            "matrices": singles,
            "prefill": ["rows": rows, "matrices": layer.count, "ms": prefill.wall * 1000, "cpu_ms": prefill.cpu * 1000,
                        "gflop_per_s": flops / prefill.wall / 1e9],
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
