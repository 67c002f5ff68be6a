import Annotate
import Foundation

/// Imports ReasonSeg folders (`{train,val,test,explanatory}/NAME.jpg` + `NAME.json`), reading
/// exactly what LISA's loader reads: only `*.jpg` files, the JSON beside each, `text` (a list of
/// rephrasings), `is_sentence`, and `shapes` where a label containing "ignore" is an ignore
/// region, "flag" is skipped, and anything else is a target. Each text becomes an instruction
/// (reasoning when `is_sentence`, else referring) targeting all the image's target shapes;
/// shapes of 1 or 2 points (LISA's data has some) are drawn as LISA's loader draws them (a dot,
/// a line) and stored as RLE;
/// `explanatory/train.json` adds explanations to the matching queries.
public struct ReasonSegImporter: DatasetImporter {
    public static let format = "reasonseg"

    public init() {}

    struct Explanation: Decodable {
        var image: String
        var query: String
        var outputs: String
    }

    public func run(_ session: ImportSession) throws(ImportError) {
        let explanations = try readExplanations(session)
        for path in try session.files(in: session.root.path, extensions: ["jpg"]) where !session.isFull {
            let relative = session.relative(path)
            guard path.hasSuffix(".jpg") else { continue } // LISA globs *.jpg exactly
            let jsonPath = String(path.dropLast(4)) + ".json"
            let jsonRelative = session.relative(jsonPath)
            let document: LabelMeDocument
            do {
                let (read, problems) = try LabelMeDocument.read(jsonPath)
                document = read
                for problem in problems { try session.problem(problem.relativeTo(jsonRelative), category: "bad shape") }
            } catch {
                if !FileManager.default.fileExists(atPath: jsonPath) {
                    try session.problem(ImportProblem(file: jsonRelative, reason: "missing (every image needs its JSON)"), category: "bad file")
                } else if case .badRecord(let problem) = error {
                    try session.problem(problem.relativeTo(jsonRelative), category: "bad file")
                } else {
                    try session.problem(ImportProblem(file: jsonRelative, reason: error.description), category: "bad file")
                }
                continue
            }
            let folder = relative.split(separator: "/").dropLast().last.map(String.init) ?? ""
            let split = Split(rawValue: folder)
            let name = (relative as NSString).lastPathComponent
            var width = document.imageWidth ?? 0, height = document.imageHeight ?? 0
            if width <= 0 || height <= 0 {
                do { (width, height) = try session.imageSize(relative) } catch {
                    try session.problem(ImportProblem(file: relative, field: "image", reason: error.description), category: "unreadable image")
                    continue
                }
            }
            var annotations: [ImportUnit.Annotation] = []
            var targets: [String] = []
            for shape in document.shapes {
                let label = shape.label.lowercased()
                if label == "flag" { continue }
                let isIgnore = label.contains("ignore")
                guard !shape.points.isEmpty else {
                    try session.problem(ImportProblem(file: jsonRelative, location: "shapes[\(shape.index)]", field: "points",
                                                      reason: "no points (OpenCV refuses an empty polygon)"), category: "bad shape")
                    continue
                }
                let geometry: AnnotationGeometry
                do {
                    geometry = shape.points.count >= 3
                        ? .polygons([try Polygon(exterior: shape.points.flatMap { $0 })], imageWidth: width, imageHeight: height)
                        : try Self.shortShape(shape, width: width, height: height, source: jsonRelative)
                } catch {
                    try session.problem(ImportProblem(file: jsonRelative, location: "shapes[\(shape.index)]", field: "points",
                                                      reason: "\(error)"), category: "bad shape")
                    continue
                }
                let key = "shape:\(shape.index)"
                annotations.append(ImportUnit.Annotation(key: key, category: nil, geometry: geometry, isIgnore: isIgnore,
                                                         attributesJSON: Self.attributes(label: shape.label)))
                if !isIgnore { targets.append(key) }
            }
            let isSentence = document.isSentence ?? false
            var instructions: [ImportUnit.Instruction] = []
            var texts = document.texts
            let extra = explanations[name] ?? []
            for explanation in extra where !texts.contains(explanation.query) { texts.append(explanation.query) }
            for (index, text) in texts.enumerated() {
                let explanation = extra.first { $0.query == text }?.outputs
                let sentence = index < document.texts.count ? isSentence : true
                instructions.append(ImportUnit.Instruction(key: "reasonseg:\(index)", text: text, kind: sentence ? .reasoning : .referring,
                                                           isSentence: sentence, explanation: explanation, targetKeys: targets))
            }
            if instructions.isEmpty {
                try session.problem(ImportProblem(file: jsonRelative, field: "text", reason: "no instruction text"), category: "no text")
            }
            try session.add(ImportUnit(imagePath: relative, sourceID: relative, groupKey: name, split: split,
                                       annotations: annotations, instructions: instructions, origin: jsonRelative))
        }
    }

    /// A shape of 1 or 2 points, which LISA's loader draws as it draws every shape (points cast
    /// to int32, a closed 1-pixel `cv2.polylines`, then `cv2.fillPoly`): a dot or a line. It has
    /// no polygon form, so it is stored as the RLE of that drawing.
    static func shortShape(_ shape: LabelMeDocument.Shape, width: Int, height: Int, source: String) throws -> AnnotationGeometry {
        let points = try ReasonSegRasterizer.pixelPoints(LabeledShape(label: shape.label, points: shape.points), index: shape.index,
                                                         source: source)
        var canvas = LabelMask(width: width, height: height)
        OpenCVDrawing.polylines(&canvas, contours: [points], closed: true, value: 1)
        OpenCVDrawing.fillPoly(&canvas, contours: [points], value: 1)
        return .rle(RLE(encoding: try BinaryMask(width: width, height: height, values: canvas.values)))
    }

    static func attributes(label: String) -> String? {
        guard let data = try? JSONSerialization.data(withJSONObject: ["label": label]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private func readExplanations(_ session: ImportSession) throws(ImportError) -> [String: [Explanation]] {
        let path = session.root.path + "/explanatory/train.json"
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            let bytes = try FileBytes.read(path)
            let list = try JSONDecoder().decode([Explanation].self, from: Data(TextDecoding.utf8OrCP1252(bytes).utf8))
            return Dictionary(grouping: list, by: { $0.image })
        } catch {
            try session.problem(ImportProblem(file: "explanatory/train.json", reason: "unreadable: \(error)"), category: "bad file")
            return [:]
        }
    }
}
