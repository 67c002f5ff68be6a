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

/// Dataset-level scores: LISA's gIoU and cIoU, plus precision/recall at IoU thresholds.
public struct SegmentationMetrics: Sendable, Hashable, Codable {
    /// Mean of per-mask `lisaIoU` (empty vs empty = 1.0).
    public var gIoU: Double
    /// Total intersection / total union over the dataset (`+ 1e-10`, as LISA).
    public var cIoU: Double
    /// Number of masks scored.
    public var count: Int

    /// gIoU and cIoU over per-mask scores.
    public init(scores: [MaskScore]) {
        count = scores.count
        let totalI = scores.reduce(0) { $0 + $1.intersection }
        let totalU = scores.reduce(0) { $0 + $1.union }
        gIoU = scores.isEmpty ? 0 : scores.reduce(0.0) { $0 + $1.lisaIoU } / Double(scores.count)
        cIoU = Double(totalI) / (Double(totalU) + 1e-10)
    }

    /// The fraction of masks whose IoU exceeds each threshold (RefCOCO-style "Pr@τ").
    public static func successRate(_ scores: [MaskScore], thresholds: [Double]) -> [Double] {
        thresholds.map { t in
            scores.isEmpty ? 0 : Double(scores.filter { $0.iou > t }.count) / Double(scores.count)
        }
    }
}

/// Instance-level precision and recall at one IoU threshold: predictions are matched to
/// ground-truth masks greedily, highest IoU first, each used at most once; a match needs
/// IoU ≥ threshold.
public struct PrecisionRecall: Sendable, Hashable, Codable {
    public var threshold: Double
    public var truePositives: Int
    public var predictions: Int
    public var groundTruths: Int
    /// TP / predictions (1 when there are no predictions).
    public var precision: Double { predictions == 0 ? 1 : Double(truePositives) / Double(predictions) }
    /// TP / ground truths (1 when there is no ground truth).
    public var recall: Double { groundTruths == 0 ? 1 : Double(truePositives) / Double(groundTruths) }

    /// Matches at each threshold; `iou[p][g]` is the IoU of prediction p with ground truth g
    /// (e.g. from `RLE.iou`).
    public static func evaluate(iou: [[Double]], groundTruths: Int, thresholds: [Double]) -> [PrecisionRecall] {
        var pairs = [(Double, Int, Int)]()
        for (p, row) in iou.enumerated() { for (g, v) in row.enumerated() { pairs.append((v, p, g)) } }
        pairs.sort { $0.0 != $1.0 ? $0.0 > $1.0 : ($0.1, $0.2) < ($1.1, $1.2) }
        return thresholds.map { t in
            var usedP = Set<Int>(), usedG = Set<Int>()
            for (v, p, g) in pairs where v >= t && !usedP.contains(p) && !usedG.contains(g) {
                usedP.insert(p); usedG.insert(g)
            }
            return PrecisionRecall(threshold: t, truePositives: usedP.count, predictions: iou.count, groundTruths: groundTruths)
        }
    }
}
