import Augment
import DatasetStore
import Foundation
import GRDB
import Testing
import TestSupport

/// A store with two images: a kitchen with three cups, a trash can and a query about it, and a
/// street with a traffic light, a referring expression and an explanation.
struct LabelledStore {
    let folder = TemporaryFolder()
    let store: DatasetStore

    /// The `generated` instructions (written queries) with their target's category name:
    /// columns text, kind, is_sentence, backend, status, name.
    func generatedInstructions() throws -> [Row] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.text, i.kind, i.is_sentence, i.backend, i.status, c.name FROM instructions i
                JOIN instruction_targets t ON t.instruction_id = i.id JOIN annotations a ON a.id = t.annotation_id
                JOIN categories c ON c.id = a.category_id WHERE i.origin = 'generated'
                """)
        }
    }
    var cups: [Int64] = []
    var trash: Int64 = 0
    var light: Int64 = 0

    init() throws {
        store = try folder.store()
        var cups: [Int64] = [], trash: Int64 = 0, light: Int64 = 0
        try store.write { db in
            for index in 0..<2 {
                try db.execute(sql: "INSERT INTO images(sha256, storage, width, height, format, byte_size) VALUES (?, 'blob', 640, 480, 'jpeg', 10)",
                               arguments: [String(repeating: "\(index)", count: 64)])
            }
            let writer = RecordWriter(db)
            let cup = try writer.category(name: "cup", source: ("coco", "47"))
            let trashCan = try writer.category(name: "trash_can", source: ("scannet", "39"))
            let traffic = try writer.category(name: "/m/015qff", displayName: "Traffic light", source: ("openimages", "/m/015qff"))
            let wall = try writer.category(name: "wall-other-merged", source: ("coco-stuff", "wall-other-merged"))
            _ = wall
            func mask(_ image: Int64, _ key: String, _ category: Int64) throws -> Int64 {
                try writer.insert(NewAnnotation(imageID: image, categoryID: category, instanceKey: key, geometryKind: .rle,
                                                geometryJSON: #"{"size":[480,640],"counts":"0"}"#, area: 0, bbox: [0, 0, 0, 0])).id
            }
            cups = try (0..<3).map { try mask(1, "cup\($0)", cup) }
            trash = try mask(1, "trash", trashCan)
            light = try mask(2, "light", traffic)
            try writer.insert(NewInstruction(imageID: 1, key: "q1", text: "After cooking, where can we throw away the scraps?",
                                             kind: .reasoning, isSentence: true, targetAnnotationIDs: [trash]))
            try writer.insert(NewInstruction(imageID: 1, key: "q2", text: "the unicorn", kind: .referring, isSentence: false))
            try writer.insert(NewInstruction(imageID: 2, key: "r1", text: "the light that tells cars to stop", kind: .referring,
                                             isSentence: false, targetAnnotationIDs: [light]))
            try writer.insert(NewInstruction(imageID: 2, key: "e1", text: "What controls the traffic here?", kind: .reasoning,
                                             isSentence: true, explanation: "A traffic light tells drivers when to stop and go.",
                                             targetAnnotationIDs: [light]))
        }
        self.cups = cups
        self.trash = trash
        self.light = light
    }

    struct Prompt: Equatable {
        var key: String, text: String, answer: String, kind: String, templateID: String, targets: [Int64]
    }

    func prompts() throws -> [Prompt] {
        try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.key, i.text, i.answer, i.kind, i.template_id,
                       (SELECT group_concat(annotation_id) FROM (SELECT annotation_id FROM instruction_targets t
                         WHERE t.instruction_id = i.id ORDER BY annotation_id)) AS targets
                FROM instructions i WHERE origin = 'template' ORDER BY image_id, key
                """).map { row in
                let targets: String? = row["targets"]
                return Prompt(key: row["key"], text: row["text"], answer: row["answer"], kind: row["kind"], templateID: row["template_id"],
                              targets: (targets ?? "").split(separator: ",").compactMap { Int64($0) })
            }
        }
    }
}

@Suite("Templater")
struct TemplaterTests {
    static let lisa = TemplateSet.lisa

    func matches(_ text: String, _ templates: [String], _ placeholder: String, _ value: String) -> Bool {
        templates.contains { $0.replacingOccurrences(of: placeholder, with: value) == text }
    }

