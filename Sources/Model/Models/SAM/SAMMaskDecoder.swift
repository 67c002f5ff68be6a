import CKernels

/// SAM's mask decoder (follows `MaskDecoder` in Meta's `modeling/mask_decoder.py`): an IoU token
/// and `num_multimask_outputs + 1` mask tokens are prepended to the sparse prompt tokens; the
/// two-way transformer mixes them with the image embedding (plus the dense prompt); the image
/// side is upscaled 4× (ConvTranspose 2×2/2 → LayerNorm2d → GELU → ConvTranspose 2×2/2 → GELU);
/// each mask token's hypernetwork MLP gives the weights of a 1×1 projection of the upscaled
/// embedding (its mask logits); an MLP on the IoU token predicts each mask's IoU.
/// Selection as Meta's: multimask → masks 1...N, otherwise mask 0.
///
/// The upscaling stays in the transformer's pixel-row layout: a 2×2 stride-2 transposed
/// convolution writes each input pixel's four output pixels independently, so it is a linear
/// layer from C to 4·C/4 features per row (`SAMUpscaling`), LayerNorm2d is a row LayerNorm, and the
/// output pixels are put in raster order only in the final logits.
public struct SAMMaskDecoder: Sendable {
    public let embedDim: Int
    public let transformer: SAMTwoWayTransformer
    public let iouToken: [Float]
    /// [numMaskTokens, C].
    public let maskTokens: [Float]
    public let numMaskTokens: Int
    /// `output_upscaling.0`: ConvTranspose C → C/4, 2×2 stride 2.
    public let upscale1: SAMUpscaling
    /// `output_upscaling.1`: LayerNorm2d over the C/4 channels (eps 1e-6).
    public let upscaleNorm: (weight: Tensor, bias: Tensor)
    /// `output_upscaling.3`: ConvTranspose C/4 → C/8, 2×2 stride 2.
    public let upscale2: SAMUpscaling
    public let hypernetworks: [SAMMLP]
    public let iouHead: SAMMLP

    public init(loading key: String, from loader: inout WeightLoader, configuration c: SAMConfiguration, blockNormEps: Float) throws {
        let dim = c.promptEmbedDim
        embedDim = dim
        numMaskTokens = c.numMultimaskOutputs + 1
        transformer = try SAMTwoWayTransformer(loading: "\(key).transformer", from: &loader, configuration: c, blockNormEps: blockNormEps)
        iouToken = try loader.take("\(key).iou_token.weight", shape: [1, dim]).scalars
        maskTokens = try loader.take("\(key).mask_tokens.weight", shape: [numMaskTokens, dim]).scalars
        upscale1 = SAMUpscaling(weight: try loader.take("\(key).output_upscaling.0.weight", shape: [dim, dim / 4, 2, 2]),
                                bias: try loader.take("\(key).output_upscaling.0.bias", shape: [dim / 4]))
        upscaleNorm = (try loader.take("\(key).output_upscaling.1.weight", shape: [dim / 4]),
                       try loader.take("\(key).output_upscaling.1.bias", shape: [dim / 4]))
        upscale2 = SAMUpscaling(weight: try loader.take("\(key).output_upscaling.3.weight", shape: [dim / 4, dim / 8, 2, 2]),
                                bias: try loader.take("\(key).output_upscaling.3.bias", shape: [dim / 8]))
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
        let (hs, mixed) = transformer(tokens: tokens, image: consume src, imagePE: imagePE, folding: folding)

        // Upscale 4× on pixel rows: [P, C] → [4P, C/4] → [16P, C/8] (rows in block order).
        var x = mixed.withUnsafeBufferPointer { upscale1.layer.forward($0.baseAddress!, rows: pixels) }
        let quarter = upscale1.outChannels
        x.withUnsafeMutableBufferPointer { p in
            upscaleNorm.weight.withUnsafeFloats { g in
                upscaleNorm.bias.withUnsafeFloats { b in
                    Normalization.layerNorm(p.baseAddress!, rows: p.count / quarter, cols: quarter, gamma: g.baseAddress!,
                                            beta: b.baseAddress!, eps: 1e-6, into: p.baseAddress!)
                }
            }
            Activation.geluErf.apply(p.baseAddress!, count: p.count)
        }
        var y = x.withUnsafeBufferPointer { upscale2.layer.forward($0.baseAddress!, rows: 4 * pixels) }
        y.withUnsafeMutableBufferPointer { Activation.geluErf.apply($0.baseAddress!, count: $0.count) }

        // Hypernetwork weights of the selected mask tokens, then their logits at every upscaled pixel.
        let selected = multimask ? Array(1..<numMaskTokens) : [0]
        let reduced = upscale2.outChannels, outSide = 4 * side, outPixels = outSide * outSide
        var hyper = [Float]()
        hyper.reserveCapacity(selected.count * reduced)
        hs.withUnsafeBufferPointer { h in
            for i in selected { hyper += hypernetworks[i](h.baseAddress! + (1 + i) * dim) }
        }
        let blocked = Self.maskLogits(y, rows: outPixels, channels: reduced, weights: hyper, masks: selected.count)
        let logits = Self.rasterOrder(blocked, masks: selected.count, side: side)
        let iouAll = hs.withUnsafeBufferPointer { iouHead($0.baseAddress!) }
        return SAMDecoderOutput(lowResLogits: logits, iouPredictions: selected.map { iouAll[$0] }, side: outSide)
    }

