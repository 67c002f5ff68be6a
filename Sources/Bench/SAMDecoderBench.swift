import Foundation
import Glibc
import Model

/// `lisakit-bench sam-decoder --checkpoint PTH --embedding BIN --original H,W [--rounds 10] [--folding auto|always|never]`
///
/// SAM's cost per prompt once the image embedding is cached: prompt encoder + mask decoder +
/// postprocessing to the original size, for a click (multimask), a box (single mask) and a
/// box + click, at the published ViT sizes (`SAMConfiguration.vitB`'s decoder). The embedding
/// file is [256, 64, 64] little-endian fp32. Prints one JSON object: median and best wall ms and
/// median process CPU ms (all threads; steadier than wall time on a loaded machine) per prompt kind, and the low-res logits and IoU of each kind (for the parity check in
/// tools/bench_sam_decoder.py).
enum SAMDecoderBench {
    static func run(_ args: [String]) throws {
        var checkpoint = "", embeddingPath = "", original = (768, 1024), rounds = 10
        var folding = SAMAttentionFolding.automatic
        try forEachOption(args) { name, value in
            switch name {
            case "--checkpoint": checkpoint = try value()
            case "--embedding": embeddingPath = try value()
            case "--original":
                let parts = try value().split(separator: ",").compactMap { Int($0) }
                guard parts.count == 2 else { throw BenchError("--original needs H,W") }
                original = (parts[0], parts[1])
            case "--rounds": rounds = Int(try value()) ?? 0
            case "--folding":
                switch try value() {
                case "auto": folding = .automatic
                case "always": folding = .always
                case "never": folding = .never
                default: throw BenchError("--folding takes auto, always or never")
                }
            default: throw BenchError("unknown option \(name)")
            }
        }
        guard !checkpoint.isEmpty, !embeddingPath.isEmpty, rounds > 0 else { throw BenchError("--checkpoint and --embedding are required") }
        let config = SAMConfiguration.vitB
        let loadStart = Date()
        let decoder = try SAMPromptDecoder(path: checkpoint, configuration: config)
        let loadMs = Date().timeIntervalSince(loadStart) * 1000
        let data = try Data(contentsOf: URL(fileURLWithPath: embeddingPath))
        let embedding: [Float] = data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        let input = SAMMaskPostprocessing.inputSize(original: original, longestSide: config.imageSize)
        let (h, w) = (Double(original.0), Double(original.1))
        let kinds: [(String, SAMPrompt, Bool)] = [
            ("point_multimask", SAMPrompt(points: [.init(x: w * 0.45, y: h * 0.4)]), true),
            ("box", SAMPrompt(box: .init(x0: w * 0.2, y0: h * 0.15, x1: w * 0.7, y1: h * 0.9)), false),
            ("box_point", SAMPrompt(points: [.init(x: w * 0.8, y: h * 0.85, label: .negative)],
                                    box: .init(x0: w * 0.2, y0: h * 0.15, x1: w * 0.7, y1: h * 0.9)), false),
        ]
        var result: [String: Any] = ["threads": Parallel.coreCount, "load_ms": loadMs, "rounds": rounds, "folding": "\(folding)"]
        for (name, prompt, multimask) in kinds {
            let resized = prompt.resized(from: original, to: input)
            var times: [Double] = [], cpu: [Double] = []
            var last: SAMDecoderOutput?
            var foreground = 0
            for _ in 0..<(rounds + 1) {
                let cpuStart = processCPUms()
                let start = DispatchTime.now().uptimeNanoseconds
                let out = try decoder.decode(embedding: embedding, prompt: resized, multimask: multimask, folding: folding)
                let masks = SAMMaskPostprocessing.masks(out, imageSize: config.imageSize, inputSize: input, originalSize: original)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                cpu.append(processCPUms() - cpuStart)
                last = out
                foreground = masks.reduce(0) { $0 + $1.reduce(0) { $0 + Int($1) } }
            }
            times.removeFirst()  // warm-up
            cpu.removeFirst()
            times.sort()
            cpu.sort()
            guard let last else { continue }
            result[name] = ["median_ms": times[times.count / 2], "best_ms": times[0], "median_cpu_ms": cpu[cpu.count / 2], "iou": last.iouPredictions,
                            "low_res_sum": last.lowResLogits.reduce(0, +), "low_res_first": Array(last.lowResLogits.prefix(8)),
                            "foreground_pixels": foreground]
        }
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// User + system CPU time of this process so far, in ms.
    static func processCPUms() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
    }
}
