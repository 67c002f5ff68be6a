import Annotate
import Foundation

/// Imports a folder of images with single-channel label PNGs (`labels/NAME.png` for
/// `images/NAME.jpg`), 8-bit, 16-bit or palette indices: one annotation per class present (as
/// RLE), and the unlabeled pixels as one ignore region. Label maps of another size than their
/// image are resized (nearest) to it.
public struct SemanticMapImporter: DatasetImporter {
    public static let format = "semseg"

    public let imagesFolder: String
    public let labelsFolder: String
    public let classes: [String]
    public let convention: LabelConvention

    public init(imagesFolder: String, labelsFolder: String, classes: [String], convention: LabelConvention) {
        self.imagesFolder = imagesFolder
        self.labelsFolder = labelsFolder
        self.classes = classes
        self.convention = convention
    }

    /// Reads a class list: one name per line (blank lines and `#` comments skipped), or a JSON list.
    public static func readClasses(_ path: String) throws(ImportError) -> [String] {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path) } catch { throw .unreadableSource(path: path, reason: error.description) }
        let text = TextDecoding.utf8OrCP1252(bytes)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("["),
           let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) {
            return list
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    public func run(_ session: ImportSession) throws(ImportError) {
        let folder = imagesFolder.isEmpty ? session.root.path : session.root.path + "/" + imagesFolder
        for path in try session.files(in: folder, extensions: ["jpg", "jpeg", "png"]) where !session.isFull {
            let relative = session.relative(path)
            let stem = ((relative as NSString).lastPathComponent as NSString).deletingPathExtension
            let labelRelative = (labelsFolder.isEmpty ? "" : labelsFolder + "/") + stem + ".png"
            guard labelRelative != relative else { continue }
            let labels: (width: Int, height: Int, values: [Int])
            do {
                let labelPath = try session.root.resolve(labelRelative)
                labels = try Self.readLabels(labelPath)
            } catch {
                try session.problem(ImportProblem(file: labelRelative, reason: "label map: \(error)"), category: "missing or bad label map")
                continue
            }
            let size: (width: Int, height: Int)
            do { size = try session.imageSize(relative) } catch {
                try session.problem(ImportProblem(file: relative, reason: error.description), category: "unreadable image")
                continue
            }
            let values = labels.width == size.width && labels.height == size.height
                ? labels.values : Self.nearest(labels.values, labels.width, labels.height, size.width, size.height)
            var present: [Int: [UInt8]] = [:]
            var unknown = Set<Int>()
            for (index, value) in values.enumerated() {
                let key = value == convention.ignoreValue ? -1 : value
                if key >= 0 && !(0..<classes.count).contains(value - convention.offset) { unknown.insert(value); continue }
                if present[key] == nil { present[key] = [UInt8](repeating: 0, count: values.count) }
                present[key]![index] = 1
            }
            for value in unknown.sorted() {
                try session.problem(ImportProblem(file: labelRelative, field: "pixel value \(value)",
                                                  reason: "no class for it in a list of \(classes.count) (offset \(convention.offset)); pixels skipped"),
                                    category: "unknown label value")
            }
            var annotations: [ImportUnit.Annotation] = []
            for (value, pixels) in present.sorted(by: { $0.key < $1.key }) {
                let mask: BinaryMask
                do { mask = try BinaryMask(width: size.width, height: size.height, values: pixels) } catch { continue }
                let geometry = AnnotationGeometry.rle(RLE(encoding: mask))
                if value < 0 {
                    annotations.append(ImportUnit.Annotation(key: "ignore", category: nil, geometry: geometry, isIgnore: true))
                } else {
                    let name = classes[value - convention.offset]
                    annotations.append(ImportUnit.Annotation(key: "class:\(value)", category: ImportUnit.Category(name: name, sourceID: String(value)),
                                                             geometry: geometry))
                }
            }
            try session.add(ImportUnit(imagePath: relative, sourceID: relative, annotations: annotations, origin: labelRelative))
        }
    }

    /// The label values of a single-channel PNG (8-bit, 16-bit, or palette indices).
    static func readLabels(_ path: String) throws -> (width: Int, height: Int, values: [Int]) {
        let image = try PNGCodec.decode(contentsOf: path, options: .init(paletteAsIndices: true, keep16Bit: true))
        guard image.channels == 1 else {
            throw ImportError.unreadableSource(path: path, reason: "a label map must have one channel, got \(image.channels)")
        }
        switch image {
        case .uint8(let buffer): return (buffer.width, buffer.height, buffer.samples.map(Int.init))
        case .uint16(let buffer): return (buffer.width, buffer.height, buffer.samples.map(Int.init))
        }
    }

    /// Nearest-neighbour resize of label values, sampling as `MaskResize.nearest` (OpenCV's
    /// INTER_NEAREST: source index = floor(destination index × (1 / scale))).
    static func nearest(_ values: [Int], _ width: Int, _ height: Int, _ outWidth: Int, _ outHeight: Int) -> [Int] {
        let sx = MaskResize.sourceIndices(width, outWidth), sy = MaskResize.sourceIndices(height, outHeight)
        var out = [Int](repeating: 0, count: outWidth * outHeight)
        for y in 0..<outHeight {
            for x in 0..<outWidth { out[y * outWidth + x] = values[sy[y] * width + sx[x]] }
        }
        return out
    }
}
