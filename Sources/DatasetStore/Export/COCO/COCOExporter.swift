import Annotate
import Foundation

/// Options of the COCO export.
public struct COCOOptions: Sendable {
    public enum Segmentation: String, Sendable, CaseIterable {
        /// Every mask as a compressed RLE (exact for every geometry).
        case rle
        /// Polygons where the stored geometry is hole-free polygons, RLE otherwise.
        case polygons
    }
    public var segmentation: Segmentation
    /// Copy the image files to `images/{split}/`.
    public var copyImages: Bool
    public var overwrite: Bool

    public init(segmentation: Segmentation = .rle, copyImages: Bool = true, overwrite: Bool = false) {
        self.segmentation = segmentation
        self.copyImages = copyImages
        self.overwrite = overwrite
    }
}

/// What a COCO export wrote.
public struct COCOReport: Sendable, Codable, Equatable {
    public var output: String
    public var images = 0
    public var annotations = 0
    public var crowd = 0
    /// Annotations written as RLE in polygon mode (holes or RLE geometry).
    public var rleFallbacks = 0
    public var instructions = 0
    public var negatives = 0
    public var files: [String] = []
}

/// `lisakit export coco`: per split, `annotations/instances_{split}.json` (COCO instances:
/// images, annotations with RLE or polygons, categories; ignore regions as `iscrowd: 1` with
/// uncompressed RLE), `annotations/instructions_{split}.json` (instruction records keyed by
/// annotation id), `annotations/negatives_{split}.json` (instructions without a target) and
/// `images/{split}/ID.ext`. The lists are streamed to temporary part files and assembled at
/// the end, so memory stays at one page of records.
public struct COCOExporter {
    public let stream: ExportStream
    public let options: COCOOptions

    public init(stream: ExportStream, options: COCOOptions = COCOOptions()) {
        self.stream = stream
        self.options = options
    }

    final class SplitParts {
        let images: AtomicFile, annotations: AtomicFile, instructions: AtomicFile, negatives: AtomicFile
        var imageList: ExportJSON.ArrayWriter, annotationList: ExportJSON.ArrayWriter, negativeList: ExportJSON.ArrayWriter
        var instructionEntries = 0
        init(output: OutputFolder, split: String) throws(ExportError) {
            images = try output.create("annotations/instances_\(split).images")
            annotations = try output.create("annotations/instances_\(split).annotations")
            instructions = try output.create("annotations/instructions_\(split).json")
            negatives = try output.create("annotations/negatives_\(split).json")
            imageList = try ExportJSON.ArrayWriter(file: images)
            annotationList = try ExportJSON.ArrayWriter(file: annotations)
            negativeList = try ExportJSON.ArrayWriter(file: negatives)
            try instructions.write(Array("{".utf8))
        }
        func abort() { for file in [images, annotations, instructions, negatives] { file.abort() } }
    }

