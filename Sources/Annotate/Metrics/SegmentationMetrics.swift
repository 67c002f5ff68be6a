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
