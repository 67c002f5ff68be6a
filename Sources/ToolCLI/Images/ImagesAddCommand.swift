import ArgumentParser
import DatasetStore

/// `lisakit images add PATH...`: register image files and folders.
struct ImagesAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register image files or folders (PNG, JPEG), deduplicated by content hash.",
        discussion: """
        Folders are walked recursively for *.png, *.jpg and *.jpeg; files named explicitly are \
        tried whatever their name. Every image is decoded in full, so corrupt or truncated files \
        are reported (and skipped) now rather than at training time. Images are referenced in \
        place, relative to a dataset root (the folder given, or --root); --copy stores them in \
        the blob folder beside the database instead. Symbolic links that lead outside the root \
        are refused.

        The work is committed in batches: interrupting it (Ctrl-C, kill) leaves a consistent \
        store, and running the same command again finishes the job without duplicates. \
        Exit status: 0 when every file was registered or already present, 1 when some failed.
        """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("Image files or folders.", valueName: "path"))
    var paths: [String]

    @Option(help: "Dataset root the images are stored relative to (default: each folder given).")
    var root: String?

    @Flag(help: "Copy the files into the store's content-addressed blob folder.")
    var copy = false

    @Option(help: "Source dataset name recorded with each image (its source id is its relative path).")
    var dataset: String?

    @Option(help: "Split for the new images (train, val, test).")
    var split: Split?

    @Option(help: "Group key for the new images (a scene or video: never split across splits).")
    var group: String?

    @Flag(help: "Stop at the first bad file instead of reporting it and going on.")
    var strict = false

    @Option(help: "Images per committed transaction.")
    var batchSize = 256

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let registrar = ImageRegistrar(store: try store.open())
        let bar = ProgressBar(label: "images add")
        let options = ImageRegistrationOptions(root: root, copyToBlobs: copy, sourceDataset: dataset, split: split,
                                               groupKey: group, strict: strict, batchSize: batchSize)
        let report = try registrar.register(paths, options: options) { bar.update(done: $0.done, total: $0.total) }
        for failure in report.failures { printError("error: \(failure.path): \(failure.reason)") }
        if json {
            try printJSON(report)
        } else {
            print("images: \(report.added) added, \(report.alreadyPresent) already present, "
                + "\(report.skippedNotImages) non-image files skipped, \(report.failures.count) failed")
        }
        if !report.failures.isEmpty { throw ExitCode.failure }
    }
}

extension Split: ExpressibleByArgument {}
