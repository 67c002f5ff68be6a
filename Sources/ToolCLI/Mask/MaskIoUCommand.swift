import Annotate
import ArgumentParser

/// `lisakit mask iou A B`: IoU of two masks (PNG or RLE JSON).
struct MaskIoUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iou",
        abstract: "Print the IoU of two masks, each a PNG or a COCO RLE JSON file (pycocotools' iou; empty vs empty is 0)."
    )

    @Argument(help: "The first mask (the detection when --crowd is set).") var a: String
    @Argument(help: "The second mask (the ground truth).") var b: String
    @Flag(help: "Treat B as a crowd region: IoU = |A ∩ B| / |A| (COCO's iscrowd rule).") var crowd = false
    @Flag(help: "Print a JSON object with the IoU, intersection and areas.") var json = false

    struct Output: Encodable { let iou: Double; let intersection: Int; let areaA: Int; let areaB: Int; let crowd: Bool }

    func run() async throws {
        let ra = RLE(encoding: try MaskIO.load(a)), rb = RLE(encoding: try MaskIO.load(b))
        let iou = try ra.iou(rb, crowd: crowd)
        let intersection = try RLE.merge([ra, rb], intersect: true).area
        print(json ? try MaskIO.json(Output(iou: iou, intersection: intersection, areaA: ra.area, areaB: rb.area, crowd: crowd))
                   : String(iou))
    }
}
