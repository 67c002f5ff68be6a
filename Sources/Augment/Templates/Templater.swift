import DatasetStore
import GRDB

/// The rule-based templater: turns semantic labels, referring expressions, reasoning queries and
/// explanations into LISA-style `[SEG]` prompt/answer pairs, stored as instructions with origin
/// `template`. Several targets get one `[SEG]` each; no target gets a rejection answer.
public struct Templater: Sendable {
    public let store: DatasetStore
    public let configuration: TemplateConfiguration

    public init(store: DatasetStore, configuration: TemplateConfiguration = .init()) {
        self.store = store
        self.configuration = configuration
    }

    /// Templates every image of the store, a batch of images per transaction (resumable: a
    /// re-run skips what is stored, by key).
    public func run(_ options: TemplaterOptions = .init(), batchSize: Int = 200,
                    progress: (Int, Int) -> Void = { _, _ in }) throws(StoreError) -> TemplaterReport {
        var report = TemplaterReport()
        let (total, categories) = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM images") ?? 0,
             try Row.fetchAll(db, sql: """
                SELECT c.id, c.name, c.display_name, (SELECT min(dataset) FROM category_sources s WHERE s.category_id = c.id)
                FROM categories c ORDER BY c.id
                """).map { ImageLabels.SemanticLabel(categoryID: $0[0], name: $0[1], displayName: $0[2], dataset: $0[3], annotationIDs: []) })
        }
        var lastID: Int64 = 0
        progress(0, total)
        while true {
            let batch = try store.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM images WHERE id > ? ORDER BY id LIMIT ?", arguments: [lastID, batchSize])
            }
            guard let last = batch.last else { break }
            lastID = last
            try store.write { db in
                let writer = RecordWriter(db)
                for imageID in batch {
                    let labels = try ImageLabels.read(db, imageID: imageID)
                    var counts = labels.promptsPerAnnotation
                    for prompt in prompts(for: labels, categories: categories, options: options) {
                        if let cap = options.perMask, prompt.targets.contains(where: { counts[$0, default: 0] >= cap }) {
                            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM instructions WHERE image_id = ? AND key = ?",
                                                           arguments: [imageID, prompt.key]) ?? false
                            if exists { report.alreadyPresent += 1 } else { report.skippedByPerMaskCap += 1 }
                            continue
                        }
                        let result = try writer.insert(NewInstruction(
                            imageID: imageID, key: prompt.key, text: prompt.text, kind: prompt.kind, isSentence: prompt.isSentence,
                            answer: prompt.answer, origin: .template(id: prompt.templateID, parentID: prompt.parentID),
                            targetAnnotationIDs: prompt.targets))
                        if result.inserted {
                            report.created += 1
                            report.byKind[prompt.kind.rawValue, default: 0] += 1
                            if prompt.targets.isEmpty { report.negatives += 1 }
                            for target in prompt.targets { counts[target, default: 0] += 1 }
                        } else {
                            report.alreadyPresent += 1
                        }
                    }
                }
            }
            report.images += batch.count
            progress(report.images, total)
        }
        return report
    }

    /// The prompts for one image's labels (pure: no store access; deterministic in the seed).
    func prompts(for labels: ImageLabels, categories: [ImageLabels.SemanticLabel], options: TemplaterOptions) -> [TemplatedPrompt] {
        let set = configuration.templates
        var prompts: [TemplatedPrompt] = []
        let prefix = options.validation ? "val" : "tpl"
        func generator(_ key: String) -> SeededGenerator { SeededGenerator(seed: options.seed, key: "\(labels.imageID)/\(key)") }
        func pick(_ list: [String], _ name: String, _ g: inout SeededGenerator) -> (String, String) {
            let index = g.index(below: list.count)
            return (list[index], "\(name).\(index)")
        }
        func answer(targets: Int, isSentence: Bool, className: String, _ g: inout SeededGenerator) -> (String, String) {
            switch targets {
            case 0:
                let (template, id) = isSentence ? pick(set.rejectionSentenceAnswers, "rejection_sentence", &g)
                    : pick(set.rejectionAnswers, "rejection", &g)
                return (template.replacingOccurrences(of: "{class_name}", with: className), id)
            case 1:
                return options.validation ? (set.validationAnswer, "validation_answer") : pick(set.answers, "answer", &g)
            default:
                let (template, id) = options.validation ? ("{segs}.", "validation_multi") : pick(set.multiAnswers, "multi", &g)
                return (template.replacingOccurrences(of: "{segs}", with: TemplateSet.segList(targets)), id)
            }
        }
        func short(_ name: String, _ g: inout SeededGenerator) -> (String, String) {
            let (template, id) = options.validation ? (set.validationShort, "validation_short") : pick(set.short, "short", &g)
            return (template.replacingOccurrences(of: "{class_name}", with: name), id)
        }
        func long(_ sentence: String, _ g: inout SeededGenerator) -> (String, String) {
            let (template, id) = options.validation ? (set.validationLong, "validation_long") : pick(set.long, "long", &g)
            return (template.replacingOccurrences(of: "{sent}", with: sentence), id)
        }
        let variants = options.validation ? 1 : options.promptsPerLabel

        if options.includeSemantic {
            for label in labels.semantic {
                for n in 0..<variants {
                    let key = "\(prefix):sem:\(label.categoryID):\(n)"
                    var g = generator(key)
                    let name = configuration.rules(forDataset: label.dataset).clean(name: label.name, displayName: label.displayName, generator: &g)
                    let (text, questionID) = short(name, &g)
                    let (reply, answerID) = answer(targets: label.annotationIDs.count, isSentence: false, className: name, &g)
                    prompts.append(TemplatedPrompt(key: key, text: text, answer: reply, kind: .semantic, isSentence: false,
                                                   templateID: "\(questionID)+\(answerID)", parentID: nil, targets: label.annotationIDs))
                }
            }
        }
        if options.includeQueries {
            for query in labels.queries {
                let sentence = query.text.trimmingCharacters(in: .whitespacesAndNewlines)
                let useLong = query.isSentence || (query.kind == .referring && !options.referringAsShort)
                for n in 0..<variants {
                    let key = "\(prefix):q:\(query.instructionID):\(n)"
                    var g = generator(key)
                    let (text, questionID) = useLong ? long(sentence, &g) : short(sentence.lowercased(), &g)
                    let (reply, answerID) = answer(targets: query.annotationIDs.count, isSentence: useLong, className: sentence.lowercased(), &g)
                    prompts.append(TemplatedPrompt(key: key, text: text, answer: reply, kind: query.kind, isSentence: query.isSentence,
                                                   templateID: "\(questionID)+\(answerID)", parentID: query.instructionID,
                                                   targets: query.annotationIDs))
                }
            }
        }
        if options.includeExplanatory && !options.validation {
            for query in labels.queries {
                guard let explanation = query.explanation?.trimmingCharacters(in: .whitespacesAndNewlines), !explanation.isEmpty,
                      !query.annotationIDs.isEmpty else { continue }
                let key = "\(prefix):exp:\(query.instructionID):0"
                var g = generator(key)
                let (suffix, suffixID) = pick(set.explanatorySuffixes, "explanatory", &g)
                let (reply, answerID) = answer(targets: query.annotationIDs.count, isSentence: true, className: "", &g)
                let sentence = query.text.trimmingCharacters(in: .whitespacesAndNewlines)
                prompts.append(TemplatedPrompt(key: key, text: "<image>\n\(sentence) \(suffix)", answer: reply + " " + explanation,
                                               kind: .explanatory, isSentence: true, templateID: "\(suffixID)+\(answerID)",
                                               parentID: query.instructionID, targets: query.annotationIDs))
            }
        }
        if options.negativesPerImage > 0 {
            let present = Set(labels.semantic.map(\.categoryID))
            var absent = categories.filter { !present.contains($0.categoryID) }
            var g = generator("\(prefix):neg")
            for n in 0..<min(options.negativesPerImage, absent.count) {
                let label = absent.remove(at: g.index(below: absent.count))
                let key = "\(prefix):neg:\(n)"
                var gn = generator(key)
                let name = configuration.rules(forDataset: label.dataset).clean(name: label.name, displayName: label.displayName, generator: &gn)
                let (text, questionID) = short(name, &gn)
                let (reply, answerID) = answer(targets: 0, isSentence: false, className: name, &gn)
                prompts.append(TemplatedPrompt(key: key, text: text, answer: reply, kind: .semantic, isSentence: false,
                                               templateID: "\(questionID)+\(answerID)", parentID: nil, targets: []))
            }
        }
        return prompts
    }
}
