import ArgumentParser
import DatasetStore

/// `lisakit export llava OUT`.
struct ExportLLaVACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llava",
        abstract: "llava_v1 conversations (<image>\\n question, [SEG] answer) with COCO RLE masks, per split.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: ExportFilterOptions

    @Argument(help: "The output folder.")
    var out: String

    func run() throws {
        let exporter = LLaVAExporter(stream: try filters.stream(store), overwrite: filters.overwrite)
        let bar = ProgressBar(label: "export llava")
        let report = try exporter.run(to: out) { bar.update(done: $0, total: $1) }
        if filters.json { try printJSON(report); return }
        print("llava: \(report.conversations) conversations (\(report.samplesBySplit.summary)) from \(report.images) images; "
            + "\(report.wrappedQueries) raw queries wrapped in LISA's prompt, \(report.skipped) skipped → \(report.output)")
    }
}
