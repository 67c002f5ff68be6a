import Foundation
import PackagePlugin

/// Embeds the repository's `schema.sql` into the DatasetStore module at build time, as the Swift
/// constant `EmbeddedSchema.sql`: the root file stays the single source of truth, and a changed
/// schema.sql rebuilds the module.
@main
struct EmbedSchema: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appendingPathComponent("schema.sql")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedSchema.swift")
        // A raw multi-line string literal holds the file verbatim (backslashes and quotes included).
        let script = ##"""
            set -e
            if grep -q '"""#' "$1"; then echo "schema.sql must not contain the sequence \"\"\"#" >&2; exit 1; fi
            {
              printf '// Generated from schema.sql by the EmbedSchema plugin. Do not edit.\n'
              printf 'enum EmbeddedSchema {\n    static let sql = #"""\n'
              cat "$1"
              printf '\n"""#\n}\n'
            } > "$2"
            """##
        return [
            .buildCommand(
                displayName: "Embedding schema.sql",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "embed-schema", input.path, output.path],
                inputFiles: [input],
                outputFiles: [output])
        ]
    }
}
