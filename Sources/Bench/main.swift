// lisakit-bench: the Swift side of the benchmarks in tools/bench_*.py.
// Usage: lisakit-bench <area> [options]; each area lives in its own file.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard let area = arguments.first else {
    FileHandle.standardError.write(Data("usage: lisakit-bench <area> [options]   areas: tokenizer\n".utf8))
    exit(2)
}
do {
    switch area {
    case "tokenizer":
        try TokenizerBench.run(Array(arguments.dropFirst()))
    default:
        FileHandle.standardError.write(Data("lisakit-bench: unknown area '\(area)'\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("lisakit-bench: \(error)\n".utf8))
    exit(1)
}
