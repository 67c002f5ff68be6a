/// The published layouts of SAM weights and how each names the image encoder's tensors.
///
/// Our names are Meta's inside `ImageEncoderViT` (`blocks.3.attn.qkv.weight`, `neck.0.weight`);
/// each layout has one `sanitize` step that maps its keys to them and drops keys outside the
/// image encoder (prompt encoder, mask decoder, a language model), which the decoder side or
/// other models load.
public enum SAMCheckpointFormat: String, Sendable, CaseIterable {
    /// Meta's `sam_vit_{b,l,h}_*.pth`: `image_encoder.*`, `prompt_encoder.*`, `mask_decoder.*`.
    case meta
    /// Hugging Face `facebook/sam-vit-*` (`SamModel`): `vision_encoder.*` with renamed layers
    /// (`layers.N.layer_norm1`, `patch_embed.projection`, `neck.conv1`, ...).
    case huggingFace
    /// A LISA checkpoint: Meta's SAM under `[model.]visual_model.` among the language model's weights.
    case lisa

    /// The layout a checkpoint's tensor names follow, or nil if none holds a SAM image encoder.
    public static func detect(names: [String]) -> SAMCheckpointFormat? {
        if names.contains(where: { $0.contains("visual_model.image_encoder.") }) { return .lisa }
        if names.contains(where: { $0.hasPrefix("image_encoder.") }) { return .meta }
        if names.contains(where: { $0.hasPrefix("vision_encoder.") }) { return .huggingFace }
        return nil
    }

    /// Our image-encoder name for a checkpoint key, or nil for keys outside the image encoder.
    public func imageEncoderKey(_ key: String) -> String? {
        switch self {
        case .meta:
            return key.hasPrefix("image_encoder.") ? String(key.dropFirst("image_encoder.".count)) : nil
        case .lisa:
            guard let range = key.range(of: "visual_model.image_encoder.") else { return nil }
            return String(key[range.upperBound...])
        case .huggingFace:
            guard key.hasPrefix("vision_encoder.") else { return nil }
            return Self.huggingFaceToMeta(String(key.dropFirst("vision_encoder.".count)))
        }
    }

    /// Hugging Face's renames (transformers `convert_sam_to_hf.py`), undone.
    static func huggingFaceToMeta(_ key: String) -> String {
        var parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let head = parts.first else { return key }
        switch head {
        case "patch_embed":
            if parts.count > 1, parts[1] == "projection" { parts[1] = "proj" }
        case "layers":
            parts[0] = "blocks"
            if parts.count > 2 {
                if parts[2] == "layer_norm1" { parts[2] = "norm1" } else if parts[2] == "layer_norm2" { parts[2] = "norm2" }
            }
        case "neck":
            if parts.count > 1 {
                let renames = ["conv1": "0", "layer_norm1": "1", "conv2": "2", "layer_norm2": "3"]
                if let index = renames[parts[1]] { parts[1] = index }
            }
        default: break
        }
        return parts.joined(separator: ".")
    }
}
