import Annotate

/// What the samples of one image share in a sharded export (WebDataset, MDS): the image file's
/// original bytes (read once, shared by reference between the samples), the union of its ignore
/// regions, and each target's mask PNG, encoded once however many instructions (rephrasings)
/// point at it.
struct ImageSampleParts {
    let item: ExportItem
    let imageBytes: [UInt8]
    let ignore: RLE?
    let maskBitDepth: Int
    private var maskPNGs: [Int64: [UInt8]] = [:]

    init(_ item: ExportItem, maskBitDepth: Int) throws(ExportError) {
        self.item = item
        self.maskBitDepth = maskBitDepth
        do { imageBytes = try FileBytes.read(item.imagePath) } catch {
            throw ExportError.badRecord(record: "image \(item.image.id) (\(item.imagePath))", field: "file", reason: "\(error)")
        }
        ignore = try ExportMasks.union(item.ignoreAnnotations, width: item.image.width, height: item.image.height)
    }

    /// The sample key of an instruction of this image.
    func key(_ instruction: ExportInstruction) -> String {
        WebDatasetExporter.key(imageID: item.image.id, instructionID: instruction.id)
    }

    /// The sample record of an instruction (`WebDatasetExporter.sampleJSON`, the ignore region
    /// as RLE under `ignore`).
    func json(_ instruction: ExportInstruction, key: String) -> [String: Any] {
        var json = WebDatasetExporter.sampleJSON(item, instruction, key: key)
        if let ignore { json["ignore"] = ExportJSON.rle(ignore) }
        return json
    }

    /// The mask PNG of a target (`WebDatasetExporter.maskPNG`), encoded on first use.
    mutating func maskPNG(_ target: ExportAnnotation) throws(ExportError) -> [UInt8] {
        if let cached = maskPNGs[target.id] { return cached }
        let png = try WebDatasetExporter.maskPNG(try target.rle(width: item.image.width, height: item.image.height),
                                                 annotation: target.id, bitDepth: maskBitDepth)
        maskPNGs[target.id] = png
        return png
    }
}
