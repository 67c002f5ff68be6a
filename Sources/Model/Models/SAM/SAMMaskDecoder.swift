/// SAM's mask decoder (follows `MaskDecoder` in Meta's `modeling/mask_decoder.py`): an IoU token
/// and `num_multimask_outputs + 1` mask tokens are prepended to the sparse prompt tokens; the
/// two-way transformer mixes them with the image embedding (plus the dense prompt); the image
/// side is upscaled 4× (ConvTranspose 2×2/2 → LayerNorm2d → GELU → ConvTranspose 2×2/2 → GELU);
/// each mask token's hypernetwork MLP gives the weights of a 1×1 projection of the upscaled
/// embedding (its mask logits); an MLP on the IoU token predicts each mask's IoU.
/// Selection as Meta's: multimask → masks 1...N, otherwise mask 0.
public struct SAMMaskDecoder: Sendable {
    public let embedDim: Int
    public let transformer: SAMTwoWayTransformer
    public let iouToken: [Float]
    /// [numMaskTokens, C].
    public let maskTokens: [Float]
    public let numMaskTokens: Int
    public let upscale1: (weight: Tensor, bias: Tensor)
    public let upscaleNorm: (weight: Tensor, bias: Tensor)
    public let upscale2: (weight: Tensor, bias: Tensor)
    public let hypernetworks: [SAMMLP]
    public let iouHead: SAMMLP

    public init(loading key: String, from loader: inout WeightLoader, configuration c: SAMConfiguration, blockNormEps: Float) throws {
        let dim = c.promptEmbedDim
        embedDim = dim
        numMaskTokens = c.numMultimaskOutputs + 1
        transformer = try SAMTwoWayTransformer(loading: "\(key).transformer", from: &loader, configuration: c, blockNormEps: blockNormEps)
        iouToken = try loader.take("\(key).iou_token.weight", shape: [1, dim]).scalars
        maskTokens = try loader.take("\(key).mask_tokens.weight", shape: [numMaskTokens, dim]).scalars
        upscale1 = (try loader.take("\(key).output_upscaling.0.weight", shape: [dim, dim / 4, 2, 2]),
                    try loader.take("\(key).output_upscaling.0.bias", shape: [dim / 4]))
        upscaleNorm = (try loader.take("\(key).output_upscaling.1.weight", shape: [dim / 4]),
                       try loader.take("\(key).output_upscaling.1.bias", shape: [dim / 4]))
        upscale2 = (try loader.take("\(key).output_upscaling.3.weight", shape: [dim / 4, dim / 8, 2, 2]),
                    try loader.take("\(key).output_upscaling.3.bias", shape: [dim / 8]))
        hypernetworks = try (0..<numMaskTokens).map {
            try SAMMLP(loading: "\(key).output_hypernetworks_mlps.\($0)", from: &loader, input: dim, hidden: dim, output: dim / 8, depth: 3)
        }
        iouHead = try SAMMLP(loading: "\(key).iou_prediction_head", from: &loader, input: dim, hidden: c.iouHeadHiddenDim,
                             output: numMaskTokens, depth: c.iouHeadDepth)
    }

