import ArgumentParser
import DatasetStore

/// `lisakit export webdataset OUT`.
struct ExportWebDatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webdataset",
        abstract: "Tar shards OUT/{split}-NNNNNN.tar, one sample per (image, instruction), and manifest.json.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: ExportFilterOptions

    @Argument(help: "The output folder.")
    var out: String

    @Option(help: "Samples per shard at most.")
    var maxSamples = 10_000

    @Option(help: "Bytes per shard at most.")
    var maxBytes = 1 << 30

    @Option(help: "Bits per pixel of KEY.mask.png: 1 (binary gray, smallest and fastest) or 8 (0/255 gray).")
    var maskBits = 1

    func run() throws {
        let exporter = WebDatasetExporter(stream: try filters.stream(store),
                                          options: WebDatasetOptions(maxSamplesPerShard: maxSamples, maxBytesPerShard: maxBytes,
                                                                     overwrite: filters.overwrite, maskBitDepth: maskBits))
        let bar = ProgressBar(label: "export webdataset")
        let report = try exporter.run(to: out) { bar.update(done: $0, total: $1) }
        if filters.json { try printJSON(report); return }
        print(report.summary(format: "webdataset"))
    }
}
