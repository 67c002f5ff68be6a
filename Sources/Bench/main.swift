// lisakit-bench AREA [options]: the Swift side of the benchmarks in tools/bench_*.py.
// Each area lives in its own file.
import Foundation

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let benches: [String: ([String]) throws -> Void] = [
    "minilm": MiniLMBench.run,
    "tokenizer": TokenizerBench.run,
]

guard let area = arguments.first, let bench = benches[area] else {
    fail("usage: lisakit-bench AREA [options]; areas: \(benches.keys.sorted().joined(separator: ", "))", code: 2)
}
do {
    try bench(Array(arguments.dropFirst()))
} catch {
    fail("lisakit-bench \(area): \(error)", code: 1)
}