    public func run(to outputPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws(ExportError) -> COCOReport {
        let output = try OutputFolder(path: outputPath, overwrite: options.overwrite)
        var report = COCOReport(output: output.path)
        var parts: [String: SplitParts] = [:]
        var needsUncategorized = false
        let total = try stream.imageCount()
        var done = 0
        let filter = stream.filter
        do {
            try stream.forEach { (item) throws(ExportError) in
                defer { done += 1; progress(done, total) }
                let image = item.image, split = item.splitName
                let part: SplitParts
                if let existing = parts[split] { part = existing } else { part = try SplitParts(output: output, split: split); parts[split] = part }
                let fileName = ImageCopier.fileName(image)
                if options.copyImages { try ImageCopier.copy(item, to: "images/\(split)/\(fileName)", in: output) }
                var imageEntry: [String: Any] = ["id": image.id, "file_name": fileName, "width": image.width, "height": image.height,
                                                 "sha256": image.sha256]
                if let group = image.groupKey { imageEntry["group_key"] = group }
                if let source = image.sourceID { imageEntry["source_id"] = source }
                try part.imageList.append(try ExportJSON.bytes(imageEntry, record: "image \(image.id)"))
                report.images += 1
                for annotation in item.annotations {
                    if let categories = filter.categories, !(annotation.categoryName.map(categories.contains) ?? false) { continue }
                    if annotation.area < filter.minimumArea { continue }
                    let geometry = try annotation.geometry(width: image.width, height: image.height)
                    var segmentation: Any
                    switch (options.segmentation, geometry, annotation.isIgnore) {
                    case (.polygons, .polygons(let polygons, _, _), false) where polygons.allSatisfy({ $0.holes.isEmpty }) && !polygons.isEmpty:
                        segmentation = polygons.map(\.exterior)
                    default:
                        let rle = try annotation.rle(width: image.width, height: image.height)
                        segmentation = annotation.isIgnore ? ExportJSON.uncompressedRLE(rle) : ExportJSON.rle(rle)
                        if options.segmentation == .polygons && !annotation.isIgnore { report.rleFallbacks += 1 }
                    }
                    if annotation.categoryID == nil { needsUncategorized = true }
                    let entry: [String: Any] = [
                        "id": annotation.id, "image_id": image.id, "category_id": annotation.categoryID ?? 0,
                        "segmentation": segmentation, "area": annotation.area, "bbox": annotation.bbox,
                        "iscrowd": annotation.isIgnore ? 1 : 0, "provenance": ExportMasks.provenance(annotation),
                    ]
                    try part.annotationList.append(try ExportJSON.bytes(entry, record: "annotation \(annotation.id)"))
                    report.annotations += 1
                    if annotation.isIgnore { report.crowd += 1 }
                }
                // Instructions, grouped by the annotation they target (all on this image).
                var byAnnotation: [(Int64, [[String: Any]])] = []
                for instruction in item.instructions {
                    var record: [String: Any] = [
                        "id": instruction.id, "image_id": image.id, "text": instruction.text, "kind": instruction.kind.rawValue,
                        "is_sentence": instruction.isSentence, "is_prompt": instruction.isPrompt,
                        "annotation_ids": instruction.targets.map(\.id), "provenance": ExportMasks.provenance(instruction),
                    ]
                    if let answer = instruction.answer { record["answer"] = answer }
                    if let explanation = instruction.explanation { record["explanation"] = explanation }
                    report.instructions += 1
                    if instruction.targets.isEmpty {
                        try part.negativeList.append(try ExportJSON.bytes(record, record: "instruction \(instruction.id)"))
                        report.negatives += 1
                        continue
                    }
                    for target in instruction.targets {
                        if let index = byAnnotation.firstIndex(where: { $0.0 == target.id }) { byAnnotation[index].1.append(record) }
                        else { byAnnotation.append((target.id, [record])) }
                    }
                }
                for (annotationID, records) in byAnnotation.sorted(by: { $0.0 < $1.0 }) {
                    let value = try ExportJSON.bytes(records, record: "annotation \(annotationID)")
                    try part.instructions.write(Array(((part.instructionEntries == 0 ? "\n" : ",\n") + "\"\(annotationID)\": ").utf8))
                    try part.instructions.write(value)
                    part.instructionEntries += 1
                }
            }
            var categories: [[String: Any]] = try stream.categories().map { ["id": $0.id, "name": $0.name, "display_name": $0.displayName,
                                                                              "supercategory": ""] }
            if needsUncategorized { categories.insert(["id": 0, "name": "object", "display_name": "object", "supercategory": ""], at: 0) }
            let categoryBytes = try ExportJSON.bytes(categories, record: "categories")
            for split in parts.keys.sorted() {
                guard let part = parts[split] else { continue }
                try part.imageList.close(); try part.annotationList.close(); try part.negativeList.close()
                try part.instructions.write(Array("\n}\n".utf8))
                try part.images.flush(); try part.annotations.flush()
                let instances = try output.create("annotations/instances_\(split).json", sync: true)
                try instances.write(Array("{\"info\": {\"description\": \"LisaKit export\"},\n\"categories\": ".utf8))
                try instances.write(categoryBytes)
                try instances.write(Array(",\n\"images\": ".utf8))
                try instances.append(contentsOf: part.images.temporaryPath)
                try instances.write(Array(",\n\"annotations\": ".utf8))
                try instances.append(contentsOf: part.annotations.temporaryPath)
                try instances.write(Array("}\n".utf8))
                try instances.commit()
                part.images.abort(); part.annotations.abort()
                try part.instructions.commit(); try part.negatives.commit()
                report.files += ["annotations/instances_\(split).json", "annotations/instructions_\(split).json",
                                 "annotations/negatives_\(split).json"]
            }
        } catch {
            for part in parts.values { part.abort() }
            throw error
        }
        return report
    }
}
