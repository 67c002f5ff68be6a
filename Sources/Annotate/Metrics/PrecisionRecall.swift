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
