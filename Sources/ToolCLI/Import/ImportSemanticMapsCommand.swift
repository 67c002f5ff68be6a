import ArgumentParser
import DatasetStore

struct ImportSemanticMapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semseg",
        abstract: "Images with single-channel label PNGs (ADE20K-150, COCO-Stuff, Mapillary conventions).",
        discussion: """
        For each image in --images, the label map of the same name (.png) in --labels gives one annotation \
        per class present and an ignore region for unlabeled pixels. --convention sets the ignore value and \
        the index offset (ade20k: 0 ignored, value k is class k of a 1-based list; cocostuff: value v is \
        class v of the 0-based list, 255 unlabeled; mapillary: value v is class v, 65 unlabeled); \
        --ignore-value and --offset override them.
        """)

    enum Convention: String, ExpressibleByArgument, CaseIterable { case ade20k, cocostuff, mapillary, plain }

    @OptionGroup var options: ImportCommonOptions

    @Option(help: "Folder of the images, relative to the dataset root.")
    var images = "images"

    @Option(help: "Folder of the label PNGs, relative to the dataset root.")
    var labels = "labels"

    @Option(help: "Class list: one name per line, or a JSON list.")
    var classes: String

    @Option(help: "Label convention.")
    var convention: Convention = .plain

    @Option(help: "Pixel value of unlabeled pixels (overrides the convention's).")
    var ignoreValue: Int?

    @Option(help: "Class index = pixel value − offset (overrides the convention's).")
    var offset: Int?

    func run() throws {
        var rule: LabelConvention
        switch convention {
        case .ade20k: rule = .ade20k
        case .cocostuff: rule = .cocoStuff
        case .mapillary: rule = .mapillary
        case .plain: rule = LabelConvention(ignoreValue: nil, offset: 0)
        }
        if let ignoreValue { rule.ignoreValue = ignoreValue }
        if let offset { rule.offset = offset }
        let names = try SemanticMapImporter.readClasses(classes)
        try options.run(SemanticMapImporter(imagesFolder: images, labelsFolder: labels, classes: names, convention: rule))
    }
}
