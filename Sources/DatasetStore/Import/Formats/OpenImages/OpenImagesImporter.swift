import Annotate
import Foundation

/// Imports OpenImages V7 instance segmentations: `{split}-annotations-object-segmentation.csv`
/// (streamed a line at a time), mask PNGs from unpacked folders or straight from the
/// `{split}-masks-{h}.zip` shards, display names from `class-descriptions-boxable.csv`, and the
/// images from `{split}/{ImageID}.jpg`.
///
/// Rows are grouped into images by consecutive ImageID, so memory holds one image's rows at a
/// time whatever the CSV's length. An image's rows are expected to be adjacent (MaskPath starts
/// with the ImageID, so a CSV sorted by mask is grouped by image; the published files' order was
/// not checked here); a CSV whose rows are not still imports
/// exactly — a later run of rows of an already-written image adds its annotations to that image
/// by key — it only costs reading the image again (and such a run counts again towards
/// `--max-images`, which counts runs of rows). Masks at another resolution than their
/// image are scaled to it (nearest), gray > 127 being foreground. BoxID, the box, PredictedIoU
/// and Clicks are kept in the annotation's attributes; the annotation key is the mask's name;
/// the ImageID is the image's source id and group key.
public struct OpenImagesImporter: DatasetImporter {
    public static let format = "openimages"

    /// Keep only these classes (display names, case-insensitive, or MIDs; a value that is not a
    /// display name as a whole is read as a comma-separated list); empty: all.
    public var classes: [String]
    /// Import only these splits (the CSV's prefix: train, validation, test); empty: every CSV found.
    public var splits: [String]
    /// The images folder (relative to the root) when it is not `{split}/`.
    public var imagesFolder: String?

    public init(classes: [String] = [], splits: [String] = [], imagesFolder: String? = nil) {
        self.classes = classes
        self.splits = splits
        self.imagesFolder = imagesFolder
    }

    static let csvSuffix = "-annotations-object-segmentation.csv"
    static let numeric: Set<String> = ["BoxXMin", "BoxXMax", "BoxYMin", "BoxYMax", "PredictedIoU"]

    struct Row {
        var line: Int
        var fields: [String]
    }

    public func run(_ session: ImportSession) throws(ImportError) {
        let names = try readDescriptions(session)
        let wanted = try resolveClasses(names)
        let csvs = try findCSVs(session)
        if csvs.isEmpty {
            throw .unreadableSource(path: session.root.path, reason: "no *\(Self.csvSuffix) file found")
        }
        for csv in csvs where !session.isFull {
            try importCSV(csv, session: session, names: names, wanted: wanted)
        }
    }

