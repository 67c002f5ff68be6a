import ArgumentParser
import Augment
import DatasetStore

/// `lisakit split`: train/val/test by group key, with a near-duplicate check across splits.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Assign train/val/test splits by group key and report near-duplicate instructions across splits.",
        discussion: """
        Images sharing a group key (a ScanNet scene, an OpenImages image) always land in one split; \
        an image without a key is its own group. The assignment depends only on the groups and --seed. \
        Instructions are then compared across splits: same words after normalization, and cosine \
        similarity of sentence embeddings at or above --similarity (the MiniLM encoder when installed, \
        see --embedder).
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: "train,val,test fractions.")
    var ratios = "0.8,0.1,0.1"

    @Option(help: "Seed of the assignment.")
    var seed: UInt64 = 0

    @Flag(help: "Groups whose images already share a split keep it.")
    var keepExisting = false

    @Option(help: "Embedding similarity at or above which two instructions are near-duplicates (default: the embedder's).")
    var similarity: Float?

    @Flag(help: "Compare normalized text only (no embeddings).")
    var noEmbeddings = false

    @OptionGroup var embedderOptions: EmbedderOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let parts = ratios.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy({ $0 != nil }) else { throw ValidationError("--ratios needs three numbers, e.g. 0.8,0.1,0.1") }
        var detector = NearDuplicateDetector(normalize: { TextNormalization.normalized($0) })
        if !noEmbeddings {
            let embedder = try embedderOptions.make()
            detector.embed = { try embedder.embed($0) }
            detector.embedderName = embedder.name
            detector.threshold = similarity ?? embedder.duplicateThreshold
        }
        let report = try SplitAssigner(store: try store.open())
            .run(SplitOptions(ratios: parts.compactMap { $0 }, seed: seed, keepExisting: keepExisting), duplicates: detector)
        if json { try printJSON(report); return }
        print("split: \(report.images) images in \(report.groups) groups → \(report.imagesBySplit.summary) "
            + "(groups \(report.groupsBySplit.summary))")
        if let duplicates = report.duplicates {
            print("near-duplicates across splits: \(duplicates.sameText) same text, \(duplicates.similar) similar"
                + (duplicates.embedder.map { " (\($0) ≥ \(duplicates.threshold ?? 0))" } ?? "")
                + (duplicates.similaritySkipped.map { "; similarity skipped: \($0)" } ?? ""))
            for example in duplicates.examples.prefix(10) {
                print("  [\(example.reason)] " + zip(example.splits, example.texts).map { "\($0): \($1)" }.joined(separator: " | "))
            }
        }
    }
}
