import Foundation
import Model

/// `lisakit-bench tokenizer --tokenizer FILE --input LINES.json [--repeat N] [--dump]`
///
/// Encodes every line of a JSON array of strings with a `tokenizer.json` (truncation and
/// padding off), after one warm-up pass: `--repeat` passes of `encode` one line at a time on
/// one thread, then `--repeat` passes of `encodeBatch` over all lines (all cores). Prints one
/// JSON object with the timings; `--dump` prints the ids of every line instead (for checking
/// parity with the Python peer before timing).
enum TokenizerBench {
    struct BenchError: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ args: [String]) throws {
        var tokenizerPath: String?
        var inputPath: String?
        var repeats = 3
        var dump = false
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--tokenizer": i += 1; tokenizerPath = i < args.count ? args[i] : nil
            case "--input": i += 1; inputPath = i < args.count ? args[i] : nil
            case "--repeat":
                i += 1
                guard i < args.count, let n = Int(args[i]), n > 0 else { throw BenchError(description: "--repeat needs a positive integer") }
                repeats = n
            case "--dump": dump = true
            default: throw BenchError(description: "unknown option \(args[i])")
            }
            i += 1
        }
        guard let tokenizerPath, let inputPath else {
            throw BenchError(description: "usage: lisakit-bench tokenizer --tokenizer FILE --input LINES.json [--repeat N] [--dump]")
        }
        var tok = try Tokenizer.load(contentsOf: tokenizerPath)
        tok.truncation = nil
        tok.padding = nil
        let data = try Data(contentsOf: URL(fileURLWithPath: inputPath))
        let lines = try JSONDecoder().decode([String].self, from: data)

        if dump {
            let ids = lines.map { tok.encode($0).ids }
            print(String(decoding: try JSONEncoder().encode(ids), as: UTF8.self))
            return
        }

        var tokens = 0
        for line in lines { tokens += tok.encode(line).ids.count } // warm-up (fills the BPE cache)

        let clock = ContinuousClock()
        var sink = 0
        let cpu0 = processCPUSeconds()
        let single = clock.measure {
            for _ in 0..<repeats {
                for line in lines { sink &+= tok.encode(line).ids.count }
            }
        }
        let singleCPU = processCPUSeconds() - cpu0
        let batch = clock.measure {
            for _ in 0..<repeats { sink &+= tok.encodeBatch(lines).count }
        }
        let s1 = seconds(single), s2 = seconds(batch)
        let total = Double(tokens * repeats)
        let result: [String: Double] = [
            "lines": Double(lines.count), "tokens_per_pass": Double(tokens), "repeat": Double(repeats),
            "single_seconds": s1, "single_tokens_per_s": total / s1,
            "single_cpu_seconds": singleCPU, "single_tokens_per_cpu_s": total / singleCPU,
            "batch_seconds": s2, "batch_tokens_per_s": total / s2,
            "threads": Double(ProcessInfo.processInfo.activeProcessorCount), "sink": Double(sink % 2),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
    }

    /// CPU time of this process (all threads): less sensitive than wall time to other load.
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