    private func findCSVs(_ session: ImportSession) throws(ImportError) -> [String] {
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: session.root.path) } catch {
            throw .unreadableSource(path: session.root.path, reason: "\(error)")
        }
        let found = entries.filter { $0.hasSuffix(Self.csvSuffix) && !$0.hasPrefix(".") }.sorted()
        if splits.isEmpty { return found }
        return found.filter { splits.contains(String($0.dropLast(Self.csvSuffix.count))) }
    }

    /// MID → display name.
    private func readDescriptions(_ session: ImportSession) throws(ImportError) -> [String: String] {
        let name = ["class-descriptions-boxable.csv", "oidv7-class-descriptions-boxable.csv"].first {
            FileManager.default.fileExists(atPath: session.root.path + "/" + $0)
        }
        guard let name else { return [:] }
        let reader = try LineReader(path: try Self.resolve(name, session: session), displayName: name)
        var names: [String: String] = [:]
        while let line = reader.next() {
            if line.isEmpty { continue }
            guard let fields = DelimitedRow.split(line), fields.count == 2, !fields[0].isEmpty else {
                try session.problem(ImportProblem(file: name, location: "\(reader.lineNumber)",
                                                  reason: "expected 2 columns (MID,DisplayName)"), category: "bad row")
                continue
            }
            if fields[0] == "LabelName" || fields[0] == "MID" { continue } // a header, if one was added
            names[fields[0]] = fields[1]
        }
        return names
    }

    /// The MIDs to keep (nil: all).
    private func resolveClasses(_ names: [String: String]) throws(ImportError) -> Set<String>? {
        if classes.isEmpty { return nil }
        var byName: [String: [String]] = [:]
        for (mid, name) in names { byName[name.lowercased(), default: []].append(mid) }
        var wanted: Set<String> = []
        // A value is a display name as a whole (some contain commas), else a comma-separated list.
        let values = classes.flatMap { requested -> [String] in
            byName[requested.trimmingCharacters(in: .whitespaces).lowercased()] != nil ? [requested]
                : requested.split(separator: ",").map(String.init)
        }
        for requested in values where !requested.trimmingCharacters(in: .whitespaces).isEmpty {
            let value = requested.trimmingCharacters(in: .whitespaces)
            if let mids = byName[value.lowercased()] { wanted.formUnion(mids) } else if value.hasPrefix("/") {
                wanted.insert(value)
            } else {
                throw .unreadableSource(path: "--classes", reason: "unknown class \"\(value)\" (not a display name in class-descriptions-boxable.csv, nor a MID)")
            }
        }
        return wanted
    }

    private func importCSV(_ csv: String, session: ImportSession, names: [String: String], wanted: Set<String>?) throws(ImportError) {
        let splitName = String(csv.dropLast(Self.csvSuffix.count))
        let split: Split? = switch splitName {
        case "train": .train
        case "validation", "val": .val
        case "test": .test
        default: nil
        }
        let reader = try LineReader(path: try Self.resolve(csv, session: session), displayName: csv)
        guard let headerLine = reader.next(), let header = DelimitedRow.split(headerLine) else {
            throw .unreadableSource(path: csv, reason: "empty file (expected the header MaskPath,ImageID,LabelName,BoxID,...)")
        }
        var column: [String: Int] = [:]
        for (index, name) in header.enumerated() { column[name.trimmingCharacters(in: .whitespaces)] = index }
        func index(_ name: String) throws(ImportError) -> Int {
            guard let index = column[name] else { throw .unreadableSource(path: csv, reason: "line 1: the header has no \(name) column") }
            return index
        }
        let context = Context(csv: csv, split: split, splitName: splitName, header: header, maskPath: try index("MaskPath"),
                              imageID: try index("ImageID"), labelName: try index("LabelName"), names: names,
                              masks: OpenImagesMasks(root: session.root, split: splitName),
                              imagesFolder: imagesFolder ?? splitName)
        var group: [Row] = []
        while let line = reader.next(), !session.isFull {
            if line.isEmpty { continue }
            guard let fields = DelimitedRow.split(line), fields.count == header.count else {
                let count = DelimitedRow.split(line)?.count
                try session.problem(ImportProblem(file: csv, location: "\(reader.lineNumber)",
                                                  reason: count.map { "expected \(header.count) columns, found \($0)" } ?? "unclosed quote"),
                                    category: "bad row")
                continue
            }
            if let wanted, !wanted.contains(fields[context.labelName]) { continue }
            if let first = group.first, first.fields[context.imageID] != fields[context.imageID] {
                try importImage(group, context: context, session: session)
                group.removeAll(keepingCapacity: true)
            }
            group.append(Row(line: reader.lineNumber, fields: fields))
        }
        if !group.isEmpty, !session.isFull { try importImage(group, context: context, session: session) }
    }

    /// A file of the root by its relative name; a link leading out of the root is refused.
    static func resolve(_ name: String, session: ImportSession) throws(ImportError) -> String {
        do { return try session.root.resolve(name) } catch { throw .unreadableSource(path: name, reason: error.description) }
    }

    private struct Context {
        var csv: String
        var split: Split?
        var splitName: String
        var header: [String]
        /// Column indices of the fields the importer reads itself.
        var maskPath: Int
        var imageID: Int
        var labelName: Int
        var names: [String: String]
        var masks: OpenImagesMasks
        var imagesFolder: String
    }

    private struct Decoded: Sendable {
        var row: Int
        var bytes: [UInt8]
        var source: String
        var rle: RLE? = nil
        var failure: String? = nil
    }

    private func importImage(_ rows: [Row], context: Context, session: ImportSession) throws(ImportError) {
        let imageID = rows[0].fields[context.imageID]
        let lines = rows.count == 1 ? "\(rows[0].line)" : "\(rows[0].line)-\(rows[rows.count - 1].line)"
        let imagePath = context.imagesFolder + "/" + imageID + ".jpg"
        do { _ = try session.root.resolve(imagePath) } catch {
            try session.problem(ImportProblem(file: context.csv, location: lines, field: "ImageID",
                                              reason: "image path \(imagePath) escapes the dataset root: \(error)"),
                                category: "path escapes root")
            return
        }
        let width: Int, height: Int
        do { (width, height) = try session.imageSize(imagePath) } catch {
            try session.problem(ImportProblem(file: context.csv, location: lines, field: "ImageID", reason: "image: \(error)"),
                                category: "unreadable image")
            return
        }
        // Find every mask (I/O, in order), then decode, scale and encode them in parallel.
        var pending: [Decoded] = []
        let shard = imageID.first ?? "0"
        for (index, row) in rows.enumerated() {
            let name = row.fields[context.maskPath]
            switch context.masks.lookup(name, shard: shard) {
            case .found(let bytes, let source): pending.append(Decoded(row: index, bytes: bytes, source: source))
            case .missing(let reason):
                try session.problem(ImportProblem(file: context.csv, location: "\(row.line)", field: "MaskPath", reason: reason),
                                    category: "missing mask")
            }
        }
        let csv = context.csv
        let decoded = parallelMap(pending) { item -> Decoded in
            var item = item
            do {
                item.rle = try OpenImagesMasks.rle(from: item.bytes, source: item.source, width: width, height: height)
            } catch {
                item.failure = "\(item.source): \(error)"
            }
            item.bytes = []
            return item
        }
        var annotations: [ImportUnit.Annotation] = []
        for item in decoded {
            let row = rows[item.row]
            if let rle = item.rle {
                let mid = row.fields[context.labelName]
                let display = context.names[mid]
                let name = row.fields[context.maskPath]
                let key = name.hasSuffix(".png") ? String(name.dropLast(4)) : name
                annotations.append(ImportUnit.Annotation(
                    key: key, category: ImportUnit.Category(name: display ?? mid, displayName: display, sourceID: mid),
                    geometry: .rle(rle), attributesJSON: attributes(row, context: context)))
            } else if let failure = item.failure {
                try session.problem(ImportProblem(file: csv, location: "\(row.line)", field: "MaskPath", reason: failure),
                                    category: "unreadable mask")
            }
        }
        try session.add(ImportUnit(imagePath: imagePath, sourceID: imageID, groupKey: imageID, split: context.split,
                                   annotations: annotations, origin: "\(context.csv):\(lines)"))
    }

    /// BoxID, the box, PredictedIoU, Clicks (and any other non-key column) as a JSON object.
    private func attributes(_ row: Row, context: Context) -> String? {
        var object: [String: Any] = [:]
        for (index, name) in context.header.enumerated() where !["ImageID", "LabelName"].contains(name) {
            let value = row.fields[index]
            if value.isEmpty { continue }
            if Self.numeric.contains(name), let number = Double(value), number.isFinite { object[name] = number } else { object[name] = value }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
