import Foundation
import Yams

/// Everything the templater is configured with: the template set and the class-name rules
/// (defaults, per source dataset). Loaded from a user's JSON or YAML file that either replaces
/// LISA's lists or extends them:
///
/// ```yaml
/// mode: extend            # or: replace
/// short: ["<image>\nWhere is the {class_name}?"]
/// rejection_answers: ["No {class_name} here."]
/// class_names:
///   default: {part_style: "obj part"}
///   datasets:
///     coco-stuff: {strip_suffixes: ["-merged", "-other", "-stuff"]}
///   overrides: {"tv": "television"}
/// ```
public struct TemplateConfiguration: Sendable, Equatable {
    public var templates: TemplateSet
    public var classNames: ClassNameRules
    public var datasetClassNames: [String: ClassNameRules]

    public init(templates: TemplateSet = .lisa, classNames: ClassNameRules = .init(), datasetClassNames: [String: ClassNameRules] = [:]) {
        self.templates = templates
        self.classNames = classNames
        self.datasetClassNames = datasetClassNames
    }

    /// The class-name rules for a category from `dataset` (its own, else the defaults).
    public func rules(forDataset dataset: String?) -> ClassNameRules {
        dataset.flatMap { datasetClassNames[$0] } ?? classNames
    }

    struct File: Decodable {
        struct ClassNames: Decodable {
            var `default`: ClassNameRules?
            var datasets: [String: ClassNameRules]?
            var overrides: [String: String]?
        }
        var mode: String?
        var short: [String]?
        var long: [String]?
        var explanatory_suffixes: [String]?
        var answers: [String]?
        var multi_answers: [String]?
        var rejection_answers: [String]?
        var rejection_sentence_answers: [String]?
        var validation_short: String?
        var validation_long: String?
        var validation_answer: String?
        var class_names: ClassNames?
    }

    /// Loads a user's template file (`.json`, `.yaml` or `.yml`) over LISA's defaults.
    public static func load(contentsOf path: String) throws(AugmentError) -> TemplateConfiguration {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .invalidTemplateFile(path: path, field: "file", reason: "cannot read: \(error.localizedDescription)")
        }
        let file: File
        do {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                file = try YAMLDecoder().decode(File.self, from: data)
            } else {
                file = try JSONDecoder().decode(File.self, from: data)
            }
        } catch {
            throw .invalidTemplateFile(path: path, field: "document", reason: "\(error)")
        }
        let replace: Bool
        switch file.mode ?? "extend" {
        case "extend": replace = false
        case "replace": replace = true
        case let other: throw .invalidTemplateFile(path: path, field: "mode", reason: "must be extend or replace, got \(other)")
        }
        var set = replace
            ? TemplateSet(short: [], long: [], explanatorySuffixes: [], answers: [], multiAnswers: [], rejectionAnswers: [], rejectionSentenceAnswers: [],
                          validationShort: TemplateSet.lisa.validationShort, validationLong: TemplateSet.lisa.validationLong,
                          validationAnswer: TemplateSet.lisa.validationAnswer)
            : TemplateSet.lisa
        set.short += file.short ?? []
        set.long += file.long ?? []
        set.explanatorySuffixes += file.explanatory_suffixes ?? []
        set.answers += file.answers ?? []
        set.multiAnswers += file.multi_answers ?? []
        set.rejectionAnswers += file.rejection_answers ?? []
        set.rejectionSentenceAnswers += file.rejection_sentence_answers ?? []
        if let value = file.validation_short { set.validationShort = value }
        if let value = file.validation_long { set.validationLong = value }
        if let value = file.validation_answer { set.validationAnswer = value }
        try validate(set, path: path)
        var rules = file.class_names?.default ?? ClassNameRules()
        for (raw, cleaned) in file.class_names?.overrides ?? [:] { rules.overrides[raw] = cleaned }
        var perDataset = file.class_names?.datasets ?? [:]
        for key in perDataset.keys {
            for (raw, cleaned) in rules.overrides where perDataset[key]?.overrides[raw] == nil { perDataset[key]?.overrides[raw] = cleaned }
        }
        return TemplateConfiguration(templates: set, classNames: rules, datasetClassNames: perDataset)
    }

    /// Checks every template has its placeholder and the right number of `[SEG]` tokens.
    public static func validate(_ set: TemplateSet, path: String = "<templates>") throws(AugmentError) {
        func check(_ list: [String], _ field: String, needs: String?, segs: Int?, allowEmpty: Bool = false) throws(AugmentError) {
            if list.isEmpty && !allowEmpty { throw .invalidTemplateFile(path: path, field: field, reason: "no templates") }
            for (index, template) in list.enumerated() {
                if let needs, !template.contains(needs) {
                    throw .invalidTemplateFile(path: path, field: "\(field)[\(index)]", reason: "must contain \(needs): \(template)")
                }
                if let segs, template.components(separatedBy: "[SEG]").count - 1 != segs {
                    throw .invalidTemplateFile(path: path, field: "\(field)[\(index)]", reason: "must contain [SEG] exactly \(segs) time(s): \(template)")
                }
                for placeholder in placeholders(in: template) where !["{class_name}", "{sent}", "{segs}"].contains(placeholder) {
                    throw .invalidTemplateFile(path: path, field: "\(field)[\(index)]", reason: "unknown placeholder \(placeholder)")
                }
            }
        }
        try check(set.short, "short", needs: "{class_name}", segs: 0)
        try check(set.long, "long", needs: "{sent}", segs: 0)
        try check(set.explanatorySuffixes, "explanatory_suffixes", needs: nil, segs: 0)
        try check(set.answers, "answers", needs: nil, segs: 1)
        try check(set.multiAnswers, "multi_answers", needs: "{segs}", segs: 0)
        try check(set.rejectionAnswers, "rejection_answers", needs: nil, segs: 0)
        try check(set.rejectionSentenceAnswers, "rejection_sentence_answers", needs: nil, segs: 0)
        try check([set.validationShort], "validation_short", needs: "{class_name}", segs: 0)
        try check([set.validationLong], "validation_long", needs: "{sent}", segs: 0)
        try check([set.validationAnswer], "validation_answer", needs: nil, segs: 1)
    }

    static func placeholders(in template: String) -> [String] {
        var result: [String] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result.append(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return result
    }
}
