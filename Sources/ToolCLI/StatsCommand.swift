import ArgumentParser
import DatasetStore

/// `lisakit stats`: what the store holds.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarize a store: images, categories, annotations, instructions.",
        discussion: "Counts are SQL aggregates: fast and memory-flat on stores of millions of annotations.")

    @OptionGroup var store: StoreOptions

    @Option(help: "How many categories to list by annotation count.")
    var top = 10

    @Flag(help: "Print the statistics as JSON.")
    var json = false

    func run() throws {
        let statistics = try store.open().statistics(topCategories: max(0, top))
        if json {
            try printJSON(statistics)
        } else {
            print(StatisticsText.render(statistics))
        }
    }
}

/// The human-readable form of `StoreStatistics`.
enum StatisticsText {
    static func render(_ s: StoreStatistics) -> String {
        func list(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        func breakdown(_ counts: [String: Int]) -> String { counts.isEmpty ? "" : " (" + list(counts) + ")" }
        var lines = ["store \(s.database) (schema v\(s.schemaVersion))"]
        lines.append("images        \(s.images.total)\(breakdown(s.images.byFormat)), \(s.images.bytes) bytes, "
            + "\(s.images.roots) roots, \(s.images.groups) groups")
        if s.images.total > 0 {
            lines.append("  splits      \(list(s.images.bySplit))")
            if s.images.bySource.keys.contains(where: { $0 != "unassigned" }) { lines.append("  sources     \(list(s.images.bySource))") }
        }
        lines.append("categories    \(s.categories)")
        lines.append("annotations   \(s.annotations.total)\(breakdown(s.annotations.byReviewState)), \(s.annotations.ignore) ignore")
        if s.annotations.total > 0 { lines.append("  provenance  \(list(s.annotations.byProvenance))") }
        lines.append("instructions  \(s.instructions.total)\(breakdown(s.instructions.byKind)), "
            + "\(s.instructions.withoutTargets) without target")
        if s.instructions.total > 0 { lines.append("  origins     \(list(s.instructions.byOrigin))") }
        if !s.topCategories.isEmpty {
            lines.append("top categories")
            for category in s.topCategories { lines.append("  \(category.name): \(category.annotations)") }
        }
        lines.append("audit entries \(s.auditEntries)")
        return lines.joined(separator: "\n")
    }
}
