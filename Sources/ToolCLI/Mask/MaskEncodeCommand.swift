import Annotate
import ArgumentParser

/// `lisakit mask encode MASK.png`: the COCO RLE of a mask PNG.
struct MaskEncodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Print the COCO RLE JSON {\"size\": [h, w], \"counts\": ...} of a mask PNG (foreground > 127, or 1 in 0/1 masks)."
    )

    @Argument(help: "The mask PNG.") var mask: String
    @Flag(help: "Write counts as an integer list (uncompressed RLE) instead of the pycocotools string.") var uncompressed = false
    @Flag(help: "Print {\"file\", \"rle\", \"area\", \"bbox\"} instead of the bare RLE.") var json = false

    struct Output: Encodable { let file: String; let rle: RLE; let area: Int; let bbox: BoundingBox }

    func run() async throws {
        var rle = RLE(encoding: try MaskPNG.read(contentsOf: mask))
        if uncompressed { rle.countsFormat = .uncompressed }
        print(json ? try MaskIO.json(Output(file: mask, rle: rle, area: rle.area, bbox: rle.boundingBox)) : try MaskIO.json(rle))
    }
}
