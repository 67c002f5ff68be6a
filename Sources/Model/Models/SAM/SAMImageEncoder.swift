/// SAM's image encoder (follows Meta's `segment_anything/modeling/image_encoder.py`
/// `ImageEncoderViT`): a ViT over 16×16 patches with an absolute position embedding, blocks of
/// pre-norm attention (windowed with zero padding, or global at `encoder_global_attn_indexes`)
/// with decomposed relative positions and a GELU MLP, then a neck of 1×1 conv, LayerNorm2d,
/// 3×3 conv and LayerNorm2d down to `prompt_embed_dim` channels.
///
/// Tokens stay in one [H·W, C] row-major buffer (Meta's B, H, W, C layout) through all blocks;
/// every projection is one GEMM over all tokens; windows are gathered from the fused QKV rows
/// (padding rows carry the QKV bias, as Meta's zero-padded tokens do after the projection) and
/// only real rows are written back. Immutable after init and safe to share between threads.
///
/// The projection matrices (patch embedding, QKV, output projection, MLP, neck 1×1 conv) are
/// packed once at init for the SGEMM kernel (`PackedMatrix`) and their fp32 checkpoint copies
/// dropped, so products skip per-call packing and the model stays resident once, not twice.
public final class SAMImageEncoder: Sendable {
    public let configuration: SAMConfiguration
    /// The checkpoint's norms, biases, position embeddings, relative position tables and the
    /// 3×3 neck conv. The matrices held packed in `packed` are empty tensors here.
    let weights: SAMImageEncoderWeights
    /// The packed projection matrices (op(B) = weightᵀ of each `nn.Linear` / 1×1 conv).
    private let packed: PackedWeights
    /// Per block: the expanded relative position tables (rows × rows × head_dim per axis).
    private let tables: [RelativeTables?]

    struct RelativeTables: Sendable {
        var h: [Float]
        var w: [Float]
    }

    struct PackedWeights: Sendable {
        struct Block: Sendable {
            let qkv: PackedMatrix, proj: PackedMatrix, mlp1: PackedMatrix, mlp2: PackedMatrix
        }
        /// [c, 3·p·p]: the patch conv as a product over patches laid out (channel, row, column).
        let patchEmbed: PackedMatrix
        /// [prompt_embed_dim, c]: the neck's 1×1 conv.
        let neckConv1: PackedMatrix
        let blocks: [Block]
    }

    /// Checks `weights` against `configuration` (every shape) and prepares the relative
    /// position tables (interpolated when a table's length differs from 2·size − 1).
    /// The weights are consumed: each matrix's fp32 tensor is released as soon as it is packed
    /// (when the caller holds no other copy), which keeps the peak of loading near one model.
    public init(configuration: SAMConfiguration, weights: consuming SAMImageEncoderWeights) throws {
        try configuration.validate(path: "SAM image encoder configuration")
        try Self.check(weights, configuration)
        self.configuration = configuration
        var w = consume weights
        let empty = Tensor(zeros: [0])
        func pack(_ t: inout Tensor) -> PackedMatrix {
            let m = PackedMatrix(weight: t.reshaped([t.shape[0], t.count / max(1, t.shape[0])]))
            t = empty
            return m
        }
        let patchEmbed = pack(&w.patchEmbedWeight)
        let neckConv1 = pack(&w.neckConv1)
        var packedBlocks: [PackedWeights.Block] = []
        func f32(_ t: Tensor) -> Tensor { t.contiguous() }
        w.patchEmbedBias = f32(w.patchEmbedBias); w.posEmbed = f32(w.posEmbed)
        w.neckConv2 = f32(w.neckConv2)
        w.neckNorm1Weight = f32(w.neckNorm1Weight); w.neckNorm1Bias = f32(w.neckNorm1Bias)
        w.neckNorm2Weight = f32(w.neckNorm2Weight); w.neckNorm2Bias = f32(w.neckNorm2Bias)
        var tables: [RelativeTables?] = []
        for i in w.blocks.indices {
            var b = w.blocks[i]
            b.norm1Weight = f32(b.norm1Weight); b.norm1Bias = f32(b.norm1Bias)
            b.qkvBias = f32(b.qkvBias); b.projBias = f32(b.projBias)
            b.norm2Weight = f32(b.norm2Weight); b.norm2Bias = f32(b.norm2Bias)
            b.mlp1Bias = f32(b.mlp1Bias); b.mlp2Bias = f32(b.mlp2Bias)
            w.blocks[i] = b
            packedBlocks.append(PackedWeights.Block(qkv: pack(&w.blocks[i].qkvWeight), proj: pack(&w.blocks[i].projWeight),
                                                    mlp1: pack(&w.blocks[i].mlp1Weight), mlp2: pack(&w.blocks[i].mlp2Weight)))
            b = w.blocks[i]
            if let h = b.relPosH, let rw = b.relPosW {
                let size = Self.isGlobal(i, configuration) ? configuration.embeddingSize : configuration.encoderWindowSize
                tables.append(RelativeTables(h: SAMRelativePosition.expanded(h, size: size),
                                             w: SAMRelativePosition.expanded(rw, size: size)))
            } else {
                tables.append(nil)
            }
        }
        self.weights = w
        self.tables = tables
        packed = PackedWeights(patchEmbed: patchEmbed, neckConv1: neckConv1, blocks: packedBlocks)
    }