    /// Predicts masks for one prompt.
    /// - image: the image embedding [C, side, side]; imagePE: `SAMPromptEncoder.densePE` [side², C];
    /// - sparse: prompt tokens [N, C]; dense: [C, side, side] or nil for `noMask` at every pixel.
    public func callAsFunction(
        image: [Float], side: Int, imagePE: [Float], sparse: [Float], dense: [Float]?, noMask: [Float], multimask: Bool,
        folding: SAMAttentionFolding = .automatic
    ) -> SAMDecoderOutput {
        let dim = embedDim, pixels = side * side
        precondition(image.count == dim * pixels && imagePE.count == dim * pixels, "SAMMaskDecoder: embedding sizes differ")
        // Tokens: IoU token, mask tokens, prompt tokens.
        var tokens = iouToken
        tokens += maskTokens
        tokens += sparse

        // Image rows [pixels, C] = (embedding + dense prompt)ᵀ.
        let src = Self.toRows(image, channels: dim, pixels: pixels, adding: dense, orChannelBias: noMask)
        let (hs, mixed) = transformer(tokens: tokens, image: src, imagePE: imagePE, folding: folding)

        // Back to [C, side, side] and upscale 4×.
        let planes = Self.toPlanes(mixed, channels: dim, pixels: pixels)
        var x = Tensor(shape: [1, dim, side, side], data: planes)
        x = Convolution.convTranspose2d(x, weight: upscale1.weight, bias: upscale1.bias, stride: .square(2))
        SAMMaskDownscaling.normGELU(&x, upscaleNorm, eps: 1e-6)
        x = Convolution.convTranspose2d(x, weight: upscale2.weight, bias: upscale2.bias, stride: .square(2))
        x.withUnsafeMutableFloats { Activation.geluErf.apply($0.baseAddress!, count: $0.count) }

        // Hypernetwork weights of the selected mask tokens, then one GEMM for their logits.
        let selected = multimask ? Array(1..<numMaskTokens) : [0]
        let reduced = dim / 8, outSide = 4 * side, outPixels = outSide * outSide
        var hyper = [Float]()
        hyper.reserveCapacity(selected.count * reduced)
        hs.withUnsafeBufferPointer { h in
            for i in selected { hyper += hypernetworks[i](h.baseAddress! + (1 + i) * dim) }
        }
        var logits = [Float](repeating: 0, count: selected.count * outPixels)
        hyper.withUnsafeBufferPointer { ph in
            x.withUnsafeFloats { pu in
                logits.withUnsafeMutableBufferPointer { pl in
                    GEMM.sgemm(m: selected.count, n: outPixels, k: reduced, a: ph.baseAddress!, lda: reduced,
                               b: pu.baseAddress!, ldb: outPixels, c: pl.baseAddress!, ldc: outPixels)
                }
            }
        }
        let iouAll = hs.withUnsafeBufferPointer { iouHead($0.baseAddress!) }
        return SAMDecoderOutput(lowResLogits: logits, iouPredictions: selected.map { iouAll[$0] }, side: outSide)
    }

    /// [C, P] planes → [P, C] rows, adding `dense` [C, P] or a per-channel bias. Tiled transpose.
    static func toRows(_ planes: [Float], channels: Int, pixels: Int, adding dense: [Float]?, orChannelBias bias: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: channels * pixels) { out, n in
            planes.withUnsafeBufferPointer { src in
                let tile = 32
                for c0 in stride(from: 0, to: channels, by: tile) {
                    let c1 = min(c0 + tile, channels)
                    for p0 in stride(from: 0, to: pixels, by: tile) {
                        let p1 = min(p0 + tile, pixels)
                        for c in c0..<c1 {
                            let row = src.baseAddress! + c * pixels
                            if let dense {
                                for p in p0..<p1 { out[p * channels + c] = row[p] + dense[c * pixels + p] }
                            } else {
                                let b = bias[c]
                                for p in p0..<p1 { out[p * channels + c] = row[p] + b }
                            }
                        }
                    }
                }
            }
            n = channels * pixels
        }
    }

    /// [P, C] rows → [C, P] planes. Tiled transpose.
    static func toPlanes(_ rows: [Float], channels: Int, pixels: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: channels * pixels) { out, n in
            rows.withUnsafeBufferPointer { src in
                let tile = 32
                for p0 in stride(from: 0, to: pixels, by: tile) {
                    let p1 = min(p0 + tile, pixels)
                    for c0 in stride(from: 0, to: channels, by: tile) {
                        let c1 = min(c0 + tile, channels)
                        for p in p0..<p1 {
                            let row = src.baseAddress! + p * channels
                            for c in c0..<c1 { out[c * pixels + p] = row[c] }
                        }
                    }
                }
            }
            n = channels * pixels
        }
    }
}

/// The decoder's answer for one prompt: `count` low-resolution mask logits (side × side each,
/// 256² for the published models) and SAM's predicted IoU of each.
public struct SAMDecoderOutput: Sendable, Equatable {
    /// [count, side, side] row-major.
    public var lowResLogits: [Float]
    public var iouPredictions: [Float]
    public var side: Int
    public var count: Int { iouPredictions.count }

    public init(lowResLogits: [Float], iouPredictions: [Float], side: Int) {
        self.lowResLogits = lowResLogits; self.iouPredictions = iouPredictions; self.side = side
    }

    /// The logits of mask `index` (side² values), e.g. to feed back as a mask input.
    public func logits(of index: Int) -> [Float] {
        Array(lowResLogits[(index * side * side)..<((index + 1) * side * side)])
    }

    /// The index of the mask with the highest predicted IoU.
    public var bestIndex: Int {
        iouPredictions.indices.max(by: { iouPredictions[$0] < iouPredictions[$1] }) ?? 0
    }
}
