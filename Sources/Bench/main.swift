// lisakit-bench AREA ...: the Swift side of tools/bench_<area>.py. Prints JSON on stdout.
import Foundation

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let area = arguments.first else { fail("usage: lisakit-bench AREA [ARGS...]  (areas: serialization, augment, tokenizer, annotate, importers, minilm, export, gguf, sam, sam-decoder, sgemm, llama, vecmath)", code: 2) }
do {
    switch area {
    case "serialization": try SerializationBench.run(Array(arguments.dropFirst()))
    case "augment": try await AugmentBench.run(Array(arguments.dropFirst()))
    case "tokenizer": try TokenizerBench.run(Array(arguments.dropFirst()))
    case "minilm": try MiniLMBench.run(Array(arguments.dropFirst()))
    case "sgemm": try SGEMMBench.run(Array(arguments.dropFirst()))
    case "annotate": try AnnotateBench.run(Array(arguments.dropFirst()))
    case "importers": try ImportBench.run(Array(arguments.dropFirst()))
    case "export": try ExportBench.run(Array(arguments.dropFirst()))
    case "gguf": try GGUFBench.run(Array(arguments.dropFirst()))
    case "sam": try SAMBench.run(Array(arguments.dropFirst()))
    case "sam-decoder": try SAMDecoderBench.run(Array(arguments.dropFirst()))
    case "llama": try LlamaBench.run(Array(arguments.dropFirst()))
    case "vecmath": try VecMathBench.run(Array(arguments.dropFirst()))
    default: fail("lisakit-bench: unknown area '\(area)'", code: 2)
    }
} catch {
    fail("lisakit-bench: \(error)", code: 1)
}
