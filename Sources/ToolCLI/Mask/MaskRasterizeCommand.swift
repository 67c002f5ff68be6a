import Annotate
import ArgumentParser

/// `lisakit mask rasterize LABELME.json --out MASK.png`: LISA's ReasonSeg mask rule.
struct MaskRasterizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rasterize",
        abstract: "Rasterize a ReasonSeg/LabelMe JSON exactly as LISA's loader does (1 target, 255 ignore, 'flag' skipped).",
        discussion: """
        Size: --width/--height, else the image given with --image (or NAME.jpg next to the JSON,
        EXIF orientation applied as cv2.imread does), else imageWidth/imageHeight in the JSON.
        --opencv picks the fill rounding of OpenCV <= 4.10 (legacy, what LISA pins) or >= 4.11.
        """
    )

    @Argument(help: "The ReasonSeg / LabelMe JSON.") var labelme: String
    @Option(help: "The label PNG to write (values 0, 1, 255).") var out: String
    @Option(help: "The image whose size the mask takes.") var image: String?
    @Option(help: "Mask width (with --height).") var width: Int?
    @Option(help: "Mask height (with --width).") var height: Int?
    @Option(help: "OpenCV fill rule: legacy (<= 4.10, LISA's 4.8) or current (>= 4.11).") var opencv: String = "legacy"
    @Flag(help: "Print a JSON summary.") var json = false

    struct Output: Encodable {
        let file: String; let width: Int; let height: Int; let shapes: Int
        let targetPixels: Int; let ignorePixels: Int; let texts: [String]; let isSentence: Bool?
    }

    func run() async throws {
        guard let rule = OpenCVDrawing.FillRule(rawValue: opencv) else {
            throw ValidationError("--opencv must be legacy or current, got '\(opencv)'")
        }
        let annotation = try ReasonSegRasterizer.read(contentsOf: labelme)
        let size: (width: Int, height: Int)
        if let width, let height {
            size = (width, height)
        } else if width != nil || height != nil {
            throw ValidationError("give both --width and --height")
        } else {
            var imagePath = image
            if imagePath == nil, labelme.lowercased().hasSuffix(".json") {
                let sibling = String(labelme.dropLast(5)) + ".jpg"
                if (try? FileBytes.read(sibling)) != nil { imagePath = sibling }
            }
            size = try ReasonSegRasterizer.imageSize(annotation: annotation, imagePath: imagePath, source: labelme)
        }
        let mask = try ReasonSegRasterizer.mask(for: annotation, width: size.width, height: size.height, rule: rule, source: labelme)
        try MaskPNG.write(mask, to: out)
        let target = mask.values.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
        let ignore = mask.values.reduce(0) { $0 + ($1 == 255 ? 1 : 0) }
        if json {
            print(try MaskIO.json(Output(file: out, width: size.width, height: size.height, shapes: annotation.shapes.count,
                                         targetPixels: target, ignorePixels: ignore, texts: annotation.texts,
                                         isSentence: annotation.isSentence)))
        } else {
            print("wrote \(out): \(size.width)x\(size.height), \(target) target and \(ignore) ignore pixels from \(annotation.shapes.count) shapes")
        }
    }
}
