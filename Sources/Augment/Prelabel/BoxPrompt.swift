import Model

/// The SAM box prompt for a stored annotation's box: COCO-style `[x, y, w, h]` becomes the
/// corners (x, y) and (x + w, y + h), the convention of Meta's automatic mask generator
/// (`box_xyxy_to_xywh` and back). OpenImages rows keep the annotated box in their attributes
/// (`BoxXMin`… normalized to [0, 1]); it is used instead of the mask's bounding box when present,
/// since the mask may not fill the box the annotator drew.
public enum BoxPrompt {
    public static func box(bbox: [Double], attributes: [String: Any]?, imageWidth: Int, imageHeight: Int) -> SAMPrompt.Box? {
        if let a = attributes, let x0 = number(a["BoxXMin"]), let x1 = number(a["BoxXMax"]),
           let y0 = number(a["BoxYMin"]), let y1 = number(a["BoxYMax"]), x1 > x0, y1 > y0 {
            return SAMPrompt.Box(x0: x0 * Double(imageWidth), y0: y0 * Double(imageHeight),
                                 x1: x1 * Double(imageWidth), y1: y1 * Double(imageHeight))
        }
        guard bbox.count == 4, bbox.allSatisfy(\.isFinite), bbox[2] > 0, bbox[3] > 0 else { return nil }
        return SAMPrompt.Box(x0: bbox[0], y0: bbox[1], x1: bbox[0] + bbox[2], y1: bbox[1] + bbox[3])
    }

    static func number(_ value: Any?) -> Double? {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        if let s = value as? String { return Double(s) }
        return nil
    }
}
