import ArgumentParser
import DatasetStore

extension ScanNetLabels.LabelSet: ExpressibleByArgument {}

/// `lisakit import scannet PATH`: ScanNet v2 scans (.sens or exported frames + 2D labels).
struct ImportScanNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scannet",
        abstract: "ScanNet v2 scans: sceneXXXX_YY/ with .sens (or color/), *_2d-label-filt.zip / *_2d-instance-filt.zip (or folders), scannetv2-labels.combined.tsv.")

    @OptionGroup var options: ImportCommonOptions

    @Option(help: "Which names label ids get: raw_category, category or nyu40class.")
    var labelSet: ScanNetLabels.LabelSet = .category

    @Option(help: "Import every Nth frame.")
    var frameStep = 1

    @Option(help: "The label table, relative to the root.")
    var labels = "scannetv2-labels.combined.tsv"

    func validate() throws {
        guard frameStep >= 1 else { throw ValidationError("--frame-step must be at least 1") }
    }

    func run() throws {
        try options.run(ScanNetImporter(labelSet: labelSet, frameStep: frameStep, labelsFile: labels))
    }
}
