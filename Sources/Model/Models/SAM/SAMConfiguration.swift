import Foundation

/// Architecture of a Segment Anything model (follows Meta's `segment_anything/build_sam.py`,
/// whose `_build_sam` fixes everything but the image encoder's size). Decoded from a JSON file
/// with the snake_case keys below; absent keys take the ViT-B values, so the three published
/// sizes are `.vitB`, `.vitL`, `.vitH` and a tiny test model only lists what differs.
public struct SAMConfiguration: Codable, Sendable, Equatable {
    /// Side of the square input the encoder sees (images are resized and padded to it).
    public var imageSize: Int = 1024
    public var patchSize: Int = 16
    public var encoderEmbedDim: Int = 768
    public var encoderDepth: Int = 12
    public var encoderNumHeads: Int = 12
    public var encoderMLPRatio: Double = 4
    public var encoderWindowSize: Int = 14
    /// Blocks that attend globally instead of within windows.
    public var encoderGlobalAttnIndexes: [Int] = [2, 5, 8, 11]
    public var encoderUseRelPos: Bool = true
    /// Channels of the image embedding and of every prompt token.
    public var promptEmbedDim: Int = 256
    public var maskInChans: Int = 16
    public var decoderDepth: Int = 2
    public var decoderMLPDim: Int = 2048
    public var decoderNumHeads: Int = 8
    public var decoderAttentionDownsampleRate: Int = 2
    public var numMultimaskOutputs: Int = 3
    public var iouHeadDepth: Int = 3
    public var iouHeadHiddenDim: Int = 256
    public var pixelMean: [Double] = [123.675, 116.28, 103.53]
    public var pixelStd: [Double] = [58.395, 57.12, 57.375]
    /// Epsilon of the encoder's LayerNorms (Meta: 1e-6; LayerNorm2d in the neck also 1e-6).
    public var layerNormEps: Double = 1e-6

    enum CodingKeys: String, CodingKey, CaseIterable {
        case imageSize = "image_size"
        case patchSize = "patch_size"
        case encoderEmbedDim = "encoder_embed_dim"
        case encoderDepth = "encoder_depth"
        case encoderNumHeads = "encoder_num_heads"
        case encoderMLPRatio = "encoder_mlp_ratio"
        case encoderWindowSize = "encoder_window_size"
        case encoderGlobalAttnIndexes = "encoder_global_attn_indexes"
        case encoderUseRelPos = "encoder_use_rel_pos"
        case promptEmbedDim = "prompt_embed_dim"
        case maskInChans = "mask_in_chans"
        case decoderDepth = "decoder_depth"
        case decoderMLPDim = "decoder_mlp_dim"
        case decoderNumHeads = "decoder_num_heads"
        case decoderAttentionDownsampleRate = "decoder_attention_downsample_rate"
        case numMultimaskOutputs = "num_multimask_outputs"
        case iouHeadDepth = "iou_head_depth"
        case iouHeadHiddenDim = "iou_head_hidden_dim"
        case pixelMean = "pixel_mean"
        case pixelStd = "pixel_std"
        case layerNormEps = "layer_norm_eps"
    }

