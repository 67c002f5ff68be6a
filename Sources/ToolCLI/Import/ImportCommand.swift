import ArgumentParser
import DatasetStore

/// `lisakit import FORMAT PATH`: bring an existing dataset into the store.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a dataset (images, masks, instructions) from a known format.",
        discussion: """
        Imports stream: memory stays flat whatever the dataset's size. They are idempotent (importing \
        the same source twice adds nothing) and resumable (kill one at any moment and run it again: \
        the store stays consistent and ends as an uninterrupted run would). A bad record is reported \
        with its file, line or record, and field, and skipped; --strict makes it fatal. Paths never \
        leave the dataset root.
        """,
        subcommands: [ImportReasonSegCommand.self, ImportLabelMeCommand.self, ImportCOCOCommand.self, ImportSemanticMapsCommand.self,
                      ImportOpenImagesCommand.self, ImportScanNetCommand.self, ImportRefCOCOCommand.self])
}

/// Options every `import` subcommand takes.
struct ImportCommonOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The dataset's root folder.", valueName: "path"))
    var path: String

    @Option(help: "Source dataset name recorded on the images (default: the format's name).")
    var dataset: String?

    @Flag(help: "Stop at the first bad record instead of reporting it and skipping it.")
    var strict = false

    @Option(help: "Images per committed transaction.")
    var batchSize = 100

    @Option(help: "Import at most this many images.")
    var maxImages: Int?

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// Runs an importer over the dataset root and prints its report.
    func run<I: DatasetImporter>(_ importer: I) throws {
        let store = try self.store.open()
        let root = try DatasetRoot(folder: path)
        let bar = ProgressBar(label: "import \(I.format)")
        let session = ImportSession(store: store, root: root, dataset: dataset ?? I.format, format: I.format,
                                    options: ImportOptions(strict: strict, batchSize: batchSize, maxImages: maxImages)) { done in
            bar.update(done: done, total: max(done, maxImages ?? done))
        }
        try importer.run(session)
        let report = try session.finish()
        for problem in report.problems { printError("warning: \(problem)") }
        if report.problemCount > report.problems.count {
            printError("warning: \(report.problemCount - report.problems.count) more problems not shown")
        }
        if json {
            try printJSON(report)
        } else {
            func counts(_ c: ImportReport.Counts) -> String { "\(c.added) added, \(c.alreadyPresent) already present" }
            print("import \(report.format): images \(counts(report.images)); annotations \(counts(report.annotations)); "
                + "instructions \(counts(report.instructions)); \(report.problemCount) skipped")
            for (reason, count) in report.skipped.sorted(by: { $0.key < $1.key }) { print("  skipped \(count): \(reason)") }
        }
    }
}
