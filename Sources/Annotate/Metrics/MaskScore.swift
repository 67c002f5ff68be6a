/// Intersection and union of one prediction against one ground truth, as LISA counts them
/// (`intersectionAndUnionGPU` with K = 2, ignore_index 255): ground-truth pixels equal to 255
/// are left out of both.
public struct MaskScore: Sendable, Hashable, Codable {
    /// Foreground pixels in both.
    public var intersection: Int
    /// Foreground pixels in either (ignored pixels excluded).
    public var union: Int

    public init(intersection: Int, union: Int) { self.intersection = intersection; self.union = union }

    /// Per-mask IoU exactly as LISA accumulates it for gIoU: `I / (U + 1e-5)` in float32,
    /// and 1.0 when the union is empty (empty prediction on an empty target).
    public var lisaIoU: Double {
        if union == 0 { return 1.0 }
        return Double(Float(intersection) / (Float(union) + Float(1e-5)))
    }

    /// Plain IoU `I / U` (1 when both are empty).
    public var iou: Double { union == 0 ? 1 : Double(intersection) / Double(union) }

    /// Scores `prediction` against `groundTruth` (0 background, 1 target, 255 ignore; any
    /// other value counts as background, as LISA's 2-bin histogram drops it).
    public init(prediction: BinaryMask, groundTruth: LabelMask) throws(MaskError) {
        guard prediction.width == groundTruth.width, prediction.height == groundTruth.height else {
            throw .sizeMismatch(operation: "score", expected: "\(groundTruth.width)x\(groundTruth.height) (ground truth)",
                                actual: "\(prediction.width)x\(prediction.height) (prediction)")
        }
        var inter = 0, predicted = 0, target = 0
        prediction.pixels.withUnsafeBufferPointer { p in
            groundTruth.values.withUnsafeBufferPointer { g in
                for i in 0..<p.count {
                    let gv = g[i]
                    if gv == LabelMask.ignore { continue }
                    let pv = Int(p[i])
                    let tv = gv == 1 ? 1 : 0
                    predicted += pv
                    target += tv
                    inter += pv & tv
                }
            }
        }
        self.init(intersection: inter, union: predicted + target - inter)
    }
}
