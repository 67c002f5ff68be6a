import ArgumentParser
import DatasetStore

/// `lisakit export coco OUT`.
struct ExportCOCOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coco",
        abstract: "COCO instances JSON per split (RLE or polygons), instructions keyed by annotation id, images.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: ExportFilterOptions

    @Argument(help: "The output folder.")
    var out: String

    @Option(help: "Segmentation form: rle (exact) or polygons (hole-free polygons as polygons, the rest RLE).")
    var segmentation: String = "rle"

    @Flag(inversion: .prefixedNo, help: "Copy the images to OUT/images/{split}/.")
    var copyImages = true

    func run() throws {
        guard let form = COCOOptions.Segmentation(rawValue: segmentation) else {
            throw ValidationError("--segmentation must be rle or polygons, got \(segmentation)")
        }
        let exporter = COCOExporter(stream: try filters.stream(store),
                                    options: COCOOptions(segmentation: form, copyImages: copyImages, overwrite: filters.overwrite))
        let bar = ProgressBar(label: "export coco")
        let report = try exporter.run(to: out) { bar.update(done: $0, total: $1) }
        if filters.json { try printJSON(report); return }
        print("coco: \(report.images) images, \(report.annotations) annotations (\(report.crowd) ignore as crowd, "
            + "\(report.rleFallbacks) as RLE in polygon mode), \(report.instructions) instructions (\(report.negatives) negatives) → \(report.output)")
    }
}
