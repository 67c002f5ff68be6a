import ArgumentParser
import DatasetStore

/// `lisakit import refcoco PATH`: refer-API datasets (refs pickle + COCO instances).
struct ImportRefCOCOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refcoco",
        abstract: "RefCOCO/RefCOCO+/RefCOCOg: refs(unc).p or refs(umd).p (read as plain data only) + instances.json + COCO images.")

    @OptionGroup var options: ImportCommonOptions

    @Option(help: "The refs pickle relative to the root (default: the one refs(*).p in the root).")
    var refs: String?

    @Option(help: "The COCO instances file relative to the root.")
    var instances = "instances.json"

    @Option(help: "The images folder relative to the root (files named as instances.json says, else COCO_train2014_%012d.jpg).")
    var images = "train2014"

    func run() throws {
        try options.run(RefCOCOImporter(refsFile: refs, instancesFile: instances, imagesFolder: images))
    }
}
