import Foundation

extension SAMConfiguration {
    /// The configuration of the checkpoint at `path` when none is given: a `<name>_config.json`
    /// beside it (our SAMConfiguration keys, as tools/sam_tiny.py writes them), else the published
    /// size its file name names (`sam_vit_b_01ec64.pth`), else the published size whose encoder
    /// width and depth match the tensors (768/12 → ViT-B, 1024/24 → ViT-L, 1280/32 → ViT-H).
    /// Throws when none applies, asking for an explicit configuration.
    public static func detect(checkpointPath path: String) throws -> SAMConfiguration {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let sibling = url.deletingLastPathComponent().appendingPathComponent("\(stem)_config.json")
        if FileManager.default.fileExists(atPath: sibling.path) { return try load(from: sibling) }
        if let named = SAMCheckpointCatalog.configuration(forFileName: url.lastPathComponent) { return named }
        let source = try SAMCheckpoint.openSource(path)
        let names = source.tensorNames
        let patch = names.first { $0.hasSuffix("patch_embed.proj.weight") || $0.hasSuffix("patch_embed.projection.weight") }
        if let patch, let shape = source.shape(of: patch), shape.count == 4 {
            let depth = Set(names.compactMap { name -> Int? in
                for marker in ["image_encoder.blocks.", "vision_encoder.layers."] {
                    if let r = name.range(of: marker) {
                        return Int(name[r.upperBound...].prefix { $0 != "." })
                    }
                }
                return nil
            }).count
            for config in [SAMConfiguration.vitB, .vitL, .vitH] where config.encoderEmbedDim == shape[0] && config.encoderDepth == depth {
                return config
            }
        }
        throw ModelError.invalidConfig(path: path, reason: "cannot tell which SAM configuration this checkpoint has; pass --config (vit_b, vit_l, vit_h or a JSON file)")
    }

    /// `vit_b` / `vit_l` / `vit_h`, or the path of a JSON configuration file.
    public static func resolve(_ nameOrPath: String) throws -> SAMConfiguration {
        if let named = SAMConfiguration.named(nameOrPath) { return named }
        return try load(from: URL(fileURLWithPath: nameOrPath))
    }
}
