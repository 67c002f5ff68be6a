import Annotate
import ArgumentParser

/// `lisakit mask decode RLE.json --out MASK.png`.
struct MaskDecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Write the mask PNG of a COCO RLE JSON object (compressed or uncompressed counts)."
    )

    @Argument(help: "A JSON file holding {\"size\": [h, w], \"counts\": ...}.") var rle: String
    @Option(help: "The mask PNG to write.") var out: String
    @Option(help: "Foreground value in the PNG: 255 or 1.") var foreground: String = "255"
    @Flag(help: "Print a JSON summary.") var json = false

    struct Output: Encodable { let file: String; let width: Int; let height: Int; let area: Int }

    func run() async throws {
        guard let convention = MaskPNG.Convention(rawValue: foreground) else {
            throw ValidationError("--foreground must be 255 or 1, got '\(foreground)'")
        }
        let decoded = try MaskIO.loadRLE(rle)
        let mask = decoded.decode()
        try MaskPNG.write(mask, to: out, convention: convention)
        let summary = Output(file: out, width: mask.width, height: mask.height, area: decoded.area)
        print(json ? try MaskIO.json(summary) : "wrote \(out): \(mask.width)x\(mask.height), \(decoded.area) foreground pixels")
    }
}
