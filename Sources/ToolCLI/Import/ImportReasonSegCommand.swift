import ArgumentParser
import DatasetStore

struct ImportReasonSegCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reasonseg",
        abstract: "ReasonSeg folders: {train,val,test,explanatory}/NAME.jpg + NAME.json (LISA's format).")

    @OptionGroup var options: ImportCommonOptions

    func run() throws { try options.run(ReasonSegImporter()) }
}
