/// The parameters of SAM's image encoder (Meta's `ImageEncoderViT`), in PyTorch layouts:
/// linear weights [out, in], conv weights [out, in, kh, kw], the absolute position embedding
/// [1, E, E, C] (E = image_size / patch_size) and relative position tables [L, head_dim].
public struct SAMImageEncoderWeights: Sendable {
    /// One transformer block (`Block`: norm1, attn, norm2, mlp).
    public struct Block: Sendable {
        public var norm1Weight: Tensor, norm1Bias: Tensor
        public var qkvWeight: Tensor, qkvBias: Tensor
        public var projWeight: Tensor, projBias: Tensor
        /// Relative position tables (rows 2·size − 1, or another length that is interpolated);
        /// nil when the configuration has `encoder_use_rel_pos` false.
        public var relPosH: Tensor?, relPosW: Tensor?
        public var norm2Weight: Tensor, norm2Bias: Tensor
        public var mlp1Weight: Tensor, mlp1Bias: Tensor
        public var mlp2Weight: Tensor, mlp2Bias: Tensor

        public init(norm1Weight: Tensor, norm1Bias: Tensor, qkvWeight: Tensor, qkvBias: Tensor,
                    projWeight: Tensor, projBias: Tensor, relPosH: Tensor?, relPosW: Tensor?,
                    norm2Weight: Tensor, norm2Bias: Tensor, mlp1Weight: Tensor, mlp1Bias: Tensor,
                    mlp2Weight: Tensor, mlp2Bias: Tensor) {
            self.norm1Weight = norm1Weight; self.norm1Bias = norm1Bias
            self.qkvWeight = qkvWeight; self.qkvBias = qkvBias
            self.projWeight = projWeight; self.projBias = projBias
            self.relPosH = relPosH; self.relPosW = relPosW
            self.norm2Weight = norm2Weight; self.norm2Bias = norm2Bias
            self.mlp1Weight = mlp1Weight; self.mlp1Bias = mlp1Bias
            self.mlp2Weight = mlp2Weight; self.mlp2Bias = mlp2Bias
        }
    }

    public var patchEmbedWeight: Tensor, patchEmbedBias: Tensor
    public var posEmbed: Tensor
    public var blocks: [Block]
    /// Neck: 1×1 conv (no bias), LayerNorm2d, 3×3 conv (no bias), LayerNorm2d.
    public var neckConv1: Tensor, neckNorm1Weight: Tensor, neckNorm1Bias: Tensor
    public var neckConv2: Tensor, neckNorm2Weight: Tensor, neckNorm2Bias: Tensor

    public init(patchEmbedWeight: Tensor, patchEmbedBias: Tensor, posEmbed: Tensor, blocks: [Block],
                neckConv1: Tensor, neckNorm1Weight: Tensor, neckNorm1Bias: Tensor,
                neckConv2: Tensor, neckNorm2Weight: Tensor, neckNorm2Bias: Tensor) {
        self.patchEmbedWeight = patchEmbedWeight; self.patchEmbedBias = patchEmbedBias
        self.posEmbed = posEmbed; self.blocks = blocks
        self.neckConv1 = neckConv1; self.neckNorm1Weight = neckNorm1Weight; self.neckNorm1Bias = neckNorm1Bias
        self.neckConv2 = neckConv2; self.neckNorm2Weight = neckNorm2Weight; self.neckNorm2Bias = neckNorm2Bias
    }

    /// Loads the image encoder from an opened checkpoint. Every missing, mis-shaped or unused
    /// image-encoder key is reported at once (`ModelError.checkpointMismatch`); keys outside the
    /// image encoder are left to the other SAM parts.
    public static func load(from checkpoint: SAMCheckpoint, configuration: SAMConfiguration) throws -> SAMImageEncoderWeights {
        try configuration.validate(path: checkpoint.path)
        var loader = WeightLoader(source: checkpoint.source, model: "SAM image encoder (\(checkpoint.format.rawValue) layout, \(checkpoint.path))",
                                  sanitize: checkpoint.format.imageEncoderKey)
        let c = configuration.encoderEmbedDim, p = configuration.patchSize, e = configuration.embeddingSize
        let hidden = Int(Double(c) * configuration.encoderMLPRatio)
        let headDim = c / configuration.encoderNumHeads
        let out = configuration.promptEmbedDim
        let patchW = try loader.take("patch_embed.proj.weight", shape: [c, 3, p, p])
        let patchB = try loader.take("patch_embed.proj.bias", shape: [c])
        let pos = try loader.take("pos_embed", shape: [1, e, e, c])
        var blocks: [Block] = []
        for i in 0..<configuration.encoderDepth {
            let b = "blocks.\(i)."
            let global = configuration.encoderGlobalAttnIndexes.contains(i) || configuration.encoderWindowSize == 0
            let size = global ? e : configuration.encoderWindowSize
            func relTable(_ key: String) throws -> Tensor? {
                guard configuration.encoderUseRelPos else { return nil }
                // Any positive length is accepted (it is interpolated); the head size must match.
                var shape = [2 * size - 1, headDim]
                if let found = loader.shape(of: key), found.count == 2, found[0] > 0, found[1] == headDim { shape = found }
                return try loader.take(key, shape: shape)
            }
            blocks.append(Block(
                norm1Weight: try loader.take(b + "norm1.weight", shape: [c]),
                norm1Bias: try loader.take(b + "norm1.bias", shape: [c]),
                qkvWeight: try loader.take(b + "attn.qkv.weight", shape: [3 * c, c]),
                qkvBias: try loader.take(b + "attn.qkv.bias", shape: [3 * c]),
                projWeight: try loader.take(b + "attn.proj.weight", shape: [c, c]),
                projBias: try loader.take(b + "attn.proj.bias", shape: [c]),
                relPosH: try relTable(b + "attn.rel_pos_h"),
                relPosW: try relTable(b + "attn.rel_pos_w"),
                norm2Weight: try loader.take(b + "norm2.weight", shape: [c]),
                norm2Bias: try loader.take(b + "norm2.bias", shape: [c]),
                mlp1Weight: try loader.take(b + "mlp.lin1.weight", shape: [hidden, c]),
                mlp1Bias: try loader.take(b + "mlp.lin1.bias", shape: [hidden]),
                mlp2Weight: try loader.take(b + "mlp.lin2.weight", shape: [c, hidden]),
                mlp2Bias: try loader.take(b + "mlp.lin2.bias", shape: [c])))
        }
        let weights = SAMImageEncoderWeights(
            patchEmbedWeight: patchW, patchEmbedBias: patchB, posEmbed: pos, blocks: blocks,
            neckConv1: try loader.take("neck.0.weight", shape: [out, c, 1, 1]),
            neckNorm1Weight: try loader.take("neck.1.weight", shape: [out]),
            neckNorm1Bias: try loader.take("neck.1.bias", shape: [out]),
            neckConv2: try loader.take("neck.2.weight", shape: [out, out, 3, 3]),
            neckNorm2Weight: try loader.take("neck.3.weight", shape: [out]),
            neckNorm2Bias: try loader.take("neck.3.bias", shape: [out]))
        try loader.finish()
        return weights
    }
}
