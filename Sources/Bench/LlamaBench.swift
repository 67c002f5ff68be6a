import Foundation
import Model

/// `lisakit-bench llama --model PATH --ids FILE [--decode 64] [--rounds 3]`
///
/// Prints one JSON object: load time; prefill tokens/s (one forward over the ids in FILE, a JSON
/// array); decode tokens/s (greedy steps against the cache after that prompt, no stop); the
/// weight bytes one decode step reads (every projection and the head once, one embedding row),
/// the measured read bandwidth of this machine and the fraction of the bandwidth limit decode
/// reaches; and the resident memory of LLaMA-2-7B in bf16 and Q4_0, computed from its config.
enum LlamaBench {
    struct Options {
        var model = ""
        var ids = ""
        var decode = 64
        var rounds = 3
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        try forEachOption(args) { name, value in
            switch name {
            case "--model": o.model = try value()
            case "--ids": o.ids = try value()
            case "--decode": o.decode = Int(try value()) ?? 0
            case "--rounds": o.rounds = Int(try value()) ?? 0
            default: throw BenchError("unknown option \(name)")
            }
        }
        guard !o.model.isEmpty, !o.ids.isEmpty else { throw BenchError("--model PATH and --ids FILE are required") }
        guard o.decode > 0, o.rounds > 0 else { throw BenchError("--decode and --rounds must be positive") }
        return o
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Bytes a weight occupies (and a full product reads).
    static func bytes(_ w: any MatrixWeight) -> Int {
        if let q = w as? QuantizedMatrixWeight { return q.rowBytes * q.outFeatures }
        if w is HalfMatrixWeight { return 2 * w.outFeatures * w.inFeatures }
        return 4 * w.outFeatures * w.inFeatures
    }

    /// Best read bandwidth (GB/s) summing a 256 MiB buffer, split over the workers.
    static func bandwidth() -> Double {
        let count = 64 << 20
        var data = [Float](repeating: 1, count: count)
        data.withUnsafeMutableBufferPointer { b in for i in stride(from: 0, to: count, by: 1024) { b[i] = Float(i & 7) } }
        var best = 0.0
        let workers = Parallel.coreCount
        for _ in 0..<5 {
            let sums = UnsafeMutablePointer<Float>.allocate(capacity: workers)
            defer { sums.deallocate() }
            let t0 = now()
            data.withUnsafeBufferPointer { b in
                let raw = UnsafeRawPointer(b.baseAddress!)
                Parallel.forRanges(workers) { range in
                    for w in range {
                        let lo = count * w / workers, hi = count * (w + 1) / workers
                        var acc = SIMD16<Float>()
                        var i = lo
                        while i + 16 <= hi {
                            acc += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
                            i += 16
                        }
                        sums[w] = acc.sum()
                    }
                }
            }
            let t = now() - t0
            best = max(best, Double(count * 4) / t / 1e9)
            if sums[0] == -1 { print("") }
        }
        return best
    }

    static func run(_ args: [String]) throws {
        let o = try parse(args)
        let ids = try JSONDecoder().decode([Int].self, from: Data(contentsOf: URL(fileURLWithPath: o.ids)))
        let t0 = now()
        let lm = try LanguageModel.load(path: o.model)
        let load = now() - t0
        let model = lm.model
        var prefill = Double.infinity, decode = Double.infinity
        for _ in 0..<o.rounds {
            var cache = model.makeCache(reserve: ids.count + o.decode)
            let a = now()
            var out = try model.forward(ids, cache: &cache, logits: .last)
            let b = now()
            for _ in 0..<o.decode {
                let next = out.logits!.withUnsafeFloats { TokenSampler.argmax($0) }
                out = try model.forward([next], cache: &cache, logits: .last)
            }
            let c = now()
            prefill = min(prefill, b - a)
            decode = min(decode, c - b)
        }
        var perToken = 0
        for l in model.layers {
            for w in [l.query, l.key, l.value, l.output, l.gate, l.up, l.down] { perToken += bytes(w) }
            perToken += 2 * 4 * model.config.hiddenSize  // the two norms
        }
        perToken += bytes(model.lmHead) + bytes(model.embedding) / max(model.embedding.outFeatures, 1)
        let bw = bandwidth()
        let decodeRate = Double(o.decode) / decode
        let limit = bw * 1e9 / Double(perToken)

        // LLaMA-2-7B (meta-llama/Llama-2-7b-hf config.json).
        let v = 32000.0, h = 4096.0, inter = 11008.0, layers = 32.0, context = 2048.0
        let matrices = layers * (4 * h * h + 3 * h * inter) + 2 * v * h
        let params = matrices + layers * 2 * h + h
        let gib = 1024.0 * 1024 * 1024
        let bf16 = params * 2 / gib
        let q4 = (matrices * 18 / 32 + (params - matrices) * 4) / gib  // Q4_0: 18 bytes per 32 weights; norms fp32
        let kv = 2 * layers * context * h * 4 / gib  // our cache keeps keys and values in fp32
        let result: [String: Any] = [
            "model": o.model, "prompt_tokens": ids.count, "decode_tokens": o.decode, "workers": Parallel.coreCount,
            "load_seconds": load,
            "prefill_tokens_per_second": Double(ids.count) / prefill,
            "decode_tokens_per_second": decodeRate,
            "weight_bytes_per_token": perToken,
            "bandwidth_gb_per_second": bw, "bandwidth_threads": Parallel.coreCount,
            "bandwidth_limit_tokens_per_second": limit,
            "bandwidth_fraction": decodeRate / limit,
            "memory_7b": [
                "parameters": params, "bf16_gib": bf16, "q4_0_gib": q4, "context": Int(context), "kv_cache_gib": kv,
                "bf16_resident_gib": bf16 + kv + 0.25, "q4_resident_gib": q4 + kv + 0.25,
            ] as [String: Any],
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
