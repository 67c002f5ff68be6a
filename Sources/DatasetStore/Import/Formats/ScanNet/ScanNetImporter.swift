import Annotate
import Foundation
import Serialization

/// Imports ScanNet v2 scans: a folder of `sceneXXXX_YY/` directories, each with its RGB-D
/// stream `sceneXXXX_YY.sens` (read directly) or already-exported `color/N.jpg` (+ `pose/N.txt`)
/// frames, and its 2D labels from `sceneXXXX_YY_2d-label-filt.zip` / `_2d-instance-filt.zip`
/// (or the unpacked `label-filt/` and `instance-filt/` folders), named through
/// `scannetv2-labels.combined.tsv`.
///
/// Every `frameStep`-th frame is imported; frames whose pose is not finite (ScanNet writes
/// `-inf` when tracking was lost) are skipped and counted ("invalid pose"), and so are frames
/// with no label image ("missing label image"). Each instance of a frame's instance
/// map becomes an annotation labelled with its pixels' most frequent label, its mask scaled
/// (nearest) to the colour frame. The scene id is the group key; the split comes from
/// `scannetv2_{train,val,test}.txt` beside the scenes when present. Frames read from a `.sens`
/// file have no file of their own: their JPEG bytes are stored as content-addressed blobs
/// (`ImportUnit.embeddedImage`), and the same frame exported to `color/` later is the same image.
public struct ScanNetImporter: DatasetImporter {
    public static let format = "scannet"

    public var labelSet: ScanNetLabels.LabelSet
    public var frameStep: Int
    /// The label TSV, relative to the root.
    public var labelsFile: String

    public init(labelSet: ScanNetLabels.LabelSet = .category, frameStep: Int = 1,
                labelsFile: String = "scannetv2-labels.combined.tsv") {
        self.labelSet = labelSet
        self.frameStep = max(1, frameStep)
        self.labelsFile = labelsFile
    }

