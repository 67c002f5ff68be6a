// lisakit-bench: the Swift side of tools/bench_*.py. One file per area; each prints JSON.
import Glibc

func fail(_ message: String, code: Int32) -> Never {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(code)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let area = arguments.first else { fail("usage: lisakit-bench <area> [options]\nareas: annotate", code: 2) }
switch area {
case "annotate":
    do { try AnnotateBench.run(Array(arguments.dropFirst())) } catch { fail("lisakit-bench annotate: \(error)", code: 1) }
default:
    fail("lisakit-bench: unknown area '\(area)' (known: annotate)", code: 2)
}