    /// [C, P] planes → [P, C] rows, adding `dense` [C, P] or a per-channel bias (`ck_planes_to_rows`,
    /// pixels split over the cores).
    static func toRows(_ planes: [Float], channels: Int, pixels: Int, adding dense: [Float]?, orChannelBias bias: [Float],
                       level: SIMDLevel = .current) -> [Float] {
        precondition(planes.count == channels * pixels && bias.count == channels && (dense?.count ?? planes.count) == planes.count,
                     "SAMMaskDecoder.toRows: sizes differ")
        return [Float](unsafeUninitializedCapacity: channels * pixels) { out, n in
            planes.withUnsafeBufferPointer { src in
                bias.withUnsafeBufferPointer { b in
                    let (ps, pb, po) = (SendablePointer(UnsafeMutablePointer(mutating: src.baseAddress!)),
                                        SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!)), SendablePointer(out.baseAddress!))
                    let run = { (pd: SendablePointer<Float>?) in
                        Parallel.forRanges(pixels, grain: 256) { range in
                            ck_planes_to_rows(ps.base, channels, pixels, pd?.base, pd == nil ? pb.base : nil, po.base,
                                              range.lowerBound, range.upperBound, Int32(level.rawValue))
                        }
                    }
                    if let dense {
                        dense.withUnsafeBufferPointer { run(SendablePointer(UnsafeMutablePointer(mutating: $0.baseAddress!))) }
                    } else {
                        run(nil)
                    }
                }
            }
            n = channels * pixels
        }
    }

    /// out[j, r] = weights[j] · rows[r] for `masks` weight rows and `rows` rows of `channels`
    /// floats ([masks, rows]): a few short dot products per pixel (`ck_rows_dot`), where a GEMM
    /// would pad the masks to its tile and pack every row.
    static func maskLogits(_ x: [Float], rows: Int, channels: Int, weights: [Float], masks: Int,
                           level: SIMDLevel = .current) -> [Float] {
        precondition(x.count == rows * channels && weights.count == masks * channels, "SAMMaskDecoder.maskLogits: sizes differ")
        return [Float](unsafeUninitializedCapacity: masks * rows) { out, n in
            x.withUnsafeBufferPointer { px in
                weights.withUnsafeBufferPointer { pw in
                    let (sx, sw, so) = (SendablePointer(UnsafeMutablePointer(mutating: px.baseAddress!)),
                                        SendablePointer(UnsafeMutablePointer(mutating: pw.baseAddress!)), SendablePointer(out.baseAddress!))
                    Parallel.forRanges(rows, grain: 4096) { range in
                        ck_rows_dot(sx.base, channels, sw.base, masks, so.base, rows, range.lowerBound, range.upperBound,
                                    Int32(level.rawValue))
                    }
                }
            }
            n = masks * rows
        }
    }

    /// The upscaled logits from block order — row ((iy·side + ix)·4 + k1)·4 + k2 for the two
    /// 2×2 kernel offsets k = ky·2 + kx — to raster order [masks, 4·side, 4·side]:
    /// y = 4·iy + 2·ky1 + ky2, x = 4·ix + 2·kx1 + kx2.
    static func rasterOrder(_ blocked: [Float], masks: Int, side: Int) -> [Float] {
        let outSide = 4 * side, plane = outSide * outSide
        precondition(blocked.count == masks * plane, "SAMMaskDecoder.rasterOrder: size")
        return [Float](unsafeUninitializedCapacity: masks * plane) { out, n in
            blocked.withUnsafeBufferPointer { src in
                let (ps, po) = (SendablePointer(UnsafeMutablePointer(mutating: src.baseAddress!)), SendablePointer(out.baseAddress!))
                Parallel.forRanges(masks * side, grain: 16) { range in
                    for r in range {
                        let m = r / side, iy = r % side
                        let from = ps.base + m * plane + iy * side * 16
                        let to = po.base + m * plane + 4 * iy * outSide
                        for ix in 0..<side {
                            let block = from + ix * 16
                            for k1 in 0..<4 {
                                for k2 in 0..<4 {
                                    let y = 2 * (k1 >> 1) + (k2 >> 1), x = 4 * ix + 2 * (k1 & 1) + (k2 & 1)
                                    to[y * outSide + x] = block[k1 * 4 + k2]
                                }
                            }
                        }
                    }
                }
            }
            n = masks * plane
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
