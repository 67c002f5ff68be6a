import ArgumentParser
import DatasetStore

struct ImportLabelMeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labelme",
        abstract: "A folder of LabelMe JSON files (polygon, rectangle, circle, mask shapes; imagePath or imageData).")

    @OptionGroup var options: ImportCommonOptions

    func run() throws { try options.run(LabelMeImporter()) }
}
