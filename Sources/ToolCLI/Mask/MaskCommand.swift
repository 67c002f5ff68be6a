import ArgumentParser

/// `lisakit mask`: COCO RLE, IoU, LISA rasterization and polygon tracing for single masks.
struct MaskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask",
        abstract: "Mask tools: COCO RLE encode/decode, IoU, LISA's ReasonSeg rasterization, mask → polygons.",
        subcommands: [MaskEncodeCommand.self, MaskDecodeCommand.self, MaskIoUCommand.self,
                      MaskRasterizeCommand.self, MaskPolygonsCommand.self]
    )
}
