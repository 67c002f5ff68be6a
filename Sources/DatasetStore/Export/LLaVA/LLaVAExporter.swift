import Annotate
import Foundation

/// What a LLaVA export wrote.
public struct LLaVAReport: Sendable, Codable, Equatable {
    public var output: String
    public var images = 0
    public var conversations = 0
    /// Raw queries wrapped in LISA's fixed prompt here (no templated prompt existed for them).
    public var wrappedQueries = 0
    /// Raw queries left out because a templated prompt of theirs is exported.
    public var templatedElsewhere = 0
    /// Instructions left out: negatives without an answer, or answers whose `[SEG]` count
    /// differs from the number of masks.
    public var skipped = 0
    public var samplesBySplit: [String: Int] = [:]
}

/// `lisakit export llava`: `OUT/{split}.json`, a list of llava_v1 conversations — the human
/// turn `<image>\n…` question, the gpt turn an answer with one `[SEG]` per mask — with the masks
/// as COCO RLE (`masks`, in `[SEG]` order) and ignore regions (`ignore`), images copied to
/// `images/{split}/`. Templated instructions are used as they are; a raw query with no
/// templated prompt gets LISA's fixed prompt (`{query} Please output segmentation mask.` for
/// sentences, `What is {query} in this image? Please output segmentation mask.` for phrases)
/// and the answer `It is [SEG].` (several masks: `They are [SEG], … and [SEG].`).
public struct LLaVAExporter {
    public let stream: ExportStream
    public let overwrite: Bool

    public init(stream: ExportStream, overwrite: Bool = false) {
        self.stream = stream
        self.overwrite = overwrite
    }

    /// LISA's fixed prompt around a raw query.
    public static func prompt(query: String, isSentence: Bool) -> String {
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        return isSentence ? "<image>\n\(text) Please output segmentation mask."
            : "<image>\nWhat is \(text) in this image? Please output segmentation mask."
    }

    /// The answer to a raw query with `count` masks.
    public static func answer(maskCount count: Int) -> String {
        if count <= 1 { return "It is [SEG]." }
        return "They are " + Array(repeating: "[SEG]", count: count - 1).joined(separator: ", ") + " and [SEG]."
    }

    public func run(to outputPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws(ExportError) -> LLaVAReport {
        let output = try OutputFolder(path: outputPath, overwrite: overwrite)
        var report = LLaVAReport(output: output.path)
        var lists: [String: (file: AtomicFile, writer: ExportJSON.ArrayWriter)] = [:]
        let total = try stream.imageCount()
        var done = 0
        do {
            try stream.forEach { (item) throws(ExportError) in
                defer { done += 1; progress(done, total) }
                let image = item.image, split = item.splitName
                let templatedParents = Set(item.instructions.filter(\.isPrompt).compactMap(\.parentID))
                var entries: [[String: Any]] = []
                let ignore = try ExportMasks.union(item.ignoreAnnotations, width: image.width, height: image.height)
                let fileName = "images/\(split)/" + ImageCopier.fileName(image)
                for instruction in item.instructions {
                    let question: String, answer: String
                    if instruction.isPrompt {
                        guard let stored = instruction.answer else { report.skipped += 1; continue }
                        question = instruction.text
                        answer = stored
                    } else {
                        if templatedParents.contains(instruction.id) { report.templatedElsewhere += 1; continue }
                        if instruction.targets.isEmpty && instruction.answer == nil { report.skipped += 1; continue }
                        question = Self.prompt(query: instruction.text, isSentence: instruction.isSentence)
                        answer = instruction.answer ?? Self.answer(maskCount: instruction.targets.count)
                        report.wrappedQueries += 1
                    }
                    guard answer.components(separatedBy: "[SEG]").count - 1 == instruction.targets.count else {
                        report.skipped += 1
                        continue
                    }
                    var masks: [[String: Any]] = []
                    for target in instruction.targets { masks.append(ExportJSON.rle(try target.rle(width: image.width, height: image.height))) }
                    var entry: [String: Any] = [
                        "id": WebDatasetExporter.key(imageID: image.id, instructionID: instruction.id),
                        "image": fileName, "width": image.width, "height": image.height,
                        "conversations": [["from": "human", "value": question], ["from": "gpt", "value": answer]],
                        "masks": masks, "instruction_id": instruction.id, "image_id": image.id,
                        "kind": instruction.kind.rawValue, "is_sentence": instruction.isSentence,
                        "categories": instruction.targets.map { $0.categoryName ?? "" },
                    ]
                    if let ignore { entry["ignore"] = ExportJSON.rle(ignore) }
                    entries.append(entry)
                }
                report.images += 1
                guard !entries.isEmpty else { return }
                try ImageCopier.copy(item, to: fileName, in: output)
                var list: (file: AtomicFile, writer: ExportJSON.ArrayWriter)
                if let open = lists[split] {
                    list = open
                } else {
                    let file = try output.create("\(split).json", sync: true)
                    list = (file, try ExportJSON.ArrayWriter(file: file))
                }
                for entry in entries {
                    try list.writer.append(try ExportJSON.bytes(entry, record: "conversation \(entry["id"] ?? "")"))
                    report.conversations += 1
                    report.samplesBySplit[split, default: 0] += 1
                }
                lists[split] = list
            }
            for split in lists.keys.sorted() {
                guard let list = lists[split] else { continue }
                try list.writer.close()
                try list.file.commit()
            }
        } catch {
            for list in lists.values { list.file.abort() }
            throw error
        }
        return report
    }
}
