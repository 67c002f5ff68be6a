import ArgumentParser
import Model

/// `lisakit models list`: installed Hub snapshots and local models, with sizes and paths.
struct ModelsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show installed models: Hub cache snapshots and the lisakit models folder."
    )

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let configuration = HubConfiguration.fromEnvironment()
        let models = ModelInventory.list(configuration)
        if json {
            print(try jsonText(models.map {
                ["source": $0.source.rawValue, "name": $0.name, "revisions": $0.revisions, "path": $0.path,
                 "bytes": $0.bytes, "files": $0.fileCount] as [String: Any]
            }))
            return
        }
        if models.isEmpty {
            print("No models installed (hub cache: \(configuration.cacheDirectory); models: \(configuration.modelsDirectory))")
            return
        }
        for m in models {
            let revision = m.revisions.isEmpty ? "" : "@" + m.revisions.joined(separator: ",")
            print("\(m.source.rawValue)\t\(m.name)\(revision)\t\(formatBytes(m.bytes))\t\(m.fileCount) files\t\(m.path)")
        }
    }
}

func formatBytes(_ n: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(n)
    var unit = 0
    while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
    return unit == 0 ? "\(n) B" : String(format: "%.1f", value) + " " + units[unit]
}
