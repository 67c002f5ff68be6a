import ArgumentParser
import DatasetStore

struct ImportCOCOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coco",
        abstract: "A COCO instances JSON (polygons, compressed and uncompressed RLE, iscrowd) and its images.")

    @OptionGroup var options: ImportCommonOptions

    @Option(help: "The instances JSON file.")
    var annotations: String

    @Option(help: "Folder of the images, relative to the dataset root (default: the root).")
    var images = ""

    func run() throws { try options.run(COCOImporter(annotationsPath: annotations, imagesFolder: images)) }
}