    public func run(_ session: ImportSession) throws(ImportError) {
        let tsvPath: String
        do { tsvPath = try session.root.resolve(labelsFile) } catch {
            throw .unreadableSource(path: labelsFile, reason: "\(error)")
        }
        let labels = try ScanNetLabels(path: tsvPath, displayName: labelsFile, labelSet: labelSet, session: session)
        let splits = readSplits(session.root)
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: session.root.path) } catch {
            throw .unreadableSource(path: session.root.path, reason: "\(error)")
        }
        let scenes = entries.filter { Self.isSceneName($0) && PathError.isDirectory(session.root.path + "/" + $0) }.sorted()
        if scenes.isEmpty { throw .unreadableSource(path: session.root.path, reason: "no sceneXXXX_YY folder found") }
        for scene in scenes where !session.isFull {
            try importScene(scene, split: splits[scene], labels: labels, session: session)
        }
    }

    static func isSceneName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        let digit = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        return b.count == 12 && name.hasPrefix("scene") && b[5..<9].allSatisfy(digit) && b[9] == 0x5F && b[10..<12].allSatisfy(digit)
    }

    private func readSplits(_ root: DatasetRoot) -> [String: Split] {
        var result: [String: Split] = [:]
        for split in Split.allCases {
            guard let path = try? root.resolve("scannetv2_\(split.rawValue).txt"),
                  let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for line in text.split(whereSeparator: \.isNewline) {
                let name = line.trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { result[name] = split }
            }
        }
        return result
    }

    /// A 2D label source of a scene: the zip's `folder/N.png` entries or the unpacked folder.
    struct LabelSource {
        var archive: ZipArchive?
        /// The unpacked folder, relative to the root.
        var folder: String?
        var name: String
        var entryFolder: String
        var root: DatasetRoot

        func bytes(frame: Int) -> (bytes: [UInt8], source: String)? {
            let entry = "\(entryFolder)/\(frame).png"
            if let archive {
                guard let item = archive.entry(named: entry), let data = try? archive.data(of: item) else { return nil }
                return (data, "\(name):\(entry)")
            }
            // Each file is resolved through the root: a link leading out of it is not read.
            if let folder, let path = try? root.resolve(folder + "/\(frame).png"), let data = try? FileBytes.read(path) {
                return (data, "\(name)/\(frame).png")
            }
            return nil
        }
    }

    private func labelSource(scene: String, kind: String, session: ImportSession) throws(ImportError) -> LabelSource? {
        let zipName = "\(scene)/\(scene)_2d-\(kind).zip"
        guard let zipPath = try located(zipName, session: session) else { return nil }
        if FileManager.default.fileExists(atPath: zipPath) {
            do { return LabelSource(archive: try ZipArchive(path: zipPath), name: zipName, entryFolder: kind, root: session.root) } catch {
                try session.problem(ImportProblem(file: zipName, reason: "unreadable archive: \(error)"), category: "unreadable labels")
                return nil
            }
        }
        let folderName = "\(scene)/\(kind)"
        if let folderPath = try located(folderName, session: session), PathError.isDirectory(folderPath) {
            return LabelSource(folder: folderName, name: folderName, entryFolder: kind, root: session.root)
        }
        return nil
    }

    private func importScene(_ scene: String, split: Split?, labels: ScanNetLabels, session: ImportSession) throws(ImportError) {
        let labelMaps = try labelSource(scene: scene, kind: "label-filt", session: session)
        let instanceMaps = try labelSource(scene: scene, kind: "instance-filt", session: session)
        guard labelMaps != nil else {
            try session.problem(ImportProblem(file: scene, reason: "no \(scene)_2d-label-filt.zip nor label-filt/ folder"),
                                category: "unreadable labels")
            return
        }
        let frameContext = FrameContext(scene: scene, split: split, labels: labels, labelMaps: labelMaps, instanceMaps: instanceMaps,
                                        labelSet: labelSet)
        let sensName = "\(scene)/\(scene).sens"
        guard let sensPath = try located(sensName, session: session) else { return }
        if FileManager.default.fileExists(atPath: sensPath) {
            let sens: SensFile
            do { sens = try SensFile(path: sensPath, displayName: sensName) } catch {
                try session.problem(ImportProblem(file: sensName, reason: error.description), category: "unreadable scan")
                return
            }
            guard sens.colorCompression == SensFile.ColorCompression.jpeg.rawValue
                    || sens.colorCompression == SensFile.ColorCompression.png.rawValue else {
                try session.problem(ImportProblem(file: sensName, field: "color compression",
                                                  reason: "\(sens.colorCompression) is not JPEG (2) or PNG (1)"), category: "unreadable scan")
                return
            }
            do {
                try sens.forEachFrame { frame throws(ImportError) -> Bool in
                    if session.isFull { return false }
                    if frame.index % frameStep != 0 { return true }
                    guard frame.hasValidPose else {
                        try session.problem(ImportProblem(file: sensName, location: "frame \(frame.index)", field: "camera_to_world",
                                                          reason: "pose is not finite (lost tracking)"), category: "invalid pose")
                        return true
                    }
                    let bytes = sens.file.copyBytes(in: frame.colorRange)
                    try importFrame(frame.index, colorBytes: bytes, imagePath: "\(sensName)#frame=\(frame.index)", embedded: true,
                                    pose: frame.pose, origin: "\(sensName):frame \(frame.index)", context: frameContext, session: session)
                    return true
                }
            } catch {
                // A truncated stream: what came before it was imported.
                try session.problem(ImportProblem(file: sensName, reason: error.description), category: "unreadable scan")
            }
            return
        }
        guard let colorFolder = try located("\(scene)/color", session: session) else { return }
        guard PathError.isDirectory(colorFolder) else {
            try session.problem(ImportProblem(file: scene, reason: "no \(scene).sens nor color/ folder"), category: "unreadable scan")
            return
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: colorFolder)) ?? []
        let frames = names.compactMap { name -> Int? in
            guard name.hasSuffix(".jpg") else { return nil }
            return Int(name.dropLast(4))
        }.sorted()
        for index in frames where !session.isFull && index % frameStep == 0 {
            let relative = "\(scene)/color/\(index).jpg"
            var pose: [Float]? = nil
            let poseName = "\(scene)/pose/\(index).txt"
            guard let posePath = try located(poseName, session: session) else { continue }
            if let text = try? String(contentsOfFile: posePath, encoding: .utf8) {
                let values = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline }).map { Float($0) }
                guard values.count == 16, values.allSatisfy({ $0 != nil }) else {
                    try session.problem(ImportProblem(file: poseName, reason: "expected 16 numbers (a 4×4 matrix)"), category: "invalid pose")
                    continue
                }
                pose = values.map { $0 ?? 0 }
                guard pose?.allSatisfy(\.isFinite) == true else {
                    try session.problem(ImportProblem(file: poseName, field: "camera_to_world", reason: "pose is not finite (lost tracking)"),
                                        category: "invalid pose")
                    continue
                }
            }
            let absolute: String
            do { absolute = try session.root.resolve(relative) } catch {
                try session.problem(ImportProblem(file: relative, field: "image", reason: "\(error)"),
                                    category: error.isEscape ? "path escapes root" : "unreadable image")
                continue
            }
            let bytes: [UInt8]
            do { bytes = try FileBytes.read(absolute) } catch {
                try session.problem(ImportProblem(file: relative, field: "image", reason: "\(error)"), category: "unreadable image")
                continue
            }
            try importFrame(index, colorBytes: bytes, imagePath: relative, embedded: false, pose: pose, origin: relative,
                            context: frameContext, session: session)
        }
    }

    /// The absolute path of `relative` inside the root (existing or not); a path or link that
    /// leads out of the root is reported and gives nil.
    private func located(_ relative: String, session: ImportSession) throws(ImportError) -> String? {
        do { return try session.root.resolve(relative) } catch {
            try session.problem(ImportProblem(file: relative, reason: error.description), category: "path escapes root")
            return nil
        }
    }

    struct FrameContext {
        var scene: String
        var split: Split?
        var labels: ScanNetLabels
        var labelMaps: LabelSource?
        var instanceMaps: LabelSource?
        var labelSet: ScanNetLabels.LabelSet
    }

    private func importFrame(_ index: Int, colorBytes: [UInt8], imagePath: String, embedded: Bool, pose: [Float]?, origin: String,
                             context: FrameContext, session: ImportSession) throws(ImportError) {
        let width: Int, height: Int
        do {
            switch ImageFormat.sniff(colorBytes) {
            case .jpeg:
                let info = try JPEGCodec.info(colorBytes, source: origin)
                (width, height) = (info.width, info.height)
            case .png:
                let image = try PNGCodec.decode(colorBytes, source: origin)
                (width, height) = (image.width, image.height)
            case nil: throw ImageCodecError.unknownFormat(source: origin)
            }
        } catch {
            try session.problem(ImportProblem(file: origin, field: "image", reason: "\(error)"), category: "unreadable image")
            return
        }
        guard let labelFile = context.labelMaps?.bytes(frame: index) else {
            try session.problem(ImportProblem(file: origin, field: "label-filt", reason: "no label image for frame \(index)"),
                                category: "missing label image")
            return
        }
        let instanceFile = context.instanceMaps?.bytes(frame: index)
        let regions: [ScanNetRegions.Region]
        do {
            let labelMap = try ScanNetRegions.decode(labelFile.bytes, source: labelFile.source)
            let instanceMap = try instanceFile.map { try ScanNetRegions.decode($0.bytes, source: $0.source) }
            regions = try ScanNetRegions.regions(labels: labelMap, instances: instanceMap, width: width, height: height)
        } catch {
            try session.problem(ImportProblem(file: instanceFile?.source ?? labelFile.source, reason: "\(error)"), category: "unreadable labels")
            return
        }
        var annotations: [ImportUnit.Annotation] = []
        for region in regions {
            guard let name = context.labels.names[region.label] else {
                try session.problem(ImportProblem(file: labelFile.source, location: region.key, field: "label",
                                                  reason: "label id \(region.label) is not in the label table (\(context.labelSet.rawValue))"),
                                    category: "unknown label")
                continue
            }
            var attributes: [String: Any] = ["frame": index, "label_id": region.label]
            if let instance = region.instance { attributes["instance_id"] = instance }
            if let pose { attributes["camera_to_world"] = pose.map { Double($0) } }
            let json = (try? JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
            annotations.append(ImportUnit.Annotation(key: region.key, category: ImportUnit.Category(name: name, sourceID: String(region.label)),
                                                     geometry: .rle(region.rle), attributesJSON: json))
        }
        try session.add(ImportUnit(imagePath: imagePath, embeddedImage: embedded ? colorBytes : nil,
                                   sourceID: "\(context.scene)/frame/\(index)", groupKey: context.scene, split: context.split,
                                   annotations: annotations, origin: origin))
    }
}

extension PathError {
    /// The path leads outside the dataset root (`..`, an absolute path, a link out).
    var isEscape: Bool { if case .escapesRoot = self { true } else { false } }
}
