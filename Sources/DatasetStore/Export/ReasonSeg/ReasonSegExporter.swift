import Annotate
import Foundation

/// Options of the ReasonSeg export.
public struct ReasonSegOptions: Sendable {
    /// JPEG quality for images stored in another format (LISA globs only `*.jpg`).
    public var jpegQuality: Int
    public var overwrite: Bool

    public init(jpegQuality: Int = 95, overwrite: Bool = false) {
        self.jpegQuality = jpegQuality
        self.overwrite = overwrite
    }
}

/// A ReasonSeg file whose masks LISA's rule does not rebuild exactly.
public struct ReasonSegMismatch: Sendable, Codable, Equatable {
    /// `{split}/NAME.json`.
    public var file: String
    /// IoU of the target pixels (value 1) LISA paints with ours.
    public var targetIoU: Double
    /// IoU of the ignore pixels (value 255); 1 when both have none.
    public var ignoreIoU: Double
    /// Pixels whose value differs.
    public var differingPixels: Int
}

/// What a ReasonSeg export wrote.
public struct ReasonSegReport: Sendable, Codable, Equatable {
    public var output: String
    public var images = 0
    /// JSON files written (one per image and distinct target set / sentence flag).
    public var files = 0
    public var instructions = 0
    /// Images re-encoded to JPEG because they were stored in another format.
    public var convertedToJPEG = 0
    /// JPEGs re-encoded without their EXIF orientation tag (LISA's `cv2.imread` applies the tag,
    /// which would turn the image away from the masks, drawn on the stored pixel grid).
    public var reencodedForOrientation = 0
    /// Masks that were traced into polygons (RLE geometry, or polygons with holes).
    public var tracedMasks = 0
    /// Files whose masks LISA's rule rebuilds exactly.
    public var exact = 0
    public var mismatches: [ReasonSegMismatch] = []
    /// Templated prompts (not raw queries) left out: ReasonSeg holds raw queries.
    public var promptsSkipped = 0
    /// Instructions without a target left out (ReasonSeg has no negatives).
    public var negativesSkipped = 0
    public var explanations = 0
    public var filesBySplit: [String: Int] = [:]
}

/// `lisakit export reasonseg`: `OUT/{split}/NAME.jpg` + `NAME.json` as LISA's ReasonSeg loader
/// reads them (`text` list of rephrasings, `is_sentence`, LabelMe `shapes` labelled `target`
/// and `ignore`), plus `explanatory/train.json` for queries with an explanation.
///
/// Instructions of an image are grouped by their target set and sentence flag; each group is
/// one NAME. Polygon annotations without holes are written with their own points (each reader
/// rasterizes a polygon by its rule: the file says what the annotator drew). Other masks (RLE,
/// polygons with holes) are traced into boundary-pixel polygons with bridged holes
/// (`LISAPolygonExport`, exact under LISA's rule); ignore regions drop the pixels a target covers. Every file is then rasterized with LISA's rule
/// (`ReasonSegRasterizer`) and compared with the label map we mean — the original polygons
/// under LISA's rule plus the traced masks (targets 1, ignore 255) — and any difference is
/// reported with its IoU.
public struct ReasonSegExporter {
    public let stream: ExportStream
    public let options: ReasonSegOptions

    public init(stream: ExportStream, options: ReasonSegOptions = ReasonSegOptions()) {
        self.stream = stream
        self.options = options
    }

