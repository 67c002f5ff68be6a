import Foundation
import Model

/// `lisakit-bench minilm --ids FILE [--model DIR] [--batch 32] [--rounds 3]`
///
/// Prints one JSON object: the GEMM kernel in use (ours or OpenBLAS's), OpenBLAS kernel and threads, sgemm 4096² GFLOP/s (the machine's
/// peak for this library), MiniLM sentences/second at the batch size over the sentences in FILE
/// (tools/minilm_fixtures.py's JSON: `sentences`, `input_ids`, `attention_mask`) — from text
/// (tokenizer.json + encoder, wall and process-CPU time) and from the recorded ids (encoder
/// only) —, achieved GFLOP/s of the encoder on a fixed 32 × 128-token batch, and what on-the-fly
/// bf16 widening of the weights would cost per forward pass.
enum MiniLMBench {
    struct Options {
        var ids = ""
        var model = ""
        var batch = 32
        var rounds = 3
    }

    struct IDs: Decodable {
        var sentences: [String]
        var inputIds: [[Int]]
        var attentionMask: [[Int]]
        enum CodingKeys: String, CodingKey {
            case sentences
            case inputIds = "input_ids"
            case attentionMask = "attention_mask"
        }
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        let env = ProcessInfo.processInfo.environment
        o.model = (env["LISAKIT_MODELS"] ?? "./models") + "/all-MiniLM-L6-v2"
        try forEachOption(args) { name, value in
            switch name {
            case "--ids": o.ids = try value()
            case "--model": o.model = try value()
            case "--batch": o.batch = Int(try value()) ?? 0
            case "--rounds": o.rounds = Int(try value()) ?? 0
            default: throw BenchError("unknown option \(name)")
            }
        }
        guard !o.ids.isEmpty else { throw BenchError("--ids FILE is required") }
        guard o.batch > 0, o.rounds > 0 else { throw BenchError("--batch and --rounds must be positive") }
        return o
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// User + system CPU seconds of this process so far (all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Best wall time and the CPU time of that same pass.
    static func bestWithCPU(_ rounds: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var result = (wall: Double.infinity, cpu: 0.0)
        for _ in 0..<rounds {
            let c0 = cpuSeconds()
            let w = try seconds(body)
            if w < result.wall { result = (w, cpuSeconds() - c0) }
        }
        return result
    }

    static func best(_ rounds: Int, _ body: () throws -> Void) rethrows -> Double {
        var t = Double.infinity
        for _ in 0..<rounds { t = min(t, try seconds(body)) }
        return t
    }

    static func run(_ args: [String]) throws {
        let o = try parse(args)
        var report: [String: Any] = [
            "gemm_kernel": GEMMKernel.current.description,
            "blas_core": BLASInfo.coreName, "blas_config": BLASInfo.config,
            "openblas_coretype_env": ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "",
        ]

        // sgemm peak: 4096² × 4096², best of 3.
        let n = 4096
        let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        let gemmTime = best(2) {
            c.withUnsafeMutableBufferPointer { cp in
                GEMM.sgemm(m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: cp.baseAddress!, ldc: n)
            }
        }
        let peak = 2 * Double(n * n * n) / gemmTime / 1e9
        report["sgemm_4096_gflops"] = peak
        // After the first GEMM: GEMM runs OpenBLAS single-threaded and splits work itself.
        report["blas_threads"] = BLASInfo.threads
        report["workers"] = Parallel.coreCount

        // Model load (weights, configs and tokenizer.json).
        var encoder: SentenceEncoder?
        report["load_seconds"] = try seconds { encoder = try SentenceEncoder(directory: o.model, batchSize: o.batch) }
        guard let encoder else { throw BenchError("model did not load") }

        let fixture = try JSONDecoder().decode(IDs.self, from: Data(contentsOf: URL(fileURLWithPath: o.ids)))
        let sequences = zip(fixture.inputIds, fixture.attentionMask).map { ids, mask in zip(ids, mask).filter { $0.1 == 1 }.map(\.0) }
        let shortIndices = sequences.indices.filter { sequences[$0].count <= 32 }
        let shortTexts = shortIndices.map { fixture.sentences[$0] }
        report["sentences"] = sequences.count
        report["tokens"] = sequences.reduce(0) { $0 + $1.count }
        report["short_sentences"] = shortTexts.count
        _ = try encoder.embed(Array(fixture.sentences.prefix(o.batch)))  // warm-up

        // From text: tokenize + encode, as a caller of `embed([String])` pays it.
        let all = try bestWithCPU(o.rounds) { _ = try encoder.embed(fixture.sentences) }
        report["sentences_per_second"] = Double(sequences.count) / all.wall
        report["sentences_per_cpu_second"] = Double(sequences.count) / all.cpu
        let short = try bestWithCPU(o.rounds) { _ = try encoder.embed(shortTexts) }
        report["short_sentences_per_second"] = Double(shortTexts.count) / short.wall
        report["short_sentences_per_cpu_second"] = Double(shortTexts.count) / short.cpu
        // From the recorded ids: the encoder alone.
        let ids = try bestWithCPU(o.rounds) { _ = try encoder.embed(tokenIDs: sequences) }
        report["ids_sentences_per_second"] = Double(sequences.count) / ids.wall
        report["ids_sentences_per_cpu_second"] = Double(sequences.count) / ids.cpu

        // Encoder efficiency on a fixed batch: 32 sequences × 128 tokens.
        let cfg = encoder.model.config
        let length = 128, count = 32
        let batch = (0..<count).map { s in [101] + (0..<(length - 2)).map { 1000 + ($0 * 31 + s * 17) % 20000 } + [102] }
        let fwd = try best(min(o.rounds, 2)) { _ = try encoder.model.hiddenStates(batch) }
        let h = Double(cfg.hiddenSize), inter = Double(cfg.intermediateSize), tokens = Double(length * count)
        let perLayer = tokens * 2 * (4 * h * h + 2 * h * inter) + Double(count) * 2 * 2 * Double(length * length) * h
        let flops = perLayer * Double(cfg.numHiddenLayers)
        report["layer_batch"] = "\(count)x\(length)"
        report["encoder_seconds"] = fwd
        report["encoder_gflops"] = flops / fwd / 1e9
        report["encoder_efficiency"] = flops / fwd / 1e9 / peak

        // Half storage: cost of widening every encoder weight matrix from bf16 once (what
        // on-the-fly conversion would add to each forward pass) vs the forward itself.
        let matrices = [Tensor](repeating: Tensor(zeros: [cfg.intermediateSize, cfg.hiddenSize]), count: 2 * cfg.numHiddenLayers)
            + [Tensor](repeating: Tensor(zeros: [cfg.hiddenSize, cfg.hiddenSize]), count: 4 * cfg.numHiddenLayers)
        let halves = matrices.map { $0.converted(to: .bf16) }
        let widen = best(o.rounds) { for t in halves { _ = t.contiguous() } }
        report["bf16_widen_all_weights_ms"] = widen * 1000
        report["forward_32x128_ms"] = fwd * 1000

        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
