import Foundation
import ArgumentParser
import DatasetStore

/// `lisakit export reasonseg OUT`.
struct ExportReasonSegCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reasonseg",
        abstract: "ReasonSeg folders OUT/{split}/NAME.jpg + NAME.json that LISA's loader reads.",
        discussion: """
        Each file is rasterized back with LISA's mask rule; masks it cannot rebuild exactly (holes, \
        overlapping ignore regions) are listed with their IoU. Non-JPEG images are re-encoded.
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: ExportFilterOptions

    @Argument(help: "The output folder.")
    var out: String

    @Option(help: "JPEG quality for images stored as PNG.")
    var jpegQuality = 95

    func run() throws {
        let exporter = ReasonSegExporter(stream: try filters.stream(store),
                                         options: ReasonSegOptions(jpegQuality: jpegQuality, overwrite: filters.overwrite))
        let bar = ProgressBar(label: "export reasonseg")
        let report = try exporter.run(to: out) { bar.update(done: $0, total: $1) }
        if filters.json { try printJSON(report); return }
        print("reasonseg: \(report.files) files (\(report.filesBySplit.summary)), \(report.instructions) instructions, "
            + "\(report.explanations) explanations, \(report.convertedToJPEG) images converted to JPEG; "
            + "\(report.exact) exact under LISA's rule, \(report.mismatches.count) not → \(report.output)")
        for mismatch in report.mismatches.prefix(20) {
            print(String(format: "  %@: target IoU %.4f, ignore IoU %.4f, %d pixels differ", mismatch.file,
                         mismatch.targetIoU, mismatch.ignoreIoU, mismatch.differingPixels))
        }
    }
}

