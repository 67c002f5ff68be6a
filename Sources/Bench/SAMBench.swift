import Annotate
import Foundation
import Model

/// `lisakit-bench sam --checkpoint PTH --image IMG [--config vit_b|vit_l|vit_h|FILE.json]
///  [--rounds 1] [--reference EMB.f32] [--embedding-out FILE.f32]`
///
/// The Swift side of tools/bench_sam.py and tools/sam_vit_b_check.py: loads SAM's image encoder
/// from the checkpoint, preprocesses the photo as SamPredictor.set_image does, encodes it
/// `rounds` times and prints one JSON object: load and encode seconds (best and first), the
/// preprocessing time, peak resident memory (VmHWM) after loading and at the end, and, with
/// `--reference` (little-endian float32 [1, C, E, E] as the Python scripts write it), the
/// relative error max |Δ| / max |reference| of the embedding.
enum SAMBench {
    struct Options {
        var checkpoint = ""
        var image = ""
        var config = "vit_b"
        var rounds = 1
        var reference: String?
        var embeddingOut: String?
    }

    static func parse(_ args: [String]) throws -> Options {
        var o = Options()
        try forEachOption(args) { name, value in
            switch name {
            case "--checkpoint": o.checkpoint = try value()
            case "--image": o.image = try value()
            case "--config": o.config = try value()
            case "--rounds": o.rounds = Int(try value()) ?? 0
            case "--reference": o.reference = try value()
            case "--embedding-out": o.embeddingOut = try value()
            default: throw BenchError("unknown option \(name)")
            }
        }
        guard !o.checkpoint.isEmpty, !o.image.isEmpty else { throw BenchError("--checkpoint and --image are required") }
        guard o.rounds > 0 else { throw BenchError("--rounds must be positive") }
        return o
    }

    /// Peak resident set size of this process so far, in bytes (Linux /proc/self/status VmHWM).
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            return (digits.first ?? 0) * 1024
        }
        return 0
    }

    /// User + system CPU seconds of this process so far (all threads): steadier than wall time
    /// on a shared machine.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func run(_ args: [String]) throws {
        let o = try parse(args)
        let configuration: SAMConfiguration
        if let named = SAMConfiguration.named(o.config) {
            configuration = named
        } else {
            configuration = try SAMConfiguration.load(from: URL(fileURLWithPath: o.config))
        }
        var report: [String: Any] = [
            "blas_core": BLASInfo.coreName, "gemm_kernel": GEMMKernel.current.description,
            "workers": Parallel.coreCount,
            "openblas_coretype_env": ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "",
            "config": o.config, "image_size": configuration.imageSize,
        ]
        var encoder: SAMImageEncoder?
        report["load_seconds"] = try seconds {
            encoder = try SAMImageEncoder(configuration: configuration, checkpointPath: o.checkpoint)
        }
        guard let encoder else { throw BenchError("encoder did not load") }
        report["peak_rss_after_load_bytes"] = peakResidentBytes()

        let photo = try JPEGCodec.decode(contentsOf: o.image)
        let preprocessor = SAMPreprocessor(configuration: configuration)
        var input: SAMPreprocessor.Output?
        report["preprocess_seconds"] = try seconds {
            input = try preprocessor(photo.samples, width: photo.width, height: photo.height, channels: photo.channels)
        }
        guard let input else { throw BenchError("preprocessing failed") }
        report["input_size"] = [input.inputSize.height, input.inputSize.width]

        var embedding = Tensor(zeros: [0])
        var times: [(wall: Double, cpu: Double)] = []
        for _ in 0..<o.rounds {
            let cpu0 = cpuSeconds()
            let wall = try seconds { embedding = try encoder.embed(input.tensor) }
            times.append((wall, cpuSeconds() - cpu0))
        }
        let best = times.min { $0.wall < $1.wall } ?? (0, 0)
        report["encode_seconds_first"] = times[0].wall
        report["encode_seconds_best"] = best.wall
        report["encode_cpu_seconds"] = best.cpu
        report["embedding_shape"] = embedding.shape
        report["peak_rss_bytes"] = peakResidentBytes()
        report["peak_rss_gib"] = Double(peakResidentBytes()) / Double(1 << 30)

        let values = embedding.scalars
        if let out = o.embeddingOut {
            let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
            try data.write(to: URL(fileURLWithPath: out))
        }
        if let reference = o.reference {
            let data = try Data(contentsOf: URL(fileURLWithPath: reference))
            guard data.count == values.count * 4 else {
                throw BenchError("\(reference): \(data.count / 4) floats, the embedding has \(values.count)")
            }
            var maxDiff: Float = 0, maxRef: Float = 0
            data.withUnsafeBytes { raw in
                for i in values.indices {
                    let r = Float(bitPattern: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self).littleEndian)
                    maxDiff = max(maxDiff, abs(values[i] - r))
                    maxRef = max(maxRef, abs(r))
                }
            }
            report["max_abs_diff"] = maxDiff
            report["max_rel_diff"] = maxDiff / max(maxRef, 1e-12)
        }
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
