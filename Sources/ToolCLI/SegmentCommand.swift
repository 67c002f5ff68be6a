import Annotate
import ArgumentParser
import Augment
import Foundation
import Model

/// `lisakit segment --sam CKPT --image IMG [--point x,y[,label]]... [--box x0,y0,x1,y1]`:
/// click/box → mask with SAM; prints the mask's COCO RLE and SAM's predicted IoU.
struct SegmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment an image with SAM from clicks and/or a box; print the mask's COCO RLE and predicted IoU.",
        discussion: """
        Coordinates are pixels of the image as stored (x right, y down). The image embedding is cached \
        per (image sha256, model), so further prompts on the same image cost only the mask decoder. \
        With --multimask SAM proposes three masks; the one with the highest predicted IoU is printed \
        (all of them with --json).
        """
    )

    @OptionGroup var model: SAMOptions
    @Option(help: ArgumentHelp("The image (PNG or JPEG).", valueName: "path")) var image: String
    @Option(help: ArgumentHelp("A click: x,y (foreground) or x,y,label with label 1 (foreground) or 0 (background). Repeatable.",
                               valueName: "x,y[,label]"))
    var point: [String] = []
    @Option(help: ArgumentHelp("A box by its corners.", valueName: "x0,y0,x1,y1")) var box: String?
    @Flag(help: "Ask SAM for three candidate masks (better for a single ambiguous click).") var multimask = false
    @Option(help: ArgumentHelp("Also write the mask as a PNG (0/255).", valueName: "path")) var out: String?
    @Flag(help: "Print {image, rle, iou, area, bbox, masks, cached_embedding} as JSON.") var json = false

    func validate() throws {
        if point.isEmpty && box == nil { throw ValidationError("give at least one --point or a --box") }
        _ = try prompt()
    }

    func prompt() throws -> SAMPrompt {
        var prompt = SAMPrompt()
        for (i, text) in point.enumerated() {
            guard let parts = Self.finiteNumbers(text), parts.count == 2 || parts.count == 3 else {
                throw ValidationError("--point #\(i + 1) '\(text)': expected x,y or x,y,label with numbers")
            }
            let label: SAMPrompt.Point.Label
            switch parts.count == 3 ? parts[2] : 1 {
            case 1: label = .positive
            case 0: label = .negative
            default: throw ValidationError("--point #\(i + 1) '\(text)': label must be 1 (foreground) or 0 (background)")
            }
            prompt.points.append(.init(x: parts[0], y: parts[1], label: label))
        }
        if let box {
            guard let v = Self.finiteNumbers(box), v.count == 4 else {
                throw ValidationError("--box '\(box)': expected x0,y0,x1,y1 with numbers")
            }
            guard v[2] > v[0], v[3] > v[1] else { throw ValidationError("--box '\(box)': x1 must exceed x0 and y1 exceed y0") }
            prompt.box = .init(x0: v[0], y0: v[1], x1: v[2], y1: v[3])
        }
        return prompt
    }

    /// The comma-separated finite numbers of `text`, or nil if any field is not one.
    static func finiteNumbers(_ text: String) -> [Double]? {
        var values: [Double] = []
        for field in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Double(field.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
            values.append(value)
        }
        return values
    }

    struct Candidate: Encodable { let rle: RLE; let iou: Float; let area: Int }
    struct Output: Encodable {
        let image: String
        let rle: RLE
        let iou: Float
        let area: Int
        let bbox: BoundingBox
        let masks: [Candidate]
        let cachedEmbedding: Bool
        enum CodingKeys: String, CodingKey { case image, rle, iou, area, bbox, masks; case cachedEmbedding = "cached_embedding" }
    }

    func run() async throws {
        let prompt = try prompt()
        let predictor = try model.predictor()
        let file = try SAMImageFile.load(image)
        let (embedding, cached) = try predictor.embed(samples: file.pixels.samples, width: file.pixels.width, height: file.pixels.height,
                                                      channels: file.pixels.channels, sha256: file.sha256)
        let prediction = try predictor.predict(embedding, prompt: prompt, multimask: multimask)
        let candidates = try prediction.masks.enumerated().map { k, pixels in
            let rle = RLE(encoding: try BinaryMask(width: prediction.width, height: prediction.height, values: pixels))
            return Candidate(rle: rle, iou: prediction.iouPredictions[k], area: rle.area)
        }
        let best = prediction.bestIndex
        if let out {
            let mask = try BinaryMask(width: prediction.width, height: prediction.height, values: prediction.masks[best])
            try FileBytes.writeAtomically(try MaskPNG.encode(mask), to: out)
        }
        let chosen = candidates[best]
        if json {
            print(try MaskIO.json(Output(image: image, rle: chosen.rle, iou: chosen.iou, area: chosen.area, bbox: chosen.rle.boundingBox,
                                         masks: candidates, cachedEmbedding: cached)))
        } else {
            print(try MaskIO.json(chosen.rle))
            print("predicted_iou \(chosen.iou)")
        }
    }
}
