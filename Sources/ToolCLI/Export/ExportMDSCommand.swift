import ArgumentParser
import DatasetStore

/// `lisakit export mds OUT`.
struct ExportMDSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mds",
        abstract: "MosaicML Streaming (MDS) datasets OUT/{split}/index.json + shard.NNNNN.mds, one sample per (image, instruction).",
        discussion: """
        Columns: image (bytes: the original file), json (the sample record), key (str), masks \
        (list[png]: one mask per target). Read with streaming.StreamingDataset(local=OUT, split=SPLIT).
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: ExportFilterOptions

    @Argument(help: "The output folder.")
    var out: String

    @Option(help: "Bytes per shard at most (streaming's default 67108864; below 4 GiB).")
    var sizeLimit = MDSLayout.defaultSizeLimit

    @Option(help: "Bits per pixel of the mask PNGs: 1 (binary gray) or 8 (0/255 gray).")
    var maskBits = 1

    func run() throws {
        let exporter = MDSExporter(stream: try filters.stream(store),
                                   options: MDSOptions(sizeLimit: sizeLimit, overwrite: filters.overwrite, maskBitDepth: maskBits))
        let bar = ProgressBar(label: "export mds")
        let report = try exporter.run(to: out) { bar.update(done: $0, total: $1) }
        if filters.json { try printJSON(report); return }
        print(report.summary(format: "mds"))
    }
}
