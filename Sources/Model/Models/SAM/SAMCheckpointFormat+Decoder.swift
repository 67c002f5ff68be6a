/// The prompt-encoder / mask-decoder side of the SAM checkpoint layouts: how each names those
/// tensors, mapped to our names, which are Meta's `segment_anything` state-dict names
/// (`prompt_encoder.point_embeddings.0.weight`, `mask_decoder.transformer.layers.0.norm1.bias`).
/// One `sanitize` per layout: `decoderKey(_:configuration:)`.
extension SAMCheckpointFormat {
    /// The layout of a checkpoint holding SAM's prompt encoder and mask decoder, from its tensor
    /// names (nil: none of ours). Unlike `detect(names:)`, it needs no image encoder: a file may
    /// hold the decoder side alone.
    public static func detectDecoder(names: [String]) -> SAMCheckpointFormat? {
        if names.contains(where: { $0.contains("visual_model.mask_decoder.") }) { return .lisa }
        if names.contains(where: { $0.hasPrefix("shared_image_embedding.") || $0.hasPrefix("prompt_encoder.point_embed.") }) { return .huggingFace }
        if names.contains(where: { $0.hasPrefix("mask_decoder.") }) { return .meta }
        return nil
    }

    /// Our name for a prompt-encoder / mask-decoder tensor, or nil for tensors the decoder does
    /// not load (the image encoder's, the LLM's). Anything else comes back unchanged so the
    /// loader reports it as unused.
    public func decoderKey(_ key: String, configuration: SAMConfiguration) -> String? {
        switch self {
        case .meta:
            return key.hasPrefix("image_encoder.") ? nil : key
        case .lisa:
            for prefix in ["base_model.model.model.visual_model.", "model.visual_model.", "visual_model."] where key.hasPrefix(prefix) {
                let rest = String(key.dropFirst(prefix.count))
                return rest.hasPrefix("image_encoder.") ? nil : rest
            }
            return nil  // the language model, projector and text_hidden_fcs
        case .huggingFace:
            return Self.decoderMetaName(huggingFace: key, iouHeadDepth: configuration.iouHeadDepth)
        }
    }

    /// Hugging Face `SamModel` name → Meta name (nil for the vision encoder).
    static func decoderMetaName(huggingFace key: String, iouHeadDepth: Int) -> String? {
        if key.hasPrefix("vision_encoder.") { return nil }
        if key == "shared_image_embedding.positional_embedding" { return "prompt_encoder.pe_layer.positional_encoding_gaussian_matrix" }
        var k = key
        let rules: [(String, String)] = [
            ("prompt_encoder.point_embed.", "prompt_encoder.point_embeddings."),
            ("prompt_encoder.mask_embed.conv1.", "prompt_encoder.mask_downscaling.0."),
            ("prompt_encoder.mask_embed.layer_norm1.", "prompt_encoder.mask_downscaling.1."),
            ("prompt_encoder.mask_embed.conv2.", "prompt_encoder.mask_downscaling.3."),
            ("prompt_encoder.mask_embed.layer_norm2.", "prompt_encoder.mask_downscaling.4."),
            ("prompt_encoder.mask_embed.conv3.", "prompt_encoder.mask_downscaling.6."),
            ("mask_decoder.upscale_conv1.", "mask_decoder.output_upscaling.0."),
            ("mask_decoder.upscale_layer_norm.", "mask_decoder.output_upscaling.1."),
            ("mask_decoder.upscale_conv2.", "mask_decoder.output_upscaling.3."),
            ("mask_decoder.transformer.layer_norm_final_attn.", "mask_decoder.transformer.norm_final_attn."),
        ]
        for (from, to) in rules where k.hasPrefix(from) {
            k = to + k.dropFirst(from.count)
            return k
        }
        // Two-way blocks: layer_normN → normN.
        if k.hasPrefix("mask_decoder.transformer.layers.") {
            return k.replacingOccurrences(of: ".layer_norm", with: ".norm")
        }
        // Feed-forward heads: proj_in → layers.0, layers.i → layers.(i+1), proj_out → the last
        // layer (depth 3 for the hypernetworks, iou_head_depth for the IoU head).
        for head in ["mask_decoder.iou_prediction_head.", "mask_decoder.output_hypernetworks_mlps."] where k.hasPrefix(head) {
            var rest = String(k.dropFirst(head.count))
            var owner = ""
            if head.hasSuffix("mlps.") {
                guard let dot = rest.firstIndex(of: ".") else { return k }
                owner = String(rest[..<dot]) + "."
                rest = String(rest[rest.index(after: dot)...])
            }
            if rest.hasPrefix("proj_in.") { return head + owner + "layers.0." + rest.dropFirst("proj_in.".count) }
            if rest.hasPrefix("proj_out.") { let last = head.hasSuffix("mlps.") ? 2 : iouHeadDepth - 1
                return head + owner + "layers.\(last)." + rest.dropFirst("proj_out.".count) }
            if rest.hasPrefix("layers."), let dot = rest.dropFirst(7).firstIndex(of: "."), let i = Int(rest[rest.index(rest.startIndex, offsetBy: 7)..<dot]) {
                return head + owner + "layers.\(i + 1)" + rest[dot...]
            }
            return k
        }
        return k
    }
}