    /// Loads the image encoder from a checkpoint file or folder (layout detected).
    public convenience init(configuration: SAMConfiguration, checkpointPath: String) throws {
        let checkpoint = try SAMCheckpoint(path: checkpointPath)
        try self.init(configuration: configuration, weights: SAMImageEncoderWeights.load(from: checkpoint, configuration: configuration))
    }

    static func isGlobal(_ block: Int, _ c: SAMConfiguration) -> Bool {
        c.encoderWindowSize == 0 || c.encoderGlobalAttnIndexes.contains(block)
    }

    /// The image embedding [prompt_embed_dim, E, E] (E = image_size / patch_size) of a
    /// preprocessed image [3, S, S] or [1, 3, S, S] (see `SAMPreprocessor`).
    public func embed(_ preprocessed: Tensor) throws(SAMInputError) -> Tensor {
        let cfg = configuration
        let s = cfg.imageSize, e = cfg.embeddingSize
        guard preprocessed.shape == [3, s, s] || preprocessed.shape == [1, 3, s, s] else {
            throw .inputShape(expected: [3, s, s], found: preprocessed.shape)
        }
        let c = cfg.encoderEmbedDim, n = e * e
        let hidden = weights.blocks.first?.mlp1Bias.count ?? 0
        let x = UnsafeMutablePointer<Float>.allocate(capacity: n * c)
        let xn = UnsafeMutablePointer<Float>.allocate(capacity: n * c)
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: n * 3 * c)
        let attn = UnsafeMutablePointer<Float>.allocate(capacity: n * c)
        let mlp = UnsafeMutablePointer<Float>.allocate(capacity: n * max(hidden, 1))
        defer { x.deallocate(); xn.deallocate(); qkv.deallocate(); attn.deallocate(); mlp.deallocate() }

