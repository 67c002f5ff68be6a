import ArgumentParser
import Augment
import DatasetStore

/// `lisakit template`: labels → LISA-style `[SEG]` prompts.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Turn labels into [SEG] prompt/answer pairs with LISA's templates.",
        discussion: """
        Semantic labels become SHORT questions ("Can you segment the {class_name} in this image?"), \
        referring expressions and reasoning queries LONG ones ("{sent} Please output segmentation mask."), \
        and queries with an explanation explanatory ones. A prompt with several target masks is answered \
        with one [SEG] per mask; a prompt with none (--negatives) gets a rejection answer. Prompts are \
        stored as instructions with origin `template` and the template id; sampling is deterministic \
        under --seed, and a re-run adds only what is missing.

        --templates FILE (JSON or YAML) extends LISA's lists or replaces them (`mode: replace`) and sets \
        class-name rules (underscores, -other/-stuff suffixes, part phrasing, overrides, per dataset).
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Seed of the sampling.")
    var seed: UInt64 = 0

    @Option(help: "Prompts generated per label.")
    var promptsPerLabel = 1

    @Option(help: "At most this many templated prompts target any one mask.")
    var perMask: Int?

    @Option(help: "Negative prompts per image (classes absent from the image, answered with a rejection).")
    var negatives = 0

    @Flag(help: "Use LISA's fixed validation prompts (answer \"[SEG].\").")
    var validation = false

    @Flag(help: "Template referring expressions with the SHORT list, as LISA's refer_seg loader does.")
    var referringAsShort = false

    @Option(help: "A JSON or YAML template file that extends or replaces LISA's templates.")
    var templates: String?

    @Flag(inversion: .prefixedNo, help: "Template semantic labels.")
    var semantic = true

    @Flag(inversion: .prefixedNo, help: "Template referring expressions and reasoning queries.")
    var queries = true

    @Flag(inversion: .prefixedNo, help: "Template explanations.")
    var explanatory = true

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        if let perMask, perMask < 1 { throw ValidationError("--per-mask must be at least 1") }
        let configuration = try templates.map { try TemplateConfiguration.load(contentsOf: $0) } ?? TemplateConfiguration()
        let templater = Templater(store: try store.open(), configuration: configuration)
        let bar = ProgressBar(label: "template")
        let options = TemplaterOptions(seed: seed, promptsPerLabel: promptsPerLabel, perMask: perMask, negativesPerImage: negatives,
                                       validation: validation, referringAsShort: referringAsShort, includeSemantic: semantic,
                                       includeQueries: queries, includeExplanatory: explanatory)
        let report = try templater.run(options) { bar.update(done: $0, total: $1) }
        if json {
            try printJSON(report)
        } else {
            let kinds = report.byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("template: \(report.images) images, \(report.created) prompts created\(kinds.isEmpty ? "" : " (\(kinds))"), "
                + "\(report.negatives) negatives, \(report.alreadyPresent) already present, "
                + "\(report.skippedByPerMaskCap) skipped by --per-mask")
        }
    }
}