    /// A file-name stem: letters, digits, `_` and `-` only (LISA replaces `.jpg` anywhere in
    /// the path, so no dots).
    static func stem(_ image: ImageRecord) -> String {
        let source = image.sourceID ?? image.relativePath ?? ""
        var base = (source as NSString).lastPathComponent
        if let dot = base.lastIndex(of: ".") { base = String(base[..<dot]) }
        let cleaned = String(base.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" ? Character($0) : "_" })
        return cleaned.isEmpty ? "image_\(image.id)" : cleaned
    }

    public func run(to outputPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws(ExportError) -> ReasonSegReport {
        guard (1...100).contains(options.jpegQuality) else { throw .invalidOption(name: "--jpeg-quality", reason: "must be 1...100") }
        let output = try OutputFolder(path: outputPath, overwrite: options.overwrite)
        var report = ReasonSegReport(output: output.path)
        var usedNames: [String: Set<String>] = [:]
        var explanatory: (file: AtomicFile, writer: ExportJSON.ArrayWriter)?
        let total = try stream.imageCount()
        var done = 0
        do {
            try stream.forEach { (item) throws(ExportError) in
                defer { done += 1; progress(done, total) }
                report.images += 1
                var groups: [(targets: [Int64], isSentence: Bool, instructions: [ExportInstruction])] = []
                for instruction in item.instructions {
                    if instruction.isPrompt { report.promptsSkipped += 1; continue }
                    if instruction.targets.isEmpty { report.negativesSkipped += 1; continue }
                    let ids = instruction.targets.map(\.id)
                    if let index = groups.firstIndex(where: { $0.targets == ids && $0.isSentence == instruction.isSentence }) {
                        groups[index].instructions.append(instruction)
                    } else {
                        groups.append((ids, instruction.isSentence, [instruction]))
                    }
                }
                guard !groups.isEmpty else { return }
                let image = item.image, split = item.splitName
                // The image, once per NAME (LISA pairs NAME.jpg with NAME.json).
                let imageBytes: [UInt8]
                do {
                    let original = try FileBytes.read(item.imagePath)
                    if image.format == .jpeg {
                        let orientation = try JPEGCodec.info(original, source: item.imagePath).orientation
                        if let orientation, orientation != .up {
                            // cv2.imread would rotate the pixels away from our masks' grid: store them as they are, untagged.
                            let pixels = try JPEGCodec.decode(original, source: item.imagePath, applyOrientation: false)
                            imageBytes = try JPEGCodec.encode(pixels, quality: options.jpegQuality)
                            report.reencodedForOrientation += 1
                        } else {
                            imageBytes = original
                        }
                    } else {
                        var pixels = try PNGCodec.decode(original, source: item.imagePath).eightBit
                        if pixels.channels == 2 || pixels.channels == 4 { pixels = Self.dropAlpha(pixels) }
                        imageBytes = try JPEGCodec.encode(pixels, quality: options.jpegQuality)
                        report.convertedToJPEG += 1
                    }
                } catch {
                    throw ExportError.badRecord(record: "image \(image.id) (\(item.imagePath))", field: "file", reason: "\(error)")
                }
                let stem = Self.stem(image)
                for group in groups {
                    var name = stem
                    var counter = 1
                    while usedNames[split, default: []].contains(name) { counter += 1; name = "\(stem)-\(counter)" }
                    usedNames[split, default: []].insert(name)
                    let targets = group.instructions[0].targets
                    let built = try shapes(targets: targets, ignores: item.ignoreAnnotations, image: image)
                    report.tracedMasks += built.traced
                    let relative = "\(split)/\(name).json"
                    var json: [String: Any] = [
                        "text": group.instructions.map(\.text), "is_sentence": group.isSentence,
                        "shapes": built.shapes.map { ["label": $0.label, "points": $0.points, "shape_type": "polygon"] as [String: Any] },
                        "imageWidth": image.width, "imageHeight": image.height,
                    ]
                    json["instruction_ids"] = group.instructions.map(\.id)
                    let jsonBytes = try ExportJSON.bytes(json, pretty: true, record: relative)
                    if let mismatch = try verify(built, json: jsonBytes, image: image, file: relative) {
                        report.mismatches.append(mismatch)
                    } else {
                        report.exact += 1
                    }
                    try output.write("\(split)/\(name).jpg", imageBytes)
                    try output.write(relative, jsonBytes)
                    report.files += 1
                    report.filesBySplit[split, default: 0] += 1
                    report.instructions += group.instructions.count
                    for instruction in group.instructions {
                        guard let explanation = instruction.explanation else { continue }
                        var list: (file: AtomicFile, writer: ExportJSON.ArrayWriter)
                        if let open = explanatory {
                            list = open
                        } else {
                            let file = try output.create("explanatory/train.json")
                            list = (file, try ExportJSON.ArrayWriter(file: file))
                        }
                        let entry: [String: Any] = ["image": "\(name).jpg", "query": instruction.text, "outputs": explanation]
                        try list.writer.append(try ExportJSON.bytes(entry, record: "instruction \(instruction.id)"))
                        explanatory = list
                        report.explanations += 1
                    }
                }
            }
            if let explanatory {
                try explanatory.writer.close()
                try explanatory.file.commit()
            }
        } catch {
            explanatory?.file.abort()
            throw error
        }
        return report
    }

    struct BuiltShapes {
        var shapes: [LabeledShape] = []
        /// The shapes written verbatim (their LISA raster is, by definition, what we mean).
        var verbatim: [LabeledShape] = []
        var tracedTarget: BinaryMask?
        var tracedIgnore: BinaryMask?
        var traced = 0
    }

    /// The shapes of one file: verbatim polygons, and traced chains for the other masks.
    func shapes(targets: [ExportAnnotation], ignores: [ExportAnnotation], image: ImageRecord) throws(ExportError) -> BuiltShapes {
        var built = BuiltShapes()
        var tracedTargets: [RLE] = [], tracedIgnores: [RLE] = []
        for (annotations, label) in [(targets, "target"), (ignores, "ignore")] {
            for annotation in annotations {
                let geometry = try annotation.geometry(width: image.width, height: image.height)
                if case .polygons(let polygons, _, _) = geometry, polygons.allSatisfy({ $0.holes.isEmpty }) {
                    for polygon in polygons {
                        let ring = polygon.exterior
                        let points = stride(from: 0, to: ring.count - 1, by: 2).map { [ring[$0], ring[$0 + 1]] }
                        built.verbatim.append(LabeledShape(label: label, points: points))
                    }
                } else {
                    let rle = try annotation.rle(width: image.width, height: image.height)
                    if label == "target" { tracedTargets.append(rle) } else { tracedIgnores.append(rle) }
                    built.traced += 1
                }
            }
        }
        built.shapes = built.verbatim
        do {
            if !tracedTargets.isEmpty {
                let mask = try RLE.merge(tracedTargets).decode()
                built.tracedTarget = mask
                for chain in LISAPolygonExport.polygons(from: mask) { built.shapes.append(LabeledShape(label: "target", points: Self.points(chain))) }
            }
            if !tracedIgnores.isEmpty {
                var mask = try RLE.merge(tracedIgnores).decode()
                // Target pixels win over ignore: leave them out of the ignore region.
                let targetAll = try ExportMasks.union(targets, width: image.width, height: image.height)?.decode()
                if let targetAll {
                    mask = try BinaryMask(width: mask.width, height: mask.height,
                                          values: zip(mask.pixels, targetAll.pixels).map { $0 & ($1 ^ 1) })
                }
                built.tracedIgnore = mask
                for chain in LISAPolygonExport.polygons(from: mask) { built.shapes.append(LabeledShape(label: "ignore", points: Self.points(chain))) }
            }
        } catch let error as ExportError {
            throw error
        } catch {
            throw .badRecord(record: "image \(image.id)", field: "masks", reason: "\(error)")
        }
        return built
    }

    /// LISA's label map of shapes, read back through the JSON parser LISA's rule uses.
    static func lisaLabels(_ shapes: [LabeledShape], width: Int, height: Int, source: String) throws(ExportError) -> LabelMask {
        let json: [String: Any] = ["text": [""], "shapes": shapes.map { ["label": $0.label, "points": $0.points] as [String: Any] }]
        return try lisaLabels(json: try ExportJSON.bytes(json, record: source), width: width, height: height, source: source)
    }

    /// LISA's label map of a ReasonSeg JSON file's bytes.
    static func lisaLabels(json: [UInt8], width: Int, height: Int, source: String) throws(ExportError) -> LabelMask {
        do {
            return try ReasonSegRasterizer.mask(for: try ReasonSegRasterizer.parse(json, source: source), width: width, height: height,
                                                source: source)
        } catch { throw .badRecord(record: source, field: "shapes", reason: error.description) }
    }

    /// The label map we mean for a file: verbatim polygons under LISA's rule, then traced
    /// targets (1) and traced ignore regions (255 where nothing else is).
    static func expectedLabels(_ built: BuiltShapes, width: Int, height: Int, source: String) throws(ExportError) -> LabelMask {
        var expected = try lisaLabels(built.verbatim, width: width, height: height, source: source)
        if let target = built.tracedTarget {
            for i in 0..<target.count where target.pixels[i] != 0 { expected.values[i] = 1 }
        }
        if let ignore = built.tracedIgnore {
            for i in 0..<ignore.count where ignore.pixels[i] != 0 && expected.values[i] == 0 { expected.values[i] = LabelMask.ignore }
        }
        return expected
    }

    /// Rasterizes the written shapes with LISA's rule and compares with `expectedLabels`.
    func verify(_ built: BuiltShapes, json: [UInt8], image: ImageRecord, file: String) throws(ExportError) -> ReasonSegMismatch? {
        let expected = try Self.expectedLabels(built, width: image.width, height: image.height, source: file)
        let actual = try Self.lisaLabels(json: json, width: image.width, height: image.height, source: file)
        if actual == expected { return nil }
        var targetInter = 0, targetUnion = 0, ignoreInter = 0, ignoreUnion = 0, differing = 0
        for i in 0..<actual.values.count {
            let a = actual.values[i], e = expected.values[i]
            if a != e { differing += 1 }
            if a == 1 || e == 1 { targetUnion += 1; if a == e { targetInter += 1 } }
            if a == 255 || e == 255 { ignoreUnion += 1; if a == e { ignoreInter += 1 } }
        }
        return ReasonSegMismatch(file: file, targetIoU: targetUnion == 0 ? 1 : Double(targetInter) / Double(targetUnion),
                                 ignoreIoU: ignoreUnion == 0 ? 1 : Double(ignoreInter) / Double(ignoreUnion), differingPixels: differing)
    }

    static func points(_ chain: [PixelPoint]) -> [[Double]] { chain.map { [Double($0.x), Double($0.y)] } }

    static func dropAlpha(_ image: PixelBuffer<UInt8>) -> PixelBuffer<UInt8> {
        let channels = image.channels - 1
        var samples = [UInt8](repeating: 0, count: image.width * image.height * channels)
        for p in 0..<(image.width * image.height) {
            for c in 0..<channels { samples[p * channels + c] = image.samples[p * image.channels + c] }
        }
        return PixelBuffer(width: image.width, height: image.height, channels: channels, samples: samples)
    }
}