    @Test("every kind of label becomes the right kind of prompt")
    func kinds() throws {
        let data = try LabelledStore()
        let report = try Templater(store: data.store).run(TemplaterOptions(seed: 1))
        #expect(report.images == 2 && report.created == 8 && report.negatives == 1)
        let prompts = try data.prompts()
        let byKey = Dictionary(uniqueKeysWithValues: prompts.map { ($0.key, $0) })
        // Semantic, three instances: SHORT question, one [SEG] per target.
        let cups = try #require(byKey["tpl:sem:1:0"])
        #expect(matches(cups.text, Self.lisa.short, "{class_name}", "cup"))
        #expect(cups.targets == data.cups && cups.kind == "semantic")
        #expect(matches(cups.answer, Self.lisa.multiAnswers, "{segs}", "[SEG], [SEG] and [SEG]"))
        // Class names are cleaned: underscores, MIDs.
        #expect(matches(try #require(byKey["tpl:sem:2:0"]).text, Self.lisa.short, "{class_name}", "trash can"))
        #expect(matches(try #require(prompts.first { $0.key == "tpl:sem:3:0" }).text, Self.lisa.short, "{class_name}", "traffic light"))
        // A reasoning query: LONG, single answer.
        let query = try #require(prompts.first { $0.text.contains("scraps") && $0.kind == "reasoning" })
        #expect(matches(query.text, Self.lisa.long, "{sent}", "After cooking, where can we throw away the scraps?"))
        #expect(Self.lisa.answers.contains(query.answer) && query.targets == [data.trash])
        // A referring expression without target: LONG question, rejection answer, no [SEG].
        let unicorn = try #require(prompts.first { $0.text.contains("unicorn") })
        #expect(matches(unicorn.text, Self.lisa.long, "{sent}", "the unicorn"))
        #expect(Self.lisa.rejectionSentenceAnswers.contains(unicorn.answer) && unicorn.targets.isEmpty && !unicorn.answer.contains("[SEG]"))
        // Explanatory: sentence + suffix, answer + explanation.
        let explained = try #require(prompts.first { $0.kind == "explanatory" })
        #expect(Self.lisa.explanatorySuffixes.contains { explained.text == "<image>\nWhat controls the traffic here? \($0)" })
        #expect(Self.lisa.answers.contains { explained.answer == $0 + " A traffic light tells drivers when to stop and go." })
        // Template ids name what was used.
        #expect(prompts.allSatisfy { $0.templateID.contains("+") })
    }

    @Test("LISA's refer_seg style: referring expressions as SHORT questions")
    func referringShort() throws {
        let data = try LabelledStore()
        _ = try Templater(store: data.store).run(TemplaterOptions(seed: 3, referringAsShort: true, includeSemantic: false, includeExplanatory: false))
        let referring = try #require(try data.prompts().first { $0.text.contains("cars to stop") })
        #expect(matches(referring.text, Self.lisa.short, "{class_name}", "the light that tells cars to stop"))
    }

    @Test("fixed validation prompts, verbatim")
    func validation() throws {
        let data = try LabelledStore()
        _ = try Templater(store: data.store).run(TemplaterOptions(validation: true))
        let prompts = try data.prompts()
        let trash = try #require(prompts.first { $0.key == "val:sem:2:0" })
        #expect(trash.text == "<image>\n What is trash can in this image? Please output segmentation mask." && trash.answer == "[SEG].")
        let query = try #require(prompts.first { $0.text.contains("scraps") })
        #expect(query.text == "<image>\n After cooking, where can we throw away the scraps? Please output segmentation mask.")
        #expect(prompts.allSatisfy { $0.kind != "explanatory" })
    }

    @Test("the same seed gives the same prompts; another seed other prompts; a re-run adds nothing")
    func determinism() throws {
        let a = try LabelledStore(), b = try LabelledStore(), c = try LabelledStore()
        let options = TemplaterOptions(seed: 42, promptsPerLabel: 4, negativesPerImage: 1)
        _ = try Templater(store: a.store).run(options)
        _ = try Templater(store: b.store).run(options, batchSize: 1)
        _ = try Templater(store: c.store).run(TemplaterOptions(seed: 43, promptsPerLabel: 4, negativesPerImage: 1))
        #expect(try a.prompts() == b.prompts())
        #expect(try a.prompts() != c.prompts())
        #expect(try a.prompts().count == c.prompts().count)
        let again = try Templater(store: a.store).run(options)
        let stored = try a.prompts().count
        #expect(again.created == 0 && again.alreadyPresent == stored)
    }

    @Test("negatives name a class absent from the image and have no target")
    func negatives() throws {
        let data = try LabelledStore()
        let report = try Templater(store: data.store).run(TemplaterOptions(seed: 5, negativesPerImage: 2, includeQueries: false, includeExplanatory: false))
        #expect(report.negatives == 4)
        let negatives = try data.prompts().filter { $0.key.hasPrefix("tpl:neg") }
        #expect(negatives.count == 4)
        for prompt in negatives {
            #expect(prompt.targets.isEmpty && !prompt.answer.contains("[SEG]"))
            let name = ["cup", "trash can", "traffic light", "wall"].first { prompt.text.contains($0) }
            #expect(name != nil && prompt.answer.contains(name!))
        }
        // Image 1 has cups and a trash can: its negatives are traffic light and wall.
        let first = negatives.prefix(2).map(\.text).joined()
        #expect(first.contains("traffic light") && first.contains("wall") && !first.contains("cup"))
    }

