import ArgumentParser
import DatasetStore

/// `lisakit import openimages PATH`: OpenImages V7 instance segmentations.
struct ImportOpenImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openimages",
        abstract: "OpenImages V7 segmentation: {split}-annotations-object-segmentation.csv, masks (folders or {split}-masks-{h}.zip), class-descriptions-boxable.csv, {split}/{ImageID}.jpg.")

    @OptionGroup var options: ImportCommonOptions

    @Option(name: .customLong("classes"), parsing: .singleValue,
            help: "Keep only these classes: display names or MIDs, comma-separated or repeated.")
    var classes: [String] = []

    @Option(name: .customLong("split"), parsing: .singleValue,
            help: "Import only this split's CSV (train, validation, test); repeatable. Default: every CSV found.")
    var splits: [String] = []

    @Option(help: "The images folder relative to the root (default: the split's name).")
    var images: String?

    func run() throws {
        try options.run(OpenImagesImporter(classes: classes, splits: splits, imagesFolder: images))
    }
}