    public init() {}

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SAMConfiguration()
        imageSize = try c.decode(.imageSize, or: d.imageSize)
        patchSize = try c.decode(.patchSize, or: d.patchSize)
        encoderEmbedDim = try c.decode(.encoderEmbedDim, or: d.encoderEmbedDim)
        encoderDepth = try c.decode(.encoderDepth, or: d.encoderDepth)
        encoderNumHeads = try c.decode(.encoderNumHeads, or: d.encoderNumHeads)
        encoderMLPRatio = try c.decode(.encoderMLPRatio, or: d.encoderMLPRatio)
        encoderWindowSize = try c.decode(.encoderWindowSize, or: d.encoderWindowSize)
        encoderGlobalAttnIndexes = try c.decode(.encoderGlobalAttnIndexes, or: d.encoderGlobalAttnIndexes)
        encoderUseRelPos = try c.decode(.encoderUseRelPos, or: d.encoderUseRelPos)
        promptEmbedDim = try c.decode(.promptEmbedDim, or: d.promptEmbedDim)
        maskInChans = try c.decode(.maskInChans, or: d.maskInChans)
        decoderDepth = try c.decode(.decoderDepth, or: d.decoderDepth)
        decoderMLPDim = try c.decode(.decoderMLPDim, or: d.decoderMLPDim)
        decoderNumHeads = try c.decode(.decoderNumHeads, or: d.decoderNumHeads)
        decoderAttentionDownsampleRate = try c.decode(.decoderAttentionDownsampleRate, or: d.decoderAttentionDownsampleRate)
        numMultimaskOutputs = try c.decode(.numMultimaskOutputs, or: d.numMultimaskOutputs)
        iouHeadDepth = try c.decode(.iouHeadDepth, or: d.iouHeadDepth)
        iouHeadHiddenDim = try c.decode(.iouHeadHiddenDim, or: d.iouHeadHiddenDim)
        pixelMean = try c.decode(.pixelMean, or: d.pixelMean)
        pixelStd = try c.decode(.pixelStd, or: d.pixelStd)
        layerNormEps = try c.decode(.layerNormEps, or: d.layerNormEps)
    }

    /// Side of the image embedding grid (64 for the published models).
    public var embeddingSize: Int { imageSize / patchSize }

    /// ViT-B (`sam_vit_b_01ec64.pth`).
    public static let vitB = SAMConfiguration()

    /// ViT-L (`sam_vit_l_0b3195.pth`).
    public static var vitL: SAMConfiguration {
        var c = SAMConfiguration()
        c.encoderEmbedDim = 1024; c.encoderDepth = 24; c.encoderNumHeads = 16
        c.encoderGlobalAttnIndexes = [5, 11, 17, 23]
        return c
    }

    /// ViT-H (`sam_vit_h_4b8939.pth`).
    public static var vitH: SAMConfiguration {
        var c = SAMConfiguration()
        c.encoderEmbedDim = 1280; c.encoderDepth = 32; c.encoderNumHeads = 16
        c.encoderGlobalAttnIndexes = [7, 15, 23, 31]
        return c
    }

    /// The published configuration a name refers to (`vit_b`, `vit_l`, `vit_h`), if any.
    public static func named(_ name: String) -> SAMConfiguration? {
        switch name.lowercased().replacingOccurrences(of: "-", with: "_") {
        case "vit_b", "b": .vitB
        case "vit_l", "l": .vitL
        case "vit_h", "h", "default": .vitH
        default: nil
        }
    }

    /// Reads a configuration file (`path` is named in errors).
    public static func load(from url: URL) throws -> SAMConfiguration {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        do { return try JSONDecoder().decode(SAMConfiguration.self, from: data) } catch {
            throw ModelError.invalidConfig(path: url.path, reason: "\(error)")
        }
    }

    /// Checks the numbers fit together (dimensions divide by heads, patch divides image, ...).
    public func validate(path: String) throws {
        func fail(_ reason: String) throws -> Never { throw ModelError.invalidConfig(path: path, reason: reason) }
        if imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0 { try fail("image_size \(imageSize) is not a positive multiple of patch_size \(patchSize)") }
        if encoderEmbedDim <= 0 || encoderNumHeads <= 0 || encoderEmbedDim % encoderNumHeads != 0 { try fail("encoder_embed_dim \(encoderEmbedDim) does not divide by encoder_num_heads \(encoderNumHeads)") }
        if encoderDepth <= 0 { try fail("encoder_depth must be positive") }
        if encoderWindowSize < 0 { try fail("encoder_window_size must not be negative") }
        if let bad = encoderGlobalAttnIndexes.first(where: { $0 < 0 || $0 >= encoderDepth }) { try fail("encoder_global_attn_indexes has \(bad), outside 0..<\(encoderDepth)") }
        let internalDim = promptEmbedDim / max(decoderAttentionDownsampleRate, 1)
        if promptEmbedDim <= 0 || promptEmbedDim % 8 != 0 { try fail("prompt_embed_dim \(promptEmbedDim) must be a positive multiple of 8 (output upscaling divides it by 4 and 8)") }
        if decoderNumHeads <= 0 || decoderAttentionDownsampleRate <= 0 || promptEmbedDim % decoderAttentionDownsampleRate != 0 || internalDim % decoderNumHeads != 0 { try fail("decoder attention dimension \(internalDim) does not divide by decoder_num_heads \(decoderNumHeads)") }
        if numMultimaskOutputs < 1 || iouHeadDepth < 1 || decoderDepth < 1 { try fail("decoder depth, iou_head_depth and num_multimask_outputs must be positive") }
        if pixelMean.count != 3 || pixelStd.count != 3 || pixelStd.contains(where: { $0 == 0 }) { try fail("pixel_mean and pixel_std need three values (std non-zero)") }
    }
}
