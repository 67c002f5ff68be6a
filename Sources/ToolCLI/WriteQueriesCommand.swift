import ArgumentParser
import Augment
import DatasetStore

/// `lisakit write-queries`: implicit reasoning queries for labelled masks.
struct WriteQueriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write-queries",
        abstract: "Write implicit reasoning queries whose answer is a labelled mask.",
        discussion: """
        The pipeline LISA's authors used to build ReasonSeg: for each labelled mask, a backend writes \
        short phrases and long sentences that need world knowledge to resolve ("something used to throw \
        away the scraps"). Candidates pass the quality gate plus two checks: the query must not name the \
        class or a synonym, and it must be closer (by embedding similarity) to its target's class than to \
        the image's other classes. Accepted queries are stored as `reasoning` instructions with origin \
        `generated`, pending review.
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var backendOptions: BackendOptions
    @OptionGroup var gateOptions: GateOptions

    @Option(help: "Short phrases per mask.")
    var phrases = 2

    @Option(help: "Long sentences per mask.")
    var sentences = 2

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let store = try self.store.open()
        let runner = QueryWritingRunner(store: store, backend: try backendOptions.queryWriter(store: store), gate: try gateOptions.gate())
        let bar = ProgressBar(label: "write-queries")
        let report = try await runner.run(phrases: max(0, phrases), sentences: max(0, sentences)) { bar.update(done: $0, total: $1) }
        try AugmentReportOutput.print(report, verb: "write-queries", json: json)
    }
}