    @Test("--per-mask caps the prompts targeting each mask", arguments: [1, 2, 3])
    func perMask(cap: Int) throws {
        let data = try LabelledStore()
        let report = try Templater(store: data.store).run(TemplaterOptions(seed: 9, promptsPerLabel: 5, perMask: cap))
        #expect(report.skippedByPerMaskCap > 0)
        let counts = try data.store.read { db in
            try Int.fetchAll(db, sql: """
                SELECT count(*) FROM instruction_targets t JOIN instructions i ON i.id = t.instruction_id
                WHERE i.origin = 'template' GROUP BY t.annotation_id
                """)
        }
        #expect(counts.allSatisfy { $0 == cap })
    }
}

@Suite("Class names and template files")
struct TemplateConfigurationTests {
    @Test("class names are cleaned", arguments: [
        ("traffic_light", nil, "traffic light"),
        ("wall-other-merged", nil, "wall"),
        ("grass-merged", nil, "grass"),
        ("/m/0199g", "Bicycle", "bicycle"),
        ("Dining  Table", nil, "dining table"),
    ] as [(String, String?, String)])
    func cleaning(_ raw: String, _ display: String?, _ expected: String) {
        var generator = SeededGenerator(seed: 0)
        #expect(ClassNameRules().clean(name: raw, displayName: display, generator: &generator) == expected)
    }

    @Test("part names: 'obj part' or 'the part of the obj'")
    func parts() {
        var generator = SeededGenerator(seed: 0)
        #expect(ClassNameRules(partStyle: .objectPart).clean(name: "dog:leg", generator: &generator) == "dog leg")
        #expect(ClassNameRules(partStyle: .partOfObject).clean(name: "dog:leg", generator: &generator) == "the leg of the dog")
        let both = Set((0..<20).map { _ in ClassNameRules().clean(name: "car:side_mirror", generator: &generator) })
        #expect(both == ["car side mirror", "the side mirror of the car"])
        #expect(ClassNameRules(overrides: ["tv": "television"]).clean(name: "tv", generator: &generator) == "television")
    }

    @Test("a YAML file extends LISA's lists and sets per-dataset rules")
    func yamlExtend() throws {
        let folder = TemporaryFolder()
        let path = try folder.write("t.yaml", Array("""
            mode: extend
            short: ["<image>\\nWhere is the {class_name}?"]
            class_names:
              default: {part_style: "obj part"}
              datasets:
                coco-stuff: {strip_suffixes: []}
              overrides: {"tv": "television"}
            """.utf8))
        let configuration = try TemplateConfiguration.load(contentsOf: path)
        #expect(configuration.templates.short.count == 5 && configuration.templates.short.last == "<image>\nWhere is the {class_name}?")
        #expect(configuration.templates.long == TemplateSet.lisa.long)
        var generator = SeededGenerator(seed: 0)
        #expect(configuration.rules(forDataset: "coco-stuff").clean(name: "wall-other", generator: &generator) == "wall-other")
        #expect(configuration.rules(forDataset: "coco-stuff").clean(name: "tv", generator: &generator) == "television")
        #expect(configuration.rules(forDataset: nil).clean(name: "dog:leg", generator: &generator) == "dog leg")
    }

    @Test("a JSON file can replace the lists")
    func jsonReplace() throws {
        let folder = TemporaryFolder()
        let path = try folder.write("t.json", Array(#"""
            {"mode": "replace", "short": ["Find the {class_name}."], "long": ["{sent}"], "explanatory_suffixes": ["Why?"],
             "answers": ["[SEG]"], "multi_answers": ["{segs}"], "rejection_answers": ["No."], "rejection_sentence_answers": ["None."]}
            """#.utf8))
        let configuration = try TemplateConfiguration.load(contentsOf: path)
        #expect(configuration.templates.short == ["Find the {class_name}."] && configuration.templates.answers == ["[SEG]"])
    }

    @Test("bad template files name the field", arguments: [
        (#"{"short": ["no placeholder here"]}"#, "short[4]"),
        (#"{"answers": ["Sure."]}"#, "answers[5]"),
        (#"{"long": ["{sent} {oops}"]}"#, "long[2]"),
        (#"{"mode": "merge"}"#, "mode"),
        (#"{"short": 3}"#, "document"),
        (#"{"mode": "replace", "short": ["{class_name}"]}"#, "long"),
    ])
    func badFiles(_ json: String, _ field: String) throws {
        let folder = TemporaryFolder()
        let path = try folder.write("bad.json", Array(json.utf8))
        let error = #expect(throws: AugmentError.self) { try TemplateConfiguration.load(contentsOf: path) }
        #expect(error?.description.hasPrefix("\(path): \(field)") == true, "\(String(describing: error))")
    }
}
