/// Walks `--name value` benchmark arguments: calls `handle` with each option name and a closure
/// that takes its value, and fails on a missing value. `handle` throws for unknown names.
func forEachOption(_ args: [String], _ handle: (String, () throws -> String) throws -> Void) throws {
    var i = 0
    while i < args.count {
        let name = args[i]
        try handle(name) {
            i += 1
            guard i < args.count else { throw BenchError("\(name) needs a value") }
            return args[i]
        }
        i += 1
    }
}
