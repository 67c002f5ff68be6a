import ArgumentParser
import Augment
import DatasetStore

/// `lisakit paraphrase`: more phrasings of the store's instructions.
struct ParaphraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paraphrase",
        abstract: "Rewrite instructions with a backend; keep what passes the quality gate.",
        discussion: """
        Each imported, human or generated instruction of the chosen kinds gets up to --per-instruction \
        rewrites from the backend. Every candidate passes the quality gate (empty or absurdly long text, \
        near-duplicates, meaning drift by embedding similarity, a reasoning query that names its target's \
        class, lost [SEG]/<image> tokens); the accepted ones are stored as `paraphrase` instructions with \
        their parent, backend, model and similarity score, pending review. Answers of model backends are \
        cached in the store, so a re-run asks the model nothing.

        Backends: `rules` (offline, deterministic; the default), `openai` (any OpenAI-compatible \
        chat-completions server: OpenAI, vLLM, llama.cpp server, Ollama; key from $OPENAI_API_KEY or \
        --api-key-env), `local` (an in-process language model).
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var backendOptions: BackendOptions
    @OptionGroup var gateOptions: GateOptions

    @Option(help: "Rewrites per instruction.")
    var perInstruction = 3

    @Option(help: "Kinds of instruction to rewrite (comma-separated).")
    var kinds = "semantic,referring,reasoning"

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        var selected: Set<InstructionKind> = []
        for name in kinds.split(separator: ",") {
            guard let kind = InstructionKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown kind \(name); use semantic, referring, reasoning or explanatory")
            }
            selected.insert(kind)
        }
        let store = try self.store.open()
        let runner = ParaphraseRunner(store: store, backend: try backendOptions.paraphraser(store: store), gate: try gateOptions.gate())
        let bar = ProgressBar(label: "paraphrase")
        let report = try await runner.run(ParaphraseOptions(perInstruction: perInstruction, kinds: selected)) { bar.update(done: $0, total: $1) }
        try AugmentReportOutput.print(report, verb: "paraphrase", json: json)
    }
}

/// Prints an `AugmentReport` for people or scripts.
enum AugmentReportOutput {
    static func print(_ report: AugmentReport, verb: String, json: Bool) throws {
        if json { try printJSON(report); return }
        let rejected = report.rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        Swift.print("\(verb): \(report.sources) sources, \(report.candidates) candidates, \(report.accepted) accepted, "
            + "\(report.rejected.values.reduce(0, +)) rejected\(rejected.isEmpty ? "" : " (\(rejected))"), "
            + "\(report.alreadyPresent) already present, \(report.backendFailures) backend failures")
        for example in report.failureExamples { printError("error: \(example)") }
    }
}
