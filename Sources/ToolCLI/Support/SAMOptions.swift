import ArgumentParser
import Foundation
import Model

/// `--sam`, `--config`, `--cache`, `--no-cache`: shared by the commands that run SAM.
struct SAMOptions: ParsableArguments {
    @Option(help: ArgumentHelp("SAM checkpoint: Meta's .pth, a Hugging Face SamModel folder or .safetensors, or a LISA checkpoint.",
                               valueName: "path"))
    var sam: String

    @Option(help: ArgumentHelp("vit_b, vit_l, vit_h or a JSON configuration file.",
                               discussion: "Default: <checkpoint>_config.json beside the checkpoint, else the size its name or tensors show."))
    var config: String?

    @Option(help: ArgumentHelp("Folder of cached image embeddings.", valueName: "dir"))
    var cache: String?

    @Flag(help: "Neither read nor write cached image embeddings.")
    var noCache = false

    func configuration() throws -> SAMConfiguration {
        try config.map(SAMConfiguration.resolve) ?? SAMConfiguration.detect(checkpointPath: sam)
    }

    /// The predictor, caching embeddings in `--cache`, else `defaultCache`, else the user cache.
    func predictor(defaultCache: String? = nil) throws -> SAMPredictor {
        let cacheStore = noCache ? nil : SAMEmbeddingCache(directory: cache ?? defaultCache ?? SAMEmbeddingCache.defaultDirectory)
        return try SAMPredictor(checkpointPath: sam, configuration: configuration(), cache: cacheStore)
    }
}
