import Foundation
import ArgumentParser
import DatasetStore

/// `lisakit export`: training files in the formats LISA-style code reads.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the store as ReasonSeg, WebDataset, COCO, LLaVA or MosaicML Streaming (MDS) training files.",
        discussion: """
        Every file is written under a temporary .partial name and renamed when complete, in a \
        deterministic order; OUT must be empty (or pass --overwrite to replace its contents). \
        webdataset and mds resume an interrupted export: run the same command into the same OUT \
        and the shards already complete (size and SHA-256 checked) are kept, the rest written.
        """,
        subcommands: [ExportReasonSegCommand.self, ExportWebDatasetCommand.self, ExportCOCOCommand.self, ExportLLaVACommand.self, ExportMDSCommand.self]
    )
}

/// The filters every export takes.
struct ExportFilterOptions: ParsableArguments {
    @Option(help: "Only these splits (comma-separated: train,val,test).")
    var split: String?

    @Option(help: "`accepted`: reviewed records only (accepted instructions, accepted/corrected masks).")
    var status: String?

    @Flag(help: "Also export model pre-labels that are still pending review.")
    var includePrelabels = false

    @Option(help: "Only these instruction kinds (comma-separated: semantic,referring,reasoning,explanatory).")
    var kinds: String?

    @Option(help: "Only instructions with a target in these categories (comma-separated names).")
    var categories: String?

    @Option(help: "Only instructions whose every target has at least this many pixels.")
    var minArea: Double = 0

    @Flag(help: "Replace the contents of a non-empty OUT.")
    var overwrite = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    func filter() throws -> ExportFilter {
        var filter = ExportFilter(includePrelabels: includePrelabels, minimumArea: minArea)
        if let splits = list(split) {
            filter.splits = Set(try splits.map { name in
                guard let split = Split(rawValue: name) else { throw ValidationError("--split: unknown split \(name) (train, val, test)") }
                return split
            })
        }
        if let status {
            guard status == "accepted" else { throw ValidationError("--status: only `accepted` is supported, got \(status)") }
            filter.acceptedOnly = true
        }
        if let kinds = list(kinds) {
            filter.kinds = Set(try kinds.map { name in
                guard let kind = InstructionKind(rawValue: name) else {
                    throw ValidationError("--kinds: unknown kind \(name) (semantic, referring, reasoning, explanatory)")
                }
                return kind
            })
        }
        if let names = list(categories) { filter.categories = Set(names) }
        guard minArea >= 0 else { throw ValidationError("--min-area must not be negative") }
        return filter
    }

    func stream(_ store: StoreOptions) throws -> ExportStream {
        ExportStream(store: try store.open(), filter: try filter())
    }
}


extension Dictionary where Key == String, Value == Int {
    /// `train 3, val 1` for summaries.
    var summary: String { sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
}

extension ShardedExportReport {
    /// The one-line summary of a sharded export (webdataset, mds).
    func summary(format: String) -> String {
        "\(format): \(samples) samples (\(samplesBySplit.summary)) in \(shards.count) shards"
            + (resumedShards > 0 ? " (\(resumedShards) kept from the interrupted run)" : "")
            + ", \(bytes) bytes; \(negatives) negatives, \(multiTarget) with several masks, "
            + "\(imagesWithoutInstructions) images without instructions → \(output)"
    }
}
