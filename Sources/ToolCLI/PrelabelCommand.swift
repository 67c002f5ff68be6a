import ArgumentParser
import Augment
import DatasetStore
import Foundation
import Model

/// `lisakit prelabel --sam CKPT --from-boxes [--db STORE]`: every box in the store → a SAM mask,
/// stored as a pending model annotation scored by SAM's predicted IoU.
struct PrelabelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prelabel",
        abstract: "Turn every box in the store (COCO/OpenImages boxes, LabelMe rectangles, any annotation's box) into a SAM mask for review.",
        discussion: """
        Each mask is stored as a 'pending' model annotation (model_name = --model-name, model_version = the \
        checkpoint's fingerprint) of the box's image and category, with SAM's predicted IoU as its score. \
        Re-running skips boxes this model already pre-labelled, so an interrupted run resumes where it \
        stopped; each image is committed on its own. Image embeddings are cached beside the store.
        """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var model: SAMOptions
    @Flag(help: "Prompt SAM with the stored boxes (the only source of prompts for now).") var fromBoxes = false
    @Option(help: "model_name recorded on the annotations (default: the checkpoint's file name without extension).") var modelName: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard fromBoxes else { throw ValidationError("say what to prompt SAM with: --from-boxes") }
    }

    func run() async throws {
        let dataset = try store.open()
        let cacheDefault = (URL(fileURLWithPath: store.path).deletingLastPathComponent().path as NSString)
            .appendingPathComponent("cache/sam-embeddings")
        let predictor = try model.predictor(defaultCache: cacheDefault)
        let name = modelName ?? URL(fileURLWithPath: model.sam).deletingPathExtension().lastPathComponent
        let prelabeler = BoxPrelabeler(store: dataset, predictor: predictor, modelName: name)
        let bar = ProgressBar(label: "prelabel")
        let report = try prelabeler.run { done, total in bar.update(done: done, total: total) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\(report.created) masks created, \(report.alreadyLabelled) of \(report.boxes) boxes already pre-labelled by \(name) \(report.modelVersion), \(report.images) images (\(report.cachedEmbeddings) embeddings from cache)")
        }
        for failure in report.failures { FileHandle.standardError.write(Data("prelabel: \(failure)\n".utf8)) }
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}