        preprocessed.withUnsafeFloats { input in
            patchEmbed(input.baseAddress!, into: x, scratch: mlp, hiddenCapacity: n * max(hidden, 1))
        }
        for i in weights.blocks.indices {
            block(i, x: x, xn: xn, qkv: qkv, attn: attn, mlp: mlp)
        }
        return neck(x)
    }

    // MARK: - Stages

    /// Conv k = s = patch as one GEMM over the patches laid out (channel, row, column), plus
    /// the absolute position embedding (same grid size: checked at init).
    private func patchEmbed(_ input: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>, hiddenCapacity: Int) {
        let cfg = configuration
        let s = cfg.imageSize, p = cfg.patchSize, e = cfg.embeddingSize, c = cfg.encoderEmbedDim
        let k = 3 * p * p, n = e * e
        let patches = n * k <= hiddenCapacity ? scratch : UnsafeMutablePointer<Float>.allocate(capacity: n * k)
        defer { if patches != scratch { patches.deallocate() } }
        let src = SendablePointer(UnsafeMutablePointer(mutating: input)), dst = SendablePointer(patches)
        Parallel.forRanges(n, grain: 64) { tokens in
            for t in tokens {
                let ty = t / e, tx = t % e
                var out = dst.base + t * k
                for ch in 0..<3 {
                    for ky in 0..<p {
                        out.update(from: src.base + ch * s * s + (ty * p + ky) * s + tx * p, count: p)
                        out += p
                    }
                }
            }
        }
        GEMM.linear(patches, rows: n, weight: packed.patchEmbed, bias: weights.patchEmbedBias.scalars, into: x)
        weights.posEmbed.withUnsafeFloats { pos in
            for i in 0..<(n * c) { x[i] += pos[i] }
        }
    }

    /// x += attn(norm1(x)); x += mlp(norm2(x)).
    private func block(_ index: Int, x: UnsafeMutablePointer<Float>, xn: UnsafeMutablePointer<Float>,
                       qkv: UnsafeMutablePointer<Float>, attn: UnsafeMutablePointer<Float>, mlp: UnsafeMutablePointer<Float>) {
        let cfg = configuration, b = weights.blocks[index]
        let e = cfg.embeddingSize, c = cfg.encoderEmbedDim, n = e * e
        let eps = Float(cfg.layerNormEps)
        let hidden = b.mlp1Bias.count
        layerNorm(x, b.norm1Weight, b.norm1Bias, eps, into: xn, rows: n, cols: c)
        let p = packed.blocks[index]
        GEMM.linear(xn, rows: n, weight: p.qkv, bias: b.qkvBias.scalars, into: qkv)
        if Self.isGlobal(index, cfg) {
            globalAttention(qkv, tables: tables[index], into: attn)
        } else {
            windowAttention(qkv, qkvBias: b.qkvBias, tables: tables[index], into: attn)
        }
        addLinear(attn, rows: n, weight: p.proj, bias: b.projBias, onto: x)
        layerNorm(x, b.norm2Weight, b.norm2Bias, eps, into: xn, rows: n, cols: c)
        GEMM.linear(xn, rows: n, weight: p.mlp1, bias: b.mlp1Bias.scalars, into: mlp)
        Activation.geluErf.apply(mlp, count: n * hidden)
        addLinear(mlp, rows: n, weight: p.mlp2, bias: b.mlp2Bias, onto: x)
    }

    private func layerNorm(_ x: UnsafePointer<Float>, _ gamma: Tensor, _ beta: Tensor, _ eps: Float,
                           into out: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        gamma.withUnsafeFloats { g in
            beta.withUnsafeFloats { bt in
                Normalization.layerNorm(x, rows: rows, cols: cols, gamma: g.baseAddress!, beta: bt.baseAddress!, eps: eps, into: out)
            }
        }
    }

    /// y += a · weightᵀ + bias (the residual add fused into the GEMM with beta = 1).
    private func addLinear(_ a: UnsafePointer<Float>, rows: Int, weight: PackedMatrix, bias: Tensor,
                           onto y: UnsafeMutablePointer<Float>) {
        let out = bias.count
        bias.withUnsafeFloats { bv in
            let py = SendablePointer(y), pb = SendablePointer(UnsafeMutablePointer(mutating: bv.baseAddress!))
            Parallel.forRanges(rows, grain: 256) { range in
                for r in range {
                    let row = py.base + r * out
                    for j in 0..<out { row[j] += pb.base[j] }
                }
            }
        }
        GEMM.sgemm(m: rows, a: a, lda: weight.k, b: weight, beta: 1, c: y, ldc: out)
    }

    /// Attention over all tokens, head by head in blocks of query rows.
    private func globalAttention(_ qkv: UnsafeMutablePointer<Float>, tables: RelativeTables?, into out: UnsafeMutablePointer<Float>) {
        let cfg = configuration
        let e = cfg.embeddingSize, c = cfg.encoderEmbedDim, n = e * e
        let heads = cfg.encoderNumHeads, hd = c / heads, ld = 3 * c
        let scale = 1 / Float(hd).squareRoot()
        let pq = SendablePointer(qkv), po = SendablePointer(out)
        // Relative terms of every head first (small: heads × tokens × 2E floats).
        var relH: SendablePointer<Float>? = nil, relW: SendablePointer<Float>? = nil
        if let tables {
            let bh = UnsafeMutablePointer<Float>.allocate(capacity: heads * n * e)
            let bw = UnsafeMutablePointer<Float>.allocate(capacity: heads * n * e)
            relH = SendablePointer(bh); relW = SendablePointer(bw)
            tables.h.withUnsafeBufferPointer { th in
                tables.w.withUnsafeBufferPointer { tw in
                    let ph = SendablePointer(UnsafeMutablePointer(mutating: th.baseAddress!))
                    let pw = SendablePointer(UnsafeMutablePointer(mutating: tw.baseAddress!))
                    let rh = SendablePointer(bh), rw = SendablePointer(bw)
                    Parallel.forRanges(heads) { range in
                        for h in range {
                            SAMGridAttention.relativeTerms(
                                q: pq.base + h * hd, ld: ld, height: e, width: e, headDim: hd, rows: 0..<e,
                                tableH: ph.base, tableW: pw.base, relH: rh.base + h * n * e, relW: rw.base + h * n * e)
                        }
                    }
                }
            }
        }
        defer { relH?.base.deallocate(); relW?.base.deallocate() }
        // Each head's Kᵀ and V packed once for all of its query blocks.
        let packedHeads = (0..<heads).map { h in
            SAMGridAttention.PackedHead(k: pq.base + c + h * hd, v: pq.base + 2 * c + h * hd, ld: ld, keys: n, headDim: hd)
        }
        // About 128 queries per block (the scores stay near L2), rounded to whole grid rows and,
        // when it costs at most one more row, to a multiple of the kernel's 12-row register tile.
        let rowsPerBlock = Self.queryRowsPerBlock(gridWidth: e)
        let blocksPerHead = (e + rowsPerBlock - 1) / rowsPerBlock
        Parallel.forRanges(heads * blocksPerHead) { range in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: rowsPerBlock * e * n)
            defer { scores.deallocate() }
            for task in range {
                let h = task / blocksPerHead, blockIndex = task % blocksPerHead
                let rows = (blockIndex * rowsPerBlock)..<min(e, (blockIndex + 1) * rowsPerBlock)
                let offset = h * n * e + rows.lowerBound * e * e
                SAMGridAttention.attendRows(
                    q: pq.base + h * hd, k: pq.base + c + h * hd, v: pq.base + 2 * c + h * hd, ld: ld,
                    height: e, width: e, headDim: hd, scale: scale, rows: rows,
                    relH: relH.map { UnsafePointer($0.base + offset) }, relW: relW.map { UnsafePointer($0.base + offset) },
                    out: po.base + rows.lowerBound * e * c + h * hd, ldo: c, scores: scores, packed: packedHeads[h])
            }
        }
    }

    /// Grid rows per query block of global attention: ⌊128 / width⌋ (at least 1), or one more
    /// when that makes the block's queries a multiple of 12 (no partly empty 12-row panel in
    /// either product).
    static func queryRowsPerBlock(gridWidth e: Int) -> Int {
        let rows = max(1, 128 / e)
        return (rows * e) % 12 != 0 && ((rows + 1) * e) % 12 == 0 ? rows + 1 : rows
    }

    /// Attention within non-overlapping windows of the grid padded to a multiple of the window.
    private func windowAttention(_ qkv: UnsafeMutablePointer<Float>, qkvBias: Tensor, tables: RelativeTables?,
                                 into out: UnsafeMutablePointer<Float>) {
        let cfg = configuration
        let e = cfg.embeddingSize, c = cfg.encoderEmbedDim, ws = cfg.encoderWindowSize
        let heads = cfg.encoderNumHeads, hd = c / heads, ld = 3 * c
        let scale = 1 / Float(hd).squareRoot()
        let across = (e + ws - 1) / ws
        let tokens = ws * ws
        let bias = qkvBias.scalars
        let noTable: [Float] = []
        let th = tables?.h ?? noTable, tw = tables?.w ?? noTable
        let useRel = tables != nil
        let pq = SendablePointer(qkv), po = SendablePointer(out)
        bias.withUnsafeBufferPointer { biasBuf in
            th.withUnsafeBufferPointer { thb in
                tw.withUnsafeBufferPointer { twb in
                    let pb = SendablePointer(UnsafeMutablePointer(mutating: biasBuf.baseAddress!))
                    let pth = thb.baseAddress.map { SendablePointer(UnsafeMutablePointer(mutating: $0)) }
                    let ptw = twb.baseAddress.map { SendablePointer(UnsafeMutablePointer(mutating: $0)) }
                    Parallel.forRanges(across * across) { range in
                        let win = UnsafeMutablePointer<Float>.allocate(capacity: tokens * ld)
                        let winOut = UnsafeMutablePointer<Float>.allocate(capacity: tokens * c)
                        let scores = UnsafeMutablePointer<Float>.allocate(capacity: tokens * tokens)
                        let relH = UnsafeMutablePointer<Float>.allocate(capacity: tokens * ws)
                        let relW = UnsafeMutablePointer<Float>.allocate(capacity: tokens * ws)
                        defer { win.deallocate(); winOut.deallocate(); scores.deallocate(); relH.deallocate(); relW.deallocate() }
                        for w in range {
                            let y0 = (w / across) * ws, x0 = (w % across) * ws
                            for i in 0..<ws {
                                for j in 0..<ws {
                                    let gy = y0 + i, gx = x0 + j
                                    let dst = win + (i * ws + j) * ld
                                    if gy < e && gx < e {
                                        dst.update(from: pq.base + (gy * e + gx) * ld, count: ld)
                                    } else {
                                        dst.update(from: pb.base, count: ld)  // zero token after the QKV projection
                                    }
                                }
                            }
                            for h in 0..<heads {
                                if useRel, let pth, let ptw {
                                    SAMGridAttention.relativeTerms(
                                        q: win + h * hd, ld: ld, height: ws, width: ws, headDim: hd, rows: 0..<ws,
                                        tableH: pth.base, tableW: ptw.base, relH: relH, relW: relW)
                                }
                                SAMGridAttention.attendRows(
                                    q: win + h * hd, k: win + c + h * hd, v: win + 2 * c + h * hd, ld: ld,
                                    height: ws, width: ws, headDim: hd, scale: scale, rows: 0..<ws,
                                    relH: useRel ? UnsafePointer(relH) : nil, relW: useRel ? UnsafePointer(relW) : nil,
                                    out: winOut + h * hd, ldo: c, scores: scores)
                            }
                            for i in 0..<ws where y0 + i < e {
                                for j in 0..<ws where x0 + j < e {
                                    (po.base + ((y0 + i) * e + x0 + j) * c).update(from: winOut + (i * ws + j) * c, count: c)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// 1×1 conv (a GEMM over tokens), LayerNorm2d (a row norm in token layout), then to
    /// channels-first for the 3×3 conv and the last LayerNorm2d.
    private func neck(_ x: UnsafePointer<Float>) -> Tensor {
        let cfg = configuration
        let e = cfg.embeddingSize, n = e * e, o = cfg.promptEmbedDim
        let eps = Float(cfg.layerNormEps)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: n * o)
        defer { y.deallocate() }
        GEMM.linear(x, rows: n, weight: packed.neckConv1, bias: nil, into: y)
        layerNorm(y, weights.neckNorm1Weight, weights.neckNorm1Bias, eps, into: y, rows: n, cols: o)
        let planes = Tensor(shape: [1, o, e, e]) { out in
            let src = SendablePointer(y), dst = SendablePointer(out.baseAddress!)
            Parallel.forRanges(o, grain: 16) { channels in
                for ch in channels {
                    let plane = dst.base + ch * n
                    for t in 0..<n { plane[t] = src.base[t * o + ch] }
                }
            }
        }
        var z = Convolution.conv2d(planes, weight: weights.neckConv2, padding: .square(1)).reshaped([o, e, e])
        z.withUnsafeMutableFloats { buf in
            weights.neckNorm2Weight.withUnsafeFloats { g in
                weights.neckNorm2Bias.withUnsafeFloats { b in
                    Normalization.layerNormChannels(buf.baseAddress!, channels: o, pixels: n, gamma: g.baseAddress!, beta: b.baseAddress!, eps: eps)
                }
            }
        }
        return z
    }

    // MARK: - Checks

    /// Every weight's shape against the configuration, all problems at once.
    static func check(_ w: SAMImageEncoderWeights, _ cfg: SAMConfiguration) throws {
        let c = cfg.encoderEmbedDim, p = cfg.patchSize, e = cfg.embeddingSize, o = cfg.promptEmbedDim
        let hidden = Int(Double(c) * cfg.encoderMLPRatio), hd = c / max(cfg.encoderNumHeads, 1)
        var bad: [ModelError.ShapeMismatch] = []
        func expect(_ name: String, _ t: Tensor, _ shape: [Int]) {
            if t.shape != shape { bad.append(.init(key: name, expected: shape, found: t.shape)) }
        }
        expect("patch_embed.proj.weight", w.patchEmbedWeight, [c, 3, p, p])
        expect("patch_embed.proj.bias", w.patchEmbedBias, [c])
        expect("pos_embed", w.posEmbed, [1, e, e, c])
        var missing: [String] = []
        if w.blocks.count != cfg.encoderDepth { missing.append("blocks: \(w.blocks.count) given, encoder_depth is \(cfg.encoderDepth)") }
        for (i, b) in w.blocks.enumerated() {
            let k = "blocks.\(i)."
            expect(k + "norm1.weight", b.norm1Weight, [c]); expect(k + "norm1.bias", b.norm1Bias, [c])
            expect(k + "attn.qkv.weight", b.qkvWeight, [3 * c, c]); expect(k + "attn.qkv.bias", b.qkvBias, [3 * c])
            expect(k + "attn.proj.weight", b.projWeight, [c, c]); expect(k + "attn.proj.bias", b.projBias, [c])
            expect(k + "norm2.weight", b.norm2Weight, [c]); expect(k + "norm2.bias", b.norm2Bias, [c])
            expect(k + "mlp.lin1.weight", b.mlp1Weight, [hidden, c]); expect(k + "mlp.lin1.bias", b.mlp1Bias, [hidden])
            expect(k + "mlp.lin2.weight", b.mlp2Weight, [c, hidden]); expect(k + "mlp.lin2.bias", b.mlp2Bias, [c])
            if cfg.encoderUseRelPos {
                for (name, t) in [("attn.rel_pos_h", b.relPosH), ("attn.rel_pos_w", b.relPosW)] {
                    guard let t else { missing.append(k + name); continue }
                    if t.rank != 2 || t.shape[0] < 1 || t.shape[1] != hd {
                        bad.append(.init(key: k + name, expected: [2 * (isGlobal(i, cfg) ? e : cfg.encoderWindowSize) - 1, hd], found: t.shape))
                    }
                }
            }
        }
        expect("neck.0.weight", w.neckConv1, [o, c, 1, 1])
        expect("neck.1.weight", w.neckNorm1Weight, [o]); expect("neck.1.bias", w.neckNorm1Bias, [o])
        expect("neck.2.weight", w.neckConv2, [o, o, 3, 3])
        expect("neck.3.weight", w.neckNorm2Weight, [o]); expect("neck.3.bias", w.neckNorm2Bias, [o])
        if !bad.isEmpty || !missing.isEmpty {
            throw ModelError.checkpointMismatch(model: "SAM image encoder", missing: missing, unused: [], misshaped: bad)
        }
    }
}
