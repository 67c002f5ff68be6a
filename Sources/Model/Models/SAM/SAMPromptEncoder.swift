/// Turns a `SAMPrompt` into SAM's sparse tokens and dense prompt (follows Meta's
/// `PromptEncoder` and LISA's `text_embeds` extension of it):
/// - points: +0.5 (pixel centre), normalized by the input frame, Fourier-encoded, plus the
///   positive/negative embedding; label -1 gives `not_a_point_embed` instead of an encoding. A
///   padding point (label -1) is appended when there are points but no box.
/// - a box: its two corners encoded like points, plus corner embeddings 2 and 3.
/// - text embeddings (LISA): appended as they are after the point and box tokens.
/// - dense: the mask input through `SAMMaskDownscaling`, or `no_mask_embed` everywhere.
/// Keys `<key>.pe_layer.positional_encoding_gaussian_matrix`, `<key>.point_embeddings.<0-3>.weight`,
/// `<key>.not_a_point_embed.weight`, `<key>.no_mask_embed.weight`, `<key>.mask_downscaling.*`.
public struct SAMPromptEncoder: Sendable {
    public let embedDim: Int
    /// Side of the image embedding grid (H = W).
    public let embeddingSide: Int
    /// Side of the square input frame (`image_size`) that point coordinates are normalized by.
    public let inputSide: Int
    public let positionEmbedding: SAMPositionEmbedding
    /// Negative, positive, box top-left, box bottom-right.
    public let pointEmbeddings: [[Float]]
    public let notAPoint: [Float]
    public let noMask: [Float]
    public let maskDownscaling: SAMMaskDownscaling
    /// The dense positional encoding of the embedding grid, rows [H·W, C] (computed once).
    public let densePE: [Float]

    public init(loading key: String, from loader: inout WeightLoader, configuration c: SAMConfiguration) throws {
        embedDim = c.promptEmbedDim
        embeddingSide = c.embeddingSize
        inputSide = c.imageSize
        positionEmbedding = SAMPositionEmbedding(
            gaussian: try loader.take("\(key).pe_layer.positional_encoding_gaussian_matrix", shape: [2, c.promptEmbedDim / 2]))
        pointEmbeddings = try (0..<4).map { try loader.take("\(key).point_embeddings.\($0).weight", shape: [1, c.promptEmbedDim]).scalars }
        notAPoint = try loader.take("\(key).not_a_point_embed.weight", shape: [1, c.promptEmbedDim]).scalars
        noMask = try loader.take("\(key).no_mask_embed.weight", shape: [1, c.promptEmbedDim]).scalars
        maskDownscaling = try SAMMaskDownscaling(loading: "\(key).mask_downscaling", from: &loader,
                                                 maskChannels: c.maskInChans, embedDim: c.promptEmbedDim)
        densePE = positionEmbedding.grid(height: c.embeddingSize, width: c.embeddingSize)
    }

    /// Side of the mask input SAM takes (4 × the embedding side: 256 for the published models).
    public var maskInputSide: Int { 4 * embeddingSide }

    /// Checks what the type system cannot: finite coordinates, sizes of the mask and text inputs.
    public func validate(_ prompt: SAMPrompt) throws {
        for (i, p) in prompt.points.enumerated() where !p.x.isFinite || !p.y.isFinite {
            throw SAMError.invalidPrompt(field: "point \(i + 1)", reason: "coordinates (\(p.x), \(p.y)) are not finite")
        }
        if let b = prompt.box {
            if ![b.x0, b.y0, b.x1, b.y1].allSatisfy(\.isFinite) {
                throw SAMError.invalidPrompt(field: "box", reason: "coordinates are not finite")
            }
        }
        if let m = prompt.maskInput, m.count != maskInputSide * maskInputSide {
            throw SAMError.invalidPrompt(field: "mask input", reason: "has \(m.count) values, needs \(maskInputSide)×\(maskInputSide)")
        }
        for (i, t) in prompt.textEmbeddings.enumerated() where t.count != embedDim {
            throw SAMError.invalidPrompt(field: "text embedding \(i + 1)", reason: "has \(t.count) values, needs \(embedDim)")
        }
    }

    /// The sparse tokens, rows [N, C]: points (+ padding point), box corners, text embeddings.
    /// Coordinates are pixels of the resized input frame.
    public func sparse(_ prompt: SAMPrompt) throws -> [Float] {
        try validate(prompt)
        var points = prompt.points.map { (Float($0.x), Float($0.y), $0.label.rawValue) }
        if !points.isEmpty && prompt.box == nil { points.append((0, 0, -1)) }  // Meta pads after the shift: (0,0)+0.5 is never encoded anyway
        var corners: [(Float, Float, Int)] = []
        if let b = prompt.box { corners = [(Float(b.x0), Float(b.y0), 2), (Float(b.x1), Float(b.y1), 3)] }
        let rows = points.count + corners.count + prompt.textEmbeddings.count
        let dim = embedDim, side = (height: inputSide, width: inputSide)
        var out = [Float](repeating: 0, count: rows * dim)
        out.withUnsafeMutableBufferPointer { o in
            var r = 0
            for (x, y, label) in points {
                let row = o.baseAddress! + r * dim
                if label == -1 {
                    for j in 0..<dim { row[j] = notAPoint[j] }
                } else {
                    positionEmbedding.encode(pixelX: x + 0.5, pixelY: y + 0.5, inputSize: side, into: row)
                    let e = pointEmbeddings[label]
                    for j in 0..<dim { row[j] += e[j] }
                }
                r += 1
            }
            for (x, y, which) in corners {
                let row = o.baseAddress! + r * dim
                positionEmbedding.encode(pixelX: x + 0.5, pixelY: y + 0.5, inputSize: side, into: row)
                let e = pointEmbeddings[which]
                for j in 0..<dim { row[j] += e[j] }
                r += 1
            }
            for t in prompt.textEmbeddings {
                for j in 0..<dim { o[r * dim + j] = t[j] }
                r += 1
            }
        }
        return out
    }

    /// The dense prompt [C, H, W]: the mask input's embedding, or nil when there is no mask
    /// input (the decoder then adds `noMask` to every pixel).
    public func dense(_ prompt: SAMPrompt) throws -> [Float]? {
        try validate(prompt)
        guard let mask = prompt.maskInput else { return nil }
        return maskDownscaling(mask, side: maskInputSide)
    }
}
